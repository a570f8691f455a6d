//! The case library (`cases/`): every documented standoff of `docs/cases.md` has a scenario
//! file that loads and compiles; its documented path ends in the outcome class and on the day
//! that `docs/cases.md` gives for the case (an independent record: the case pages were
//! researched before the files were written); and that path has a finite log-likelihood, with
//! its timing, at the prior medians. The library's conventions hold: one payoff unit, common
//! priors, and identical challenger-leader priors for every case of the same leader.

use escalation::model::{Action, End, Param, PathTiming, PublicNode};
use escalation::scenario::{At, ParamPrior, Scenario};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The outcome classes of `docs/cases.md`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Class {
    ConcededBeforeTariffs,
    ConcededAfterTariffs,
    Settled,
    BackedDown,
    Unresolved,
}

/// Each case of `docs/cases.md`: id, outcome class, and the documented end in days from the
/// opening move (the censoring day for an unresolved case). The file must reproduce both
/// (days: within one day, as the table counts calendar days and the files use clock times
/// where the pages give them).
const CASES: [(&str, Class, f64); 12] = [
    ("us_colombia_2025_01", Class::ConcededBeforeTariffs, 0.0),
    ("us_colombia_2025_10", Class::Unresolved, 107.0),
    ("us_venezuela_2025", Class::ConcededAfterTariffs, 24.0),
    ("us_panama_2025", Class::ConcededBeforeTariffs, 47.0),
    ("us_japan_1995_autos", Class::Settled, 49.0),
    ("us_japan_1987_semis", Class::ConcededAfterTariffs, 222.0),
    ("us_eu_2002_steel", Class::BackedDown, 639.0),
    ("us_france_2019_dst", Class::Settled, 194.0),
    ("us_china_2025", Class::Settled, 40.0),
    ("us_eu_2025", Class::Settled, 65.0),
    ("us_switzerland_2025", Class::Settled, 105.0),
    ("us_south_africa_2025", Class::Unresolved, 293.0),
];

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")
}

fn load(id: &str) -> Scenario {
    let path = cases_dir().join(format!("{id}.toml"));
    Scenario::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The public node the documented actions lead to.
fn path_end<'a>(tree: &'a [PublicNode], actions: &[Action], id: &str) -> &'a PublicNode {
    let mut node = &tree[0];
    for (k, a) in actions.iter().enumerate() {
        let i = node
            .actions
            .iter()
            .position(|x| x == a)
            .unwrap_or_else(|| panic!("{id}: move {k} ({}) is not available", a.label()));
        node = &tree[node.children[i]];
    }
    node
}

fn class_of(node: &PublicNode, id: &str) -> Class {
    match node.end {
        Some(End::Conceded { .. }) if node.peak_imposed > 0.0 => Class::ConcededAfterTariffs,
        Some(End::Conceded { .. }) => Class::ConcededBeforeTariffs,
        Some(End::Settled) => Class::Settled,
        Some(End::BackedDown) => Class::BackedDown,
        // A path that stops with the standoff still on, or reaches the horizon.
        None | Some(End::Attrition) => Class::Unresolved,
        Some(other) => panic!("{id}: the documented path ends with {other:?}"),
    }
}

#[test]
fn the_library_holds_exactly_the_documented_cases() {
    let files: BTreeSet<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let ids: BTreeSet<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(files, ids);
}

#[test]
fn every_case_ends_as_documented_and_its_path_has_a_finite_likelihood() {
    for (id, class, day) in CASES {
        let s = load(id);
        let c = s.compile().unwrap();
        let tree = c.public_tree();
        assert!(tree.len() < 3000, "{id}: {} public nodes", tree.len());
        let path = s.documented_path();
        assert!(!path.steps.is_empty(), "{id}: no documented path");
        let actions = path.actions();
        assert_eq!(
            class_of(path_end(tree, &actions, id), id),
            class,
            "{id}: outcome class"
        );
        let timing = path.timing();
        let end = match timing {
            PathTiming::EndedOn(d) | PathTiming::OngoingOn(d) => d,
            PathTiming::Untimed => panic!("{id}: the documented path is untimed"),
        };
        assert_eq!(
            matches!(timing, PathTiming::OngoingOn(_)),
            class == Class::Unresolved,
            "{id}: an unresolved case, and only one, is observed ongoing"
        );
        assert!(
            (end - day).abs() <= 1.0,
            "{id}: ends on day {end}, not {day}"
        );
        let params = s.point(At::Median);
        let mut ws = c.workspace();
        let b = c.behaviour(&mut ws, &params).unwrap().to_vec();
        let ll = c
            .path_log_likelihood_timed(&b, &params, &actions, timing)
            .unwrap();
        // What validation scores: the same end, read by the library.
        let truth = escalation::validate::Truth::of(&s).unwrap();
        assert!((truth.day - end).abs() < 1e-12, "{id}: truth day");
        let library_class = truth.class.map(|c| match c.name() {
            "conceded_before_tariffs" => Class::ConcededBeforeTariffs,
            "conceded_after_tariffs" => Class::ConcededAfterTariffs,
            "settled" => Class::Settled,
            "backed_down" => Class::BackedDown,
            other => panic!("{id}: documented class {other}"),
        });
        assert_eq!(library_class.unwrap_or(Class::Unresolved), class, "{id}");
        println!(
            "{id}: {} public nodes, ends day {end:.2}, log-likelihood at the medians {ll:.3}",
            tree.len()
        );
        assert!(ll.is_finite(), "{id}: log-likelihood {ll}");
    }
}

