//! Sequential minimal optimisation for the C-SVC dual, as libsvm solves it.
//!
//! ```text
//! min_α  f(α) = ½ αᵀQα − eᵀα     subject to  yᵀα = 0,  0 ≤ α_i ≤ C_i,    Q_ij = y_i y_j K_ij
//! G = ∇f(α) = Qα − e
//! ```
//! Steps (Fan, Chen & Lin, "Working Set Selection Using Second Order Information for Training
//! Support Vector Machines", JMLR 6, 2005, <https://www.jmlr.org/papers/v6/fan05a.html>; Chang &
//! Lin, "LIBSVM: A library for support vector machines", 2011, §4):
//! 1. start at α (0, or a warm start), `G = Qα − e`, `Ḡ_k = Σ_{α_i = C_i} C_i Q_ik`;
//! 2. pick the working pair `(i, j)` by second-order information (`svm::wss`); stop when
//!    the maximal violation `m(α) − M(α) < eps`;
//! 3. minimise over `(α_i, α_j)` analytically and clip ([`crate::svm::update`]);
//! 4. `G_k += Q_ik Δα_i + Q_jk Δα_j` over the active set; update `Ḡ` when `α_i` or `α_j`
//!    reaches or leaves its upper bound;
//! 5. every `min(l, 1000)` steps, shrink variables stuck at a bound (`svm::wss`);
//! 6. the bias `ρ` from the free variables' gradients (`Solver::rho`).
//!
//! Reference implementation: libsvm 3.x `Solver` in scikit-learn 1.9.1
//! (`sklearn/svm/src/libsvm/svm.cpp`), line for line — the same scans with the same `>=` tie
//! rules, `Q` in f32, the same shrinking schedule and gradient reconstruction — so the sequence of
//! working pairs, hence the returned α, is libsvm's. Deviations: none in the arithmetic; the
//! kernel cache is replaced by the shared Gram matrix ([`crate::svm::kernel`]); the three
//! `O(active set)` loops run in [`crate::kernels::smo`] (AVX-512 where the CPU has it, the
//! same bits as the scalar loops).
//!
//! Cost: per step `O(active set)` (two Q columns, one gradient update, one scan); the number of
//! steps grows faster than `n` ("more than quadratic" fit time, ALGORITHMS §5.10).
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::svm::{Gram, kernel::Rows, smo::{SmoOptions, SmoProblem, solve}};
//! let x = CsrMatrix::from_dense(2, 1, &[1.0, -1.0]);
//! let gram = Gram::new(&x).unwrap();
//! let problem = SmoProblem { rows: Rows::Full(&gram), index: vec![0, 1], y: vec![1, -1],
//!                            c: vec![10.0, 10.0], alpha: None };
//! let s = solve(problem, &SmoOptions::default());
//! // The hard-margin solution w = 1, b = 0: α = ½ for both points.
//! assert!((s.alpha[0] - 0.5).abs() < 1e-12 && s.rho.abs() < 1e-12);
//! ```

use crate::kernels::smo::{self, Active};
use crate::simd::SimdLevel;
use crate::svm::kernel::Rows;
use crate::svm::update::{Pair, objective_change, two_variable_update};

/// One dual problem: which kernel rows, labels ±1, upper bounds, and an optional start.
pub struct SmoProblem<'a> {
    pub rows: Rows<'a>,
    /// Kernel row of each variable (`l` entries).
    pub index: Vec<usize>,
    /// `y_i ∈ {+1, −1}`.
    pub y: Vec<i8>,
    /// `C_i > 0`.
    pub c: Vec<f64>,
    /// Feasible start (`0 ≤ α ≤ C`, `yᵀα = 0`); `None` = all zeros.
    pub alpha: Option<Vec<f64>>,
}

/// Stopping and bookkeeping switches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoOptions {
    /// libsvm `eps` (scikit-learn `tol`).
    pub eps: f64,
    pub shrinking: bool,
    /// Stop after this many steps.
    pub max_iter: Option<usize>,
    /// Record the change of `f` at each step.
    pub trace: bool,
    /// Record a [`Checkpoint`] every this many steps (and at the end); `None`: none.
    pub checkpoint_every: Option<usize>,
    /// Variant of the hot loops ([`crate::kernels::smo`]): every level returns the same bits.
    pub simd: SimdLevel,
}

