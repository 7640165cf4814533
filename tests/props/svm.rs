//! Invariants of the SMO and DCD solvers on random small problems.

use cinegenre::matrix::CsrMatrix;
use cinegenre::svm::dcd::fit_dcd;
use cinegenre::svm::kernel::Rows;
use cinegenre::svm::smo::{SmoOptions, SmoProblem, solve};
use cinegenre::svm::{DcdLoss, Gram, LinearKernel, SvmParams, binary::fit_all_rows};
use proptest::prelude::*;

/// Rounding allowance of a per-step objective change: `Q` is f32 in the step (1e-7 relative)
/// while the change is evaluated in f64; scaled by the size of the terms.
const STEP_SLACK: f64 = 1e-9;

/// KKT check slack: the solver stops when the maximal violation is below `eps` measured with the
/// f32 `Q` and an incrementally updated gradient; we recompute the gradient in f64 from `X`,
/// which moves it by a few f32 roundings (6e-8) of the terms summed — 1e-6 is ~16 of them.
/// (A saved case at C = 100 exceeded eps by 4.3e-5 with a slack scaled by |G| alone.)
const KKT_SLACK: f64 = 1e-6;

/// (n, d, X dense row-major, labels with both classes, C)
fn problems() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<u8>, f64)> {
    (4usize..24, 1usize..6).prop_flat_map(|(n, d)| {
        (
            Just(n),
            Just(d),
            prop::collection::vec(-2.0f64..2.0, n * d),
            prop::collection::vec(0u8..2, n).prop_map(|mut y| {
                y[0] = 0;
                y[1] = 1;
                y
            }),
            prop::sample::select(vec![0.01, 0.1, 1.0, 10.0, 100.0]),
        )
    })
}

