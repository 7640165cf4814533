//! The reference loops, as libsvm writes them (`>=` / `<=`: ties go to the last index). Each
//! continues from a running state and numbers its elements from `first`, so that the SIMD
//! variant can finish its tail here.

use super::TAU;
use super::{Active, Best, Bound, Selection};

/// `k ∈ I_up`: `y = +1` below its upper bound, or `y = −1` above 0.
fn in_up(positive: bool, status: Bound) -> bool {
    if positive { status != Bound::Upper } else { status != Bound::Lower }
}

/// `t ∈ I_low`: `y = +1` above 0, or `y = −1` below its upper bound.
fn in_low(positive: bool, status: Bound) -> bool {
    if positive { status != Bound::Lower } else { status != Bound::Upper }
}

/// See [`super::step`]; `up` is the running `(max −y g, index)` of the elements before.
#[allow(clippy::too_many_arguments)]
pub fn step(
    row_j: &[f32],
    y_j: f32,
    active: Active<'_>,
    col_i: &[f32],
    d_i: f64,
    d_j: f64,
    g: &mut [f64],
    mut up: Best,
    first: usize,
) -> Best {
    for k in 0..g.len() {
        // y_j y_k K_jk: the product of two ±1 and a value is exact.
        let qj = y_j * active.ys[k] * row_j[active.index[k] as usize];
        let gk = g[k] + (f64::from(col_i[k]) * d_i + f64::from(qj) * d_j);
        g[k] = gk;
        let positive = active.ys[k] > 0.0;
        let up_value = if positive { -gk } else { gk };
        if in_up(positive, active.status[k]) && up_value >= up.value {
            up = Best { value: up_value, index: Some(first + k) };
        }
    }
    up
}

/// See [`super::select`]; `state` is the running result of the elements before.
#[allow(clippy::too_many_arguments)]
pub fn select(
    row_i: &[f32],
    y_i: f32,
    qd_i: f64,
    gmax: f64,
    active: Active<'_>,
    qd: &[f64],
    g: &[f64],
    col_i: &mut [f32],
    mut state: Selection,
    first: usize,
) -> Selection {
    let two_y_i = 2.0 * f64::from(y_i);
    for t in 0..g.len() {
        // y_i y_t K_it: exact.
        let q_it = y_i * active.ys[t] * row_i[active.index[t] as usize];
        col_i[t] = q_it;
        let positive = active.ys[t] > 0.0;
        if !in_low(positive, active.status[t]) {
            continue;
        }
        let (low_value, quad) = if positive {
            (g[t], qd_i + qd[t] - two_y_i * f64::from(q_it))
        } else {
            (-g[t], qd_i + qd[t] + two_y_i * f64::from(q_it))
        };
        let grad_diff = gmax + low_value;
        if low_value >= state.low {
            state.low = low_value;
        }
        if grad_diff > 0.0 {
            let obj_diff = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
            if obj_diff <= state.j.value {
                state.j = Best { value: obj_diff, index: Some(first + t) };
            }
        }
    }
    state
}

/// See [`super::add_column`].
pub fn add_column(row_i: &[f32], y_i: f32, index: &[u32], ys: &[f32], c: f64, out: &mut [f64]) {
    for k in 0..out.len() {
        let q = y_i * ys[k] * row_i[index[k] as usize];
        out[k] += c * f64::from(q);
    }
}
