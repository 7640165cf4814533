//! Choosing the working pair (WSS2), and shrinking the active set (libsvm; ALGORITHMS §5.4, §5.6).
//!
//! ```text
//! I_up  = {t : y_t = +1, α_t < C_t} ∪ {t : y_t = −1, α_t > 0}      (α_t may move "up" along y)
//! I_low = {t : y_t = +1, α_t > 0}   ∪ {t : y_t = −1, α_t < C_t}
//! i     = argmax_{t ∈ I_up}  −y_t G_t                               (first-order: steepest)
//! j     = argmin_{t ∈ I_low, −y_t G_t < −y_i G_i}  −b_it² / a_it      (second-order: largest decrease)
//!         b_it = −y_i G_i + y_t G_t > 0,   a_it = Q_ii + Q_tt − 2 y_i y_t Q_it  (τ if ≤ 0)
//! stop  when  m(α) − M(α) = max_{I_up} −y G + max_{I_low} y G < eps
//! ```
//! WSS2 is Fan, Chen & Lin (JMLR 2005), Algorithm 2 / WSS 1: `i` by the gradient alone, `j` by
//! the exact decrease of the two-variable sub-problem. Scans use `>=` and `<=`, so ties pick the
//! **last** index, as libsvm.
//!
//! Shrinking (Joachims 1999, in libsvm's form): a variable at a bound whose gradient points
//! further out than the current maximal violation is unlikely to move, so it is swapped past
//! `active_size` and ignored. Its gradient goes stale; [`Solver::reconstruct_gradient`] rebuilds
//! it from `Ḡ` and the free variables before the final optimality check (and once, when the
//! violation first falls under `10·eps`).
//!
//! Cost: a scan is `O(active_size)`; reconstruction `O(free × shrunk)` kernel entries.

use crate::kernels::smo::{self, Active};
use crate::svm::smo::{Solver, Status};

impl Solver<'_> {
    fn is_upper(&self, t: usize) -> bool {
        self.status[t] == Status::Upper
    }

    fn is_lower(&self, t: usize) -> bool {
        self.status[t] == Status::Lower
    }

    /// `(max_{t ∈ I_up} −y_t G_t, argmax)`, ties to the last index.
    fn scan_up(&self) -> (f64, Option<usize>) {
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax_idx = None;
        for t in 0..self.active_size {
            let up_value = if self.q.y[t] == 1 {
                (!self.is_upper(t)).then(|| -self.g[t])
            } else {
                (!self.is_lower(t)).then_some(self.g[t])
            };
            if let Some(v) = up_value
                && v >= gmax
            {
                gmax = v;
                gmax_idx = Some(t);
            }
        }
        (gmax, gmax_idx)
    }

    /// The working pair, or `None` when the active set is `eps`-optimal. Leaves `Q_i` (over
    /// the active set) in `col_i`; the gather of `Q_i` and the scan for `j` are one pass.
    pub(super) fn select_working_set(&mut self) -> Option<(usize, usize)> {
        let active = self.active_size;
        let (gmax, gmax_idx) = match self.up.take() {
            Some(up) => up,
            None => self.scan_up(),
        };
        let i = gmax_idx?;
        let y_i = self.q.ys[i];
        let qd_i = self.q.qd[i];
        let row_i = self.q.rows.row(self.q.index[i] as usize);
        let set = Active {
            index: &self.q.index[..active],
            ys: &self.q.ys[..active],
            status: &self.status[..active],
        };
        self.col_i.resize(active, 0.0);
        let (qd, g, col_i) = (&self.q.qd[..active], &self.g[..active], &mut self.col_i[..active]);
        let found = smo::select(self.simd, row_i, y_i, qd_i, gmax, set, qd, g, col_i);
        let (gmax2, gmin_idx) = (found.low, found.j.index);
        self.violation = gmax + gmax2;
        if gmax + gmax2 < self.eps {
            return None;
        }
        gmin_idx.map(|j| (i, j))
    }

    /// Variable `t` is at a bound with its gradient pointing out of the box beyond the maximal
    /// violations `gmax1` (over `I_up`) and `gmax2` (over `I_low`).
    fn be_shrunk(&self, t: usize, gmax1: f64, gmax2: f64) -> bool {
        let positive = self.q.y[t] == 1;
        match self.status[t] {
            Status::Upper => -self.g[t] > if positive { gmax1 } else { gmax2 },
            Status::Lower => self.g[t] > if positive { gmax2 } else { gmax1 },
            Status::Free => false,
        }
    }

    /// libsvm's `do_shrinking`: move shrinkable variables past `active_size`.
    pub(super) fn do_shrinking(&mut self) {
        self.up = None;
        let (mut gmax1, mut gmax2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for t in 0..self.active_size {
            let g = self.g[t];
            let (up, low) = if self.q.y[t] == 1 { (-g, g) } else { (g, -g) };
            let (in_up, in_low) = if self.q.y[t] == 1 {
                (!self.is_upper(t), !self.is_lower(t))
            } else {
                (!self.is_lower(t), !self.is_upper(t))
            };
            if in_up && up >= gmax1 {
                gmax1 = up;
            }
            if in_low && low >= gmax2 {
                gmax2 = low;
            }
        }
        if !self.unshrink && gmax1 + gmax2 <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient();
            self.active_size = self.l;
        }
        let mut t = 0;
        while t < self.active_size {
            if self.be_shrunk(t, gmax1, gmax2) {
                self.active_size -= 1;
                while self.active_size > t {
                    if !self.be_shrunk(self.active_size, gmax1, gmax2) {
                        self.swap_index(t, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            t += 1;
        }
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.q.swap(i, j);
        self.g.swap(i, j);
        self.status.swap(i, j);
        self.alpha.swap(i, j);
        self.p.swap(i, j);
        self.active_set.swap(i, j);
        self.g_bar.swap(i, j);
        self.c.swap(i, j);
    }

    /// Rebuild `G` of the shrunk variables: `G_k = Ḡ_k + p_k + Σ_{free i} α_i Q_ik`, looping over
    /// whichever side is cheaper (libsvm's test `free·l > 2·active·(l − active)`).
    pub(super) fn reconstruct_gradient(&mut self) {
        self.up = None;
        let (l, active) = (self.l, self.active_size);
        if active == l {
            return;
        }
        for k in active..l {
            self.g[k] = self.g_bar[k] + self.p[k];
        }
        let n_free = (0..active).filter(|&k| self.status[k] == Status::Free).count();
        if n_free * l > 2 * active * (l - active) {
            for k in active..l {
                self.q.column(k, active, &mut self.col_i);
                for t in 0..active {
                    if self.status[t] == Status::Free {
                        self.g[k] += self.alpha[t] * f64::from(self.col_i[t]);
                    }
                }
            }
        } else {
            for t in 0..active {
                if self.status[t] == Status::Free {
                    // G_k += α_t Q_tk over the shrunk k only.
                    let row = self.q.rows.row(self.q.index[t] as usize);
                    let (index, ys) = (&self.q.index[active..], &self.q.ys[active..]);
                    smo::add_column(
                        self.simd,
                        row,
                        self.q.ys[t],
                        index,
                        ys,
                        self.alpha[t],
                        &mut self.g[active..],
                    );
                }
            }
        }
    }
}
