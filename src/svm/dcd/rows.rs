//! The training rows of one DCD fit, copied once into the layout the solver's two sparse kernels
//! want, and the kernels themselves.
//!
//! ```text
//! z_s = y_s · x̄_{rows[s]} = y_s · (x_{rows[s]}, 1)          one row per dual variable s
//! dot(w, z_s)       = Σ_k w[j_k] · v_k        stored entries, column indices j_k ascending
//! axpy(w, d, z_s):    w[j_k] += d · v_k
//! ```
//! Folding the label sign `y_s = ±1` into the values is exact (a sign flip commutes with
//! rounding), so `dot(w, z_s) = y_s · (w·x̄_s)` and `w += Δα_s z_s` is liblinear's
//! `w += Δα_s y_s x̄_s`, bit for bit. The constant feature of the bias is the last entry of every
//! row, at column `n_cols` — where liblinear appends it (`prob->bias` as feature `n + 1`) — so the
//! bias weight is `w[n_cols]` and the solver has no special case for it.
//!
//! Why a copy: a fit visits its rows in a fresh random order on every pass, hundreds of passes.
//! Stored contiguously in training order, a visit is one lookup (the row's [`Slot`], which the
//! solver permutes and so reads sequentially) instead of two dependent ones (`rows[s]`, then the
//! matrix's `indptr`), and a fold's rows are packed together instead of spread over the whole
//! matrix. Each row is padded with zeros to a multiple of [`LANES`] entries, at a padding column
//! `n_cols + 1` whose weight stays 0 (`0 + d · 0 = 0`), so the kernels run whole blocks and have
//! no remainder loop (one mispredicted loop exit per row, not two). The copy costs one pass.
//!
//! [`dot`] keeps four running sums over the entries `k ≡ 0, 1, 2, 3 (mod 4)` and returns
//! `(s0 + s1) + (s2 + s3)`. The order is fixed by the row alone (deterministic, the same on every
//! machine), and the four sums are four independent chains of additions: one chain, as liblinear
//! sums, is bound by the latency of the floating-point add, not by the loads. The two orders
//! differ by rounding (a few ulps of the largest partial sum), far inside the solver's tolerance;
//! the padding adds exact zeros.
//!
//! Cost: `12 · (nnz + l + padding)` bytes (u32 index + f64 value per entry; at most 3 padding
//! entries per row) and 16 bytes per slot; [`dot`] and [`axpy`] are `O(nnz(z_s))`.

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;

/// Entries per block of [`dot`] and [`axpy`]; every row is padded to a multiple of it.
pub(crate) const LANES: usize = 4;

/// Where one row lives: entries `begin .. begin + len` of the arrays, for dual variable `var`.
/// What the solver permutes (16 bytes, so a pass reads its schedule sequentially).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub begin: usize,
    pub len: u32,
    pub var: u32,
}

/// `z_s = y_s (x_{rows[s]}, 1)` for every training row `s`, contiguous, column indices ascending,
/// padded with zeros at column `n_cols + 1` to a multiple of [`LANES`] entries.
#[derive(Debug, Clone)]
pub(crate) struct SignedRows {
    slots: Vec<Slot>,
    index: Vec<u32>,
    value: Vec<f64>,
    n_weights: usize,
}

impl SignedRows {
    /// Copy rows `rows` of `x` (column indices sorted), each times its sign, with the bias entry
    /// `(x.n_cols(), sign)` appended and zeros at the padding column `x.n_cols() + 1`.
    pub(crate) fn new(x: &CsrMatrix, rows: &[usize], sign: &[f64]) -> Result<Self> {
        let too_big = |what: String| Error::Shape(format!("{what}: more than a 32-bit index can name"));
        let pad =
            u32::try_from(x.n_cols() + 1).map_err(|_| too_big(format!("X has {} columns", x.n_cols())))?;
        u32::try_from(rows.len()).map_err(|_| too_big(format!("{} training rows", rows.len())))?;
        if let Some(&r) = rows.iter().find(|&&r| r >= x.n_rows()) {
            return Err(Error::Shape(format!(
                "training row {r} is out of range for X with {} rows",
                x.n_rows()
            )));
        }
        let padded = |r: usize| (x.row(r).0.len() + 1).next_multiple_of(LANES);
        let nnz: usize = rows.iter().map(|&r| padded(r)).sum();
        let (mut index, mut value) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
        let mut slots = Vec::with_capacity(rows.len());
        for (var, (&r, &y)) in rows.iter().zip(sign).enumerate() {
            let (cols, vals) = x.row(r);
            let begin = index.len();
            index.extend_from_slice(cols);
            value.extend(vals.iter().map(|&v| y * v));
            index.push(pad - 1);
            value.push(y);
            index.resize(begin + padded(r), pad);
            value.resize(begin + padded(r), 0.0);
            let len = u32::try_from(index.len() - begin).map_err(|_| too_big(format!("row {r}")))?;
            slots.push(Slot { begin, len, var: var as u32 });
        }
        Ok(SignedRows { slots, index, value, n_weights: x.n_cols() + 2 })
    }

