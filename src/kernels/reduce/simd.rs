//! Column sums on the CPU: rows added into f32 accumulators (the loop compiled per SIMD
//! level), blocks of rows across cores whose partial sums are then added.

use rayon::prelude::*;

use crate::backend::Par;
use crate::simd::{SimdLevel, simd_fn};

/// Rows per parallel block.
const ROWS_PER_TASK: usize = 64;

simd_fn! {
    /// acc += each n-wide row of `rows`.
    fn add_rows(n: usize, rows: &[f32], acc: &mut [f32]) {
        for row in rows.chunks_exact(n) {
            for (a, x) in acc.iter_mut().zip(row) {
                *a += x;
            }
        }
    }
}

/// See [`super::column_sums`]; shapes were checked by the caller.
pub fn column_sums(level: SimdLevel, par: Par, n: usize, x: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    if n == 0 {
        return;
    }
    match par {
        Par::Seq => add_rows(level, n, x, out),
        Par::Rayon => {
            let partial = x
                .par_chunks(ROWS_PER_TASK * n)
                .map(|rows| {
                    let mut acc = vec![0.0f32; n];
                    add_rows(level, n, rows, &mut acc);
                    acc
                })
                .collect::<Vec<_>>();
            for p in &partial {
                for (o, v) in out.iter_mut().zip(p) {
                    *o += v;
                }
            }
        }
    }
}
