//! Reports: Markdown with SVG figures (plotters), written atomically into a directory.
//!
//! [`Report`] collects Markdown and figures; [`Report::calibration`] and
//! [`Report::comparison`] add the standard sections for a [`Posterior`](crate::calibrate::Posterior)
//! and a [`Comparison`](crate::whatif::Comparison); the plot functions can also be used on
//! their own.
//!
//! # Examples
//! ```
//! use escalation::report::{bar_chart_svg, Report};
//! let svg = bar_chart_svg(
//!     "Outcomes",
//!     "probability",
//!     &["concedes".to_string(), "holds".to_string()],
//!     &[("baseline".to_string(), vec![0.7, 0.3])],
//! )
//! .unwrap();
//! let mut report = Report::new("Example");
//! report.paragraph("A figure:");
//! report.figure("outcomes.svg", "Outcome probabilities", svg);
//! let dir = std::env::temp_dir().join(format!("report_doc_{}", std::process::id()));
//! let index = report.write(&dir, "report.md").unwrap();
//! assert!(std::fs::read_to_string(&index).unwrap().contains("![Outcome probabilities](outcomes.svg)"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod fans;
mod plot;
mod sections;

pub use plot::{bar_chart_svg, density_svg, fan_chart_svg, FanBands};

use std::path::{Path, PathBuf};

/// What went wrong while building or writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A figure could not be drawn.
    #[error("figure `{figure}`: {reason}")]
    Plot {
        /// The figure's title.
        figure: String,
        /// What plotters (or the input check) said.
        reason: String,
    },
    /// A file or directory could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An arm of the counterfactuals could not be set up or solved.
    #[error("{arm}: {reason}")]
    Arm {
        /// The arm ("baseline" or the intervention's name).
        arm: String,
        /// What went wrong.
        reason: String,
    },
    /// A figure's file name is not a plain file name.
    #[error("figure file name `{name}` must be a plain file name ending in .svg")]
    FigureName {
        /// The name given.
        name: String,
    },
}

/// A Markdown document with its SVG figures.
#[derive(Debug, Clone, Default)]
pub struct Report {
    markdown: String,
    figures: Vec<(String, String)>,
}

impl Report {
    /// A report whose first line is the title `# title`.
    pub fn new(title: &str) -> Self {
        Report {
            markdown: format!("# {title}\n\n"),
            figures: Vec::new(),
        }
    }

    /// Add a heading of `level` (2 for a section, 3 for a subsection).
    pub fn heading(&mut self, level: usize, text: &str) -> &mut Self {
        self.markdown
            .push_str(&format!("{} {text}\n\n", "#".repeat(level.clamp(1, 6))));
        self
    }

    /// Add a paragraph of text.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.markdown.push_str(text.trim_end());
        self.markdown.push_str("\n\n");
        self
    }

    /// Add a table (cells' `|` are escaped).
    pub fn table(&mut self, headers: &[&str], rows: &[Vec<String>]) -> &mut Self {
        let esc = |s: &str| s.replace('|', "\\|");
        self.markdown.push_str(&format!(
            "| {} |\n|{}\n",
            headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | "),
            " --- |".repeat(headers.len())
        ));
        for row in rows {
            self.markdown.push_str(&format!(
                "| {} |\n",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        self.markdown.push('\n');
        self
    }

    /// Add a figure: the SVG is saved as `file_name` beside the Markdown and embedded with
    /// `caption` as its alt text.
    pub fn figure(&mut self, file_name: &str, caption: &str, svg: String) -> &mut Self {
        self.markdown
            .push_str(&format!("![{caption}]({file_name})\n\n*{caption}*\n\n"));
        self.figures.push((file_name.to_string(), svg));
        self
    }

    /// The Markdown so far.
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// Write the Markdown as `dir/markdown_name` and every figure beside it, each file
    /// atomically (temporary file then rename); creates `dir` if needed. Returns the
    /// Markdown file's path.
    ///
    /// # Errors
    /// [`ReportError::FigureName`] for a figure name with a path separator or without the
    /// `.svg` extension, [`ReportError::Io`] if a file cannot be written.
    pub fn write(&self, dir: &Path, markdown_name: &str) -> Result<PathBuf, ReportError> {
        std::fs::create_dir_all(dir).map_err(|e| ReportError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        for (name, _) in &self.figures {
            let plain = Path::new(name).file_name().map(|f| f == name.as_str());
            if plain != Some(true) || !name.ends_with(".svg") {
                return Err(ReportError::FigureName { name: name.clone() });
            }
        }
        for (name, svg) in &self.figures {
            write(&dir.join(name), svg.as_bytes())?;
        }
        let path = dir.join(markdown_name);
        write(&path, self.markdown.as_bytes())?;
        Ok(path)
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    crate::mc::write_atomic(path, bytes).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}
