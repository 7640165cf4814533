//! The fast CPU layers: convolution as an implicit im2col GEMM, max-pool row-parallel.
//!
//! ```text
//! Y = relu(A · K + b)      m = n·H·W output pixels, k = 9c, K = the HWIO kernel as a (9c, o) matrix
//! A[(img, row, col)][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i]   (0 outside the image)
//! ```
//!
//! A is never written out. The packed GEMM ([`gemm_packed`](crate::kernels::gemm::gemm_packed)) asks for one MR-row
//! panel of one k-slice at a time, and `Im2col` fills it straight from x: a pixel's 9c row
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
/// [`MATERIALISE_BELOW`] (into the thread's [`IM2COL`] buffer), else the implicit [`Im2col`]
/// view.
pub(super) fn with_im2col<R>(par: Par, s: Shape, x: &[f32], f: impl FnOnce(&dyn PanelSource) -> R) -> R {
    if s.c < MATERIALISE_BELOW {
        let mut a = IM2COL.take();
        im2col(par, s, x, &mut a);
        let out = f(&Strided::row_major(&a, 9 * s.c));
        if a.capacity() * size_of::<f32>() <= IM2COL_KEPT_BYTES {
            IM2COL.set(a);
        }
        out
    } else {
        f(&Im2col { s, x })
    }
}

/// Below this many channels a tap's run is too short to pack well (the first layer's c = 3
/// gives runs of 3 floats): the im2col matrix is written out instead — 9c ≤ 63 floats per
/// pixel, about 5 MiB for one 224² RGB image — and packed as a stored matrix. Measured on
/// VGG16's first layer: 5.3 ms implicit, 2.4 ms written out.
const MATERIALISE_BELOW: usize = 8;

/// The im2col matrix of a batch into `a`: (n·H·W, 9c), row `(img, row, col)` holding the 3×3
/// neighbourhood of that pixel, zeros outside the image. One image row per task; the taps are
/// copied as fixed-size arrays (c < [`MATERIALISE_BELOW`]), not by a `memcpy` call per 3 floats
/// (which took 4 of VGG16's first layer's 7 ms).
fn im2col(par: Par, s: Shape, x: &[f32], a: &mut Vec<f32>) {
    // Every element is written below: only new capacity is zeroed.
    a.resize(s.n * s.h * s.w * 9 * s.c, 0.0);
    let fill = |(q, row): (usize, &mut [f32])| match s.c {
        1 => im2col_row::<1>(s, x, q, row),
        2 => im2col_row::<2>(s, x, q, row),
        3 => im2col_row::<3>(s, x, q, row),
        4 => im2col_row::<4>(s, x, q, row),
        5 => im2col_row::<5>(s, x, q, row),
        6 => im2col_row::<6>(s, x, q, row),
        _ => im2col_row::<7>(s, x, q, row),
    };
    if !a.is_empty() {
        match par {
            Par::Seq => a.chunks_mut(s.w * 9 * s.c).enumerate().for_each(fill),
            Par::Rayon => a.par_chunks_mut(s.w * 9 * s.c).enumerate().for_each(fill),
        }
    }
}

