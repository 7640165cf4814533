//! The reference GEMM: the formula as three loops, accumulated in f64.

use super::problem::{Epilogue, Gemm};
use super::weight::Weight;

/// `C[i][j] = act(Σₚ op(A)[i][p]·op(B)[p][j] + bias[j])`, summed in f64 in order p = 0, 1, ….
/// Half-precision operands ([`Weight`]) are widened element by element (exactly) first.
pub fn gemm<A: Weight, B: Weight>(g: Gemm, a: &[A], b: &[B], epilogue: Epilogue<'_>, c: &mut [f32]) {
    let (rsa, csa) = g.a_strides();
    let (rsb, csb) = g.b_strides();
    for i in 0..g.m {
        for j in 0..g.n {
            let mut sum = 0.0f64;
            for p in 0..g.k {
                let (x, y) = (a[i * rsa + p * csa].to_f32(), b[p * rsb + j * csb].to_f32());
                sum += f64::from(x) * f64::from(y);
            }
            c[i * g.n + j] = epilogue.apply(j, sum as f32);
        }
    }
}
