//! The Newton solve of the rows' equations: exact, in time linear in the tree (see the
//! parent module's documentation, "The Newton solve").

use super::{with_added, Affine, RowGame, RowWorkspace, MAX_ACTIONS, MAX_LANES};

impl RowGame {
    /// Solves the Newton system at the last evaluation (at `u`, with residual `f`): the
    /// Newton step `J⁻¹ (−F)` into `step`, and, with `tangent`, `dU/dλ = −J⁻¹ ∂F/∂λ` into it.
    /// `J δU = δU − δΦ`, where `δΦ` is the change of `Φ` when `log σ` changes by
    /// `λ (δU − σ·δU)`; `∂F/∂λ` is `−δΦ` when `log σ` changes by `U − σ·U` at fixed `U`.
    /// Both right-hand sides go through one elimination. Returns the sign of `det J` (the
    /// product of the rows' local systems' determinants), `None` when it is singular.
    pub(crate) fn solve(
        &self,
        ws: &mut RowWorkspace,
        u: &[f64],
        f: &[f64],
        step: &mut [f64],
        mut tangent: Option<&mut [f64]>,
    ) -> Option<f64> {
        let lambda = ws.lambda;
        let with_tangent = tangent.is_some();
        let mut sign = 1.0;
        if lambda == 0.0 && with_tangent && f.iter().all(|&r| r == 0.0) {
            // The start of every continuation: J = I, and only the tangent is left to find.
            for d in (0..self.decisions.len()).rev() {
                self.eliminate_at_zero(ws, d, u);
            }
        } else {
            for d in (0..self.decisions.len()).rev() {
                sign *= self.eliminate(ws, d, lambda, u, f, with_tangent)?;
            }
        }
        // From the root: each row's δx (for the step and the tangent), then its unknowns.
        ws.dx[0] = [[0.0; 2]; 2];
        for (d, dec) in self.decisions.iter().enumerate() {
            let i = dec.mover as usize;
            let first = dec.first as usize;
            let dx = ws.dx[d];
            // Column 0 holds the step's constant, column 3 the tangent's.
            let at = |f: &Affine, c: usize| f[3 * c] + f[1] * dx[c][0] + f[2] * dx[c][1];
            for a in 0..dec.actions as usize {
                let s = first + a;
                for t in 0..2 {
                    let used = t < self.types[i];
                    step[2 * s + t] = if used { at(&ws.uaff[s][t], 0) } else { 0.0 };
                    if let Some(out) = tangent.as_deref_mut() {
                        out[2 * s + t] = if used { at(&ws.uaff[s][t], 1) } else { 0.0 };
                    }
                }
                let c = self.slot_child[s] as usize;
                if c < self.decisions.len() {
                    ws.dx[c] = [
                        with_added(dx[0], i, at(&ws.waff[s], 0)),
                        with_added(dx[1], i, at(&ws.waff[s], 1)),
                    ];
                }
            }
        }
        let finite = step.iter().all(|v| v.is_finite())
            && tangent.is_none_or(|t| t.iter().all(|v| v.is_finite()));
        finite.then_some(sign)
    }

    /// [`RowGame::eliminate_in`] at λ = 0 with a zero residual, where the profile does not
    /// depend on `U`: every coefficient of `δx` in the values, every signal but the tangent's,
    /// and the Newton step vanish, and what is left is one backward pass of the tangent's
    /// column (the same operations on the same numbers as the general elimination, less its
    /// exact zeros).
    fn eliminate_at_zero(&self, ws: &mut RowWorkspace, d: usize, u: &[f64]) {
        let dec = self.decisions[d];
        let i = dec.mover as usize;
        let o = 1 - i;
        let ni = self.types[i];
        let two_other = self.types[o] == 2;
        let first = dec.first as usize;
        let k = dec.actions as usize;
        let nd = self.decisions.len();
        let mut mean_u = [0.0; 2];
        for (t, m) in mean_u.iter_mut().enumerate().take(ni) {
            for a in 0..k {
                *m += ws.sig[first + a][t] * u[2 * (first + a) + t];
            }
        }
        let mut jac = [[[0.0; MAX_LANES]; 4]; 2];
        for a in 0..k {
            let s = first + a;
            let c = self.slot_child[s] as usize;
            let cv = &ws.value[c];
            let mut r: [Affine; 2] = [[0.0; 4]; 2];
            let mut l3 = [0.0; 2];
            for t in 0..ni {
                let l = self.lane_of[i][t].map(|l| l as usize);
                let mu = ws.mu[d][t];
                if two_other {
                    let b = mu[0] * mu[1] * (cv[i][l[1]] - cv[i][l[0]]);
                    [r[t][1], r[t][2]] = with_added([0.0; 2], o, b);
                }
                if c < nd {
                    let jc = &ws.jac[c][i];
                    let m = if two_other { 2 } else { 1 };
                    for (w, &p) in mu.iter().enumerate().take(m) {
                        r[t][3] += p * jc[3][l[w]];
                    }
                }
                l3[t] = u[2 * s + t] - mean_u[t];
            }
            let w3 = if ni == 2 { l3[1] - l3[0] } else { 0.0 };
            ws.uaff[s] = r;
            ws.waff[s] = [0.0, 0.0, 0.0, w3];
            for l in 0..self.lanes {
                let p = ws.sig[s][self.lane_type[l][i] as usize];
                let la = p * l3[self.lane_type[l][i] as usize];
                for (j, acc) in jac.iter_mut().enumerate() {
                    acc[3][l] += if c < nd {
                        let g = &ws.jac[c][j];
                        la * cv[j][l] + p * (g[3][l] + g[1 + i][l] * w3)
                    } else {
                        la * cv[j][l]
                    };
                }
            }
        }
        ws.jac[d] = jac;
    }