fn gram_f64(x: &[f64], n: usize, d: usize) -> Vec<f64> {
    let mut k = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            k[i * n + j] = (0..d).map(|t| x[i * d + t] * x[j * d + t]).sum();
        }
    }
    k
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn objective_never_increases_and_kkt_holds((n, d, x, y, c) in problems(), shrinking in any::<bool>()) {
        let csr = CsrMatrix::from_dense(n, d, &x);
        let gram = Gram::new(&csr).unwrap();
        let signs: Vec<i8> = y.iter().map(|&v| if v == 0 { 1 } else { -1 }).collect();
        let problem = SmoProblem {
            rows: Rows::Full(&gram),
            index: (0..n).collect(),
            y: signs.clone(),
            c: vec![c; n],
            alpha: None,
        };
        let eps = 1e-3;
        // A cap, not a budget: near-separable rank-deficient problems at C = 100 take long —
        // the saved case needs 162,847 steps with shrinking, exactly as many as libsvm's
        // `SVC(kernel="linear", C=100).n_iter_` on the same data.
        let s = solve(problem, &SmoOptions {
            eps,
            shrinking,
            max_iter: Some(2_000_000),
            trace: true,
            ..SmoOptions::default()
        });
        prop_assert!(!s.hit_max_iter);
        for (t, change) in s.trace.iter().enumerate() {
            prop_assert!(*change <= STEP_SLACK * (1.0 + c * c), "step {}: f increased by {}", t, change);
        }
        // Box and equality constraints.
        let balance: f64 = s.alpha.iter().zip(&signs).map(|(a, &y)| a * f64::from(y)).sum();
        prop_assert!(balance.abs() <= 1e-9 * c * n as f64, "yᵀα = {}", balance);
        prop_assert!(s.alpha.iter().all(|&a| (0.0..=c).contains(&a)));
        // KKT: max_{I_up} −y G − min_{I_low} −y G < eps (+ rounding), G from f64 K.
        let k = gram_f64(&x, n, d);
        let g: Vec<f64> = (0..n).map(|i| {
            (0..n).map(|j| f64::from(signs[i]) * f64::from(signs[j]) * k[i * n + j] * s.alpha[j]).sum::<f64>() - 1.0
        }).collect();
        let (mut m_up, mut m_low) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for i in 0..n {
            let yg = f64::from(signs[i]) * g[i];
            let up = (signs[i] == 1 && s.alpha[i] < c) || (signs[i] == -1 && s.alpha[i] > 0.0);
            let low = (signs[i] == 1 && s.alpha[i] > 0.0) || (signs[i] == -1 && s.alpha[i] < c);
            if up { m_up = m_up.max(-yg); }
            if low { m_low = m_low.max(yg); }
        }
        // f32 `Q` rounds each term α_j Q_ij, not the (possibly cancelling) sum G_i: scale the
        // slack by the largest sum of term magnitudes, max_i Σ_j α_j |K_ij|.
        let terms = (0..n).map(|i| (0..n).map(|j| s.alpha[j] * k[i * n + j].abs()).sum::<f64>());
        let scale = 1.0 + terms.fold(0.0f64, f64::max);
        prop_assert!(m_up + m_low < eps + KKT_SLACK * scale, "violation {} ≥ eps", m_up + m_low);
    }

    /// On linearly separable data, scaling C by 10 (both large enough for the hard margin) keeps
    /// the sign pattern of the decision values.
    #[test]
    fn scaling_c_on_separable_data_keeps_signs(
        (n, points) in (4usize..20).prop_flat_map(|n| (Just(n), prop::collection::vec((-3.0f64..3.0, -3.0f64..3.0), n))),
    ) {
        // Separable by construction: label = [x0 > 0], points pushed 0.5 away from the line.
        let x: Vec<f64> = points.iter().flat_map(|&(a, b)| [if a >= 0.0 { a + 0.5 } else { a - 0.5 }, b]).collect();
        let mut y: Vec<u8> = points.iter().map(|&(a, _)| u8::from(a >= 0.0)).collect();
        y[0] = 0;
        y[1] = 1;
        let x: Vec<f64> = x.chunks(2).zip(&y).flat_map(|(p, &l)| {
            let a = p[0].abs().max(0.5);
            [if l == 1 { a } else { -a }, p[1]]
        }).collect();
        let csr = CsrMatrix::from_dense(n, 2, &x);
        let signs = |c: f64| -> Vec<bool> {
            let params = SvmParams { c, tol: 1e-6, ..SvmParams::default() };
            fit_all_rows(&csr, &y, &params).unwrap().decision(&csr).unwrap().iter().map(|&v| v > 0.0).collect()
        };
        let base = signs(1e3);
        prop_assert_eq!(&base, &signs(1e4));
        prop_assert_eq!(base, y.iter().map(|&v| v == 1).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Kernel rows computed on demand through a tiny LRU cache give the same solution, bit for
    /// bit, as the precomputed Gram matrix (the fallback for large n).
    #[test]
    fn lazy_kernel_rows_match_the_gram_matrix((n, d, x, y, c) in problems()) {
        use cinegenre::svm::LinearKernel;
        use cinegenre::svm::kernel::LazyRows;
        let csr = CsrMatrix::from_dense(n, d, &x);
        let kernel = LinearKernel::new(&csr).unwrap();
        let gram = Gram::from_kernel(&kernel);
        let signs: Vec<i8> = y.iter().map(|&v| if v == 0 { 1 } else { -1 }).collect();
        let make = |rows| SmoProblem { rows, index: (0..n).collect(), y: signs.clone(), c: vec![c; n], alpha: None };
        let options = SmoOptions::default();
        let full = solve(make(Rows::Full(&gram)), &options);
        // Room for 3 rows: evictions happen on every problem here.
        let lazy = solve(make(Rows::Lazy(LazyRows::new(&kernel, 12 * n))), &options);
        prop_assert_eq!(full, lazy);
    }
}

/// DCD's stopping tolerance in these checks: tight, so that the checks below measure the solver,
/// not the stopping rule.
const DCD_TOL: f64 = 1e-10;

/// KKT slack of a DCD solution: the solver checks `max PG − min PG ≤ 1e-10` *during* its last
/// pass, while `w` still moves; a later step `Δα_j ≤ |PG_j| / Q̄_jj` moves `G_i` by
/// `Q̄_ij Δα_j`, and with ≤ 24 rows of `‖x̄‖² ≤ 21` that stays below ~5e-8.
const DCD_KKT_SLACK: f64 = 1e-6;

/// Shrinking on and off both stop within 1e-10 of the optimum's projected gradient: their dual
/// objectives agree to ~1e-12 relative (measured) and `w` to ~1e-9 (`‖w − w*‖² ≤ 2(D − D*)`).
const DCD_SHRINK_OBJ_REL: f64 = 1e-9;
const DCD_SHRINK_W_REL: f64 = 1e-6;

/// What a DCD α means, recomputed from the dense `x` (n × d): `(w̄, dual objective,
/// max PG − min PG, whether 0 ≤ α ≤ U)`.
fn dcd_kkt(
    x: &[f64],
    d: usize,
    y: &[u8],
    alpha: &[f64],
    c: f64,
    loss: DcdLoss,
) -> (Vec<f64>, f64, f64, bool) {
    let n = y.len();
    let present = y.iter().filter(|&&v| v == 1).count();
    let weight = |v: u8| n as f64 / (2.0 * if v == 1 { present } else { n - present } as f64);
    let t = |i: usize| if y[i] == 1 { 1.0 } else { -1.0 };
    let (diag, upper): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| match loss {
            DcdLoss::Hinge => (0.0, c * weight(y[i])),
            DcdLoss::SquaredHinge => (0.5 / (c * weight(y[i])), f64::INFINITY),
        })
        .unzip();
    // x̄_i = (x_i, 1): the bias is the weight of a constant feature.
    let xbar = |i: usize, k: usize| if k == d { 1.0 } else { x[i * d + k] };
    let w: Vec<f64> = (0..=d).map(|k| (0..n).map(|i| alpha[i] * t(i) * xbar(i, k)).sum()).collect();
    let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
    for i in 0..n {
        let g = t(i) * (0..=d).map(|k| w[k] * xbar(i, k)).sum::<f64>() - 1.0 + diag[i] * alpha[i];
        let pg = if alpha[i] == 0.0 {
            g.min(0.0)
        } else if alpha[i] == upper[i] {
            g.max(0.0)
        } else {
            g
        };
        pg_max = pg_max.max(pg);
        pg_min = pg_min.min(pg);
    }
    let objective = 0.5 * w.iter().map(|v| v * v).sum::<f64>()
        + (0..n).map(|i| alpha[i] * (0.5 * diag[i] * alpha[i] - 1.0)).sum::<f64>();
    let in_box = alpha.iter().zip(&upper).all(|(&a, &u)| (0.0..=u).contains(&a));
    (w, objective, pg_max - pg_min, in_box)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// DCD with and without liblinear's shrinking stops at a KKT point of the same dual: α in its
    /// box, `w = Σ α_i y_i x̄_i`, `max PG − min PG` at the tolerance, the same objective and `w`.
    #[test]
    fn dcd_shrinking_on_and_off_reach_the_same_kkt_point(
        (n, d, x, y, c) in problems(),
        hinge in any::<bool>(),
        seed in 0u64..4,
    ) {
        let loss = if hinge { DcdLoss::Hinge } else { DcdLoss::SquaredHinge };
        let csr = CsrMatrix::from_dense(n, d, &x);
        let kernel = LinearKernel::new(&csr).unwrap();
        let rows: Vec<usize> = (0..n).collect();
        let mut solutions = Vec::new();
        for shrinking in [true, false] {
            let params = SvmParams {
                c, loss, shrinking, seed, tol: DCD_TOL, max_iter: Some(1_000_000), ..SvmParams::linear_svc()
            };
            let (svm, alpha) = fit_dcd(&kernel, &rows, &y, &params, None).unwrap();
            prop_assert!(!svm.info.hit_max_iter);
            // Deterministic: the same seed gives the same bytes.
            prop_assert_eq!(&fit_dcd(&kernel, &rows, &y, &params, None).unwrap().0, &svm);
            let (w, objective, gap, in_box) = dcd_kkt(&x, d, &y, &alpha, c, loss);
            prop_assert!(in_box, "α leaves its box: {:?}", alpha);
            let scale = 1.0 + w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let got: Vec<f64> = svm.coef.iter().copied().chain([svm.intercept]).collect();
            for (k, (a, b)) in got.iter().zip(&w).enumerate() {
                prop_assert!((a - b).abs() <= 1e-12 * scale * n as f64, "w[{}] = {} vs Σ α y x̄ = {}", k, a, b);
            }
            prop_assert!((svm.info.objective - objective).abs() <= 1e-12 * (1.0 + objective.abs()) * n as f64);
            prop_assert!(gap <= DCD_TOL + DCD_KKT_SLACK, "shrinking {}: max PG − min PG = {}", shrinking, gap);
            solutions.push((w, objective, scale));
        }
        let ((w_on, d_on, scale), (w_off, d_off, _)) = (&solutions[0], &solutions[1]);
        prop_assert!((d_on - d_off).abs() <= DCD_SHRINK_OBJ_REL * (1.0 + d_on.abs()), "dual {} vs {}", d_on, d_off);
        let w_err = w_on.iter().zip(w_off).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        prop_assert!(w_err <= DCD_SHRINK_W_REL * scale, "max |w_on − w_off| = {}", w_err);
    }
}
