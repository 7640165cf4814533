//! The elementwise maps in cache-sized chunks, each chunk's loop compiled for the SIMD level
//! (`simd_fn!`), optionally across cores.

use rayon::prelude::*;

use crate::backend::Par;
use crate::kernels::Activation;
use crate::simd::{SimdLevel, simd_fn};

/// Elements per task: 16 KiB of f32, enough to amortise a rayon task.
const CHUNK: usize = 4096;

fn zip_chunks(par: Par, y: &[f32], g: &mut [f32], f: impl Fn(&[f32], &mut [f32]) + Sync) {
    let f = |(y, g): (&[f32], &mut [f32])| f(y, g);
    match par {
        Par::Seq => y.chunks(CHUNK).zip(g.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => y.par_chunks(CHUNK).zip(g.par_chunks_mut(CHUNK)).for_each(f),
    }
}

simd_fn! {
    fn relu(x: &mut [f32]) {
        x.iter_mut().for_each(|v| *v = v.max(0.0));
    }
}

simd_fn! {
    fn relu_backward_chunk(y: &[f32], g: &mut [f32]) {
        for (g, y) in g.iter_mut().zip(y) {
            *g = if *y > 0.0 { *g } else { 0.0 };
        }
    }
}

simd_fn! {
    fn sigmoid_backward_chunk(y: &[f32], g: &mut [f32]) {
        for (g, y) in g.iter_mut().zip(y) {
            *g *= y * (1.0 - y);
        }
    }
}

/// log2(e), and ln 2 split Cody–Waite style: `LN2_HI` has 12 significant bits so n·LN2_HI is
/// exact for |n| ≤ 2¹¹.
const LOG2E: f32 = std::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;

/// eˣ for x ≤ 0, branch-free so loops over it vectorise: x = n·ln 2 + r with n = round(x·log₂e)
/// and |r| ≤ ln 2 / 2, eʳ by Cephes' `expf` polynomial (degree 7, relative error ≈ 1e-7), 2ⁿ
/// built in the exponent bits. Below −87 the input is clamped (e⁻⁸⁷ ≈ 1.6e-38, the smallest
/// normal f32 is 1.2e-38), which only matters to the logistic's far tail.
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    let x = x.max(-87.0);
    let n = (x * LOG2E).round_ties_even();
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_2e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let er = p * r * r + r + 1.0;
    er * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// The logistic function from [`exp_nonpositive`]: e = e^(−|x|), then 1/(1+e) or e/(1+e).
#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    let e = exp_nonpositive(-x.abs());
    let s = 1.0 / (1.0 + e);
    if x >= 0.0 { s } else { e * s }
}

simd_fn! {
    fn sigmoid_chunk(x: &mut [f32]) {
        x.iter_mut().for_each(|v| *v = sigmoid(*v));
    }
}

simd_fn! {
    fn bce_grad_chunk(z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) {
        for ((g, z), t) in g.iter_mut().zip(z).zip(t) {
            *g = scale * (sigmoid(*z) - t);
        }
    }
}

/// The sigmoid uses the branch-free `exp_nonpositive` so that it vectorises too: the scalar
/// reference calls the library `exp` (correctly rounded to within an ulp), this one is within
/// a few ulps of it.
pub fn activate(level: SimdLevel, par: Par, act: Activation, x: &mut [f32]) {
    let f = |x: &mut [f32]| match act {
        Activation::Identity => {}
        Activation::Relu => relu(level, x),
        Activation::Sigmoid => sigmoid_chunk(level, x),
    };
    match par {
        Par::Seq => x.chunks_mut(CHUNK).for_each(f),
        Par::Rayon => x.par_chunks_mut(CHUNK).for_each(f),
    }
}

pub fn relu_backward(level: SimdLevel, par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| relu_backward_chunk(level, y, g));
}

pub fn sigmoid_backward(level: SimdLevel, par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| sigmoid_backward_chunk(level, y, g));
}

pub fn bce_grad(level: SimdLevel, par: Par, z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) {
    let f = |((z, t), g): ((&[f32], &[f32]), &mut [f32])| bce_grad_chunk(level, z, t, scale, g);
    match par {
        Par::Seq => z.chunks(CHUNK).zip(t.chunks(CHUNK)).zip(g.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => z.par_chunks(CHUNK).zip(t.par_chunks(CHUNK)).zip(g.par_chunks_mut(CHUNK)).for_each(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_free_exp_and_sigmoid_are_within_a_few_ulps() {
        let mut worst = (0.0f64, 0.0f64);
        for i in 0..=200_000 {
            let x = -87.0 + 87.0 * i as f32 / 200_000.0;
            let want = f64::from(x).exp();
            worst.0 = worst.0.max((f64::from(exp_nonpositive(x)) - want).abs() / want);
            for x in [x / 4.0, -x / 4.0] {
                let want = 1.0 / (1.0 + (-f64::from(x)).exp());
                worst.1 = worst.1.max((f64::from(sigmoid(x)) - want).abs() / want);
            }
        }
        // f32 has 2⁻²⁴ ≈ 6e-8 of relative precision: a few ulps.
        assert!(worst.0 < 4e-7 && worst.1 < 4e-7, "exp {:.2e}, sigmoid {:.2e}", worst.0, worst.1);
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(-200.0) < 2e-38 && sigmoid(200.0) == 1.0);
    }
}
