//! `escalation report -o DIR` writes `DIR/index.html`: one self-contained page (every figure
//! inline, nothing loaded from the network, no script) with every section of issue #18,
//! scenario text escaped; rendered in headless Chromium when it is installed (screenshot
//! kept as `target/tmp/report-screenshot.png`, in Cargo's target directory wherever it is).
//! A failed report leaves an earlier one intact.

mod cli_common;

use cli_common::{arg, escalation, stderr, temp_dir, SCENARIO};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The sections a reader needs, in order (issue #18).
const SECTIONS: [&str; 8] = [
    "The question",
    "The documented timeline",
    "What calibration learned",
    "Outcome probabilities",
    "Counterfactuals",
    "Tariff levied by day",
    "The model&#39;s limits",
    "How to reproduce these numbers",
];

/// A copy of the Colombia scenario whose title and description carry markup, so the page
/// must escape them.
fn hostile_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(SCENARIO).expect("the Colombia scenario");
    let text = text
        .replacen(
            "title = \"US–Colombia deportation flights, January 2025\"",
            "title = \"US–Colombia <script>alert(1)</script> & flights\"",
            1,
        )
        .replacen(
            "description = \"\"\"\n",
            "description = \"\"\"\n<img src=\"http://example.com/x.png\" onerror=\"alert(2)\"> ",
            1,
        );
    assert!(text.contains("<script>") && text.contains("<img"));
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text).expect("write the scenario copy");
    path
}

/// The report of `scenario` into `out`, small enough to be quick.
fn report(scenario: &Path, out: &Path) -> std::process::Output {
    escalation(&[
        "report",
        arg(scenario),
        "-o",
        arg(out),
        "--runs",
        "100",
        "--draws",
        "300",
        "--seed",
        "7",
    ])
}

fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

#[test]
fn report_writes_one_self_contained_page_with_every_section() {
    let dir = temp_dir().join("report_html");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = hostile_scenario(&dir);
    let out = dir.join("report");
    let run = report(&scenario, &out);
    assert!(run.status.success(), "report failed: {}", stderr(&run));
    let html = std::fs::read_to_string(out.join("index.html")).expect("index.html written");

    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing fetched, nothing run.
    for bad in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
    ] {
        assert!(!html.contains(bad), "index.html contains `{bad}`");
    }
    // The scenario's markup is shown as text.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; flights"));
    assert!(html.contains("&lt;img src=&quot;http://example.com/x.png&quot;"));
    // Every section, in order.
    let mut at = 0;
    for section in SECTIONS {
        let found = html[at..]
            .find(&format!(">{section}</h2>"))
            .unwrap_or_else(|| panic!("no section `{section}` after byte {at}"));
        at += found;
    }
    // Every figure written beside the page is inline in it, and nothing else is.
    let mut figures = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            assert!(
                html.contains(svg.trim()),
                "{} is not inline in index.html",
                path.display()
            );
            figures += 1;
        }
    }
    assert!(figures >= 10, "only {figures} figures");
    assert_eq!(html.matches("<svg").count(), figures);
    // The documented path, the outcome marked against the prediction, and how to reproduce.
    assert!(out.join("timeline.svg").is_file());
    assert!(html.contains("documented outcome"));
    assert!(html.contains("escalation report "));
    assert!(html.contains("--runs 100 --seed 7 --draws 300"));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    assert!(html.contains("fnv1a64:"));
    // Probabilities on the axes as percentages.
    assert!(html.contains("\n100%\n"), "no axis label 100%");

    // The same command gives the same page (the command names the same directory).
    let again = report(&scenario, &out);
    assert!(
        again.status.success(),
        "second report failed: {}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        html,
        "the same command wrote a different page"
    );

    browser_check(&out.join("index.html"), figures);
}

/// Renders the page in headless Chromium, when installed: every figure in the DOM, no
/// console message, a screenshot in Cargo's temporary directory for tests (`target/tmp/`).
fn browser_check(page: &Path, figures: usize) {
    let Some(chromium) = find_on_path(&["chromium", "chromium-browser", "google-chrome"]) else {
        println!("browser check skipped: no chromium on PATH");
        return;
    };
    let url = format!("file://{}", page.display());
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let dom = Command::new(&chromium)
        .args(common)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(dom.status.success(), "chromium --dump-dom failed");
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom_text.contains("How to reproduce these numbers"));
    assert_eq!(
        dom_text.matches("<svg").count(),
        figures,
        "figures in the DOM"
    );
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let run = Command::new(&chromium)
        .args(common)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(run.status.success(), "chromium --screenshot failed");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000);
    println!("browser check passed; screenshot in {}", shot.display());
}

#[test]
fn a_file_as_output_is_refused_and_left_as_it_was() {
    let dir = temp_dir().join("report_html_file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("not_a_dir");
    std::fs::write(&file, "keep me").unwrap();
    let run = report(Path::new(SCENARIO), &file);
    assert!(!run.status.success());
    let message = stderr(&run);
    assert!(
        message.contains("not_a_dir") && message.contains("not a directory"),
        "unclear message: {message}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[cfg(unix)]
#[test]
fn an_unwritable_directory_keeps_its_earlier_report() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir().join("report_html_readonly");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["index.html", "report.md", "outcomes.svg"] {
        std::fs::write(dir.join(name), format!("earlier {name}")).unwrap();
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anyway: then there is nothing to check.
    if std::fs::write(dir.join("probe"), "x").is_ok() {
        let _ = std::fs::remove_file(dir.join("probe"));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        println!("skipped: this user can write to a read-only directory");
        return;
    }
    let run = report(Path::new(SCENARIO), &dir);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("ermission denied"),
        "{}",
        stderr(&run)
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["index.html", "outcomes.svg", "report.md"]);
    for name in names {
        assert_eq!(
            std::fs::read_to_string(dir.join(&name)).unwrap(),
            format!("earlier {name}")
        );
    }
}
