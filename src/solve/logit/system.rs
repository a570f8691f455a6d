//! The logit QRE equations as Gambit's tracers write them, and their analytic Jacobian.
//!
//! The unknowns are the logarithms `y` of the (unnormalised) probabilities of all strategic
//! actions, and λ. For every strategic information set, with first action `r`:
//!
//! - `Σ_a exp(y_a) − 1 = 0`, and
//! - for every other action `a`: `y_a − y_r − λ (v_a − v_r) = 0`.
//!
//! Node values use the unnormalised probabilities `exp(y)`; they agree with the normalised
//! ones only on the solution set, so the two formulations below, which have the same
//! solutions, differ off it, and with them the Newton corrections and the tangents of a path
//! tracer (which decides the branch taken at a bifurcation):
//!
//! - [`Formulation::Agent`] (Gambit's `efglogit`, pygambit's `logit_solve_lambda` on an
//!   extensive game): `v_a` is the mover's value of `a` conditional on reaching the set,
//!   with beliefs `μ_h` over its nodes by Bayes' rule (normalised over the set).
//! - [`Formulation::Strategic`] (Gambit's `nfglogit`, for a game read from `.nfg`): `v_a`
//!   is the multilinear payoff of pure strategy `a` against the others' unnormalised
//!   probabilities, which on the simultaneous-move tree of a strategic form is the sum over
//!   the set's nodes of their unnormalised reach probability times the node's value of `a`.
//!
//! The Jacobian follows Turocy (2001, "Computing the quantal response equilibrium
//! correspondence"), as Gambit does: with respect to `y_b` at another set `J`, the value
//! `v_a` changes through the beliefs (nodes of `a`'s set reached through `b`) and through the
//! values below (nodes of `J` below `a`). The derivatives of a ratio equation with respect
//! to the other actions of its own set are taken as zero, as in Gambit (exact for perfect
//! recall).
//!
//! The system's own order of unknowns and equations is Gambit's: players in order, each
//! player's information sets in order of first appearance in a depth-first walk of the tree
//! (Gambit renumbers them so when it reads a file), actions in order; one equation per action
//! (the sum at a set's first action, ratios at the others). A path tracer perturbs the first
//! equation in that order near bifurcations, so the order matters.

use super::compiled::CompiledGame;

const NONE: u32 = u32::MAX;

/// How the action values of the equations are weighted off the solution set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Formulation {
    /// Values conditional on reaching the set (Bayes beliefs): Gambit's agent form.
    Agent,
    /// Values weighted by unnormalised reach probabilities: Gambit's strategic form.
    Strategic,
}

/// The equation system of one compiled game, with its scratch buffers.
#[derive(Clone, Debug)]
pub(crate) struct System {
    formulation: Formulation,
    /// Our profile index of the unknown (and equation) at each position of Gambit's order.
    pub(crate) order: Vec<usize>,
    /// Behaviour probabilities `exp(y)`, then the chance probabilities.
    probs: Vec<f64>,
    /// Logarithms of the chance probabilities.
    log_chance: Vec<f64>,
    log_reach: Vec<f64>,
    /// Belief (agent) or reach (strategic) weight of every node of a strategic set.
    weight: Vec<f64>,
    /// Node values, `node * players + player`.
    value: Vec<f64>,
    action_value: Vec<f64>,
    /// How often the path to each node takes the current action `b` (Gambit: whether the
    /// last action at `b`'s set above the node is `b`).
    flag: Vec<f64>,
    /// Derivative of every node's values with respect to the probability of `b`.
    dn: Vec<f64>,
    /// Derivative of every action value with respect to `y_b`.
    dv: Vec<f64>,
    /// Parent of every node (the root's is itself).
    parent: Vec<u32>,
    /// Nodes below the current set `J`, parents first.
    below_j: Vec<u32>,
    /// Nodes of `J` and their ancestors, children first.
    above_j: Vec<u32>,
    /// Strategic sets with a node in `below_j` or `above_j`.
    related: Vec<u32>,
    mark: Vec<bool>,
    above: Vec<bool>,
    set_mark: Vec<bool>,
}

