//! The three `O(active set)` loops of SMO (libsvm's `Solver`, [`crate::svm::smo`]), fused
//! and vectorised: they are nearly all of the linear SVM's time.
//!
//! Every loop reads one kernel row `K_r·` through the solver's index map (a gather) and flips
//! signs with the labels; `a` is the active-set size, `n` the row length:
//!
//! ```text
//! step     q_k = y_j y_k K[r_j][index_k]                        (k < a)
//!          g_k ← g_k + (col_i[k]·Δα_i + q_k·Δα_j)
//!          up = (max, last argmax) of −y_k g_k over k ∈ I_up
//! select   q_t = y_i y_t K[r_i][index_t];   col_i[t] = q_t       (t < a)
//!          over t ∈ I_low:  v_t = y_t g_t,   low = max v_t
//!                           d_t = gmax + v_t,  quad_t = Q_ii + Q_tt − 2 y_i y_t q_t  (τ if ≤ 0)
//!          j = last argmin of −d_t²/quad_t over d_t > 0
//! column   out_k ← out_k + c·(y_i y_k K[r_i][index_k])          (k < len)
//! I_up  = {y = +1, not Upper} ∪ {y = −1, not Lower},   I_low = {y = +1, not Lower} ∪ {y = −1, not Upper}
//! ```
//!
//! Variants: [`scalar`] is the reference, the loops as libsvm writes them; [`simd`] (AVX-512F)
//! gathers 16 kernel values at a time and keeps, per lane, the running best value and the last
//! index that reached it, then reduces the lanes (ties → the larger index) and finishes the
//! tail with the scalar loop. Every sum is done in the same order with the same roundings (no
//! fused multiply-add), and a lane's best is the value at its index, so both variants return
//! the same bits — the SMO path, every working pair, is libsvm's on either. There is no GPU
//! variant: a step is a few thousand elements with a data-dependent choice between steps.
//!
//! Cost per call: `a` gathered f32 loads and `O(a)` flops; no allocation.
//!
//! ```
//! use cinegenre::kernels::smo::{Active, Best, Bound, step};
//! use cinegenre::simd::SimdLevel;
//! let row = [2.0f32, 0.5]; // K_j·
//! let active = Active { index: &[0, 1], ys: &[1.0, -1.0], status: &[Bound::Free, Bound::Free] };
//! let mut g = [-1.0, -1.0];
//! let up = step(SimdLevel::Portable, &row, 1.0, active, &[0.0, 0.0], 0.0, 0.5, &mut g);
//! assert_eq!(g, [0.0, -1.25]);
//! assert_eq!(up, Best { value: -0.0, index: Some(0) }); // −y g: −0.0 and −1.25
//! ```

pub mod scalar;
pub mod simd;

use crate::simd::SimdLevel;

/// Curvature used when `Q_ii + Q_jj ∓ 2Q_ij ≤ 0` (libsvm's `TAU`; Fan, Chen & Lin 2005, §4),
/// in the working-set selection here and in the pair update of [`crate::svm::update`].
pub const TAU: f64 = 1e-12;

/// Where a variable sits in its box `0 ≤ α ≤ C` (one byte, as the SIMD loops read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Bound {
    Lower = 0,
    Upper = 1,
    Free = 2,
}

/// The active variables, in the solver's order (`a` entries each).
#[derive(Debug, Clone, Copy)]
pub struct Active<'a> {
    /// Kernel row of each variable.
    pub index: &'a [u32],
    /// `y_t = ±1`.
    pub ys: &'a [f32],
    pub status: &'a [Bound],
}

/// A running best: its value and the last index that reached it (`None`: no candidate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Best {
    pub value: f64,
    pub index: Option<usize>,
}

impl Best {
    /// Nothing seen yet, for a maximum.
    pub const MAX: Best = Best { value: f64::NEG_INFINITY, index: None };
    /// Nothing seen yet, for a minimum.
    pub const MIN: Best = Best { value: f64::INFINITY, index: None };
}

/// What the working-set scan returns: `max_{I_low} y_t g_t` and the chosen `j` (with its
/// `−d²/quad`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Selection {
    pub low: f64,
    pub j: Best,
}

/// The SIMD gathers take signed 32-bit offsets: rows longer than `2³¹` run the scalar loop.
/// (Each gather masks out, and then reports, an index outside the row, as indexing would.)
fn gatherable(row: &[f32]) -> bool {
    row.len() <= i32::MAX as usize
}

/// The step's gradient update fused with the first scan of the next selection (see the
/// module docs). `row_j`: `(n)`; `col_i`, `g`, `active`: `(a)`.
///
/// # Panics
/// If the slices of length `a` differ in length, or an index is outside `row_j`.
#[allow(clippy::too_many_arguments)]
pub fn step(
    level: SimdLevel,
    row_j: &[f32],
    y_j: f32,
    active: Active<'_>,
    col_i: &[f32],
    d_i: f64,
    d_j: f64,
    g: &mut [f64],
) -> Best {
    let a = g.len();
    assert!(
        active.index.len() == a && active.ys.len() == a && active.status.len() == a && col_i.len() == a,
        "smo::step: slices of different lengths"
    );
    if level == SimdLevel::Avx512 && gatherable(row_j) {
        return simd::step(row_j, y_j, active, col_i, d_i, d_j, g);
    }
    scalar::step(row_j, y_j, active, col_i, d_i, d_j, g, Best::MAX, 0)
}

/// The working-set scan for `j` given `i` (see the module docs). `row_i`: `(n)`; `qd`, `g`,
/// `col_i`, `active`: `(a)`; `gmax = −y_i g_i`.
///
/// # Panics
/// If the slices of length `a` differ in length, or an index is outside `row_i`.
#[allow(clippy::too_many_arguments)]
pub fn select(
    level: SimdLevel,
    row_i: &[f32],
    y_i: f32,
    qd_i: f64,
    gmax: f64,
    active: Active<'_>,
    qd: &[f64],
    g: &[f64],
    col_i: &mut [f32],
) -> Selection {
    let a = g.len();
    assert!(
        active.index.len() == a
            && active.ys.len() == a
            && active.status.len() == a
            && qd.len() == a
            && col_i.len() == a,
        "smo::select: slices of different lengths"
    );
    let start = Selection { low: f64::NEG_INFINITY, j: Best::MIN };
    if level == SimdLevel::Avx512 && gatherable(row_i) {
        return simd::select(row_i, y_i, qd_i, gmax, active, qd, g, col_i);
    }
    scalar::select(row_i, y_i, qd_i, gmax, active, qd, g, col_i, start, 0)
}

/// `out_k += c · y_i y_k K[r_i][index_k]` (libsvm's `G_bar` update). `row_i`: `(n)`;
/// `index`, `ys`, `out`: `(len)`.
///
/// # Panics
/// If `index`, `ys` and `out` differ in length, or an index is outside `row_i`.
pub fn add_column(
    level: SimdLevel,
    row_i: &[f32],
    y_i: f32,
    index: &[u32],
    ys: &[f32],
    c: f64,
    out: &mut [f64],
) {
    assert!(
        index.len() == out.len() && ys.len() == out.len(),
        "smo::add_column: slices of different lengths"
    );
    if level == SimdLevel::Avx512 && gatherable(row_i) {
        return simd::add_column(row_i, y_i, index, ys, c, out);
    }
    scalar::add_column(row_i, y_i, index, ys, c, out);
}
