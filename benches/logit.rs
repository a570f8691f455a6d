//! Logit QRE at λ = 1 on the bench games (`benches/games/`, see `generate.py` there):
//! a ~1,000-node perfect-information game and a game with ~100 information sets.
//! Path following (`logit_solve_lambda`) and the compiled solver (`CompiledGame::solve`).

use criterion::{criterion_group, criterion_main, Criterion};
use escalation::game::load::read_game_file;
use escalation::game::Game;
use escalation::solve::logit::{logit_solve_lambda, CompiledGame};
use std::hint::black_box;
use std::path::PathBuf;

fn load(name: &str) -> Game {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches/games")
        .join(name);
    match read_game_file(&path) {
        Ok(g) => g.to_game().into_owned(),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn bench(c: &mut Criterion) {
    for name in ["pi_1000.efg", "infosets_100.efg"] {
        let game = load(name);
        let compiled = CompiledGame::new(&game);
        let pay = compiled.game_payoffs(&game);
        let mut ws = compiled.workspace();
        let n = game.nodes().len();
        let sets = game.infosets().len();
        c.bench_function(
            &format!("compiled {name} ({n} nodes, {sets} sets) lambda=1"),
            |b| {
                b.iter(|| {
                    let p = compiled.solve(&mut ws, black_box(&pay), black_box(1.0));
                    black_box(p.map(|p| p[0]).ok())
                })
            },
        );
        eprintln!(
            "{name}: exp() evaluations per compiled solve: {}",
            compiled.exp_count(&ws)
        );
        c.bench_function(&format!("path-following {name} lambda=1"), |b| {
            b.iter(|| black_box(logit_solve_lambda(&game, black_box(1.0)).ok()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