impl System {
    pub(crate) fn new(game: &CompiledGame, formulation: Formulation) -> System {
        let m = game.profile_len;
        let nodes = game.node_set.len();
        let np = game.num_players;
        let mut probs = vec![0.0; m + game.chance_probs.len()];
        probs[m..].copy_from_slice(&game.chance_probs);
        System {
            formulation,
            order: gambit_order(game),
            probs,
            log_chance: game.chance_probs.iter().map(|p| p.ln()).collect(),
            log_reach: vec![0.0; nodes],
            weight: vec![0.0; nodes],
            value: vec![0.0; nodes * np],
            action_value: vec![0.0; m],
            flag: vec![0.0; nodes],
            dn: vec![0.0; nodes * np],
            dv: vec![0.0; m],
            parent: parents(game),
            below_j: Vec::with_capacity(nodes),
            above_j: Vec::with_capacity(nodes),
            related: Vec::with_capacity(game.set_player.len()),
            mark: vec![false; nodes],
            above: vec![false; nodes],
            set_mark: vec![false; game.set_player.len()],
        }
    }

    pub(crate) fn formulation(&self) -> Formulation {
        self.formulation
    }

    /// Reach weights, node values and action values at `y` (our profile order).
    pub(crate) fn evaluate(&mut self, game: &CompiledGame, pay: &[f64], y: &[f64]) {
        let m = game.profile_len;
        let np = game.num_players;
        for (p, &v) in self.probs[..m].iter_mut().zip(y) {
            *p = v.exp();
        }
        // Log realisation probabilities, root first (a parent precedes its children).
        self.log_reach[0] = 0.0;
        for n in 0..game.node_set.len() {
            let s = game.node_set[n];
            if s == NONE {
                continue;
            }
            let s = s as usize;
            let off = game.set_action[s] as usize;
            let strategic = game.set_player[s] != NONE;
            let base = self.log_reach[n];
            let kids = game.child_start[n] as usize..game.child_start[n + 1] as usize;
            for (a, &c) in game.children[kids].iter().enumerate() {
                let lp = if strategic {
                    y[off + a]
                } else {
                    self.log_chance[off - m + a]
                };
                self.log_reach[c as usize] = base + lp;
            }
        }
        // Node values with the unnormalised probabilities.
        for n in (0..game.node_set.len()).rev() {
            let s = game.node_set[n];
            if s == NONE {
                let t = game.node_terminal[n] as usize;
                self.value[n * np..(n + 1) * np].copy_from_slice(&pay[t * np..(t + 1) * np]);
                continue;
            }
            let off = game.set_action[s as usize] as usize;
            let kids = game.child_start[n] as usize..game.child_start[n + 1] as usize;
            for p in 0..np {
                let mut v = 0.0;
                for (a, &c) in game.children[kids.clone()].iter().enumerate() {
                    v += self.probs[off + a] * self.value[c as usize * np + p];
                }
                self.value[n * np + p] = v;
            }
        }
        // Weights of the nodes of every strategic set, and the action values.
        for &s in &game.strategic {
            let s = s as usize;
            let mem =
                &game.members[game.member_start[s] as usize..game.member_start[s + 1] as usize];
            match self.formulation {
                Formulation::Agent => {
                    // Beliefs relative to the most likely node, from log reach
                    // probabilities, so they stay exact where the set's reach underflows
                    // (Gambit makes them uniform there, which at large λ makes the equations
                    // jump); uniform only where the log reach is not finite.
                    let top = mem
                        .iter()
                        .map(|&h| self.log_reach[h as usize])
                        .fold(f64::NEG_INFINITY, f64::max);
                    if !top.is_finite() {
                        for &h in mem {
                            self.weight[h as usize] = 1.0 / mem.len() as f64;
                        }
                    } else {
                        let total: f64 = mem
                            .iter()
                            .map(|&h| (self.log_reach[h as usize] - top).exp())
                            .sum();
                        let lead = 1.0 / total;
                        for &h in mem {
                            let h = h as usize;
                            self.weight[h] = lead * (self.log_reach[h] - top).exp();
                        }
                    }
                }
                Formulation::Strategic => {
                    for &h in mem {
                        self.weight[h as usize] = self.log_reach[h as usize].exp();
                    }
                }
            }
            let off = game.set_action[s] as usize;
            let k = game.set_num_actions[s] as usize;
            let i = game.set_player[s] as usize;
            self.action_value[off..off + k].fill(0.0);
            for &h in mem {
                let h = h as usize;
                let c0 = game.child_start[h] as usize;
                for a in 0..k {
                    let c = game.children[c0 + a] as usize;
                    self.action_value[off + a] += self.weight[h] * self.value[c * np + i];
                }
            }
        }
    }

