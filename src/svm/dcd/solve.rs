//! liblinear's outer loop: passes of coordinate descent over the active set in a random order,
//! shrinking the variables stuck at a bound (Hsieh et al. 2008, Algorithm 3 and §3.2; liblinear
//! `solve_l2r_l1l2_svc` in scikit-learn 1.9.1).
//!
//! ```text
//! M̄ = +∞, m̄ = −∞, A = all variables
//! repeat (one outer iteration = one pass):
//!   permute A  (j = i + r mod (|A| − i), r from MT19937)
//!   for i in A:
//!     G_i = w·z_i − 1 + D_ii α_i
//!     α_i = 0   and G_i > M̄  →  remove i from A            (shrink)
//!     α_i = U_i and G_i < m̄  →  remove i from A
//!     PG_i = min(G_i, 0) at 0,  max(G_i, 0) at U_i,  G_i inside the box
//!     |PG_i| > 1e-12  →  α_i ← min(max(α_i − G_i / Q̄_ii, 0), U_i),   w += Δα_i z_i
//!   if max PG − min PG ≤ eps:   stop if A is every variable, else A = all, M̄ = +∞, m̄ = −∞
//!   else  M̄ = max PG (+∞ if ≤ 0),  m̄ = min PG (−∞ if ≥ 0)
//! ```
//! A variable at 0 whose gradient exceeds the largest projected gradient of the previous pass
//! (or at `U` with a gradient below the smallest) would stay at its bound if updated; it is
//! skipped until the active set converges. Shrinking is a heuristic: the final check runs on the
//! whole set, so the stopping rule — and the optimum reached — is the one without shrinking. With
//! `shrinking = false` no variable ever leaves `A` (`M̄`, `m̄` stay infinite).
//!
//! The inner step is liblinear's line for line, on the rows of [`super::rows`]; the permutation
//! is the crate's MT19937 (numpy's), not scikit-learn's `bounded_rand_int`, so the path differs
//! from `LinearSVC`'s and the iteration counts agree only roughly.
//!
//! Cost per pass: `O(Σ_{i∈A} nnz(z_i))`; memory `O(l)` besides the rows.

use crate::rng::Mt19937;
use crate::svm::dcd::rows::{SignedRows, Slot, axpy, dot, prefetch};
use crate::svm::smo::Checkpoint;

/// How many visits ahead the solver asks for a row and its variable. A pass visits rows in a
/// random order, so the hardware prefetcher cannot guess them, and one visit's ~250 µops fill
/// most of the reorder window, so the CPU does not reach the next row's loads on its own. On the
/// bundled TF-IDF (10k rows, 3.5 MB of rows, past this machine's 1 MB L2 per core) two ahead cut
/// a fit's CPU time by ~25% while other builds shared the cores and by ~5% on a quieter machine;
/// 4, 8 and 16 ahead did no better.
const PREFETCH_AHEAD: usize = 2;

/// One dual variable and the constants of its coordinate step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Var {
    pub alpha: f64,
    /// `Q̄_ii = ‖x̄_i‖² + D_ii`.
    pub qd: f64,
    /// `D_ii`: 0 (hinge) or `1 / (2 C_i)` (squared hinge).
    pub diag: f64,
    /// `U_i`: `C_i` (hinge) or `+∞` (squared hinge).
    pub upper: f64,
}

/// When to stop and how to order the passes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    /// liblinear's `eps` on `max PG − min PG`.
    pub tol: f64,
    /// Cap on outer iterations.
    pub max_iter: usize,
    pub shrinking: bool,
    /// Seed of the permutations (low 32 bits).
    pub seed: u64,
    /// Record a [`Checkpoint`] after every pass (`O(V + l)` each).
    pub checkpoints: bool,
}

/// Run the passes from `vars[·].alpha` and its `w = Σ α_i z_i` (`w` has one entry per column of
/// `rows`, the bias last). Returns the number of outer iterations and, when asked, a checkpoint
/// per pass.
pub(crate) fn solve(
    rows: &SignedRows,
    vars: &mut [Var],
    w: &mut [f64],
    schedule: &Schedule,
) -> (usize, Vec<Checkpoint>) {
    let mut checkpoints = Vec::new();
    let l = vars.len();
    let mut rng = Mt19937::new((schedule.seed & 0xffff_ffff) as u32);
    // The permuted order, one slot per variable: where its row is and which variable it is.
    let mut order: Vec<Slot> = rows.slots().to_vec();
    let mut active = l;
    let (mut pg_max_old, mut pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut iter = 0;
    while iter < schedule.max_iter {
        for i in 0..active {
            // `active < 2³²` (the rows were counted in u32), so the u32 remainder is the same.
            let j = i + (rng.next_u32() % (active - i) as u32) as usize;
            order.swap(i, j);
        }
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut s = 0;
        while s < active {
            if let Some(&next) = order[..active].get(s + PREFETCH_AHEAD) {
                let (cols, vals) = rows.row(next);
                prefetch(cols);
                prefetch(vals);
                prefetch(std::slice::from_ref(&vars[next.var as usize]));
            }
            let slot = order[s];
            let (cols, vals) = rows.row(slot);
            let var = &mut vars[slot.var as usize];
            let g = dot(w, cols, vals) - 1.0 + var.alpha * var.diag;
            let Some(pg) = projected_gradient(var, g, pg_max_old, pg_min_old) else {
                active -= 1;
                order.swap(s, active);
                continue;
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = var.alpha;
                var.alpha = (old - g / var.qd).max(0.0).min(var.upper);
                axpy(w, var.alpha - old, cols, vals);
            }
            s += 1;
        }
        iter += 1;
        if schedule.checkpoints {
            checkpoints.push(checkpoint(iter, vars, w, pg_max - pg_min));
        }
        if pg_max - pg_min <= schedule.tol {
            if active == l {
                break;
            }
            active = l;
            (pg_max_old, pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
            continue;
        }
        if schedule.shrinking {
            pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
            pg_min_old = if pg_min >= 0.0 { f64::NEG_INFINITY } else { pg_min };
        }
    }
    (iter, checkpoints)
}

/// The dual objective `½(‖w‖² + Σ α_i² D_ii) − Σ α_i` after pass `step`.
fn checkpoint(step: usize, vars: &[Var], w: &[f64], violation: f64) -> Checkpoint {
    let norm2 = w.iter().map(|v| v * v).sum::<f64>();
    let objective = (norm2 + vars.iter().map(|v| v.alpha * (v.alpha * v.diag - 2.0)).sum::<f64>()) / 2.0;
    let support = vars.iter().filter(|v| v.alpha > 0.0).count();
    Checkpoint { step, objective, violation, support }
}

/// liblinear's projected gradient, or `None` when the variable is shrunk: at 0 with `G` above
/// the last pass's largest projected gradient, or at `U` with `G` below its smallest.
#[inline]
fn projected_gradient(var: &Var, g: f64, pg_max_old: f64, pg_min_old: f64) -> Option<f64> {
    if var.alpha == 0.0 {
        if g > pg_max_old {
            return None;
        }
        Some(g.min(0.0))
    } else if var.alpha == var.upper {
        if g < pg_min_old {
            return None;
        }
        Some(g.max(0.0))
    } else {
        Some(g)
    }
}
