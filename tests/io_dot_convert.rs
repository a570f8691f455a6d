//! Graphviz export and `escalation convert`.

use escalation::game::load::{read_game_file, LoadedGame};
use escalation::game::nfg::NormalForm;
use escalation::game::{dot, efg, nfg, BehaviorProfile, Game};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const GAMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gambit/games");

fn bundled() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(GAMES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

/// Checks the DOT text's structure: one statement per node, one edge per tree edge plus one
/// connector per extra member of each information set, every edge between declared nodes.
fn check_structure(game: &Game, text: &str) {
    assert!(text.starts_with("digraph "), "{text}");
    assert!(text.ends_with("}\n"));
    let mut declared = HashSet::new();
    let (mut tree_edges, mut connectors) = (0, 0);
    for line in text.lines().map(str::trim) {
        if let Some((lhs, _)) = line.split_once(" [") {
            if let Some((a, b)) = lhs.split_once(" -> ") {
                assert!(declared.contains(a) && declared.contains(b), "{line}");
                if line.contains("style=dashed") {
                    connectors += 1;
                } else {
                    tree_edges += 1;
                }
            } else if lhs.len() > 1
                && lhs.starts_with('n')
                && lhs[1..].bytes().all(|b| b.is_ascii_digit())
            {
                declared.insert(lhs.to_string());
            }
        }
    }
    assert_eq!(declared.len(), game.nodes().len());
    assert_eq!(tree_edges, game.nodes().len() - 1);
    let extra: usize = game.infosets().iter().map(|s| s.members.len() - 1).sum();
    assert_eq!(connectors, extra);
}

/// Graphviz's own parser, when installed (`apt-get install graphviz`): the text must parse.
fn graphviz_accepts(text: &str) -> Option<bool> {
    use std::io::Write;
    let mut child = Command::new("dot")
        .arg("-Tcanon")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    Some(child.wait().ok()?.success())
}

#[test]
fn every_bundled_game_exports_well_formed_dot() {
    for file in bundled() {
        let game = read_game_file(&file).unwrap().to_game().into_owned();
        let plain = dot::to_dot(&game, None);
        check_structure(&game, &plain);
        let profile = BehaviorProfile::uniform(&game);
        let annotated = dot::to_dot(&game, Some(&profile));
        check_structure(&game, &annotated);
        for text in [&plain, &annotated] {
            if let Some(ok) = graphviz_accepts(text) {
                assert!(ok, "{}: Graphviz rejects the output", file.display());
            }
        }
    }
}

#[test]
fn dot_shows_movers_payoffs_probabilities_and_information_sets() {
    let game = efg::parse(
        r#"EFG 2 R "Poker \"lite\"" { "Ann" "Bob" }
c "" 1 "deal" { "high" 1/3 "low" 2/3 } 0
p "" 1 1 "" { "bet" "fold" } 0
p "" 2 1 "bob" { "call" "pass" } 0
t "" 1 "" { 2, -2 }
t "" 2 "" { 1, -1 }
t "" 3 "" { -1, 1 }
p "" 1 2 "" { "bet" "fold" } 0
p "" 2 1 "bob" { "call" "pass" } 0
t "" 4 "" { -2, 2 }
t "" 2
t "" 3
"#,
    )
    .unwrap();
    let mut profile = BehaviorProfile::uniform(&game);
    profile.flat_mut()[0] = 0.75;
    profile.flat_mut()[1] = 0.25;
    let text = dot::to_dot(&game, Some(&profile));
    check_structure(&game, &text);
    assert!(text.contains(r#"digraph "Poker \"lite\"""#));
    assert!(text.contains("shape=diamond")); // the chance node
    assert!(text.contains(r#"label="high\np=1/3""#)); // exact chance probability
    assert!(text.contains(r#"label="bet\np=0.75""#)); // the profile's probability
    assert!(text.contains(r#"label="(-2, 2)""#)); // a terminal's payoffs
    assert!(text.contains(r#"label="Bob:bob""#)); // Bob's two-node information set
    assert!(text.contains("rank=same"));
    // A profile of another game is ignored, not misread.
    let other = efg::parse("EFG 2 R \"\" { \"A\" } p \"\" 1 1 \"\" { \"x\" } 0 t \"\" 0").unwrap();
    let foreign = BehaviorProfile::uniform(&other);
    assert_eq!(dot::to_dot(&game, Some(&foreign)), dot::to_dot(&game, None));
}

fn convert(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_escalation"))
        .arg("convert")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn convert_writes_each_format_to_stdout_or_a_file() {
    let dir = std::env::temp_dir().join(format!("escalation-io-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = Path::new(GAMES).join("bagwell1995.efg");
    let input = file.to_str().unwrap();
    let game = efg::read(&file).unwrap();

    let out = convert(&[input, "--to", "efg"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), efg::write(&game));

    let out = convert(&[input, "--to", "nfg"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        nfg::parse(&text).unwrap(),
        NormalForm::from_game(&game).unwrap()
    );

    let target = dir.join("bagwell.dot");
    let out = convert(&[input, "--to", "dot", "-o", target.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        dot::to_dot(&game, None)
    );
    // Overwriting an existing file replaces it whole; no temporary file remains.
    let out = convert(&[input, "--to", "efg", "-o", target.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), efg::write(&game));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    // The header decides the format, not the extension; nfg → efg → strategic form again.
    let pd = dir.join("pd.txt");
    std::fs::write(
        &pd,
        "NFG 1 R \"PD\" { \"A\" \"B\" } { 2 2 } 3 3 5 0 0 5 1 1",
    )
    .unwrap();
    let out = convert(&[pd.to_str().unwrap(), "--to", "efg"]);
    assert!(out.status.success());
    let tree = efg::parse(&String::from_utf8(out.stdout).unwrap()).unwrap();
    let LoadedGame::Strategic(original) = read_game_file(&pd).unwrap() else {
        panic!("not read as a strategic game")
    };
    assert_eq!(
        NormalForm::from_game(&tree).unwrap().payoffs(),
        original.payoffs()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_rejects_an_unknown_format() {
    let file = Path::new(GAMES).join("bagwell1995.efg");
    let out = convert(&[file.to_str().unwrap(), "--to", "pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pdf"));
}

#[test]
fn payoff_matrices_put_player_one_on_rows() {
    // Battle of the sexes (nau2004 sec. 3): Gambit lists (T,L) (B,L) (T,R) (B,R).
    let nf = nfg::read(Path::new(GAMES).join("nau2004-sec3.nfg")).unwrap();
    let (a, b) = nf.payoff_matrices().unwrap();
    assert_eq!(a.dim(), (2, 2));
    for i in 0..2 {
        for j in 0..2 {
            let v = nf.payoff(&[i, j]).unwrap();
            assert_eq!(a[(i, j)], v[0]);
            assert_eq!(b[(i, j)], v[1]);
        }
    }
    // Pure equilibria (T,L) = (3,2) and (B,R) = (2,3) per pygambit's reference.
    assert_eq!(a[(0, 0)].to_string(), "3");
    assert_eq!(b[(1, 1)].to_string(), "3");
    let three = nfg::parse("NFG 1 R \"\" { \"a\" \"b\" \"c\" } { 1 1 1 } 1 2 3").unwrap();
    assert!(three.payoff_matrices().is_err());
}
