//! `escalation solve`: equilibria of a game file.

use crate::scenario_input::{is_scenario, scenario_equilibrium, scenario_json, Point};
use clap::{Args, ValueEnum};
use escalation::game::load::{read_game_file, LoadedGame};
use escalation::game::{Game, GameError, Number};
use escalation::solve::enumerate::{
    enumerate_equilibria_with, EnumError, EnumOptions, DEFAULT_MAX_BASES,
};
use escalation::solve::logit::{logit_solve, logit_solve_lambda, logit_solve_lambda_strategic};
use escalation::solve::{check_payoff_range, pure, spe, Cap, Equilibrium, SolveError};
use ndarray::Array2;
use num_rational::BigRational;
use serde_json::json;
use std::error::Error;
use std::path::{Path, PathBuf};

/// Solution methods of `solve`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// All pure subgame-perfect equilibria (perfect-information games).
    Spe,
    /// All pure agent Nash equilibria.
    Pure,
    /// Logit agent QRE: at each `--lambda`, or its limit as lambda grows without one.
    Logit,
    /// All extreme Nash equilibria of a two-player strategic-form (`.nfg`) game.
    Enum,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Spe => "spe",
            Method::Pure => "pure",
            Method::Logit => "logit",
            Method::Enum => "enum",
        }
    }
}

/// Arguments of `escalation solve`.
#[derive(Args, Debug)]
pub struct SolveArgs {
    /// The game file (`.efg` or `.nfg`; the header decides), or a scenario (`.toml`), whose
    /// logit equilibrium path and outcome are printed.
    pub file: PathBuf,
    /// For a scenario: evaluate every prior at its mean or median.
    #[arg(long, value_enum, default_value_t = Point::Mean)]
    pub at: Point,
    /// The method. Default: `spe` for a perfect-information game, else `logit` (its limit,
    /// which always exists, unlike a pure equilibrium).
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// Logit precision; repeat for several. Only with `--method logit`.
    #[arg(long = "lambda")]
    pub lambda: Vec<f64>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// `spe` and `pure`: stop with an error past this many equilibria (time and memory grow
    /// with the number listed).
    #[arg(long, default_value_t = spe::DEFAULT_CAP)]
    pub max_equilibria: usize,
    /// `pure`: stop with an error when the game has more pure behaviour profiles than this
    /// (each is checked with a pass over the tree).
    #[arg(long, default_value_t = pure::DEFAULT_MAX_PROFILES)]
    pub max_profiles: u64,
    /// `enum`: stop with an error when the vertex enumeration of a best-response polytope
    /// visits more bases than this.
    #[arg(long, default_value_t = DEFAULT_MAX_BASES)]
    pub max_bases: usize,
}

/// A solver's error, naming the file and, for a cap, the flag that raises it.
fn with_flag(file: &Path, e: SolveError) -> Box<dyn Error> {
    match e {
        SolveError::TooMany { what, cap, kind } => {
            let flag = match kind {
                Cap::Profiles => "--max-profiles",
                _ => "--max-equilibria",
            };
            format!(
                "{}: more than {cap} {what}; raise the cap with {flag} N",
                file.display()
            )
            .into()
        }
        e @ SolveError::Game(GameError::NotPerfectInformation { .. }) => format!(
            "{}: {e} for `--method spe` (every information set a single node); use `--method \
             pure` for pure agent equilibria or `--method logit` for the logit QRE",
            file.display()
        )
        .into(),
        other => format!("{}: {other}", file.display()).into(),
    }
}

/// One reported equilibrium: a flat behaviour profile in Gambit's order (for `enum`, the
/// players' mixed strategies), expected payoffs and, for a logit QRE, lambda.
struct Row {
    behavior: Vec<f64>,
    payoffs: Vec<f64>,
    lambda: Option<f64>,
}

impl From<Equilibrium> for Row {
    fn from(e: Equilibrium) -> Self {
        Row {
            behavior: e.profile.flat().to_vec(),
            payoffs: e.payoffs,
            lambda: e.lambda,
        }
    }
}

/// Reads the input. Scenario `.toml` files get their own branch here (solved by the model).
fn load_input(path: &Path) -> Result<LoadedGame, Box<dyn Error>> {
    Ok(read_game_file(path)?)
}