    /// Eliminates decision `d` (see [`RowGame::eliminate_in`]), in a copy for its number of
    /// actions and both players' numbers of types.
    fn eliminate(
        &self,
        ws: &mut RowWorkspace,
        d: usize,
        lambda: f64,
        u: &[f64],
        f: &[f64],
        with_tangent: bool,
    ) -> Option<f64> {
        let dec = &self.decisions[d];
        let i = dec.mover as usize;
        let args = (ws, d, lambda, u, f);
        if with_tangent {
            self.eliminate_shape::<4>(args, dec.actions, self.types[i], self.types[1 - i])
        } else {
            self.eliminate_shape::<3>(args, dec.actions, self.types[i], self.types[1 - i])
        }
    }

    /// [`RowGame::eliminate_in`] for this shape: `NQ` columns of [`Affine`] (3 without the
    /// tangent, 4 with it), in copies with constant loop bounds for the common shapes.
    #[inline(always)]
    fn eliminate_shape<const NQ: usize>(
        &self,
        args: (&mut RowWorkspace, usize, f64, &[f64], &[f64]),
        actions: u32,
        mover_types: usize,
        other_types: usize,
    ) -> Option<f64> {
        match (actions, mover_types, other_types) {
            (2, 2, 2) => self.eliminate_in::<2, 2, 2, 2, NQ>(args),
            (3, 2, 2) => self.eliminate_in::<3, 3, 2, 2, NQ>(args),
            (4, 2, 2) => self.eliminate_in::<4, 4, 2, 2, NQ>(args),
            (_, 2, 2) => self.eliminate_in::<0, MAX_ACTIONS, 2, 2, NQ>(args),
            (_, 2, _) => self.eliminate_in::<0, MAX_ACTIONS, 2, 1, NQ>(args),
            (_, _, 2) => self.eliminate_in::<0, MAX_ACTIONS, 1, 2, NQ>(args),
            _ => self.eliminate_in::<0, MAX_ACTIONS, 1, 1, NQ>(args),
        }
    }

