//! The two-variable update of SMO: the analytic minimum of the dual along the direction that
//! keeps `yᵀα = 0`, clipped to the box (libsvm `Solver::Solve`, verbatim logic; ALGORITHMS §5.5).
//!
//! With `i, j` the working pair and `G` the gradient `Qα − e`:
//!
//! ```text
//! y_i ≠ y_j:  α_i + δ, α_j + δ,   δ = (−G_i − G_j) / (Q_ii + Q_jj + 2Q_ij)   (α_i − α_j fixed)
//! y_i = y_j:  α_i − δ, α_j + δ,   δ = ( G_i − G_j) / (Q_ii + Q_jj − 2Q_ij)   (α_i + α_j fixed)
//! ```
//! A non-positive curvature is replaced by `TAU = 1e-12` (Fan, Chen & Lin 2005, §4). The pair is
//! then clipped back into `[0, C_i] × [0, C_j]` along the same line, in libsvm's order of tests,
//! so that rounding and which bound wins are libsvm's.
//!
//! Cost: O(1).
//!
//! ```
//! use cinegenre::svm::update::{Pair, two_variable_update};
//! // Two points of opposite classes, both at 0: the step is (1 + 1) / (1 + 1 + 0) = 1.
//! let p = Pair { alpha_i: 0.0, alpha_j: 0.0, g_i: -1.0, g_j: -1.0, qd_i: 1.0, qd_j: 1.0,
//!                q_ij: 0.0, c_i: 10.0, c_j: 10.0, same_sign: false };
//! assert_eq!(two_variable_update(&p), (1.0, 1.0));
//! ```

/// Curvature used when `Q_ii + Q_jj ∓ 2Q_ij ≤ 0` (libsvm's `TAU`); defined beside the
/// kernels that also use it, which sit a layer below (`ARCHITECTURE.md`).
pub use crate::kernels::smo::TAU;

/// What the update of one working pair reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub alpha_i: f64,
    pub alpha_j: f64,
    pub g_i: f64,
    pub g_j: f64,
    /// `Q_ii`, `Q_jj` (f64) and `Q_ij = y_i y_j K_ij` (the stored f32 value, widened).
    pub qd_i: f64,
    pub qd_j: f64,
    pub q_ij: f64,
    /// Upper bounds `C_i`, `C_j`.
    pub c_i: f64,
    pub c_j: f64,
    /// `y_i = y_j`.
    pub same_sign: bool,
}

/// The new `(α_i, α_j)`.
pub fn two_variable_update(p: &Pair) -> (f64, f64) {
    let (c_i, c_j) = (p.c_i, p.c_j);
    let (mut ai, mut aj) = (p.alpha_i, p.alpha_j);
    if !p.same_sign {
        let quad = curvature(p.qd_i + p.qd_j + 2.0 * p.q_ij);
        let delta = (-p.g_i - p.g_j) / quad;
        let diff = ai - aj;
        ai += delta;
        aj += delta;
        if diff > 0.0 {
            if aj < 0.0 {
                aj = 0.0;
                ai = diff;
            }
        } else if ai < 0.0 {
            ai = 0.0;
            aj = -diff;
        }
        if diff > c_i - c_j {
            if ai > c_i {
                ai = c_i;
                aj = c_i - diff;
            }
        } else if aj > c_j {
            aj = c_j;
            ai = c_j + diff;
        }
    } else {
        let quad = curvature(p.qd_i + p.qd_j - 2.0 * p.q_ij);
        let delta = (p.g_i - p.g_j) / quad;
        let sum = ai + aj;
        ai -= delta;
        aj += delta;
        if sum > c_i {
            if ai > c_i {
                ai = c_i;
                aj = sum - c_i;
            }
        } else if aj < 0.0 {
            aj = 0.0;
            ai = sum;
        }
        if sum > c_j {
            if aj > c_j {
                aj = c_j;
                ai = sum - c_j;
            }
        } else if ai < 0.0 {
            ai = 0.0;
            aj = sum;
        }
    }
    (ai, aj)
}

/// The change of `f(α) = ½αᵀQα − eᵀα` caused by moving `(α_i, α_j)` by `(d_i, d_j)`:
/// `G_i d_i + G_j d_j + ½(Q_ii d_i² + Q_jj d_j² + 2 Q_ij d_i d_j)`.
pub fn objective_change(p: &Pair, d_i: f64, d_j: f64) -> f64 {
    p.g_i * d_i + p.g_j * d_j + 0.5 * (p.qd_i * d_i * d_i + p.qd_j * d_j * d_j + 2.0 * p.q_ij * d_i * d_j)
}

fn curvature(quad: f64) -> f64 {
    if quad <= 0.0 { TAU } else { quad }
}