/// Runs `solve`.
///
/// # Errors
/// Unreadable files, a method that does not fit the game, `--lambda` without `--method
/// logit`, and solver failures.
pub fn run(args: &SolveArgs) -> Result<(), Box<dyn Error>> {
    if is_scenario(&args.file) {
        if args.method.is_some() || !args.lambda.is_empty() {
            return Err(
                "--method and --lambda apply to game files; a scenario is solved at its own lambda \
                 (export it with `convert --to efg` to use the game solvers)"
                    .into(),
            );
        }
        if args.json {
            outln!("{}", scenario_json(&args.file, args.at)?);
        } else {
            out!("{}", scenario_equilibrium(&args.file, args.at)?);
        }
        return Ok(());
    }
    let loaded = load_input(&args.file)?;
    let game = loaded.to_game();
    let method = args.method.unwrap_or(if game.is_perfect_information() {
        Method::Spe
    } else {
        Method::Logit
    });
    if !args.lambda.is_empty() && method != Method::Logit {
        return Err("--lambda needs --method logit".into());
    }
    if method == Method::Logit {
        // The other methods check this themselves; logit would meet an infinite payoff.
        check_payoff_range(&game).map_err(|e| with_flag(&args.file, e))?;
    }
    let rows: Vec<Row> = match method {
        Method::Spe => spe::solve_with_cap(&game, args.max_equilibria)
            .map_err(|e| with_flag(&args.file, e))?
            .into_iter()
            .map(Row::from)
            .collect(),
        Method::Pure => {
            let order = match loaded {
                LoadedGame::Strategic(_) => pure::Order::Strategic,
                _ => pure::Order::Agent,
            };
            pure::solve_in_order_with_caps(&game, order, args.max_profiles, args.max_equilibria)
                .map_err(|e| with_flag(&args.file, e))?
                .into_iter()
                .map(Row::from)
                .collect()
        }
        Method::Logit if args.lambda.is_empty() => vec![logit_solve(&game)?.into()],
        // As pygambit: a game read from `.nfg` is traced in strategic form.
        Method::Logit => args
            .lambda
            .iter()
            .map(|&l| {
                match &loaded {
                    LoadedGame::Strategic(nf) => logit_solve_lambda_strategic(nf, l),
                    LoadedGame::Extensive(_) => logit_solve_lambda(&game, l),
                }
                .map(Row::from)
            })
            .collect::<Result<_, _>>()?,
        Method::Enum => solve_enum(&loaded, args.max_bases)
            .map_err(|e| format!("{}: {e}", args.file.display()))?,
    };
    let show_lambda = method == Method::Logit && !args.lambda.is_empty();
    if args.json {
        print_json(&game, method, &rows, show_lambda)?;
    } else {
        print_table(&game, method, &rows, show_lambda);
    }
    Ok(())
}

/// `--method enum`: [`escalation::solve::enumerate`] on a two-player strategic form.
fn solve_enum(loaded: &LoadedGame, max_bases: usize) -> Result<Vec<Row>, Box<dyn Error>> {
    let LoadedGame::Strategic(nf) = loaded else {
        return Err("--method enum needs a two-player strategic-form (.nfg) game".into());
    };
    if nf.num_players() != 2 {
        return Err(format!(
            "--method enum needs two players; this game has {}",
            nf.num_players()
        )
        .into());
    }
    let (a, b) = nf.payoff_matrices()?;
    let exact = |m: &Array2<Number>| -> Result<Array2<BigRational>, Box<dyn Error>> {
        let mut out = Array2::from_elem(m.dim(), BigRational::default());
        for (ix, x) in m.indexed_iter() {
            out[ix] = match x {
                Number::Exact(r) => r.clone(),
                other => BigRational::from_float(other.to_f64())
                    .ok_or_else(|| format!("payoff {other} is not finite"))?,
            };
        }
        Ok(out)
    };
    let options = EnumOptions::default().with_max_bases(max_bases);
    let eqs = match enumerate_equilibria_with(&exact(&a)?, &exact(&b)?, &options) {
        Err(EnumError::TooManyBases { player, limit }) => {
            return Err(format!(
                "the vertex enumeration of player {player}'s best-response polytope visited \
                 more than {limit} bases; raise the cap with --max-bases N"
            )
            .into())
        }
        other => other?,
    };
    Ok(eqs
        .iter()
        .map(|e| Row {
            behavior: e.p1_f64().into_iter().chain(e.p2_f64()).collect(),
            payoffs: e.payoffs_f64().to_vec(),
            lambda: None,
        })
        .collect())
}

fn print_json(
    game: &Game,
    method: Method,
    rows: &[Row],
    show_lambda: bool,
) -> Result<(), Box<dyn Error>> {
    let equilibria: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v = json!({"behavior": r.behavior, "payoffs": r.payoffs});
            if let (true, Some(l), Some(obj)) = (show_lambda, r.lambda, v.as_object_mut()) {
                obj.insert("lambda".into(), json!(l));
            }
            v
        })
        .collect();
    let out = json!({
        "players": game.players(),
        "method": method.name(),
        "equilibria": equilibria,
    });
    outln!("{}", serde_json::to_string(&out)?);
    Ok(())
}

fn print_table(game: &Game, method: Method, rows: &[Row], show_lambda: bool) {
    outln!(
        "{} equilibri{} ({})",
        rows.len(),
        if rows.len() == 1 { "um" } else { "a" },
        method.name()
    );
    if rows.is_empty() {
        return;
    }
    // Column labels: player:infoset:action in Gambit's order (strategies for `enum`).
    let layout = game.profile_layout();
    let mut labels: Vec<String> = Vec::new();
    for &s in &layout.order {
        let set = game.infoset(s);
        let owner = match set.mover {
            escalation::game::Mover::Player(p) => game.players()[p].as_str(),
            escalation::game::Mover::Chance => "chance",
        };
        for a in &set.actions {
            labels.push(format!("{owner}:{}:{a}", set.number));
        }
    }
    for (k, r) in rows.iter().enumerate() {
        match (show_lambda, r.lambda) {
            (true, Some(l)) => outln!("#{} lambda = {l}", k + 1),
            _ => outln!("#{}", k + 1),
        }
        for (i, p) in r.behavior.iter().enumerate() {
            let label = labels.get(i).cloned().unwrap_or_else(|| format!("[{i}]"));
            outln!("  {label:<30} {p:.6}");
        }
        let pays: Vec<String> = game
            .players()
            .iter()
            .zip(&r.payoffs)
            .map(|(n, v)| format!("{n} = {v:.6}"))
            .collect();
        outln!("  payoffs: {}", pays.join(", "));
    }
}
