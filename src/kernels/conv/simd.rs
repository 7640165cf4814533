//! The fast CPU layers: convolution as im2col + the packed SIMD GEMM, max-pool row-parallel.
//!
//! ```text
//! for each band of output rows g0..g1 of the batch (g = img·H + row):
//!     A = im2col(band): (m = (g1−g0)·W, k = 9c),  A[(g, col)][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i]
//!     Y[band] = relu(A · K + b)        K = the HWIO kernel read as a (9c, o) matrix — already B
//! ```
//!
//! Why im2col + GEMM: VGG's convolutions are 97% of the work in layers with c ≥ 64, where
//! k = 9c ≥ 576 makes each band one large, well-shaped SGEMM that runs at the packed
//! micro-kernel's speed; the copy costs 9 floats moved per input float, against 2·o flops per
//! copied float (≥ 128), and a band of at most [`BAND_FLOATS`] floats keeps it in cache
//! between im2col and the GEMM's own packing. Measured on this 2-core AVX-512 machine (VGG16,
//! 224², batch 1, `cinegenre bench vgg --layers`): the im2col copies take 2–17% of a layer's
//! time, about 8% of the conv time; bands of 8 MiB and 32 MiB cost the same CPU time.
//!
//! Bands span image boundaries (padding is decided per pixel), so deep layers of a batch
//! (14×14 per image) still make GEMMs with m in the thousands. The first layer (c = 3,
//! k = 27) is a poor GEMM shape but 0.6% of the flops; it goes through the same path.

use rayon::prelude::*;

use super::Shape;
use crate::backend::Par;
use crate::kernels::Activation;
use crate::kernels::gemm::{self, Epilogue, Gemm};
use crate::simd::SimdLevel;

/// Upper bound on one band's im2col matrix (floats): 2 Mi floats = 8 MiB, at least one row.
pub const BAND_FLOATS: usize = 1 << 21;

/// See [`super::conv3x3_relu`]; shapes were checked by the caller.
#[allow(clippy::too_many_arguments)] // level and threads, then the kernel's own arguments
pub fn conv3x3_relu(
    level: SimdLevel,
    par: Par,
    s: Shape,
    x: &[f32],
    kernel: &[f32],
    bias: &[f32],
    out_ch: usize,
    y: &mut [f32],
) {
    let (rows, k) = (s.n * s.h, 9 * s.c);
    let row_len = s.w * k;
    if rows == 0 || row_len == 0 || out_ch == 0 {
        return;
    }
    let band = (BAND_FLOATS / row_len).clamp(1, rows);
    let mut cols = vec![0.0f32; band * row_len];
    let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
    for g0 in (0..rows).step_by(band) {
        let g1 = (g0 + band).min(rows);
        let a = &mut cols[..(g1 - g0) * row_len];
        im2col(par, s, x, g0, a);
        let out = &mut y[g0 * s.w * out_ch..g1 * s.w * out_ch];
        gemm::simd::gemm(level, par, Gemm::nn((g1 - g0) * s.w, out_ch, k), a, kernel, epilogue, out);
    }
}

/// Fill `a` with the im2col rows of batch rows `g0..` (one chunk of W·9c floats per row).
pub fn im2col(par: Par, s: Shape, x: &[f32], g0: usize, a: &mut [f32]) {
    let Shape { h, w, c, .. } = s;
    let fill = |(dr, dst): (usize, &mut [f32])| {
        let (img, row) = ((g0 + dr) / h, (g0 + dr) % h);
        for col in 0..w {
            let pixel = &mut dst[col * 9 * c..(col + 1) * 9 * c];
            for dh in 0..3 {
                for dw in 0..3 {
                    let tap = &mut pixel[(dh * 3 + dw) * c..(dh * 3 + dw + 1) * c];
                    let (r, q) = (row + dh, col + dw);
                    if r == 0 || q == 0 || r > h || q > w {
                        tap.fill(0.0);
                    } else {
                        let at = ((img * h + r - 1) * w + q - 1) * c;
                        tap.copy_from_slice(&x[at..at + c]);
                    }
                }
            }
        }
    };
    match par {
        Par::Seq => a.chunks_mut(w * 9 * c).enumerate().for_each(fill),
        Par::Rayon => a.par_chunks_mut(w * 9 * c).enumerate().for_each(fill),
    }
}

/// See [`super::maxpool2x2`]: one output row per task, channels innermost (vectorised).
pub fn maxpool2x2(par: Par, s: Shape, x: &[f32], y: &mut [f32]) {
    let Shape { h, w, c, .. } = s;
    let (ho, wo) = (h / 2, w / 2);
    if ho == 0 || wo == 0 || c == 0 {
        return;
    }
    let pool_row = |(g, out): (usize, &mut [f32])| {
        let (img, row) = (g / ho, g % ho);
        let top = &x[(img * h + 2 * row) * w * c..][..w * c];
        let bottom = &x[(img * h + 2 * row + 1) * w * c..][..w * c];
        for col in 0..wo {
            let dst = &mut out[col * c..(col + 1) * c];
            let (t, b) = (&top[2 * col * c..(2 * col + 2) * c], &bottom[2 * col * c..(2 * col + 2) * c]);
            for (i, d) in dst.iter_mut().enumerate() {
                *d = t[i].max(t[c + i]).max(b[i]).max(b[c + i]);
            }
        }
    };
    match par {
        Par::Seq => y.chunks_mut(wo * c).enumerate().for_each(pool_row),
        Par::Rayon => y.par_chunks_mut(wo * c).enumerate().for_each(pool_row),
    }
}
