//! Error messages name the file (with line and column where there is one) or the flag, say
//! what to do, and stay short whatever the input holds.

mod cli_common;

use cli_common::{arg as s, escalation, simulate_to, temp_dir, write_temp as tmp, SCENARIO};

const HORSE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/gambit/games/selten1975-fig1.efg"
);

/// Runs the binary, expects failure, returns standard error.
fn fails(args: &[&str]) -> String {
    let out = escalation(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    err
}

#[test]
fn a_payoff_no_float_can_hold_names_file_player_and_terminal() {
    let game = tmp(
        "huge.efg",
        b"EFG 2 R \"x\" { \"A\" \"B\" }\n\"\"\n\np \"\" 1 1 \"\" { \"L\" \"R\" } 0\n\
          t \"\" 1 \"\" { 1e400, 0 }\nt \"\" 2 \"\" { 1, 1 }\n",
    );
    // Before, logit said "terminal payoffs: entry 0 is not finite (inf)".
    for method in ["logit", "spe", "pure"] {
        let err = fails(&["solve", s(&game), "--method", method]);
        for part in ["huge.efg", "player \"A\"", "reached by L", "1.0e400"] {
            assert!(err.contains(part), "{method}: {part} in {err}");
        }
    }
}

#[test]
fn spe_without_perfect_information_says_so_and_what_to_use() {
    let err = fails(&["solve", HORSE, "--method", "spe"]);
    for part in [
        "selten1975-fig1.efg",
        "perfect information",
        "--method pure",
        "--method logit",
    ] {
        assert!(err.contains(part), "{part} in {err}");
    }
}

#[test]
fn a_scenario_that_is_not_utf8_names_line_and_column() {
    let text = std::fs::read(SCENARIO).expect("scenario");
    // Line 7 is `title = "US–Colombia ...`: put a stray byte after `title = "`.
    let at = text
        .windows(9)
        .position(|w| w == b"title = \"")
        .expect("a title")
        + 9;
    let line = text[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut bad = text[..at].to_vec();
    bad.push(0xff);
    bad.extend_from_slice(&text[at..]);
    let path = tmp("latin.toml", &bad);
    let err = fails(&["check", s(&path)]);
    let located = format!("latin.toml:{line}:10:");
    assert!(err.contains(&located), "{located} in {err}");
    assert!(err.contains("0xFF") && err.contains("UTF-8"), "{err}");
}

#[test]
fn a_summary_that_is_not_utf8_names_line_and_column() {
    let path = tmp("part.json", b"{\n  \"format\": \"\xc3\x28\"\n}\n");
    let err = fails(&["merge", s(&path)]);
    assert!(err.contains("part.json:2:14:"), "{err}");
}

#[test]
fn a_30000_digit_number_makes_a_short_message() {
    let digits = "1".repeat(30_000);
    let efg = tmp(
        "digits.efg",
        format!(
            "EFG 2 R \"x\" {{ \"A\" \"B\" }}\n\"\"\n\np \"\" 1 {digits} \"\" {{ \"L\" \"R\" }} 0\n\
             t \"\" 1 \"\" {{ 1, 0 }}\nt \"\" 2 \"\" {{ 1, 1 }}\n"
        )
        .as_bytes(),
    );
    let nfg = tmp(
        "digits.nfg",
        format!("NFG 1 R \"x\" {{ \"A\" \"B\" }} {{ 2 {digits} }} 1 2 3 4\n").as_bytes(),
    );
    let scenario = std::fs::read_to_string(SCENARIO).expect("scenario");
    let toml = tmp(
        "digits.toml",
        scenario
            .replacen("dist = \"triangular\"", &format!("dist = \"{digits}\""), 1)
            .as_bytes(),
    );
    let real = temp_dir().join("real.json");
    simulate_to(&real, "20", "1", &[]);
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&real).expect("part")).expect("json");
    doc["checksum"] = digits.clone().into();
    let part = tmp("digits.json", doc.to_string().as_bytes());
    for (args, file) in [
        (vec!["solve", s(&efg)], "digits.efg"),
        (vec!["solve", s(&nfg)], "digits.nfg"),
        (vec!["check", s(&toml)], "digits.toml"),
        (vec!["merge", s(&part)], "digits.json"),
    ] {
        let err = fails(&args);
        assert!(
            err.len() < 600,
            "{file}: {} bytes: {}",
            err.len(),
            &err[..600]
        );
        assert!(err.contains(file), "{err}");
        assert!(err.contains("… (30000 digits)"), "{file}: {err}");
    }
}
