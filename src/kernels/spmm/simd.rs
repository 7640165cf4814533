//! SpMM on the CPU: one output row per task, a sum of scaled rows of B (compiled per SIMD
//! level), rows across cores.

use rayon::prelude::*;

use super::CsrRef;
use crate::backend::Par;
use crate::simd::{SimdLevel, simd_fn};

simd_fn! {
    /// out = Σ_q values[q] · B[columns[q]] (rows of B of out's width).
    fn sum_of_rows(values: &[f32], columns: &[u32], b: &[f32], out: &mut [f32]) {
        let n = out.len();
        out.fill(0.0);
        for (&v, &col) in values.iter().zip(columns) {
            for (o, x) in out.iter_mut().zip(&b[col as usize * n..][..n]) {
                *o += v * x;
            }
        }
    }
}

/// See [`super::spmm`]; shapes were checked by the caller and `n` > 0.
pub fn spmm(level: SimdLevel, par: Par, s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) {
    let f = |(i, out): (usize, &mut [f32])| {
        let q = s.row(i);
        sum_of_rows(level, &s.data[q.clone()], &s.indices[q], b, out);
    };
    match par {
        Par::Seq => c.chunks_mut(n).enumerate().for_each(f),
        Par::Rayon => c.par_chunks_mut(n).enumerate().for_each(f),
    }
}