    /// The equations at `(y, lambda)` after [`System::evaluate`] at `y`, into `out` (our
    /// profile order).
    pub(crate) fn equations(&self, game: &CompiledGame, y: &[f64], lambda: f64, out: &mut [f64]) {
        for &s in &game.strategic {
            let s = s as usize;
            let off = game.set_action[s] as usize;
            let k = game.set_num_actions[s] as usize;
            out[off] = self.probs[off..off + k].iter().sum::<f64>() - 1.0;
            for a in 1..k {
                out[off + a] = y[off + a]
                    - y[off]
                    - lambda * (self.action_value[off + a] - self.action_value[off]);
            }
        }
    }

    /// The Jacobian at `lambda` and the point of the last [`System::evaluate`], row-major
    /// `m × (m + 1)` in our profile order (λ last).
    ///
    /// With `exact`, the derivative of the equations. Without, Gambit's: a set's values are
    /// taken not to depend on its own actions, and the value of a node is taken to depend on
    /// an action only through the first node of the action's set below it and, for beliefs,
    /// through the last such node above it. The two agree on games with perfect recall; on
    /// games with absent-mindedness (a set met twice on a path) only the exact one makes
    /// Newton's method converge quadratically.
    pub(crate) fn jacobian(
        &mut self,
        game: &CompiledGame,
        lambda: f64,
        jac: &mut [f64],
        exact: bool,
    ) {
        let m = game.profile_len;
        let n = m + 1;
        let np = game.num_players;
        jac[..m * n].fill(0.0);
        for &s in &game.strategic {
            let s = s as usize;
            let off = game.set_action[s] as usize;
            let k = game.set_num_actions[s] as usize;
            for a in 0..k {
                jac[off * n + off + a] = self.probs[off + a];
            }
            for a in 1..k {
                let row = (off + a) * n;
                jac[row + off + a] = 1.0;
                jac[row + off] = -1.0;
                jac[row + m] = self.action_value[off] - self.action_value[off + a];
            }
        }
        for &sj in &game.strategic {
            let sj = sj as usize;
            self.nodes_around(game, sj);
            let off_j = game.set_action[sj] as usize;
            for bl in 0..game.set_num_actions[sj] as usize {
                let b = off_j + bl;
                // How the reach of every node depends on b (zero off J's subtrees).
                for &c in &self.below_j {
                    let c = c as usize;
                    let v = self.parent[c] as usize;
                    let taken = game.node_set[v] as usize == sj
                        && game.children[game.child_start[v] as usize + bl] as usize == c;
                    self.flag[c] = match (game.node_set[v] as usize == sj, exact) {
                        (false, _) => self.flag[v],
                        (true, true) => self.flag[v] + f64::from(u8::from(taken)),
                        (true, false) => f64::from(u8::from(taken)),
                    };
                }
                // d V(node) / d p_b: at J's nodes the value of b's child (plus, exactly, what
                // J's nodes below contribute); above them the probability-weighted sum; zero
                // where J is not below.
                for &v in &self.above_j {
                    let v = v as usize;
                    let s = game.node_set[v] as usize;
                    let c0 = game.child_start[v] as usize;
                    let at_j = s == sj;
                    let off = game.set_action[s] as usize;
                    let kids = c0..game.child_start[v + 1] as usize;
                    for p in 0..np {
                        let mut d = 0.0;
                        if !at_j || exact {
                            for (a, &c) in game.children[kids.clone()].iter().enumerate() {
                                d += self.dn[c as usize * np + p] * self.probs[off + a];
                            }
                        }
                        if at_j {
                            d += self.value[game.children[c0 + bl] as usize * np + p];
                        }
                        self.dn[v * np + p] = d;
                    }
                }
                let pb = self.probs[b];
                for &si in &self.related {
                    let si = si as usize;
                    if si == sj && !exact {
                        continue;
                    }
                    let off = game.set_action[si] as usize;
                    let k = game.set_num_actions[si] as usize;
                    let i = game.set_player[si] as usize;
                    let mem = &game.members
                        [game.member_start[si] as usize..game.member_start[si + 1] as usize];
                    for a in 0..k {
                        let va = self.action_value[off + a];
                        let mut d = 0.0;
                        for &h in mem {
                            let h = h as usize;
                            let c = game.children[game.child_start[h] as usize + a] as usize;
                            let w = self.weight[h];
                            let f = self.flag[h];
                            if f != 0.0 {
                                d += f * match self.formulation {
                                    Formulation::Agent => w * (self.value[c * np + i] - va),
                                    Formulation::Strategic => w * self.value[c * np + i],
                                };
                            }
                            d += pb * w * self.dn[c * np + i];
                        }
                        self.dv[off + a] = d;
                    }
                    for a in 1..k {
                        jac[(off + a) * n + b] -= lambda * (self.dv[off + a] - self.dv[off]);
                    }
                }
            }
            // Leave the scratch zero for the next set.
            for &c in &self.below_j {
                self.flag[c as usize] = 0.0;
            }
            for &v in &self.above_j {
                let v = v as usize;
                self.dn[v * np..(v + 1) * np].fill(0.0);
            }
        }
    }