/// The solver's state at one checkpoint, for a learner to watch it converge
/// ([`SmoOptions::checkpoint_every`], [`crate::svm::SvmParams::checkpoint_every`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Checkpoint {
    /// SMO steps (or DCD passes) done.
    pub step: usize,
    /// The dual objective `f(α)` (minimised): SMO's `½αᵀQα − eᵀα`, DCD's liblinear dual.
    pub objective: f64,
    /// The largest violation of the optimality (KKT) conditions, which the solver drives
    /// below `tol`: SMO's `m(α) − M(α)` over the active set at the last working-set
    /// selection; DCD's `max PG − min PG` over the pass.
    pub violation: f64,
    /// Non-zero `α` (support vectors so far).
    pub support: usize,
}

impl Default for SmoOptions {
    fn default() -> Self {
        SmoOptions {
            eps: 1e-3,
            shrinking: true,
            max_iter: None,
            trace: false,
            checkpoint_every: None,
            simd: SimdLevel::get().unwrap_or(SimdLevel::Portable),
        }
    }
}

/// The optimum found.
#[derive(Debug, Clone, PartialEq)]
pub struct SmoSolution {
    /// `α` in the problem's order.
    pub alpha: Vec<f64>,
    /// The bias of libsvm's decision `f(x) = Σ α_i y_i K(x_i, x) − ρ`.
    pub rho: f64,
    /// `f(α)`.
    pub objective: f64,
    pub n_iter: usize,
    /// Stopped by `max_iter`, not by the tolerance.
    pub hit_max_iter: bool,
    /// `f(α_{t+1}) − f(α_t)` per step, when traced.
    pub trace: Vec<f64>,
    /// Every `checkpoint_every` steps and the last, when asked.
    pub checkpoints: Vec<Checkpoint>,
}

/// Where a variable sits in its box (the kernels' byte-sized [`Bound`]).
pub(super) use crate::kernels::smo::Bound as Status;

/// libsvm's `SVC_Q`: columns of `Q` in the solver's current (shrinking-permuted) order.
pub(super) struct SvcQ<'a> {
    pub(super) rows: Rows<'a>,
    /// Kernel row of each variable (u32: what the SIMD gathers read).
    pub(super) index: Vec<u32>,
    pub(super) y: Vec<i8>,
    /// `y` as ±1.0 (f32), for branch-free sign flips in the hot loops.
    pub(super) ys: Vec<f32>,
    pub(super) qd: Vec<f64>,
}

impl SvcQ<'_> {
    /// `out[k] = Q_ik = y_i y_k K_ik` for `k < len`.
    pub(super) fn column(&mut self, i: usize, len: usize, out: &mut Vec<f32>) {
        let yi = self.ys[i];
        let row = self.rows.row(self.index[i] as usize);
        out.clear();
        out.extend(self.index[..len].iter().zip(&self.ys[..len]).map(|(&r, &yk)| yi * yk * row[r as usize]));
    }

    pub(super) fn swap(&mut self, i: usize, j: usize) {
        self.index.swap(i, j);
        self.y.swap(i, j);
        self.ys.swap(i, j);
        self.qd.swap(i, j);
    }
}

/// The state of libsvm's `Solver`.
pub(super) struct Solver<'a> {
    pub(super) q: SvcQ<'a>,
    pub(super) l: usize,
    pub(super) active_size: usize,
    pub(super) alpha: Vec<f64>,
    pub(super) status: Vec<Status>,
    pub(super) g: Vec<f64>,
    pub(super) g_bar: Vec<f64>,
    /// The linear term: `p = −e` for C-SVC.
    pub(super) p: Vec<f64>,
    pub(super) c: Vec<f64>,
    /// Original position of each (permuted) variable.
    pub(super) active_set: Vec<usize>,
    pub(super) eps: f64,
    pub(super) unshrink: bool,
    pub(super) col_i: Vec<f32>,
    /// The first half of the working-set scan, `(max_{I_up} −y_t G_t, its index)`, when it was
    /// computed during the last gradient update and nothing has changed since.
    pub(super) up: Option<(f64, Option<usize>)>,
    /// `m(α) − M(α)` at the last working-set selection (for checkpoints).
    pub(super) violation: f64,
    /// Which variant of the hot loops runs ([`crate::kernels::smo`]; all give the same bits).
    pub(super) simd: SimdLevel,
}

