//! Unfolding the public tree into the game: per-terminal features and the game with its
//! root chance node over type combinations and information sets by own type.

use super::*;

pub(super) fn type_names(n: usize) -> &'static [&'static str] {
    if n == 1 {
        &["normal"]
    } else {
        &["irresolute", "resolute"]
    }
}

pub(super) fn feature(
    ladder: &Ladder,
    public: &[PublicNode],
    i: usize,
    end: End,
) -> TerminalFeature {
    let n = &public[i];
    let mut rounds = [0u8; MAX_HORIZON];
    for (r, s) in n.rounds.iter().enumerate().take(MAX_HORIZON) {
        rounds[r] = s.id() as u8;
    }
    // Could each side still yield at its last decision on this path? A side whose yielding
    // actions an intervention forbids there ("never concedes") is taken never to yield in
    // the tail either. A decision with one action left for another reason (a forced move,
    // or the counter-tariff already used) does not stop it.
    let mut can_yield = [true, true];
    let mut seen = [false, false];
    let mut cur = i;
    while let Some((parent, _)) = public[cur].parent {
        let pn = &public[parent];
        if let Some(side) = pn.mover {
            let k = side.index();
            if !seen[k] && pn.stage == Stage::Round {
                seen[k] = true;
                can_yield[k] = !ladder.forbids_yielding(pn);
            }
        }
        cur = parent;
    }
    TerminalFeature {
        end,
        rounds,
        num_rounds: n.rounds.len(),
        level: n.level,
        threatened: n.threatened,
        step: n.state.step,
        counter: n.state.counter,
        peak_imposed: n.peak_imposed,
        move_index: n.history.len().saturating_sub(1),
        can_yield,
        end_move: end_move(public, i, end),
    }
}

/// The decision whose yielding move ends the play at public terminal `i`, if it is one after
/// the threat.
fn end_move(public: &[PublicNode], i: usize, end: End) -> Option<EndMove> {
    if !matches!(end, End::Conceded { .. } | End::BackedDown | End::Settled) {
        return None;
    }
    let (parent, _) = public[i].parent?;
    let pn = &public[parent];
    Some(EndMove {
        decision: parent,
        mover: pn.mover?,
        round: pn.round,
        state: pn.state,
    })
}

type PayoffFn<'a> = dyn Fn(usize, usize, usize) -> [f64; 2] + 'a;

/// Builds the game: a root chance node over type combinations (if any side has two types),
/// then the public tree under each combination; information sets pair a public decision
/// node with the mover's own type. Returns the game and, per combination, the game node of
/// every public node.
pub(super) fn build_game(
    ladder: &Ladder,
    public: &[PublicNode],
    payoff: &PayoffFn<'_>,
    root_probs: Option<&[f64; 4]>,
) -> Result<(Game, Vec<Vec<usize>>), ModelError> {
    let nc = ladder.challenger_types;
    let nt = ladder.target_types;
    let combos = nc * nt;
    let mut b = GameBuilder::new(ladder.players.clone());
    b.title(format!(
        "Escalation ladder: {} vs {}",
        ladder.players[0], ladder.players[1]
    ));
    let root = b.root();
    let labels: Vec<String> = (0..combos)
        .map(|c| {
            format!(
                "{}:{} {}:{}",
                ladder.players[0],
                type_names(nc)[c / nt],
                ladder.players[1],
                type_names(nt)[c % nt]
            )
        })
        .collect();
    let starts: Vec<usize> = if combos > 1 {
        // Exact rationals (denominator 10^12, the last one completing the sum to 1), so that
        // a Gambit file of the game reads back with probabilities summing to exactly 1.
        const DEN: i64 = 1_000_000_000_000;
        let mut nums: Vec<i64> = (0..combos)
            .map(|c| {
                let p = root_probs.map_or(1.0 / combos as f64, |r| r[c]);
                (p.clamp(0.0, 1.0) * DEN as f64).round() as i64
            })
            .collect();
        let rest: i64 = nums[..combos - 1].iter().sum();
        nums[combos - 1] = (DEN - rest).max(0);
        let actions: Vec<(&str, Number)> = labels
            .iter()
            .zip(&nums)
            .map(|(s, &n)| {
                (
                    s.as_str(),
                    Number::ratio(n, DEN).unwrap_or(Number::Float(n as f64 / DEN as f64)),
                )
            })
            .collect();
        b.chance(root, "types", &actions)?
            .into_iter()
            .map(|n| n.0)
            .collect()
    } else {
        vec![root.0]
    };
    let mut infoset_of: Vec<[Option<InfosetId>; 2]> = vec![[None, None]; public.len()];
    let mut node_of = vec![vec![0usize; public.len()]; combos];
    for (combo, &start) in starts.iter().enumerate() {
        let kc = combo / nt;
        let kt = combo % nt;
        node_of[combo][0] = start;
        for (i, pn) in public.iter().enumerate() {
            let g = crate::game::NodeId(node_of[combo][i]);
            match pn.mover {
                Some(side) => {
                    let (own, ntypes) = if side == Side::Challenger {
                        (kc, nc)
                    } else {
                        (kt, nt)
                    };
                    let iset = match infoset_of[i][own] {
                        Some(s) => s,
                        None => {
                            let hist = pn.history_label();
                            let label = format!(
                                "{}[{}] @ {}",
                                ladder.players[side.index()],
                                type_names(ntypes)[own],
                                if hist.is_empty() { "start" } else { &hist }
                            );
                            let acts: Vec<&str> = pn.actions.iter().map(|a| a.label()).collect();
                            let s = b.new_infoset(side.index(), &label, &acts)?;
                            infoset_of[i][own] = Some(s);
                            s
                        }
                    };
                    let kids = b.attach(g, iset)?;
                    for (&pc, k) in pn.children.iter().zip(kids) {
                        node_of[combo][pc] = k.0;
                    }
                }
                None => {
                    let pay = payoff(i, kc, kt);
                    // Gambit wants node labels unique: the history, and the types if any.
                    let label = if combos > 1 {
                        format!("{} [{}]", pn.history_label(), labels[combo])
                    } else {
                        pn.history_label()
                    };
                    b.label_node(g, label)?;
                    b.set_payoffs(g, &pay);
                }
            }
        }
    }
    Ok((b.build()?, node_of))
}