    /// The nodes where set `sj`'s actions matter: `below_j`, the nodes below one of its
    /// nodes (parents first), whose reach depends on them; `above_j`, its nodes and their
    /// ancestors (children first), whose values depend on them; and `related`, the strategic
    /// sets with a node in either list, whose action values depend on them.
    fn nodes_around(&mut self, game: &CompiledGame, sj: usize) {
        let nodes = game.node_set.len();
        self.below_j.clear();
        self.above_j.clear();
        self.related.clear();
        self.mark.fill(false);
        // Below: a node whose parent is at J or below J (parents precede children).
        for c in 1..nodes {
            let v = self.parent[c] as usize;
            if game.node_set[v] as usize == sj || self.mark[v] {
                self.mark[c] = true;
                self.below_j.push(c as u32);
            }
        }
        let below = std::mem::take(&mut self.mark);
        self.above.fill(false);
        for v in (0..nodes).rev() {
            let s = game.node_set[v];
            if s == NONE {
                continue;
            }
            let kids = game.child_start[v] as usize..game.child_start[v + 1] as usize;
            if s as usize == sj || game.children[kids].iter().any(|&c| self.above[c as usize]) {
                self.above[v] = true;
                self.above_j.push(v as u32);
            }
        }
        self.set_mark.fill(false);
        for (v, &s) in game.node_set.iter().enumerate() {
            if s == NONE || game.set_player[s as usize] == NONE {
                continue;
            }
            if (below[v] || self.above[v]) && !self.set_mark[s as usize] {
                self.set_mark[s as usize] = true;
                self.related.push(s);
            }
        }
        self.mark = below;
    }
}

fn parents(game: &CompiledGame) -> Vec<u32> {
    let mut parent = vec![0; game.node_set.len()];
    for v in 0..game.node_set.len() {
        let kids = game.child_start[v] as usize..game.child_start[v + 1] as usize;
        for &c in &game.children[kids] {
            parent[c as usize] = v as u32;
        }
    }
    parent
}