/// Solve the dual to tolerance `options.eps`.
pub fn solve(problem: SmoProblem<'_>, options: &SmoOptions) -> SmoSolution {
    let mut solver = Solver::new(problem, options.eps, options.simd);
    solver.run(options)
}

impl<'a> Solver<'a> {
    fn new(problem: SmoProblem<'a>, eps: f64, simd: SimdLevel) -> Self {
        let l = problem.y.len();
        let qd = problem.index.iter().map(|&r| problem.rows.diag(r)).collect();
        let alpha = problem.alpha.unwrap_or_else(|| vec![0.0; l]);
        let mut solver = Solver {
            q: SvcQ {
                rows: problem.rows,
                index: problem.index.iter().map(|&r| r as u32).collect(),
                ys: problem.y.iter().map(|&v| f32::from(v)).collect(),
                y: problem.y,
                qd,
            },
            l,
            active_size: l,
            status: vec![Status::Lower; l],
            alpha,
            g: vec![-1.0; l],
            g_bar: vec![0.0; l],
            p: vec![-1.0; l],
            c: problem.c,
            active_set: (0..l).collect(),
            eps,
            unshrink: false,
            col_i: Vec::with_capacity(l),
            up: None,
            violation: f64::INFINITY,
            simd,
        };
        (0..l).for_each(|i| solver.update_status(i));
        solver.init_gradient();
        solver
    }

    /// `G = Qα + p`, `Ḡ_k = Σ_{i at upper bound} C_i Q_ik` (only the non-zero α contribute).
    fn init_gradient(&mut self) {
        let l = self.l;
        for i in 0..l {
            if self.status[i] == Status::Lower {
                continue;
            }
            self.q.column(i, l, &mut self.col_i);
            let alpha_i = self.alpha[i];
            for (g, &q) in self.g.iter_mut().zip(&self.col_i) {
                *g += alpha_i * f64::from(q);
            }
            if self.status[i] == Status::Upper {
                let c_i = self.c[i];
                for (gb, &q) in self.g_bar.iter_mut().zip(&self.col_i) {
                    *gb += c_i * f64::from(q);
                }
            }
        }
    }

