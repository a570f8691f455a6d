//! Every file of `tests/malformed_scenarios/` (written by its `generate.py`) must fail with a
//! clear error naming the problem and its line; `valid_base.toml`, the file they all derive
//! from, must pass.

use escalation::scenario::Scenario;
use std::path::Path;

#[test]
fn malformed_scenarios_fail_with_located_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed_scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let expect = lines
            .next()
            .unwrap()
            .trim_start_matches("# expect: ")
            .to_string();
        let line: usize = lines
            .next()
            .unwrap()
            .trim_start_matches("# line: ")
            .parse()
            .unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let result = Scenario::from_path(&path);
        if expect == "ok" {
            let s = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            s.compile().unwrap();
            continue;
        }
        let err = match result {
            Ok(_) => panic!("{name}: accepted a malformed scenario"),
            Err(e) => e,
        };
        let msg = err.to_string();
        println!("{msg}");
        assert!(msg.contains(&expect), "{name}: {msg:?} lacks {expect:?}");
        assert!(
            msg.contains(&name),
            "{name}: {msg:?} does not name the file"
        );
        if line > 0 {
            assert_eq!(err.line(), Some(line), "{name}: {msg}");
            assert!(msg.contains(&format!(":{line}:")), "{name}: {msg}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} malformed files");
}