/// Our profile index of every position of Gambit's order of actions: players in order, each
/// player's sets in order of first appearance in a depth-first walk, actions in order.
fn gambit_order(game: &CompiledGame) -> Vec<usize> {
    let mut seen = vec![false; game.set_player.len()];
    let mut by_player: Vec<Vec<usize>> = vec![Vec::new(); game.num_players];
    let mut stack = vec![0_u32];
    while let Some(v) = stack.pop() {
        let v = v as usize;
        let s = game.node_set[v];
        if s == NONE {
            continue;
        }
        let s = s as usize;
        if !seen[s] {
            seen[s] = true;
            if game.set_player[s] != NONE {
                by_player[game.set_player[s] as usize].push(s);
            }
        }
        let kids = game.child_start[v] as usize..game.child_start[v + 1] as usize;
        stack.extend(game.children[kids].iter().rev());
    }
    let mut order = Vec::with_capacity(game.profile_len);
    for sets in by_player {
        for s in sets {
            let off = game.set_action[s] as usize;
            order.extend(off..off + game.set_num_actions[s] as usize);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::load::read_game_file;

    /// Central differences of the equations against the analytic Jacobian.
    fn check_jacobian(file: &str, formulation: Formulation, exact: bool) {
        let path = format!(
            "{}/tests/fixtures/gambit/games/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let game = read_game_file(path).unwrap().to_game().into_owned();
        let compiled = CompiledGame::new(&game);
        let pay = compiled.game_payoffs(&game);
        let m = compiled.profile_len;
        let n = m + 1;
        let mut sys = System::new(&compiled, formulation);
        // An interior point off the solution set (sums not 1).
        let mut x: Vec<f64> = (0..n).map(|k| -0.3 - 0.37 * ((k * 7 % 5) as f64)).collect();
        x[m] = 1.7;
        sys.evaluate(&compiled, &pay, &x[..m]);
        let mut jac = vec![0.0; m * n];
        sys.jacobian(&compiled, x[m], &mut jac, exact);
        let (mut fp, mut fm) = (vec![0.0; m], vec![0.0; m]);
        for j in 0..n {
            let h = 1e-6;
            let mut xp = x.clone();
            xp[j] += h;
            sys.evaluate(&compiled, &pay, &xp[..m]);
            sys.equations(&compiled, &xp[..m], xp[m], &mut fp);
            let mut xm = x.clone();
            xm[j] -= h;
            sys.evaluate(&compiled, &pay, &xm[..m]);
            sys.equations(&compiled, &xm[..m], xm[m], &mut fm);
            for i in 0..m {
                let fd = (fp[i] - fm[i]) / (2.0 * h);
                let an = jac[i * n + j];
                assert!(
                    (fd - an).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{file}: d F{i} / d x{j}: analytic {an}, differences {fd}"
                );
            }
        }
    }

    #[test]
    fn analytic_jacobian_matches_differences() {
        // Perfect-recall games with chance, several sets per player, and non-terminal
        // outcomes; a strategic form in both formulations.
        for file in [
            "shohamleytonbrown2008-fig5_10.efg",
            "myerson1991-fig4_2.efg",
            "selten1975-fig3.efg",
            "vonstengel2022-fig10.12.efg",
            "reiley2008-fig1.efg",
            "nau2004-sec5.nfg",
        ] {
            check_jacobian(file, Formulation::Agent, false);
            check_jacobian(file, Formulation::Agent, true);
        }
        check_jacobian("nau2004-sec5.nfg", Formulation::Strategic, false);
        check_jacobian("shapley1974-fig3.nfg", Formulation::Strategic, false);
        // Imperfect recall, with absent-mindedness (the driver meets his set twice on a
        // path; in Fig 5.12 player 1 forgets his own move): only the exact Jacobian is the
        // derivative there.
        for file in [
            "gilboa1997-fig1.efg",
            "shohamleytonbrown2008-fig5_12.efg",
            "wichardt2008.efg",
        ] {
            check_jacobian(file, Formulation::Agent, true);
        }
    }

    #[test]
    fn gambit_order_puts_sets_in_first_appearance_order() {
        // Fig 5.10: player 1's set 2 (the root, L/R) precedes set 1 (l/r) in Gambit's order.
        let path = format!(
            "{}/tests/fixtures/gambit/games/shohamleytonbrown2008-fig5_10.efg",
            env!("CARGO_MANIFEST_DIR")
        );
        let game = read_game_file(path).unwrap().to_game().into_owned();
        let compiled = CompiledGame::new(&game);
        assert_eq!(gambit_order(&compiled), vec![2, 3, 0, 1, 4, 5]);
    }
}