    pub(super) fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c[i] {
            Status::Upper
        } else if self.alpha[i] <= 0.0 {
            Status::Lower
        } else {
            Status::Free
        };
    }

    fn run(&mut self, options: &SmoOptions) -> SmoSolution {
        let l = self.l;
        let mut iter = 0;
        let mut counter = l.min(1000) + 1;
        let mut trace = Vec::new();
        let mut hit_max_iter = false;
        // Checkpoints follow f(α) by adding each step's change to f(α₀); a step adds one sum,
        // a checkpoint one O(l) count of the support vectors.
        let every = options.checkpoint_every.filter(|&n| n > 0);
        let mut checkpoints = Vec::new();
        let mut f = if every.is_some() { self.objective() } else { 0.0 };
        loop {
            if options.max_iter.is_some_and(|m| iter >= m) {
                hit_max_iter = true;
                self.reconstruct_gradient();
                self.active_size = l;
                self.up = None;
                break;
            }
            counter -= 1;
            if counter == 0 {
                counter = l.min(1000);
                if options.shrinking {
                    self.do_shrinking();
                }
            }
            let (i, j) = match self.select_working_set() {
                Some(pair) => pair,
                None => {
                    self.reconstruct_gradient();
                    self.active_size = l;
                    self.up = None;
                    match self.select_working_set() {
                        Some(pair) => {
                            counter = 1;
                            pair
                        }
                        None => break,
                    }
                }
            };
            iter += 1;
            let change = self.step(i, j);
            if options.trace {
                trace.push(change);
            }
            if let Some(n) = every {
                f += change;
                if iter % n == 0 {
                    checkpoints.push(self.checkpoint(iter, f));
                }
            }
        }
        let mut alpha = vec![0.0; l];
        for (k, &a) in self.alpha.iter().enumerate() {
            alpha[self.active_set[k]] = a;
        }
        let objective = self.objective();
        if every.is_some() && checkpoints.last().is_none_or(|c: &Checkpoint| c.step != iter) {
            checkpoints.push(self.checkpoint(iter, objective));
        }
        SmoSolution { alpha, rho: self.rho(), objective, n_iter: iter, hit_max_iter, trace, checkpoints }
    }

    /// `f(α) = ½ Σ α_i (G_i + p_i)`, exact where the gradient is (all of it after
    /// reconstruction, at the start and at the end).
    fn objective(&self) -> f64 {
        self.alpha.iter().zip(self.g.iter().zip(&self.p)).map(|(a, (g, p))| a * (g + p)).sum::<f64>() / 2.0
    }

    fn checkpoint(&self, step: usize, objective: f64) -> Checkpoint {
        let support = self.alpha.iter().filter(|&&a| a != 0.0).count();
        Checkpoint { step, objective, violation: self.violation, support }
    }

    /// One SMO step on the pair `(i, j)`; `col_i` holds `Q_i` over the active set (left there
    /// by the working-set selection). Returns the change of `f`.
    ///
    /// The gradient update `G_k += Q_ik Δα_i + Q_jk Δα_j` is fused with the gather of `Q_j` and
    /// with the first scan of the next working-set selection (`max_{I_up} −y_t G_t`, ties to the
    /// last index): the same arithmetic in the same order as libsvm, one pass instead of three.
    fn step(&mut self, i: usize, j: usize) -> f64 {
        let active = self.active_size;
        let pair = Pair {
            alpha_i: self.alpha[i],
            alpha_j: self.alpha[j],
            g_i: self.g[i],
            g_j: self.g[j],
            qd_i: self.q.qd[i],
            qd_j: self.q.qd[j],
            q_ij: f64::from(self.col_i[j]),
            c_i: self.c[i],
            c_j: self.c[j],
            same_sign: self.q.y[i] == self.q.y[j],
        };
        let (new_i, new_j) = two_variable_update(&pair);
        let (d_i, d_j) = (new_i - pair.alpha_i, new_j - pair.alpha_j);
        self.alpha[i] = new_i;
        self.alpha[j] = new_j;
        let (was_upper_i, was_upper_j) = (self.status[i] == Status::Upper, self.status[j] == Status::Upper);
        self.update_status(i);
        self.update_status(j);

        let y_j = self.q.ys[j];
        let row_j = self.q.rows.row(self.q.index[j] as usize);
        let set = Active {
            index: &self.q.index[..active],
            ys: &self.q.ys[..active],
            status: &self.status[..active],
        };
        let (g, col_i) = (&mut self.g[..active], &self.col_i[..active]);
        let up = smo::step(self.simd, row_j, y_j, set, col_i, d_i, d_j, g);
        self.up = Some((up.value, up.index));

        if was_upper_i != (self.status[i] == Status::Upper) {
            self.update_g_bar(i, was_upper_i);
        }
        if was_upper_j != (self.status[j] == Status::Upper) {
            self.update_g_bar(j, was_upper_j);
        }
        objective_change(&pair, d_i, d_j)
    }

    /// `Ḡ ∓= C_i Q_i·` over all `l` variables when `α_i` leaves (`left`) or reaches its bound.
    fn update_g_bar(&mut self, i: usize, left: bool) {
        let c_i = if left { -self.c[i] } else { self.c[i] };
        let row = self.q.rows.row(self.q.index[i] as usize);
        smo::add_column(self.simd, row, self.q.ys[i], &self.q.index, &self.q.ys, c_i, &mut self.g_bar);
    }

    /// ρ = mean of `y_i G_i` over free variables; without any, the middle of the interval
    /// `[lb, ub]` the KKT conditions allow (ALGORITHMS §5.7).
    fn rho(&self) -> f64 {
        let (mut ub, mut lb, mut sum_free, mut n_free) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
        for k in 0..self.active_size {
            let y = self.q.y[k];
            let yg = f64::from(y) * self.g[k];
            match (self.status[k], y > 0) {
                (Status::Upper, false) | (Status::Lower, true) => ub = ub.min(yg),
                (Status::Upper, true) | (Status::Lower, false) => lb = lb.max(yg),
                (Status::Free, _) => {
                    n_free += 1;
                    sum_free += yg;
                }
            }
        }
        if n_free > 0 { sum_free / n_free as f64 } else { (ub + lb) / 2.0 }
    }
}
