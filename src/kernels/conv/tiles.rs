//! The convolution's A operand for the AMX tile kernel: im2col rows read straight from a bf16
//! copy of the image, 32 channels (64 bytes, one tile row) at a time.
//!
//! ```text
//! k-block q of a pixel = tap t = q / (c/32), channels 32·(q mod c/32) .. +32
//! row r of block q     = xb[n, h + dh − 1, w + dw − 1, 32·(q mod c/32) ..]   (zero off the image)
//!                        with (dh, dw) = (t / 3, t mod 3) and (n, h, w) the pixel of row i0 + r
//! ```
//!
//! Why: packing f32 im2col panels and rounding them cost as much as the tile products on the
//! 64- and 128-channel layers (each input value is read by nine taps); rounding the image to
//! bf16 once and copying 64-byte rows leaves one pass over the image and a copy per tap. The
//! arithmetic is unchanged: the same rounding (`vcvtne2ps2bf16`) of the same values, the same
//! k order, so the output is bit for bit that of the f32 panel path on the tiles.
//! Needs c a multiple of 32 (every VGG layer after the first).

use super::shape::Shape;
use crate::backend::Par;
use crate::kernels::gemm::amx::{self, TileRows};

/// Channels per k-block: one tile row of bf16.
const BLOCK_CHANNELS: usize = 32;
/// Rows of an A panel of the tile kernel.
const PANEL_ROWS: usize = 32;

/// Call `f` with `x` rounded to bf16 ([`amx::to_bf16`]), written into this thread's
/// [`BF16_IMAGE`] buffer.
pub(super) fn with_bf16_image<R>(par: Par, x: &[f32], f: impl FnOnce(&[u16]) -> R) -> R {
    let mut xb = BF16_IMAGE.take();
    amx::to_bf16(par, x, &mut xb);
    let out = f(&xb);
    if xb.capacity() * size_of::<u16>() <= BF16_IMAGE_KEPT_BYTES {
        BF16_IMAGE.set(xb);
    }
    out
}

thread_local! {
    /// The last layer's bf16 image, kept for the next layer and batch (up to
    /// [`BF16_IMAGE_KEPT_BYTES`]): allocated afresh, the 51 MB of `block1_conv2`'s input at a
    /// batch of 8 faulted in page by page for every batch. Taken out while in use: a nested
    /// call on the same thread finds it empty and allocates its own.
    static BF16_IMAGE: std::cell::Cell<Vec<u16>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The largest bf16 image kept between calls: 64 MiB covers `block1_conv2`'s input (224² × 64
/// channels, 6.4 MB per image) for batches of up to 10 images; a larger one is freed, so one
/// big batch does not pin its memory.
const BF16_IMAGE_KEPT_BYTES: usize = 64 << 20;

/// 2×2 max-pool of bf16 bits of non-negative values (see [`super::maxpool2x2_bf16`]): one
/// output row per task, channels innermost.
pub(super) fn maxpool2x2_bits(par: Par, s: Shape, x: &[u16], y: &mut [u16]) {
    use rayon::prelude::*;
    let Shape { h, w, c, .. } = s;
    let (ho, wo) = (h / 2, w / 2);
    if ho == 0 || wo == 0 || c == 0 {
        return;
    }
    let row = |(g, out): (usize, &mut [u16])| {
        let (img, row) = (g / ho, g % ho);
        let top = &x[(img * h + 2 * row) * w * c..][..w * c];
        let bottom = &x[(img * h + 2 * row + 1) * w * c..][..w * c];
        for (col, dst) in out.chunks_exact_mut(c).enumerate() {
            let (t, b) = (&top[2 * col * c..(2 * col + 2) * c], &bottom[2 * col * c..(2 * col + 2) * c]);
            let ((t0, t1), (b0, b1)) = (t.split_at(c), b.split_at(c));
            for ((((d, &p), &q), &r), &u) in dst.iter_mut().zip(t0).zip(t1).zip(b0).zip(b1) {
                *d = p.max(q).max(r.max(u));
            }
        }
    };
    match par {
        Par::Seq => y.chunks_mut(wo * c).enumerate().for_each(row),
        Par::Rayon => y.par_chunks_mut(wo * c).enumerate().for_each(row),
    }
}

/// Whether a layer with `c` input channels can be read this way.
pub(super) fn fits(c: usize) -> bool {
    c > 0 && c.is_multiple_of(BLOCK_CHANNELS)
}

/// im2col of a bf16 NHWC image (`xb`, shape `s`), as [`TileRows`].
pub(super) struct Im2colTiles<'a> {
    pub(super) s: Shape,
    pub(super) xb: &'a [u16],
}

