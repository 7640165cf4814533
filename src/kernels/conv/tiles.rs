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
use crate::kernels::gemm::amx::TileRows;

/// Channels per k-block: one tile row of bf16.
const BLOCK_CHANNELS: usize = 32;
/// Rows of an A panel of the tile kernel.
const PANEL_ROWS: usize = 32;

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