    /// Eliminates decision `d`: its unknowns and signals as affine functions of its `δx`
    /// (into `uaff`, `waff`), and its values' changes likewise (into `jac`). `K` is the
    /// number of actions (0: any, up to `CAP`), `NI` the mover's number of types, `NO` the
    /// other's, `NQ` the columns of [`Affine`] computed: the step's constant and the two
    /// coefficients of `δx`, then (`NQ = 4`) the tangent's constant.
    #[inline(always)]
    #[allow(clippy::needless_range_loop)] // (index loops over small fixed arrays)
    fn eliminate_in<
        const K: usize,
        const CAP: usize,
        const NI: usize,
        const NO: usize,
        const NQ: usize,
    >(
        &self,
        (ws, d, lambda, u, f): (&mut RowWorkspace, usize, f64, &[f64], &[f64]),
    ) -> Option<f64> {
        let with_tangent = NQ == 4;
        let dec = self.decisions[d];
        let i = dec.mover as usize;
        let o = 1 - i;
        let ni = NI;
        let two_other = NO == 2;
        let first = dec.first as usize;
        let k = if K == 0 { dec.actions as usize } else { K };
        let nd = self.decisions.len();
        let lanes = NI * NO;
        if k > CAP {
            return None;
        }
        // Per action and own type: R (the unknown's change without the signal term) and h
        // (its coefficient on the action's signal w).
        let mut r_aff = [[[0.0; 4]; 2]; CAP];
        let mut h = [[0.0; 2]; CAP];
        for a in 0..k {
            let s = first + a;
            let c = self.slot_child[s] as usize;
            let cv = &ws.value[c];
            for t in 0..ni {
                let l = self.lane_of[i][t].map(|l| l as usize);
                let mu = ws.mu[d][t];
                let mut r: Affine = [-f[2 * s + t], 0.0, 0.0, 0.0];
                if two_other {
                    // Beliefs: δμ_1 = μ_1 μ_0 δx_o (stored whole, see `with_added`).
                    let b = mu[0] * mu[1] * (cv[i][l[1]] - cv[i][l[0]]);
                    [r[1], r[2]] = with_added([0.0; 2], o, b);
                }
                if c < nd {
                    let jc = &ws.jac[c][i];
                    let m = if two_other { 2 } else { 1 };
                    for (u, &p) in mu.iter().enumerate().take(m) {
                        for q in 0..NQ {
                            r[q] += p * jc[q][l[u]];
                        }
                        h[a][t] += p * jc[1 + i][l[u]];
                    }
                }
                r_aff[a][t] = r;
            }
        }
        // ℓ(t, a) = λ (R − σ·R), plus the λ source U − σ·U in the tangent's column.
        let mut l_aff = [[[0.0; 4]; 2]; CAP];
        for t in 0..ni {
            let mut mean = [0.0; 4];
            let mut mean_u = 0.0;
            for a in 0..k {
                let p = ws.sig[first + a][t];
                for q in 0..NQ {
                    mean[q] += p * r_aff[a][t][q];
                }
                mean_u += p * u[2 * (first + a) + t];
            }
            for a in 0..k {
                for q in 0..NQ {
                    l_aff[a][t][q] = lambda * (r_aff[a][t][q] - mean[q]);
                }
                if with_tangent {
                    l_aff[a][t][3] += u[2 * (first + a) + t] - mean_u;
                }
            }
        }
        // The signal w(a) = ℓ(1, a) − ℓ(0, a) solves (diag(dm) + 1 vᵀ) w = ρ, whose
        // determinant, Π dm (1 + vᵀ diag(dm)⁻¹ 1), is the row's share of det J.
        let mut w = [[0.0; 4]; CAP];
        let mut sign = 1.0;
        if ni == 2 {
            let mut dinv = [0.0; CAP];
            let mut v = [0.0; CAP];
            for a in 0..k {
                let dm = 1.0 - lambda * (h[a][1] - h[a][0]);
                if dm == 0.0 || !dm.is_finite() {
                    return None;
                }
                if dm < 0.0 {
                    sign = -sign;
                }
                dinv[a] = 1.0 / dm;
                v[a] = lambda * (ws.sig[first + a][1] * h[a][1] - ws.sig[first + a][0] * h[a][0]);
            }
            let mut vy = [0.0; 4];
            let mut vd = 0.0;
            for a in 0..k {
                for q in 0..NQ {
                    w[a][q] = dinv[a] * (l_aff[a][1][q] - l_aff[a][0][q]);
                    vy[q] += v[a] * w[a][q];
                }
                vd += v[a] * dinv[a];
            }
            let den = 1.0 + vd;
            if den == 0.0 || !den.is_finite() {
                return None;
            }
            if den < 0.0 {
                sign = -sign;
            }
            for a in 0..k {
                for q in 0..NQ {
                    w[a][q] -= dinv[a] * vy[q] / den;
                }
            }
            // The signal terms of ℓ and of the unknowns: h(t, a) w(a), centred in ℓ.
            for t in 0..2 {
                let mut mean = [0.0; 4];
                for a in 0..k {
                    let p = ws.sig[first + a][t] * h[a][t];
                    for q in 0..NQ {
                        mean[q] += p * w[a][q];
                    }
                }
                for a in 0..k {
                    for q in 0..NQ {
                        l_aff[a][t][q] += lambda * (h[a][t] * w[a][q] - mean[q]);
                        r_aff[a][t][q] += h[a][t] * w[a][q];
                    }
                }
            }
        }
        ws.uaff[first..first + k].copy_from_slice(&r_aff[..k]);
        ws.waff[first..first + k].copy_from_slice(&w[..k]);
        // The row's values: δV = Σ_a σ (ℓ V_child + δV_child), with δx_child = δx + e_i w;
        // lane by lane (each lane takes its probability and ℓ from the mover's own type).
        let mut jac = [[[0.0; MAX_LANES]; 4]; 2];
        for a in 0..k {
            let s = first + a;
            let c = self.slot_child[s] as usize;
            let cv = &ws.value[c];
            let mut p = [0.0; MAX_LANES];
            let mut la = [[0.0; MAX_LANES]; 4];
            for l in 0..lanes {
                let t = self.lane_type[l][i] as usize;
                p[l] = ws.sig[s][t];
                for q in 0..NQ {
                    la[q][l] = p[l] * l_aff[a][t][q];
                }
            }
            let wa = w[a];
            for j in 0..2 {
                let v = &cv[j];
                let acc = &mut jac[j];
                if c < nd {
                    let g = &ws.jac[c][j];
                    let gi = g[1 + i];
                    for q in 0..NQ {
                        for l in 0..MAX_LANES {
                            acc[q][l] += la[q][l] * v[l] + p[l] * (g[q][l] + gi[l] * wa[q]);
                        }
                    }
                } else {
                    for q in 0..NQ {
                        for l in 0..MAX_LANES {
                            acc[q][l] += la[q][l] * v[l];
                        }
                    }
                }
            }
        }
        ws.jac[d] = jac;
        Some(sign)
    }
}

