//! The reference: each output summed in f64 over its row's stored entries, in order.

use super::CsrRef;

/// See [`super::spmm`]; shapes were checked by the caller.
pub fn spmm(s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) {
    for i in 0..s.n_rows {
        for j in 0..n {
            let mut sum = 0.0f64;
            for q in s.row(i) {
                sum += f64::from(s.data[q]) * f64::from(b[s.indices[q] as usize * n + j]);
            }
            c[i * n + j] = sum as f32;
        }
    }
}