/// Where each of a panel's rows reads each of the nine taps (`None`: off the image).
pub(super) struct TapStarts([[Option<usize>; 9]; PANEL_ROWS]);

impl TileRows for Im2colTiles<'_> {
    type Rows = TapStarts;

    fn rows(&self, i0: usize, rows: usize) -> TapStarts {
        let Shape { h, w, c, .. } = self.s;
        let mut starts = [[None; 9]; PANEL_ROWS];
        for (r, taps) in starts.iter_mut().enumerate().take(rows) {
            let pixel = i0 + r;
            let (img, y, x) = (pixel / (h * w), pixel / w % h, pixel % w);
            for (t, start) in taps.iter_mut().enumerate() {
                let (yy, xx) = ((y + t / 3).wrapping_sub(1), (x + t % 3).wrapping_sub(1));
                if yy < h && xx < w {
                    *start = Some(((img * h + yy) * w + xx) * c);
                }
            }
        }
        TapStarts(starts)
    }

    fn block(&self, rows: &TapStarts, q: usize, dst: &mut [u16]) {
        let blocks_per_tap = self.s.c / BLOCK_CHANNELS;
        let (tap, channel) = (q / blocks_per_tap, (q % blocks_per_tap) * BLOCK_CHANNELS);
        for (taps, row) in rows.0.iter().zip(dst.chunks_exact_mut(BLOCK_CHANNELS)) {
            match taps[tap] {
                Some(start) => {
                    row.copy_from_slice(&self.xb[start + channel..start + channel + BLOCK_CHANNELS])
                }
                None => row.fill(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        Algorithm, conv3x3_relu_bf16, conv3x3_relu_packed, maxpool2x2, maxpool2x2_bf16, pack_kernel_with,
    };
    use super::*;
    use crate::backend::Backend;
    use crate::kernels::gemm::Precision;
    use crate::kernels::gemm::amx::TilesOut;

    fn rounded(x: &[f32]) -> Vec<u16> {
        x.iter().map(|&v| half::bf16::from_f32(v).to_bits()).collect()
    }

    /// The bf16 conv on tiles, fed the rounded image, gives the f32 conv's bits (f32 out) or
    /// those bits rounded (bf16 out), and the bf16 pool gives the f32 pool's output rounded:
    /// so a network that keeps its activations in bf16 writes the same features.
    #[test]
    fn bf16_activations_give_the_f32_paths_bits_rounded() {
        let backend = Backend::cpu().unwrap();
        if !amx::available() {
            eprintln!("no AMX tiles here: the bf16 activations path does not run (checked nothing)");
            return;
        }
        let Backend::Cpu { par, .. } = backend else { unreachable!() };
        // Odd sizes (a partial row panel, a pool that drops a row and a column), two batches.
        for (n, h, w, c, o) in [(1, 7, 9, 32, 40), (2, 5, 6, 64, 32)] {
            let s = Shape::nhwc((n, h, w, c));
            let x: Vec<f32> = (0..s.len()).map(|i| ((i * 37 % 101) as f32 - 50.0) / 64.0).collect();
            let k: Vec<f32> = (0..9 * c * o).map(|i| ((i * 53 % 97) as f32 - 48.0) / 512.0).collect();
            let bias: Vec<f32> = (0..o).map(|j| (j as f32 - 20.0) / 64.0).collect();
            let kernel = pack_kernel_with(Algorithm::Direct, &backend, Precision::Bf16, &k, (c, o)).unwrap();
            let mut want = vec![0.0; n * h * w * o];
            conv3x3_relu_packed(&backend, s, &x, &kernel, &bias, &mut want).unwrap();
            let xb = rounded(&x);
            let mut got = vec![f32::NAN; want.len()];
            conv3x3_relu_bf16(par, s, &xb, &kernel, &bias, TilesOut::F32(&mut got)).unwrap();
            assert_eq!(
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            let mut bits = vec![0xffff; want.len()];
            conv3x3_relu_bf16(par, s, &xb, &kernel, &bias, TilesOut::Bf16(&mut bits)).unwrap();
            assert_eq!(bits, rounded(&want));
            assert!(want.iter().any(|&v| v > 0.0) && want.contains(&0.0), "ReLU both ways");
            let t = Shape::nhwc((n, h, w, o));
            let mut pooled = vec![0.0; n * (h / 2) * (w / 2) * o];
            maxpool2x2(&backend, t, &want, &mut pooled).unwrap();
            let mut pooled_bits = vec![0xffff; pooled.len()];
            maxpool2x2_bf16(par, t, &bits, &mut pooled_bits).unwrap();
            assert_eq!(pooled_bits, rounded(&pooled));
        }
    }
}