    /// One slot per row, in training order.
    pub(crate) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Length of `w`: the columns of `X`, the bias, the padding column (kept at 0).
    pub(crate) fn n_weights(&self) -> usize {
        self.n_weights
    }

    /// The entries of a row as `(column indices, signed values)`, padding included.
    #[inline]
    pub(crate) fn row(&self, slot: Slot) -> (&[u32], &[f64]) {
        let range = slot.begin..slot.begin + slot.len as usize;
        (&self.index[range.clone()], &self.value[range])
    }
}

/// `Σ_k w[j_k] v_k` over a padded row, in the fixed four-sum order of the module docs.
#[inline]
pub(crate) fn dot(w: &[f64], index: &[u32], value: &[f64]) -> f64 {
    let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
    for (j, v) in index.chunks_exact(LANES).zip(value.chunks_exact(LANES)) {
        s0 += w[j[0] as usize] * v[0];
        s1 += w[j[1] as usize] * v[1];
        s2 += w[j[2] as usize] * v[2];
        s3 += w[j[3] as usize] * v[3];
    }
    (s0 + s1) + (s2 + s3)
}

/// Ask the CPU to bring `data` into L1 ahead of use; a no-op off x86-64.
#[inline(always)]
pub(crate) fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let (p, bytes) = (data.as_ptr().cast::<i8>(), std::mem::size_of_val(data));
        let lines = (p as usize % 64 + bytes).div_ceil(64);
        for line in 0..lines {
            // SAFETY: prefetch is SSE (baseline x86-64); it reads nothing architecturally and
            // never faults, whatever the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64 * line)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// `w[j_k] += d · v_k` for every stored entry.
#[inline]
pub(crate) fn axpy(w: &mut [f64], d: f64, index: &[u32], value: &[f64]) {
    for (j, v) in index.chunks_exact(LANES).zip(value.chunks_exact(LANES)) {
        for (&j, &v) in j.iter().zip(v) {
            w[j as usize] += d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_the_sign_the_bias_and_the_padding() {
        let x = CsrMatrix::from_dense(3, 2, &[1.0, 0.0, 0.0, 2.0, 3.0, 4.0]);
        let z = SignedRows::new(&x, &[2, 0], &[-1.0, 1.0]).unwrap();
        assert_eq!(z.n_weights(), 4);
        let slots = z.slots();
        assert_eq!((slots.len(), slots[1].var, slots[1].begin), (2, 1, 4));
        assert_eq!(z.row(slots[0]), (&[0u32, 1, 2, 3][..], &[-3.0, -4.0, -1.0, 0.0][..]));
        assert_eq!(z.row(slots[1]), (&[0u32, 2, 3, 3][..], &[1.0, 1.0, 0.0, 0.0][..]));
        assert!(SignedRows::new(&x, &[3], &[1.0]).unwrap_err().to_string().contains("row 3"));
    }

    #[test]
    fn dot_and_axpy_agree_with_the_plain_sums() {
        // 8 entries, two blocks; small integers, so every summation order is exact.
        let index: Vec<u32> = (0..8).map(|k| 2 * k).collect();
        let value: Vec<f64> = (1..=8).map(f64::from).collect();
        let w: Vec<f64> = (0..16).map(|j| f64::from(j) - 3.0).collect();
        let want: f64 = index.iter().zip(&value).map(|(&j, v)| w[j as usize] * v).sum();
        assert_eq!(dot(&w, &index, &value), want);
        let mut w2 = w.clone();
        axpy(&mut w2, 0.5, &index, &value);
        for (j, (a, b)) in w2.iter().zip(&w).enumerate() {
            let k = index.iter().position(|&i| i as usize == j);
            assert_eq!(*a, b + k.map_or(0.0, |k| 0.5 * value[k]), "column {j}");
        }
    }
}