#[cfg(test)]
mod tests {
    use super::super::RowGame;
    use crate::game::{GameBuilder, Number};

    /// A small game in rows of 2 × 2 types: the target (player 1) plays `a` (the end) or `b`,
    /// after which the challenger (player 0) plays `x`, `y` or `z`. Returns the rows and the
    /// number of terminals.
    fn small_rows() -> (RowGame, usize) {
        let mut b = GameBuilder::new(["C", "T"]);
        let q = Number::ratio(1, 4).unwrap();
        let lanes = b
            .chance(
                b.root(),
                "types",
                &[
                    ("00", q.clone()),
                    ("01", q.clone()),
                    ("10", q.clone()),
                    ("11", q),
                ],
            )
            .unwrap();
        let target = [0, 1].map(|t| b.new_infoset(1, &format!("T{t}"), &["a", "b"]).unwrap());
        let challenger = [0, 1].map(|t| {
            b.new_infoset(0, &format!("C{t}"), &["x", "y", "z"])
                .unwrap()
        });
        let mut node_of = Vec::new();
        for (lane, &n) in lanes.iter().enumerate() {
            let first = b.attach(n, target[lane % 2]).unwrap();
            let second = b.attach(first[1], challenger[lane / 2]).unwrap();
            for leaf in [first[0], second[0], second[1], second[2]] {
                b.set_payoffs(leaf, &[0.0, 0.0]);
            }
            node_of.push(vec![
                n.0,
                first[0].0,
                first[1].0,
                second[0].0,
                second[1].0,
                second[2].0,
            ]);
        }
        let game = b.build().unwrap();
        let terminals = game
            .nodes()
            .iter()
            .filter(|n| n.children.is_empty())
            .count();
        (RowGame::new(&game, &node_of, [2, 2]).unwrap(), terminals)
    }

    /// At λ = 0 with a zero residual the tangent-only pass gives what the general elimination
    /// gives, to the bit (its other columns are exact zeros there).
    #[test]
    fn the_tangent_only_pass_at_zero_is_the_general_elimination() {
        let (game, terminals) = small_rows();
        let pay: Vec<f64> = (0..2 * terminals)
            .map(|k| ((k * 7) % 11) as f64 - 5.0)
            .collect();
        let mut general = game.workspace();
        game.set_game(&mut general, &[0.1, 0.2, 0.3, 0.4], &pay);
        let mut u = vec![0.0; game.len()];
        game.start(&mut general, &mut u);
        let mut at_zero = general.clone();
        let f = vec![0.0; game.len()];
        for d in (0..game.decisions.len()).rev() {
            assert_eq!(
                game.eliminate(&mut general, d, 0.0, &u, &f, true),
                Some(1.0)
            );
            game.eliminate_at_zero(&mut at_zero, d, &u);
        }
        // (`==` takes the signs of zeros as equal.)
        assert!(general.uaff == at_zero.uaff);
        assert!(general.waff == at_zero.waff);
        assert!(general.jac == at_zero.jac);
        assert!(general
            .jac
            .iter()
            .any(|j| j[0][3].iter().any(|&v| v != 0.0)));
        assert!(general
            .uaff
            .iter()
            .any(|r| r[0][1] != 0.0 || r[0][2] != 0.0));
    }
}
