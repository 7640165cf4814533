//! The fast CPU layers: convolution as an implicit im2col GEMM, max-pool row-parallel.
//!
//! ```text
//! Y = relu(A · K + b)      m = n·H·W output pixels, k = 9c, K = the HWIO kernel as a (9c, o) matrix
//! A[(img, row, col)][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i]   (0 outside the image)
//! ```
//!
//! A is never written out. The packed GEMM ([`gemm_packed`]) asks for one MR-row
//! panel of one k-slice at a time, and [`Im2col`] fills it straight from x: a pixel's 9c row
//! is 9 runs of c contiguous channels, one per tap, each an input pixel's channels or
//! padding, so a panel row is 9 copies (the panel keeps A's rows as rows). The GEMM's
//! epilogue adds the bias and applies the ReLU in registers.
//!
//! Measured on a 2-core Sapphire-Rapids-class machine (VGG16, 224², batch 1, `cinegenre bench vgg
//! --layers`): materialising A band by band, as this module did before, cost 2–22% of each
//! layer's time (9 floats written and read back per input float); the implicit form moves
//! none of them. Padding is decided per pixel, so panels may straddle image boundaries and a
//! batch's deep layers (14×14 per image) still make GEMMs with m in the thousands. The first
//! layer (c = 3, k = 27: runs of 3 floats) is a poor GEMM shape but 0.6% of the flops.

use rayon::prelude::*;

use super::shape::Shape;
use crate::backend::Par;
use crate::error::{Error, Result};
use crate::kernels::gemm::{A_STRIDE, Panel, PanelSource, Strided, zero_rows};
use crate::simd::{SimdLevel, simd_fn};

/// Call `f` with the conv's op(A) (m = n·h·w rows, k = 9c): written out when `s.c` <
/// [`MATERIALISE_BELOW`], else the implicit [`Im2col`] view.
pub(super) fn with_im2col<R>(par: Par, s: Shape, x: &[f32], f: impl FnOnce(&dyn PanelSource) -> R) -> R {
    if s.c < MATERIALISE_BELOW {
        let a = im2col(par, s, x);
        f(&Strided::row_major(&a, 9 * s.c))
    } else {
        f(&Im2col { s, x })
    }
}

/// Below this many channels a tap's run is too short to pack well (the first layer's c = 3
/// gives runs of 3 floats): the im2col matrix is written out instead — 9c ≤ 63 floats per
/// pixel, about 5 MiB for one 224² RGB image — and packed as a stored matrix. Measured on
/// VGG16's first layer: 5.3 ms implicit, 2.4 ms written out.
const MATERIALISE_BELOW: usize = 8;

/// The im2col matrix of a batch: (n·H·W, 9c), row `(img, row, col)` holding the 3×3
/// neighbourhood of that pixel, zeros outside the image.
fn im2col(par: Par, s: Shape, x: &[f32]) -> Vec<f32> {
    let Shape { h, w, c, .. } = s;
    let mut a = vec![0.0f32; s.n * h * w * 9 * c];
    let fill = |(q, pixel): (usize, &mut [f32])| {
        let (img, row, col) = (q / (h * w), q % (h * w) / w, q % w);
        for (tap, dst) in pixel.chunks_mut(c).enumerate() {
            let (r, q) = (row + tap / 3, col + tap % 3);
            if r >= 1 && q >= 1 && r <= h && q <= w {
                let at = ((img * h + r - 1) * w + q - 1) * c;
                dst.copy_from_slice(&x[at..at + c]);
            }
        }
    };
    match par {
        Par::Seq => a.chunks_mut(9 * c).enumerate().for_each(fill),
        Par::Rayon => a.par_chunks_mut(9 * c).enumerate().for_each(fill),
    }
    a
}

/// The im2col matrix of a batch, computed one panel at a time.
struct Im2col<'a> {
    s: Shape,
    x: &'a [f32],
}

impl PanelSource for Im2col<'_> {
    fn pack(&self, panel: &Panel, dst: &mut [f32]) {
        let Shape { h, w, c, .. } = self.s;
        let Panel { i0, rows, pc, kc, .. } = *panel;
        for r in 0..rows {
            let q = i0 + r;
            let (img, row, col) = (q / (h * w), q % (h * w) / w, q % w);
            let out = &mut dst[r * A_STRIDE..r * A_STRIDE + kc];
            // Runs of one tap's channels: one input pixel's (or padding's) contiguous floats.
            let mut kk = pc;
            while kk < pc + kc {
                let (tap, channel) = (kk / c, kk % c);
                let len = (c - channel).min(pc + kc - kk);
                let run = &mut out[kk - pc..kk - pc + len];
                // Input pixel (row + dh − 1, col + dw − 1), shifted by one to stay unsigned.
                let (r, q) = (row + tap / 3, col + tap % 3);
                if r >= 1 && q >= 1 && r <= h && q <= w {
                    let at = ((img * h + r - 1) * w + q - 1) * c + channel;
                    run.copy_from_slice(&self.x[at..at + len]);
                } else {
                    run.fill(0.0);
                }
                kk += len;
            }
        }
        zero_rows(rows, panel, dst);
    }

    fn check(&self, m: usize, k: usize) -> Result<()> {
        let Shape { n, h, w, c } = self.s;
        if self.x.len() != self.s.len() || m != n * h * w || k != 9 * c {
            return Err(Error::Shape(format!(
                "conv {:?}: an ({m}, {k}) im2col from {} numbers",
                self.s,
                self.x.len()
            )));
        }
        Ok(())
    }
}

simd_fn! {
    /// One output row of the pool: `out[col·c + i]` = the max of the 2 × 2 window of
    /// channel i, from the two input rows `top` and `bottom` (each w·c floats).
    fn pool_row(c: usize, top: &[f32], bottom: &[f32], out: &mut [f32]) {
        for (col, dst) in out.chunks_exact_mut(c).enumerate() {
            let (t, b) = (&top[2 * col * c..(2 * col + 2) * c], &bottom[2 * col * c..(2 * col + 2) * c]);
            let (t0, t1) = t.split_at(c);
            let (b0, b1) = b.split_at(c);
            for ((((d, &p), &q), &r), &u) in dst.iter_mut().zip(t0).zip(t1).zip(b0).zip(b1) {
                *d = p.max(q).max(r.max(u));
            }
        }
    }
}

/// See [`super::maxpool2x2`]: one output row per task, channels innermost (compiled for the
/// SIMD level).
pub(super) fn maxpool2x2(level: SimdLevel, par: Par, s: Shape, x: &[f32], y: &mut [f32]) {
    let Shape { h, w, c, .. } = s;
    let (ho, wo) = (h / 2, w / 2);
    if ho == 0 || wo == 0 || c == 0 {
        return;
    }
    let row = |(g, out): (usize, &mut [f32])| {
        let (img, row) = (g / ho, g % ho);
        let top = &x[(img * h + 2 * row) * w * c..][..w * c];
        let bottom = &x[(img * h + 2 * row + 1) * w * c..][..w * c];
        pool_row(level, c, top, bottom, out);
    };
    match par {
        Par::Seq => y.chunks_mut(wo * c).enumerate().for_each(row),
        Par::Rayon => y.par_chunks_mut(wo * c).enumerate().for_each(row),
    }
}
