//! Every game file bundled with pygambit 16.7 loads, agrees with what pygambit read from it
//! (`tests/fixtures/gambit/reference/*.json`), and survives write → read unchanged; our
//! strategic form equals Gambit's where Gambit's is not reduced
//! (`tests/fixtures/io/strategic/*.nfg`, written by pygambit's `Game.to_nfg()`).

use escalation::game::load::{read_game_file, LoadedGame};
use escalation::game::nfg::NormalForm;
use escalation::game::{efg, nfg, Game, Mover};
use serde_json::Value;
use std::path::{Path, PathBuf};

const GAMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gambit/games");
const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/gambit/reference"
);
const STRATEGIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/io/strategic");

fn game_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(GAMES)
        .unwrap_or_else(|e| panic!("the Gambit fixtures directory {GAMES} is missing: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("efg" | "nfg")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .efg/.nfg files in {GAMES}");
    files
}

fn reference(file: &Path) -> Value {
    let stem = file.file_stem().unwrap().to_str().unwrap();
    let path = Path::new(REFERENCE).join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// (player, set number, set label, actions) of each strategic set in profile order.
fn layout(game: &Game) -> Vec<(usize, usize, String, Vec<String>)> {
    game.profile_layout()
        .order
        .iter()
        .map(|&s| {
            let set = game.infoset(s);
            let Mover::Player(p) = set.mover else {
                panic!("chance set in the profile layout")
            };
            (p + 1, set.number, set.label.clone(), set.actions.clone())
        })
        .collect()
}

#[test]
fn every_bundled_game_loads_and_matches_pygambit() {
    let files = game_files();
    assert_eq!(files.len(), 38, "pygambit 16.7.0 bundles 38 game files");
    for file in &files {
        let r = reference(file);
        let loaded = read_game_file(file).unwrap_or_else(|e| panic!("{e}"));
        let name = file.display();
        match &loaded {
            LoadedGame::Extensive(game) => {
                assert!(r["is_tree"].as_bool().unwrap(), "{name}");
                assert_eq!(game.title(), r["title"].as_str().unwrap(), "{name}");
                assert_eq!(game.players(), strings(&r["players"]), "{name}");
                assert_eq!(
                    game.is_perfect_recall(),
                    r["is_perfect_recall"].as_bool().unwrap(),
                    "{name}"
                );
                let counts: Vec<String> = (0..game.num_players())
                    .map(|p| game.num_pure_strategies(p).to_string())
                    .collect();
                let expected: Vec<String> = r["num_pure_strategies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.to_string())
                    .collect();
                assert_eq!(counts, expected, "{name}");
                let want: Vec<(usize, usize, String, Vec<String>)> = r["layout"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| {
                        (
                            e["player"].as_u64().unwrap() as usize,
                            e["infoset"].as_u64().unwrap() as usize,
                            e["infoset_label"].as_str().unwrap().to_string(),
                            strings(&e["actions"]),
                        )
                    })
                    .collect();
                assert_eq!(layout(game), want, "{name}");
            }
            LoadedGame::Strategic(nf) => {
                assert!(!r["is_tree"].as_bool().unwrap(), "{name}");
                assert_eq!(nf.title(), r["title"].as_str().unwrap(), "{name}");
                assert_eq!(nf.players(), strings(&r["players"]), "{name}");
                let want: Vec<Vec<String>> = r["layout"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| strings(&e["strategies"]))
                    .collect();
                assert_eq!(nf.strategies(), want, "{name}");
                // The simultaneous-move tree's behaviour layout is Gambit's mixed layout.
                let tree: Vec<Vec<String>> =
                    layout(&nf.to_game()).into_iter().map(|e| e.3).collect();
                assert_eq!(tree, want, "{name}");
            }
        }
    }
}

#[test]
fn every_bundled_game_survives_write_then_read() {
    for file in game_files() {
        match read_game_file(&file).unwrap() {
            LoadedGame::Extensive(game) => {
                let text = efg::write(&game);
                let again = efg::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: rewritten file: {e}\n{text}", file.display()));
                assert_eq!(again, game, "{}", file.display());
            }
            LoadedGame::Strategic(nf) => {
                let again = nfg::parse(&nfg::write(&nf)).unwrap();
                assert_eq!(again, nf, "{}", file.display());
            }
        }
    }
}

#[test]
fn bundled_strategic_games_survive_the_tree_and_back() {
    let mut seen = 0;
    for file in game_files() {
        if let LoadedGame::Strategic(nf) = read_game_file(&file).unwrap() {
            let back = NormalForm::from_game(&nf.to_game()).unwrap();
            assert_eq!(back.payoffs(), nf.payoffs(), "{}", file.display());
            assert_eq!(back.strategies(), nf.strategies(), "{}", file.display());
            seen += 1;
        }
    }
    assert_eq!(seen, 6);
}

#[test]
fn full_strategic_form_equals_gambits_where_gambit_does_not_reduce() {
    let mut compared = 0;
    for entry in std::fs::read_dir(STRATEGIC).unwrap() {
        let gambit_path = entry.unwrap().path();
        let stem = gambit_path
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let gambit = nfg::read(&gambit_path).unwrap();
        let game = efg::read(Path::new(GAMES).join(format!("{stem}.efg"))).unwrap();
        let ours = NormalForm::from_game(&game).unwrap();
        assert_eq!(ours.num_strategies(), gambit.num_strategies(), "{stem}");
        assert_eq!(
            ours.payoffs(),
            gambit.payoffs(),
            "{stem}: payoffs in Gambit's order"
        );
        compared += 1;
    }
    assert_eq!(compared, 23);
}