thread_local! {
    /// The last im2col matrix's buffer, kept for the next batch (up to [`IM2COL_KEPT_BYTES`]).
    /// Allocated afresh for each batch of 8 posters, its 43 MB (above glibc's largest mmap
    /// threshold, so unmapped when freed) were 72% of the page faults of a default `cinegenre
    /// run` (1.06 of 1.47 million); kept, the run's kernel time fell from 4.6–5.9 s to 3.0–3.1 s
    /// (2-vCPU AMD EPYC Zen 4 VM). Taken out while in use: a nested call on the same thread
    /// finds it empty and allocates its own.
    static IM2COL: std::cell::Cell<Vec<f32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The largest im2col buffer kept between calls: 64 MiB covers batches of up to 11 images of
/// 224² RGB (5 MiB each); a larger one is freed, so one big batch does not pin its memory.
const IM2COL_KEPT_BYTES: usize = 64 << 20;

/// The im2col rows of image row `q` (= img·h + row) for `C` channels (`C` = s.c).
fn im2col_row<const C: usize>(s: Shape, x: &[f32], q: usize, out: &mut [f32]) {
    let Shape { h, w, .. } = s;
    let (img, row) = (q / h, q % h);
    for (col, pixel) in out.chunks_exact_mut(9 * C).enumerate() {
        for (tap, dst) in pixel.chunks_exact_mut(C).enumerate() {
            let (r, p) = (row + tap / 3, col + tap % 3);
            let dst: &mut [f32; C] = dst.try_into().expect("chunks of C");
            *dst = if r >= 1 && p >= 1 && r <= h && p <= w {
                let at = ((img * h + r - 1) * w + p - 1) * C;
                x[at..at + C].try_into().expect("C floats")
            } else {
                [0.0; C]
            };
        }
    }
}

/// The im2col matrix of a batch, computed one panel at a time.
struct Im2col<'a> {
    s: Shape,
    x: &'a [f32],
}

simd_fn! {
    /// Row r of the panel: its runs `runs[r]` of (x offset or `None` for padding, length), one
    /// after the other; copies of 16 floats at a time, so no `memcpy` call per run.
    fn copy_runs(x: &[f32], runs: &[[(Option<usize>, usize); 10]], kc: usize, dst: &mut [f32]) {
        for (r, row) in runs.iter().enumerate() {
            let mut out = &mut dst[r * A_STRIDE..r * A_STRIDE + kc];
            for &(at, len) in row {
                if len == 0 {
                    break;
                }
                let (run, rest) = out.split_at_mut(len);
                match at {
                    Some(at) => {
                        let src = &x[at..at + len];
                        let (whole, tail) = run.split_at_mut(len / 16 * 16);
                        for (d, s) in whole.chunks_exact_mut(16).zip(src.chunks_exact(16)) {
                            d.copy_from_slice(s);
                        }
                        tail.iter_mut().zip(&src[len / 16 * 16..]).for_each(|(d, s)| *d = *s);
                    }
                    None => run.fill(0.0),
                }
                out = rest;
            }
        }
    }
}

impl PanelSource for Im2col<'_> {
    fn pack(&self, panel: &Panel, dst: &mut [f32]) {
        let Shape { h, w, c, .. } = self.s;
        let Panel { i0, rows, pc, kc, level, .. } = *panel;
        // A panel row is ≤ 10 runs of one tap's channels (a slice of ≤ 512 of 9c columns
        // starts and ends inside a tap): an input pixel's contiguous floats, or padding. The
        // runs are the same for every row but for the pixel, so the taps are found once.
        let mut taps = [(0usize, 0usize, 0usize); 10];
        let (mut kk, mut used) = (pc, 0);
        while kk < pc + kc {
            let (tap, channel) = (kk / c, kk % c);
            let len = (c - channel).min(pc + kc - kk);
            taps[used] = (tap, channel, len);
            (kk, used) = (kk + len, used + 1);
        }
        let mut runs = [[(None, 0usize); 10]; 32];
        let (mut img, mut row, mut col) = (i0 / (h * w), i0 % (h * w) / w, i0 % w);
        for row_runs in runs.iter_mut().take(rows) {
            for (slot, &(tap, channel, len)) in row_runs.iter_mut().zip(&taps[..used]) {
                // Input pixel (row + dh − 1, col + dw − 1), shifted by one to stay unsigned.
                let (r, q) = (row + tap / 3, col + tap % 3);
                let inside = r >= 1 && q >= 1 && r <= h && q <= w;
                *slot = (inside.then(|| ((img * h + r - 1) * w + q - 1) * c + channel), len);
            }
            col += 1;
            if col == w {
                (col, row) = (0, row + 1);
                if row == h {
                    (row, img) = (0, img + 1);
                }
            }
        }
        copy_runs(level, self.x, &runs[..rows], kc, dst);
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
