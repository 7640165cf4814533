//! The reference SGEMM: the formula as three loops, accumulated in f64.

use super::half::Weight;
use super::{Epilogue, Gemm};

/// C[i][j] = act(Σₚ op(A)[i][p]·op(B)[p][j] + bias[j]), summed in f64 in order p = 0, 1, ….
/// A half-precision B ([`Weight`]) is widened element by element (exactly) before the product.
pub fn gemm<W: Weight>(g: Gemm, a: &[f32], b: &[W], epilogue: Epilogue<'_>, c: &mut [f32]) {
    let (rsa, csa) = g.a_strides();
    let (rsb, csb) = g.b_strides();
    for i in 0..g.m {
        for j in 0..g.n {
            let mut sum = 0.0f64;
            for p in 0..g.k {
                sum += f64::from(a[i * rsa + p * csa]) * f64::from(b[p * rsb + j * csb].to_f32());
            }
            c[i * g.n + j] = epilogue.apply(j, sum as f32);
        }
    }
}
