//! Every cap of the command line is explicit: past it the command stops with an error that
//! names the flag that raises it, and the flag does raise it. Enumerations stay within memory
//! proportional to their answer.

mod cli_common;

use cli_common::{arg, chain_efg, escalation, stderr, write_temp, SCENARIO};
use std::path::PathBuf;
use std::process::Command;

const BOS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/gambit/games/nau2004-sec3.nfg"
);

/// Player 1 picks one of 12 branches; at each, player 2 is indifferent between two leaves:
/// 2^12 = 4096 subgame-perfect equilibria (every combination of player 2's choices).
fn twelve_ties() -> PathBuf {
    let mut s = String::from("EFG 2 R \"ties\" { \"1\" \"2\" }\n\"\"\n\n");
    let actions: Vec<String> = (0..12).map(|k| format!("\"{k}\"")).collect();
    s.push_str(&format!("p \"\" 1 1 \"\" {{ {} }} 0\n", actions.join(" ")));
    for k in 0..12 {
        s.push_str(&format!("p \"\" 2 {} \"\" {{ \"l\" \"r\" }} 0\n", k + 1));
        s.push_str(&format!("t \"\" {} \"\" {{ {k}, 0 }}\n", 2 * k + 1));
        s.push_str(&format!("t \"\" {} \"\" {{ {k}, 0 }}\n", 2 * k + 2));
    }
    write_temp("ties.efg", s)
}

/// A chain of `n` moves, each indifferent between stopping and going on: the number of
/// subgame-perfect equilibria doubles at every move.
fn tied_chain(n: usize) -> PathBuf {
    write_temp(&format!("chain{n}.efg"), chain_efg(n, |_| "0, 0".into()))
}

#[test]
fn spe_cap_names_its_flag_and_the_flag_raises_it() {
    let game = twelve_ties();
    let game = arg(&game);
    let out = escalation(&["solve", game, "--max-equilibria", "1000", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--max-equilibria"), "{err}");
    assert!(err.contains("1000"), "{err}");
    assert!(err.contains("ties.efg"), "{err}");

    let out = escalation(&["solve", game, "--max-equilibria", "4096", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["equilibria"].as_array().map(Vec::len), Some(4096));
}

#[test]
fn spe_on_a_long_tied_chain_stops_at_the_cap_in_little_memory() {
    // 20,000 tied moves: before plans shared their subtrees, the enumeration held up to
    // 10,000 copies of a 20,000-entry plan and grew past 2.8 GB before reaching the cap.
    // Under a 1 GB address-space limit it must stop with the cap's error.
    let game = tied_chain(20_000);
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000 && exec \"{}\" solve \"{}\"",
            env!("CARGO_BIN_EXE_escalation"),
            game.display()
        ))
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--max-equilibria"), "{err}");
}

#[test]
fn pure_caps_name_their_flags() {
    let out = escalation(&["solve", BOS, "--method", "pure", "--max-profiles", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--max-profiles"), "{}", stderr(&out));

    // Battle of the sexes has two pure equilibria.
    let out = escalation(&["solve", BOS, "--method", "pure", "--max-equilibria", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--max-equilibria"),
        "{}",
        stderr(&out)
    );

    let out = escalation(&["solve", BOS, "--method", "pure", "--max-equilibria", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn enum_cap_names_its_flag() {
    let out = escalation(&["solve", BOS, "--method", "enum", "--max-bases", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--max-bases"), "{}", stderr(&out));
    let out = escalation(&["solve", BOS, "--method", "enum", "--max-bases", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn strategic_form_cap_names_its_flag() {
    // 12 sets of player 2 with two actions each: 12 * 4096 pure profiles.
    let game = twelve_ties();
    let game = arg(&game);
    let out = escalation(&["convert", game, "--to", "nfg", "--max-profiles", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--max-profiles"), "{}", stderr(&out));
    let out = escalation(&["convert", game, "--to", "nfg", "--max-profiles", "49152"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn threads_beyond_the_bound_are_refused_with_the_reason() {
    for cmd in ["simulate", "calibrate", "whatif"] {
        let mut args = vec![cmd, SCENARIO, "--threads", "10000"];
        if cmd == "simulate" {
            args.extend(["--runs", "10", "--seed", "1"]);
        }
        let out = escalation(&args);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("--threads"), "{cmd}: {err}");
        assert!(err.contains("at most 1024"), "{cmd}: {err}");
    }
    let out = escalation(&[
        "simulate",
        SCENARIO,
        "--threads",
        "0",
        "--runs",
        "10",
        "--seed",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--threads"), "{}", stderr(&out));
}
