//! Malformed game files (`tests/malformed/`): each fails with an error naming the file, the
//! line and column of the problem and what was expected, both from the library and from
//! `escalation convert` (non-zero exit, message on stderr, nothing on stdout).

use escalation::game::load::read_game_file;
use escalation::game::{efg, nfg, LoadError};
use std::path::{Path, PathBuf};
use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed");

/// Every fixture: file, line, column, and a fragment of the message.
const CASES: &[(&str, usize, usize, &str)] = &[
    ("bad_header.efg", 1, 1, "expected `EFG` or `NFG`"),
    ("bad_number.efg", 5, 17, "found `1.2.3`"),
    (
        "bad_number_type.efg",
        1,
        7,
        "expected number type `R` or `D`, found `Q`",
    ),
    (
        "bad_version.efg",
        1,
        5,
        "expected version 2, found number 3",
    ),
    ("binary.efg", 1, 1, "expected `EFG` or `NFG`"),
    ("empty.efg", 1, 1, "found end of file"),
    ("empty_actions.efg", 4, 15, "has no actions"),
    (
        "infoset_action_mismatch.efg",
        8,
        13,
        "does not match its first definition",
    ),
    (
        "infoset_undefined.efg",
        5,
        8,
        "information set 7 of player 2 is used before it is defined",
    ),
    (
        "missing_probability.efg",
        4,
        21,
        "expected the action's probability, found string \"T\"",
    ),
    ("negative_infoset_number.efg", 4, 8, "found number -1"),
    (
        "negative_probability.efg",
        4,
        21,
        "probability -1/2 is negative",
    ),
    (
        "nfg_bad_version.nfg",
        1,
        5,
        "expected version 1, found number 2",
    ),
    ("nfg_empty_strategies.nfg", 2, 5, "has no strategies"),
    ("nfg_outcome_index.nfg", 3, 5, "outcome 3 does not exist"),
    (
        "nfg_outcome_payoff_count.nfg",
        2,
        20,
        "outcome 2 has 1 payoffs but the game has 2 players",
    ),
    ("nfg_payoff_text.nfg", 2, 7, "found `zero`"),
    (
        "nfg_strategy_lists.nfg",
        2,
        27,
        "expected '}' closing the strategy lists",
    ),
    (
        "nfg_too_few_payoffs.nfg",
        5,
        1,
        "player 2 in profile 4 of 4, found end of file",
    ),
    (
        "nfg_too_many_payoffs.nfg",
        4,
        17,
        "expected end of file, found number 7",
    ),
    ("nfg_zero_strategy_count.nfg", 1, 43, "found 0"),
    ("no_players.efg", 1, 26, "the player list is empty"),
    (
        "null_outcome_payoffs.efg",
        5,
        6,
        "outcome 0 means \"no outcome\"",
    ),
    (
        "outcome_redefined.efg",
        6,
        14,
        "outcome 1 does not match its first definition",
    ),
    (
        "outcome_undefined.efg",
        5,
        6,
        "outcome 2 is used before it is defined",
    ),
    (
        "payoff_count.efg",
        5,
        15,
        "outcome 1 has 3 payoffs but the game has 2 players",
    ),
    (
        "probability_sum.efg",
        4,
        15,
        "probabilities sum to 5/6, not 1",
    ),
    ("trailing_node.efg", 7, 1, "expected end of file, found `t`"),
    (
        "truncated.efg",
        8,
        1,
        "expected a node: `c`, `p` or `t`, found end of file",
    ),
    ("unknown_node_type.efg", 5, 1, "found `x`"),
    ("unknown_player.efg", 4, 6, "player 3 does not exist"),
    ("unterminated_string.efg", 6, 8, "unterminated string"),
    ("zero_denominator.efg", 4, 17, "zero denominator"),
];

fn path(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

#[test]
fn the_table_covers_every_fixture() {
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(files, listed);
    assert!(CASES.len() >= 20);
}

#[test]
fn the_library_names_file_line_column_and_what_was_expected() {
    for &(name, line, column, fragment) in CASES {
        let file = path(name);
        let err = match read_game_file(&file) {
            Ok(_) => panic!("{name} loaded"),
            Err(e) => e,
        };
        let LoadError::Parse(parse) = &err else {
            panic!("{name}: not a located error: {err}")
        };
        assert_eq!(parse.file.as_deref(), Some(file.as_path()), "{name}");
        assert_eq!((parse.line, parse.column), (line, column), "{name}: {err}");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{}:{line}:{column}: ", file.display())),
            "{name}: {text}"
        );
        assert!(text.contains(fragment), "{name}: {text}");
        // The format-specific readers agree with the header-detecting one.
        let direct = if name.ends_with(".nfg") {
            nfg::read(&file).map(|_| ()).unwrap_err()
        } else {
            efg::read(&file).map(|_| ()).unwrap_err()
        };
        if name.starts_with("bad_header") || name.starts_with("binary") || name == "empty.efg" {
            assert!(direct.to_string().contains(&file.display().to_string()));
        } else {
            assert_eq!(direct.to_string(), text, "{name}");
        }
    }
}

#[test]
fn the_binary_exits_non_zero_with_the_message_on_stderr() {
    for &(name, line, column, fragment) in CASES {
        let file = path(name);
        let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
            .args(["convert", file.to_str().unwrap(), "--to", "efg"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}");
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}: wrote to stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{}:{line}:{column}: ", file.display())),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(fragment), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let file = path("does-not-exist.efg");
    let err = read_game_file(&file).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(err.to_string().contains("does-not-exist.efg"));
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args(["convert", file.to_str().unwrap(), "--to", "dot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does-not-exist.efg"));
}

#[test]
fn a_failed_conversion_leaves_the_output_file_untouched() {
    let dir = std::env::temp_dir().join(format!("escalation-io-atomic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("out.efg");
    std::fs::write(&target, "previous contents").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_escalation"))
        .args([
            "convert",
            path("truncated.efg").to_str().unwrap(),
            "--to",
            "efg",
            "-o",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "previous contents"
    );
    let entries = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(entries, 1, "a temporary file was left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deep_trees_and_huge_inputs_do_not_overflow_the_stack() {
    // A chain of 200 000 one-action decisions: parsed iteratively, no recursion.
    let depth = 200_000;
    let mut text = String::from("EFG 2 R \"deep\" { \"P\" }\n");
    for k in 1..=depth {
        text.push_str(&format!("p \"\" 1 {k} \"\" {{ \"a\" }} 0\n"));
    }
    text.push_str("t \"\" 1 \"end\" { 1 }\n");
    let game = efg::parse(&text).unwrap();
    assert_eq!(game.nodes().len(), depth + 1);
    assert_eq!(efg::parse(&efg::write(&game)).unwrap(), game);
    // Truncating it anywhere gives a located error, never a panic.
    let cut = &text[..text.len() / 2];
    let err = efg::parse(cut).unwrap_err();
    assert!(err.message.contains("end of file"), "{err}");
}
