//! The case library under its priors: for every case in `cases/`, the prior-predictive
//! probability of its documented outcome and where its real duration falls in the predicted
//! law, as the Markdown table the README shows.
//!
//! ```sh
//! cargo run --release --example case_library            # 400 draws per case, seed 2025
//! cargo run --release --example case_library -- 100 7   # draws, seed
//! ```

use escalation::scenario::Scenario;
use escalation::validate::{predictive, Truth};
use std::error::Error;
use std::time::Instant;

fn days(x: Option<f64>) -> String {
    x.map_or("beyond the horizon".into(), |d| format!("{d:.1}"))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let draws: usize = args.next().map_or(Ok(400), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(2025), |a| a.parse())?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/cases");
    let files = escalation::scenario::files_in(dir)?;
    println!("Prior predictive of each case from its opening: {draws} draws of its priors, seed {seed}.\n");
    println!("| case | documented end | P(documented) | modal class | 90% interval of the duration (days) | PIT of the real day | log score |");
    println!("|---|---|---|---|---|---|---|");
    let (mut total, mut modal_hits, mut inside, mut ended) = (0.0, 0, 0, 0);
    let start = Instant::now();
    for f in &files {
        let scenario = Scenario::from_path(f)?;
        let truth = Truth::of(&scenario)?;
        let p = predictive(&scenario, draws, seed, None)?;
        let s = truth.score(&p.prediction);
        let id = f
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into_owned());
        let end = match truth.class {
            Some(c) => format!("{}, day {:.1}", c.name(), truth.day),
            None => format!("still on at day {:.0}", truth.day),
        };
        if truth.class == Some(s.modal_class) {
            modal_hits += 1;
        }
        if truth.class.is_some() {
            ended += 1;
        }
        if s.inside90 {
            inside += 1;
        }
        total += s.log_score;
        println!(
            "| {id} | {end} | {:.3} | {} | {} – {} | {:.2} | {:.2} |",
            s.probability,
            s.modal_class.name(),
            days(s.interval90.0),
            days(s.interval90.1),
            s.pit,
            s.log_score
        );
        if p.failures + p.impossible > 0 {
            eprintln!(
                "{id}: {} draws used, {} solver failures, {} with the opening impossible",
                p.used, p.failures, p.impossible
            );
        }
    }
    println!(
        "\n{} cases: the documented class is the modal one in {modal_hits} of the {ended} that \
         ended; {inside} of {} real durations inside their 90% interval; total log score {total:.2}.",
        files.len(),
        files.len()
    );
    eprintln!("{:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}
