//! Vertices of a best-response polytope `{ z ≥ 0 : M z ≤ 1 }` by lexicographic reverse search.
//!
//! This is the reverse search of Avis and Fukuda (1992) as Gambit implements it
//! (`src/solvers/linalg/vertenum.cc` and `LPTableau::ComputeReversePivots` in `lptab.cc`):
//! starting from the slack basis, the search walks backwards along the pivots the simplex method
//! would take towards the optimum of `max Σ z_j`, and records a vertex at every basis that is the
//! lexicographically smallest basis of its vertex. The port is step by step, with the same
//! variable numbering, the same sign convention (Gambit writes the system as `M w + s = -1` and
//! reads the vertex as `z = -w`) and the same order of pivots, so that vertices come out in the
//! order Gambit's `enummixed` visits them. Arithmetic is exact, so degenerate polytopes (several
//! bases per vertex) are handled by the lexicographic rule rather than by tolerances.

use ndarray::Array2;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// A variable of the tableau in Gambit's numbering: the slack of row `i` (0-based) is `-(i+1)`,
/// column `j` (0-based) is `j+1`. The order of labels decides ties, so it must match Gambit's.
type Label = isize;

/// One vertex of the polytope and the constraints it makes tight.
#[derive(Debug, Clone)]
pub(crate) struct Vertex {
    /// The coordinates `z_j ≥ 0` times `denominator` (one per column of `M`): enough to
    /// normalise `z` to a probability vector without building a rational per vertex.
    pub weights: Vec<BigInt>,
    /// The positive common denominator of `weights` (the equilibrium search only normalises).
    #[cfg_attr(not(test), allow(dead_code))]
    pub denominator: BigInt,
    /// Columns `j` with `z_j = 0`.
    pub zero_columns: Vec<bool>,
    /// Rows `i` whose inequality holds with equality, `(M z)_i = 1`.
    pub tight_rows: Vec<bool>,
}

/// The search visited more bases than allowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BasesLimitExceeded;

/// All vertices of `{ z ≥ 0 : M z ≤ 1 }` (including the origin, always first), in Gambit's order.
///
/// `M` must be entrywise positive, which makes the polytope bounded and fully dimensional.
/// Fails once more than `max_bases` bases have been visited.
pub(crate) fn enumerate_vertices(
    m: &Array2<BigRational>,
    max_bases: usize,
) -> Result<Vec<Vertex>, BasesLimitExceeded> {
    let mut vertices = Vec::new();
    let mut visited = 0usize;
    // Depth-first, children in the order the reverse pivots are listed: pushing them in reverse
    // makes the explicit stack visit nodes in the same pre-order as Gambit's recursion.
    let mut stack = vec![Tableau::slack_basis(m)];
    while let Some(tableau) = stack.pop() {
        visited += 1;
        if visited > max_bases {
            return Err(BasesLimitExceeded);
        }
        if tableau.is_lex_min() {
            vertices.push(tableau.vertex());
        }
        for &(row, label) in tableau.reverse_pivots().iter().rev() {
            let mut child = tableau.clone();
            child.pivot(row, label);
            stack.push(child);
        }
    }
    Ok(vertices)
}

/// A dictionary of `M w + s = -1` for one basis `B`, kept fraction-free (Edmonds 1967;
/// Bareiss 1968, as in Gambit's `Tableau<Rational>` and in lrs): with `M' = D M` integral and the
/// slacks rescaled to match, `entries = d · B^{-1} [M' | I]` and `rhs = d · B^{-1} (-D, …, -D)`
/// are integers over one positive denominator `d = |det B|`. Every quantity the reverse search
/// compares is a sign or a ratio within one row or one column, so this positive rescaling of rows
/// and columns leaves every decision as in Gambit's rational tableau, and no gcd is ever taken.
#[derive(Debug, Clone)]
struct Tableau {
    rows: usize,
    cols: usize,
    /// `d · B^{-1} [M' | I]`, row-major, `rows × (cols + rows)`; see [`Tableau::index`].
    entries: Vec<BigInt>,
    /// `d · B^{-1} (-D, …, -D)`: `d` times the values of the basic variables.
    rhs: Vec<BigInt>,
    /// The common denominator `d > 0`.
    denominator: BigInt,
    /// The basic variable of each row.
    basis: Vec<Label>,
    /// The row of each variable if it is basic, by [`Tableau::index`].
    row_of: Vec<Option<usize>>,
}

