//! The module map in `src/lib.rs` is the code's: each module's entry there, `[`m`] (uses
//! `a`, `b`)`, names exactly the crate's modules its code (not its comments) refers to
//! through `crate::`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Top-level modules declared in lib.rs (`pub mod x;`).
fn modules(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

/// Each module's uses as the map states them.
fn documented(lib: &str, modules: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let docs: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("//!")).collect();
    let text = docs.join("\n");
    let mut out = BTreeMap::new();
    for m in modules {
        let entry = format!("- [`{m}`]");
        let start = text
            .find(&entry)
            .unwrap_or_else(|| panic!("no entry for {m}"));
        let rest = &text[start + entry.len()..];
        let uses = match rest.strip_prefix(" (uses ") {
            Some(r) => r[..r.find(')').unwrap()]
                .split(',')
                .map(|u| u.trim().trim_matches('`').to_string())
                .collect(),
            None => BTreeSet::new(),
        };
        out.insert(m.clone(), uses);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules each module's code refers to as `crate::other`.
fn actual(modules: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for m in modules {
        let mut files = Vec::new();
        let dir = Path::new(SRC).join(m);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = Path::new(SRC).join(format!("{m}.rs"));
        if file.is_file() {
            files.push(file);
        }
        let mut uses = BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for other in modules.iter().filter(|o| *o != m) {
                    let path = format!("crate::{other}");
                    let mut rest = line;
                    while let Some(i) = rest.find(&path) {
                        let after = rest[i + path.len()..].chars().next();
                        if !after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            uses.insert(other.clone());
                        }
                        rest = &rest[i + path.len()..];
                    }
                }
            }
        }
        out.insert(m.clone(), uses);
    }
    out
}

#[test]
fn module_map_matches_the_imports() {
    let lib = std::fs::read_to_string(Path::new(SRC).join("lib.rs")).unwrap();
    let modules = modules(&lib);
    assert!(modules.len() >= 10, "{modules:?}");
    assert_eq!(documented(&lib, &modules), actual(&modules));
}
