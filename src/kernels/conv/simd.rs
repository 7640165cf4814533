//! The fast CPU layers: convolution as an implicit im2col GEMM, max-pool row-parallel.
//!
//! ```text
//! Y = relu(A · K + b)      m = n·H·W output pixels, k = 9c, K = the HWIO kernel as a (9c, o) matrix
//! A[(img, row, col)][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i]   (0 outside the image)
//! ```
//!
//! A is never written out. The packed GEMM ([`gemm::simd::gemm_from`]) asks for one MR-row
//! panel of one k-slice at a time, and [`Im2col`] fills it straight from x: a pixel's 9c row
//! is 9 runs of c contiguous channels, one per tap, each an input pixel's channels or
//! padding, so a panel row is 9 copies (the panel keeps A's rows as rows). The GEMM's
//! epilogue adds the bias and applies the ReLU in registers.
//!
//! Measured on this 2-core AVX-512 machine (VGG16, 224², batch 1, `cinegenre bench vgg
//! --layers`): materialising A band by band, as this module did before, cost 2–22% of each
//! layer's time (9 floats written and read back per input float); the implicit form moves
//! none of them. Padding is decided per pixel, so panels may straddle image boundaries and a
//! batch's deep layers (14×14 per image) still make GEMMs with m in the thousands. The first
//! layer (c = 3, k = 27: runs of 3 floats) is a poor GEMM shape but 0.6% of the flops.

use rayon::prelude::*;

use super::Shape;
use crate::backend::Par;
use crate::kernels::Activation;
use crate::kernels::gemm::simd::{A_STRIDE, PackedB, PanelSource, Strided, zero_rows};
use crate::kernels::gemm::{self, Epilogue, Gemm, amx};
use crate::simd::SimdLevel;

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
    let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
    let g = Gemm::nn(s.n * s.h * s.w, out_ch, 9 * s.c);
    with_im2col(level, par, s, x, |a| gemm::simd::gemm_from(level, par, g, a, kernel, epilogue, y));
}

/// Call `f` with the conv's op(A): written out when `s.c` < [`MATERIALISE_BELOW`], else the
/// implicit [`Im2col`] view.
fn with_im2col<R>(
    level: SimdLevel,
    par: Par,
    s: Shape,
    x: &[f32],
    f: impl FnOnce(&dyn PanelSource) -> R,
) -> R {
    if s.c < MATERIALISE_BELOW {
        let a = im2col(par, s, x);
        f(&Strided::row_major(&a, 9 * s.c, level))
    } else {
        f(&Im2col { s, x })
    }
}

/// Below this many channels a tap's run is too short to pack well (the first layer's c = 3
/// gives runs of 3 floats): the im2col matrix is written out instead — 9c ≤ 63 floats per
/// pixel, about 5 MiB for one 224² RGB image — and packed as a stored matrix. Measured on
/// VGG16's first layer here: 5.3 ms implicit, 2.4 ms written out.
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

/// [`conv3x3_relu`] with the kernel packed beforehand ([`PackedB`] of the (9c, o) matrix, made
/// by [`pack_kernel`]): a network packs each layer once instead of at every forward pass.
/// Shapes were checked by the caller, and `kernel` was packed for `level`.
#[allow(clippy::too_many_arguments)] // as `conv3x3_relu`
pub fn conv3x3_relu_packed(
    level: SimdLevel,
    par: Par,
    s: Shape,
    x: &[f32],
    kernel: &PackedB,
    bias: &[f32],
    y: &mut [f32],
) {
    let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
    let (k, out_ch) = kernel.shape();
    let g = Gemm::nn(s.n * s.h * s.w, out_ch, k);
    // The GEMM writes C through raw pointers: a wrong shape must stop here.
    assert!(k == 9 * s.c && x.len() == s.len() && y.len() == g.m * out_ch, "conv shapes");
    with_im2col(level, par, s, x, |a| gemm::simd::gemm_packed(level, par, g, a, kernel, epilogue, y));
}

/// [`conv3x3_relu_packed`] in bf16 on AMX tiles ([`amx`]): the im2col panels and the kernel
/// (packed by [`pack_kernel_bf16`]) rounded to bf16, f32 sums.
///
/// # Errors
/// When AMX is not available, or a shape does not match.
pub fn conv3x3_relu_bf16(
    par: Par,
    s: Shape,
    x: &[f32],
    kernel: &amx::PackedBf16,
    bias: &[f32],
    y: &mut [f32],
) -> crate::error::Result<()> {
    let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
    let (k, out_ch) = kernel.shape();
    let g = Gemm::nn(s.n * s.h * s.w, out_ch, k);
    if k != 9 * s.c || x.len() != s.len() {
        return Err(crate::error::Error::Shape(format!("bf16 conv: kernel depth {k} for {s:?}")));
    }
    // AMX machines have AVX-512, whose packing the written-out matrix then uses.
    with_im2col(SimdLevel::Avx512, par, s, x, |a| amx::gemm_packed(par, g, a, kernel, epilogue, y))
}

/// Round and pack an HWIO kernel (3, 3, c, o) for [`conv3x3_relu_bf16`].
///
/// # Errors
/// When the kernel's length is not 9·c·o.
pub fn pack_kernel_bf16(
    kernel: &[f32],
    in_ch: usize,
    out_ch: usize,
) -> crate::error::Result<amx::PackedBf16> {
    amx::PackedBf16::new(Gemm::nn(0, out_ch, 9 * in_ch), kernel)
}

/// Pack an HWIO kernel (3, 3, c, o) for [`conv3x3_relu_packed`] at `level`.
pub fn pack_kernel(level: SimdLevel, kernel: &[f32], in_ch: usize, out_ch: usize) -> PackedB {
    PackedB::new(level, Gemm::nn(0, out_ch, 9 * in_ch), kernel)
}

/// The im2col matrix of a batch, computed one panel at a time.
struct Im2col<'a> {
    s: Shape,
    x: &'a [f32],
}

impl PanelSource for Im2col<'_> {
    fn pack(&self, i0: usize, rows: usize, pc: usize, kc: usize, mr: usize, dst: &mut [f32]) {
        let Shape { h, w, c, .. } = self.s;
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
        zero_rows(rows..mr, kc, dst);
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