impl Tableau {
    fn slack_basis(m: &Array2<BigRational>) -> Self {
        let (rows, cols) = m.dim();
        let width = cols + rows;
        let scale = m.iter().fold(BigInt::one(), |l, v| l.lcm(v.denom()));
        let mut entries = vec![BigInt::zero(); rows * width];
        for ((i, j), value) in m.indexed_iter() {
            entries[i * width + j] = value.numer() * (&scale / value.denom());
        }
        for i in 0..rows {
            entries[i * width + cols + i] = BigInt::one();
        }
        let mut row_of = vec![None; width];
        for (i, slot) in row_of.iter_mut().skip(cols).enumerate() {
            *slot = Some(i);
        }
        Tableau {
            rows,
            cols,
            entries,
            rhs: vec![-scale; rows],
            denominator: BigInt::one(),
            basis: (0..rows).map(slack).collect(),
            row_of,
        }
    }

    fn width(&self) -> usize {
        self.cols + self.rows
    }

    /// Storage column of a variable: columns of `M` first, then slacks.
    fn index(&self, label: Label) -> usize {
        if label > 0 {
            label.unsigned_abs() - 1
        } else {
            self.cols + label.unsigned_abs() - 1
        }
    }

    /// All labels in Gambit's order: slacks `-rows..=-1`, then columns `1..=cols`.
    fn labels(&self) -> impl Iterator<Item = Label> {
        let rows = self.rows as isize;
        let cols = self.cols as isize;
        (-rows..=cols).filter(|&l| l != 0)
    }

    fn entry(&self, row: usize, label: Label) -> &BigInt {
        &self.entries[row * self.width() + self.index(label)]
    }

    fn is_basic(&self, label: Label) -> bool {
        self.row_of[self.index(label)].is_some()
    }

    /// Exchange the basic variable of `row` for `label`: a fraction-free Gauss–Jordan step whose
    /// divisions by the old denominator are exact (the entries are minors of `[M' | I]`).
    fn pivot(&mut self, row: usize, label: Label) {
        let width = self.width();
        let col = self.index(label);
        let pivot = self.entries[row * width + col].clone();
        let pivot_row: Vec<BigInt> = self.entries[row * width..(row + 1) * width].to_vec();
        let pivot_rhs = self.rhs[row].clone();
        let old = &self.denominator;
        for i in (0..self.rows).filter(|&i| i != row) {
            let factor = self.entries[i * width + col].clone();
            for (value, p) in self.entries[i * width..(i + 1) * width]
                .iter_mut()
                .zip(&pivot_row)
            {
                *value = (&pivot * &*value - &factor * p) / old;
            }
            self.rhs[i] = (&pivot * &self.rhs[i] - &factor * &pivot_rhs) / old;
        }
        self.denominator = pivot;
        if self.denominator.is_negative() {
            // Same values over a positive denominator, so signs can be read off the numerators.
            self.denominator = -&self.denominator;
            for value in self.entries.iter_mut().chain(self.rhs.iter_mut()) {
                *value = -&*value;
            }
        }
        let leaving = self.basis[row];
        let leaving_index = self.index(leaving);
        self.row_of[leaving_index] = None;
        self.row_of[col] = Some(row);
        self.basis[row] = label;
    }

    /// `d` times the reduced costs `c_j - c_B B^{-1} a_j` of the objective `Σ w_j` (slacks cost
    /// nothing), by storage column.
    fn relative_costs(&self) -> Vec<BigInt> {
        let width = self.width();
        (0..width)
            .map(|c| {
                let own = if c < self.cols {
                    self.denominator.clone()
                } else {
                    BigInt::zero()
                };
                self.basis
                    .iter()
                    .enumerate()
                    .filter(|&(_, &l)| l > 0)
                    .fold(own, |acc, (r, _)| acc - &self.entries[r * width + c])
            })
            .collect()
    }

    /// Is this basis the lexicographically smallest of its vertex? (Gambit's `IsLexMin`.)
    fn is_lex_min(&self) -> bool {
        let rows = self.rows as isize;
        (0..self.rows).all(|r| {
            !self.rhs[r].is_zero()
                || (-rows..self.basis[r])
                    .filter(|&j| j != 0)
                    .all(|j| !self.entry(r, j).is_negative())
        })
    }

