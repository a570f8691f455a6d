//! Reports: Markdown with SVG figures (plotters), and the same report as one self-contained
//! HTML page (`index.html`, figures inline), written atomically into a directory.
//!
//! [`Report`] collects Markdown, its HTML rendering and figures; [`Report::calibration`] and
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
//! let page = std::fs::read_to_string(dir.join(escalation::report::HTML_NAME)).unwrap();
//! assert!(page.contains("<figure><svg"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod difference;
mod fans;
mod html;
mod plot;
mod sections;
mod story;
mod style;
mod timeline;

pub use html::escape as escape_html;
pub use plot::{bar_chart_svg, density_svg, fan_chart_svg, outcome_chart_svg, FanBands};
pub use story::Reproduction;

use std::io::Write;
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

/// The name of the HTML page [`Report::write`] writes beside the Markdown.
pub const HTML_NAME: &str = "index.html";

/// A Markdown document with its SVG figures, and the same content as HTML.
#[derive(Debug, Clone, Default)]
pub struct Report {
    title: String,
    markdown: String,
    html: String,
    sections: Vec<(String, String)>,
    figures: Vec<(String, String)>,
}

impl Report {
    /// A report whose first line is the title `# title`.
    pub fn new(title: &str) -> Self {
        Report {
            title: title.to_string(),
            markdown: format!("# {title}\n\n"),
            ..Report::default()
        }
    }

    /// Add a heading of `level` (2 for a section, 3 for a subsection). Sections (level 2)
    /// are listed in the HTML page's table of contents.
    pub fn heading(&mut self, level: usize, text: &str) -> &mut Self {
        let level = level.clamp(2, 6);
        self.markdown
            .push_str(&format!("{} {text}\n\n", "#".repeat(level)));
        let mut id = html::slug(text);
        if self.sections.iter().any(|(_, s)| *s == id)
            || self.html.contains(&format!("id=\"{id}\""))
        {
            id = format!("{id}-{}", self.html.len());
        }
        if level == 2 {
            self.sections.push((text.to_string(), id.clone()));
        }
        self.html.push_str(&format!(
            "<h{level} id=\"{id}\">{}</h{level}>\n",
            html::inline(text)
        ));
        self
    }

    /// Add a paragraph of text (lines all starting with `- ` make a list).
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.markdown.push_str(text.trim_end());
        self.markdown.push_str("\n\n");
        self.html.push_str(&html::block(text));
        self
    }

    /// Add a block of preformatted text (commands), verbatim in both renderings.
    pub fn code_block(&mut self, text: &str) -> &mut Self {
        self.markdown
            .push_str(&format!("```\n{}\n```\n\n", text.trim_end()));
        self.html.push_str(&format!(
            "<pre><code>{}</code></pre>\n",
            html::escape(text.trim_end())
        ));
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
        let head: String = headers
            .iter()
            .map(|h| format!("<th>{}</th>", html::inline(h)))
            .collect();
        self.html.push_str(&format!(
            "<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        ));
        for row in rows {
            let cells: String = row
                .iter()
                .map(|c| {
                    // Numbers, percentages and intervals align right.
                    let rest: String = c
                        .replace(" pp", "")
                        .chars()
                        .filter(|ch| !"[]%+-−., ".contains(*ch))
                        .collect();
                    // A date (2025-01-26) is not a number.
                    let dated = c
                        .as_bytes()
                        .windows(2)
                        .any(|w| w[0].is_ascii_digit() && w[1] == b'-');
                    let numeric =
                        !dated && !rest.is_empty() && rest.chars().all(|ch| ch.is_ascii_digit());
                    let class = if numeric { " class=\"n\"" } else { "" };
                    format!("<td{class}>{}</td>", html::inline(c))
                })
                .collect();
            self.html.push_str(&format!("<tr>{cells}</tr>\n"));
        }
        self.html.push_str("</tbody>\n</table>\n");
        self
    }

    /// Add a figure: the SVG is saved as `file_name` beside the Markdown and embedded with
    /// `caption` as its alt text; the HTML page carries it inline.
    pub fn figure(&mut self, file_name: &str, caption: &str, svg: String) -> &mut Self {
        self.markdown
            .push_str(&format!("![{caption}]({file_name})\n\n*{caption}*\n\n"));
        self.html.push_str(&format!(
            "<figure>{}<figcaption>{}</figcaption></figure>\n",
            html::inline_svg(&svg).trim_end(),
            html::inline(caption)
        ));
        self.figures.push((file_name.to_string(), svg));
        self
    }

    /// The HTML page: the whole report as one self-contained document (figures inline, no
    /// script, no external resource).
    pub fn html(&self) -> String {
        html::page(&self.title, &self.sections, &self.html)
    }

    /// The Markdown so far.
    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// Write the Markdown as `dir/markdown_name`, the HTML page as `dir/`[`HTML_NAME`] and
    /// every figure beside them; creates `dir` if needed. Returns the Markdown file's path.
    ///
    /// Every file is first written in full to a temporary file beside its target and synced
    /// to disk; only when all of them are written are they renamed over the targets. So a
    /// failure while writing (a full disk, a read-only directory) leaves an earlier report
    /// in `dir` as it was.
    ///
    /// # Errors
    /// [`ReportError::FigureName`] for a figure name with a path separator or without the
    /// `.svg` extension, [`ReportError::Io`] if `dir` is not a
    /// directory or a file cannot be written.
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
        let html = self.html();
        let mut files: Vec<(PathBuf, &[u8])> = self
            .figures
            .iter()
            .map(|(name, svg)| (dir.join(name), svg.as_bytes()))
            .collect();
        files.push((dir.join(HTML_NAME), html.as_bytes()));
        let path = dir.join(markdown_name);
        files.push((path.clone(), self.markdown.as_bytes()));
        // A directory in a file's place would only fail at its rename, after others: refuse
        // it before anything is written.
        if let Some((target, _)) = files.iter().find(|(t, _)| t.is_dir()) {
            return Err(ReportError::Io {
                path: target.clone(),
                source: std::io::Error::other("is a directory"),
            });
        }
        let mut staged = Vec::with_capacity(files.len());
        for (target, bytes) in &files {
            let io = |source| ReportError::Io {
                path: target.clone(),
                source,
            };
            let mut file = crate::mc::AtomicFile::create(target).map_err(io)?;
            file.write_all(bytes).map_err(io)?;
            file.sync().map_err(io)?;
            staged.push((target, file));
        }
        // Everything is on disk: only renames are left.
        for (target, file) in staged {
            file.commit().map_err(|source| ReportError::Io {
                path: target.clone(),
                source,
            })?;
        }
        Ok(path)
    }
}