/// The US president of each case (Trump 2019–20 and 2025 count as one leader).
const LEADERS: [(&str, &str); 12] = [
    ("us_colombia_2025_01", "Trump"),
    ("us_colombia_2025_10", "Trump"),
    ("us_venezuela_2025", "Trump"),
    ("us_panama_2025", "Trump"),
    ("us_japan_1995_autos", "Clinton"),
    ("us_japan_1987_semis", "Reagan"),
    ("us_eu_2002_steel", "Bush"),
    ("us_france_2019_dst", "Trump"),
    ("us_china_2025", "Trump"),
    ("us_eu_2025", "Trump"),
    ("us_switzerland_2025", "Trump"),
    ("us_south_africa_2025", "Trump"),
];

/// A parameter's prior and its base (`per`), the parts that calibration matches by name.
fn spec(s: &Scenario, index: usize) -> (Option<escalation::scenario::Prior>, Option<Param>) {
    let p: &ParamPrior = &s.priors()[index];
    (p.prior.clone(), p.per)
}

#[test]
fn shared_priors_are_identical_across_cases() {
    let scenarios: Vec<(&str, Scenario)> = LEADERS.iter().map(|(id, l)| (*l, load(id))).collect();
    let unit = Param::from_name("exports_target");
    let (_, first) = &scenarios[0];
    for (leader, s) in &scenarios {
        assert_eq!(s.ladder().payoff_unit, unit, "{}", s.origin);
        for name in [
            "lambda",
            "audience_growth",
            "elasticity",
            "importer_burden",
            "discount_rate",
        ] {
            let i = Param::from_name(name).unwrap().index();
            assert_eq!(spec(s, i), spec(first, i), "{}: {name}", s.origin);
        }
        for name in ["stake_challenger", "stake_target", "audience_target"] {
            let i = Param::from_name(name).unwrap().index();
            assert_eq!(spec(s, i).1, unit, "{}: {name} is relative", s.origin);
        }
        let same_leader = scenarios.iter().filter(|(l, _)| l == leader);
        for (_, other) in same_leader {
            for name in [
                "audience_challenger",
                "prior_challenger_resolute",
                "resolve_factor_challenger",
            ] {
                let i = Param::from_name(name).unwrap().index();
                assert_eq!(
                    spec(s, i),
                    spec(other, i),
                    "{} vs {}: {name}",
                    s.origin,
                    other.origin
                );
            }
        }
    }
}

/// The library's `[calibration] shared` declarations follow the conventions above: λ is
/// shared by every case, the challenger-leader parameters by the cases of one leader, and the
/// joint problem accepts them (same priors under each shared name). The joint names are
/// checked without solving any case (the big cases are slow to solve).
#[test]
fn shared_declarations_match_the_leaders() {
    for (id, leader) in LEADERS {
        let s = load(id);
        let shared: Vec<(String, String)> = s
            .shared()
            .iter()
            .map(|d| (d.param.clone(), d.name.clone()))
            .collect();
        let l = leader.to_lowercase();
        let mut expect = vec![("lambda".to_string(), "lambda".to_string())];
        for name in [
            "audience_challenger",
            "prior_challenger_resolute",
            "resolve_factor_challenger",
        ] {
            expect.push((name.to_string(), format!("{l}.{name}")));
        }
        expect.sort();
        let mut got = shared.clone();
        got.sort();
        assert_eq!(got, expect, "{id}");
    }
}