    /// The pivots `(row, entering label)` leading to the children of this basis in the reverse
    /// search tree, in Gambit's order (`LPTableau::ComputeReversePivots`), with its rational
    /// comparisons rewritten as sign tests on cross products.
    fn reverse_pivots(&self) -> Vec<(usize, Label)> {
        let costs = self.relative_costs();
        let rows = self.rows as isize;
        let width = self.width();
        let mut pivots = Vec::new();
        for j in self.labels() {
            if self.is_basic(j) {
                continue;
            }
            let cj = self.index(j);
            let column = |r: usize| &self.entries[r * width + cj];
            // Rows where the prior tableau would be primal feasible.
            let mut best: Vec<usize> = (0..self.rows)
                .filter(|&r| column(r).is_positive())
                .collect();
            if let Some(&first) = best.first() {
                // Keep the rows attaining the largest ratio rhs / column (columns positive).
                let mut arg = first;
                for &r in &best[1..] {
                    if &self.rhs[r] * column(arg) > &self.rhs[arg] * column(r) {
                        arg = r;
                    }
                }
                best.retain(|&r| &self.rhs[r] * column(arg) >= &self.rhs[arg] * column(r));
                // `j` must leave in the prior tableau. In Gambit's terms, for a row `k` with
                // a_ik > 0 (column entry negative), b_k / a_ik - ratio has the sign of rhs_k.
                best.retain(|&i| {
                    (0..self.rows).filter(|&k| k != i).all(|k| {
                        !column(k).is_negative()
                            || !(self.rhs[k].is_positive()
                                || (self.rhs[k].is_zero() && self.basis[k] < j))
                    })
                });
            }
            // The basic variable of row `i` must enter in the prior tableau: with
            // ratio = c_j / a_ij, the sign of c_k - a_ik · ratio for each candidate `k`.
            best.retain(|&i| {
                let a_ij = &self.entries[i * width + cj];
                if a_ij.is_zero() {
                    return false;
                }
                let c_j = &costs[cj];
                let negative = |k: Label| {
                    let ck = self.index(k);
                    let v = &costs[ck] * a_ij - &self.entries[i * width + ck] * c_j;
                    v.is_positive() != a_ij.is_positive() && !v.is_zero()
                };
                let enter = self.basis[i];
                negative(enter) && (-rows..enter).filter(|&k| k != 0).all(|k| !negative(k))
            });
            pivots.extend(best.into_iter().map(|i| (i, j)));
        }
        pivots
    }

    /// The vertex of this basis: `z = -w`, slack `1 - (M z)_i = -s_i` (up to the slack scale),
    /// all times the denominator `d > 0`.
    fn vertex(&self) -> Vertex {
        let value = |label: Label| match self.row_of[self.index(label)] {
            Some(r) => -&self.rhs[r],
            None => BigInt::zero(),
        };
        let weights: Vec<BigInt> = (0..self.cols).map(|j| value(column(j))).collect();
        let zero_columns = weights.iter().map(Zero::is_zero).collect();
        let tight_rows = (0..self.rows).map(|i| value(slack(i)).is_zero()).collect();
        Vertex {
            weights,
            denominator: self.denominator.clone(),
            zero_columns,
            tight_rows,
        }
    }
}

fn slack(row: usize) -> Label {
    -(row as isize) - 1
}

fn column(col: usize) -> Label {
    col as isize + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    fn point(v: &Vertex) -> Vec<BigRational> {
        v.weights
            .iter()
            .map(|w| BigRational::new(w.clone(), v.denominator.clone()))
            .collect()
    }

    /// `{ z ≥ 0 : 2 z ≤ 1 }` is the segment [0, 1/2].
    #[test]
    fn segment_has_two_vertices() {
        let m = Array2::from_elem((1, 1), q(2));
        let vertices = enumerate_vertices(&m, 100).unwrap();
        let points: Vec<_> = vertices.iter().map(point).collect();
        assert_eq!(
            points,
            vec![vec![q(0)], vec![BigRational::new(1.into(), 2.into())]]
        );
    }

    /// The unit square `{ z ≥ 0 : z_1 ≤ 1, z_2 ≤ 1 }` has four vertices.
    #[test]
    fn square_has_four_vertices() {
        let m = Array2::from_shape_vec((2, 2), vec![q(1), q(0), q(0), q(1)]).unwrap();
        let vertices = enumerate_vertices(&m, 100).unwrap();
        let mut points: Vec<_> = vertices.iter().map(point).collect();
        assert_eq!(points[0], vec![q(0), q(0)]);
        points.sort();
        assert_eq!(
            points,
            vec![
                vec![q(0), q(0)],
                vec![q(0), q(1)],
                vec![q(1), q(0)],
                vec![q(1), q(1)]
            ]
        );
    }

    /// The same facet written twice makes every vertex on it degenerate (four tight
    /// constraints in three dimensions); each vertex must still be reported once.
    #[test]
    fn degenerate_vertex_is_reported_once() {
        let m = Array2::from_shape_vec((2, 3), vec![q(1); 6]).unwrap();
        let vertices = enumerate_vertices(&m, 1000).unwrap();
        // The simplex conv{0, e1, e2, e3}: four vertices.
        assert_eq!(vertices.len(), 4);
    }
}
