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
//! Needs c a multiple of 32 (every VGG layer after the first), or all nine taps in one
//! k-block (c ≤ 3: the first layer, [`NarrowIm2col`]).
//!
//! Where the image is a multiple of 16 pixels wide (VGG16's 224- and 112-wide layers), the
//! row copies go too: the image is written once more inside a border of zero pixels
//! ([`with_padded`]), and the tile loads read each 16-row tile of each tap straight from it,
//! 16 consecutive pixels of one padded row, `2c` bytes apart ([`amx::InPlace`]). The copies had
//! been ~18% of the tile driver's time there; the conv base in bf16 went from 47.7 to 50.9
//! images/s at batch 8 (best of 4 alternated runs; medians 46.0 → 49.8) and from 48.0 to 49.0
//! at batch 1 (2-core Intel Xeon with AMX). Same values in the same k order: the same bits.
//!
//! In a network the layer before writes that bordered image itself ([`Bf16Image::Bordered`]:
//! a tile conv through [`TilesOut::Bf16Bordered`], a pool through [`maxpool2x2_bits`]), so
//! the copy goes as well: it had been ~14% of `block1_conv2`'s time at batch 8. The conv base
//! in bf16 went from 50.4–54.4 to 56.9–58.8 images/s at batch 8 (three alternated runs), and
//! the poster features of a fresh `cinegenre run` from 16.5 to 15.0 s.

use super::shape::Shape;
use crate::backend::Par;
use crate::error::Result;
use crate::kernels::gemm::amx::{self, InPlace, TileRows, Tiles, TilesOut};
use crate::kernels::gemm::{Epilogue, Gemm, PackedB, gemm_tile_rows};

/// Channels per k-block: one tile row of bf16.
const BLOCK_CHANNELS: usize = 32;
/// Rows of an A panel of the tile kernel.
const PANEL_ROWS: usize = 32;

/// Call `f` with `x` rounded to bf16 ([`amx::to_bf16`]), written into this thread's
/// [`BF16_IMAGE`] buffer.
pub(super) fn with_bf16_image<R>(par: Par, x: &[f32], f: impl FnOnce(&[u16]) -> R) -> R {
    let mut xb = BF16_IMAGE.take();
    // Every element is written by `to_bf16`: only new capacity is zeroed.
    xb.resize(x.len(), 0);
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
/// output row per task, channels innermost; with `bordered`, `y` is the output inside a
/// border of one zero pixel (written too), as the next conv's tile loads read it.
pub(super) fn maxpool2x2_bits(par: Par, s: Shape, x: &[u16], y: &mut [u16], bordered: bool) {
    use rayon::prelude::*;
    let Shape { h, w, c, .. } = s;
    let (ho, wo) = (h / 2, w / 2);
    if ho == 0 || wo == 0 || c == 0 {
        return;
    }
    if bordered {
        let out = Shape { h: ho, w: wo, ..s };
        fill_bordered(par, out, y, |g, interior| pool_row(x, s, g, interior));
        return;
    }
    let row = |(g, out): (usize, &mut [u16])| pool_row(x, s, g, out);
    match par {
        Par::Seq => y.chunks_mut(wo * c).enumerate().for_each(row),
        Par::Rayon => y.par_chunks_mut(wo * c).enumerate().for_each(row),
    }
}

/// Output row `g` (image g / ⌊h/2⌋, row g mod ⌊h/2⌋) of [`maxpool2x2_bits`] into `out`
/// (⌊w/2⌋ pixels).
fn pool_row(x: &[u16], s: Shape, g: usize, out: &mut [u16]) {
    let Shape { h, w, c, .. } = s;
    let (img, row) = (g / (h / 2), g % (h / 2));
    let top = &x[(img * h + 2 * row) * w * c..][..w * c];
    let bottom = &x[(img * h + 2 * row + 1) * w * c..][..w * c];
    for (col, dst) in out.chunks_exact_mut(c).enumerate() {
        let (t, b) = (&top[2 * col * c..(2 * col + 2) * c], &bottom[2 * col * c..(2 * col + 2) * c]);
        let ((t0, t1), (b0, b1)) = (t.split_at(c), b.split_at(c));
        for ((((d, &p), &q), &r), &u) in dst.iter_mut().zip(t0).zip(t1).zip(b0).zip(b1) {
            *d = p.max(q).max(r.max(u));
        }
    }
}

/// A bf16 NHWC image of shape s: as it is, (n, h, w, c), or inside a border of one zero pixel,
/// (n, h + 2, w + 2, c) — what the tile loads read in place ([`reads_in_place`]), and what a
/// layer before writes directly ([`TilesOut::Bf16Bordered`], [`maxpool2x2_bits`]).
#[derive(Clone, Copy)]
pub(crate) enum Bf16Image<'a> {
    Dense(&'a [u16]),
    Bordered(&'a [u16]),
}

impl Bf16Image<'_> {
    /// Its values.
    pub(crate) fn bits(&self) -> &[u16] {
        match self {
            Bf16Image::Dense(bits) | Bf16Image::Bordered(bits) => bits,
        }
    }

    /// How many values an image of shape `s` has in this layout.
    pub(crate) fn len_for(&self, s: Shape) -> usize {
        match self {
            Bf16Image::Dense(_) => s.len(),
            Bf16Image::Bordered(_) => bordered_len(s),
        }
    }
}

/// Values of the bordered layout of shape `s`.
pub(crate) fn bordered_len(s: Shape) -> usize {
    s.n * (s.h + 2) * (s.w + 2) * s.c
}

/// The 3×3 convolution of the bf16 image `x` (shape `s`) as a GEMM on the AMX tiles, C =
/// act(im2col(x)·B + bias) with `b` the packed kernel: op(A) read in place from the bordered
/// image where [`reads_in_place`] (a dense one is first copied into its border, [`with_padded`]),
/// else copied row by row. `None` (nothing done) unless `b` was packed for the tiles.
///
/// # Errors
/// [`crate::error::Error::Shape`] if `b`, `y` or the bias do not match.
pub(super) fn conv_gemm(
    par: Par,
    s: Shape,
    x: Bf16Image<'_>,
    b: &PackedB,
    epilogue: Epilogue<'_>,
    y: TilesOut<'_>,
) -> Result<Option<()>> {
    let g = Gemm::nn(s.n * s.h * s.w, b.shape().1, 9 * s.c);
    match x {
        Bf16Image::Dense(xb) if narrow(s.c) => {
            gemm_tile_rows(par, g, &NarrowIm2col { s, xb }, b, epilogue, y)
        }
        Bf16Image::Dense(xb) => {
            with_padded(par, s, xb, |image| gemm_tile_rows(par, g, &Im2colTiles { s, image }, b, epilogue, y))
        }
        Bf16Image::Bordered(_) => gemm_tile_rows(par, g, &Im2colTiles { s, image: x }, b, epilogue, y),
    }
}

/// The im2col rows of a narrow layer ([`narrow`]: 9c ≤ 32) of the bf16 image `xb` (shape
/// `s`), as [`TileRows`]: a pixel's row is one tile row — the nine taps' `c` channels in the
/// GEMM's k order, (dh·3 + dw)·c + i, then zeros to 32 values — gathered into the tile
/// kernel's A panels as it runs, in cache.
///
/// Why: VGG16's first layer (c = 3, k = 27) went through the f32 panels (an f32 im2col
/// matrix, rounded while packing) and wrote f32 that the network then rounded: 2.6 ms per
/// image at a batch of 8, as long as a 64-channel layer. The values and their k order are
/// those of the f32 panels, so the sums, and the output's bits, are the same.
struct NarrowIm2col<'a> {
    s: Shape,
    xb: &'a [u16],
}

impl TileRows for NarrowIm2col<'_> {
    /// The panel's first pixel and its pixels.
    type Rows = (usize, usize);

    fn rows(&self, i0: usize, rows: usize) -> (usize, usize) {
        (i0, rows)
    }

    fn block(&self, &(i0, rows): &(usize, usize), q: usize, dst: &mut [u16]) {
        debug_assert_eq!(q, 0, "a narrow layer's k is one block");
        let (gathered, zeros) = dst[..PANEL_ROWS * BLOCK_CHANNELS].split_at_mut(rows * BLOCK_CHANNELS);
        let gather = match self.s.c {
            1 => narrow_row::<1>,
            2 => narrow_row::<2>,
            _ => narrow_row::<3>,
        };
        let Shape { h, w, .. } = self.s;
        // The pixel (image, y, x) of row i0, then one step at a time (no division per row).
        let (mut img, mut y, mut x) = (i0 / (h * w), i0 / w % h, i0 % w);
        for row in gathered.chunks_exact_mut(BLOCK_CHANNELS) {
            gather(self.xb, self.s, (img, y, x), row);
            x += 1;
            if x == w {
                (x, y) = (0, y + 1);
                if y == h {
                    (y, img) = (0, img + 1);
                }
            }
        }
        zeros.fill(0);
    }
}

/// The im2col row of pixel (img, y, x) of a narrow layer ([`NarrowIm2col`]) into `row` (32
/// values): its taps at dh are input pixels x − 1 ..= x + 1 of input row y + dh − 1, 3C
/// values in a row of the image (fewer at its edges, none off its top and bottom), at
/// k = 3C·dh.
fn narrow_row<const C: usize>(xb: &[u16], s: Shape, (img, y, x): (usize, usize, usize), row: &mut [u16]) {
    let Shape { h, w, .. } = s;
    row.fill(0);
    for dh in 0..3 {
        let yy = (y + dh).wrapping_sub(1);
        if yy >= h {
            continue;
        }
        let input = &xb[(img * h + yy) * w * C..][..w * C];
        let taps = &mut row[3 * C * dh..3 * C * (dh + 1)];
        if x > 0 && x + 1 < w {
            taps.copy_from_slice(&input[(x - 1) * C..(x + 2) * C]);
        } else {
            let (first, end) = (x.saturating_sub(1), (x + 2).min(w));
            let at = (first + 1 - x) * C;
            taps[at..at + (end - first) * C].copy_from_slice(&input[first * C..end * C]);
        }
    }
}

/// Call `f` with the bf16 image `xb` (shape `s`) inside a border of zero pixels, (n, h + 2,
/// w + 2, c) on 64-byte lines, written into this thread's [`PADDED_IMAGE`] buffer, when the
/// tile loads can read it in place ([`reads_in_place`]); else with `xb` as it is.
fn with_padded<R>(par: Par, s: Shape, xb: &[u16], f: impl FnOnce(Bf16Image<'_>) -> R) -> R {
    if !reads_in_place(s) || xb.len() != s.len() {
        return f(Bf16Image::Dense(xb));
    }
    let row = s.w * s.c;
    let mut padded = PADDED_IMAGE.take();
    padded.resize(bordered_len(s));
    let bits = &mut padded.bits_mut()[..bordered_len(s)];
    fill_bordered(par, s, bits, |r, interior| interior.copy_from_slice(&xb[r * row..][..row]));
    let out = f(Bf16Image::Bordered(&*bits));
    if size_of_val(padded.bits()) <= BF16_IMAGE_KEPT_BYTES {
        PADDED_IMAGE.set(padded);
    }
    out
}

/// Write `bits`, an image of shape `s` inside a border of one zero pixel, one bordered row per
/// task: the border rows and pixels as zeros, and image row r (over all images) through
/// `interior(r, its w·c values)`.
fn fill_bordered(par: Par, s: Shape, bits: &mut [u16], interior: impl Fn(usize, &mut [u16]) + Sync) {
    use rayon::prelude::*;
    let Shape { h, w, c, .. } = s;
    let fill = |(r, dst): (usize, &mut [u16])| match r % (h + 2) {
        0 => dst.fill(0),
        y if y == h + 1 => dst.fill(0),
        y => {
            dst[..c].fill(0);
            dst[(w + 1) * c..].fill(0);
            interior((r / (h + 2)) * h + y - 1, &mut dst[c..(w + 1) * c]);
        }
    };
    match par {
        Par::Seq => bits.chunks_mut((w + 2) * c).enumerate().for_each(fill),
        Par::Rayon => bits.par_chunks_mut((w + 2) * c).enumerate().for_each(fill),
    }
}

thread_local! {
    /// The last padded image ([`with_padded`]), kept for the next layer and batch (up to
    /// [`BF16_IMAGE_KEPT_BYTES`]), as [`BF16_IMAGE`].
    static PADDED_IMAGE: std::cell::Cell<Tiles> = std::cell::Cell::new(Tiles::default());
}

/// Whether the tile loads can read a layer of shape `s` in place from its padded image: a
/// 16-row tile is 16 consecutive pixels of one image row (`w` a multiple of 16), so row r of
/// tap (dy, dx) is pixel x + r + dx of padded row y + dy, `2c` bytes after row r − 1; and the
/// pixels make whole 32-row panels; and whole 32-channel blocks per tap (not a narrow layer,
/// whose taps share a k-block). VGG16's 224- and 112-wide layers, whose 64 and 128 channels
/// made the row copies as costly as the products.
pub(super) fn reads_in_place(s: Shape) -> bool {
    s.c > 0
        && s.c.is_multiple_of(BLOCK_CHANNELS)
        && s.w.is_multiple_of(16)
        && (s.n * s.h * s.w).is_multiple_of(32)
}

/// Whether a layer with `c` input channels runs on the tiles: whole 32-channel blocks per
/// tap ([`Im2colTiles`]), or all nine taps in one k-block ([`narrow`]).
pub(super) fn fits(c: usize) -> bool {
    c > 0 && (c.is_multiple_of(BLOCK_CHANNELS) || narrow(c))
}

/// Whether all nine taps of `c` channels fit one k-block (9c ≤ 32: c ≤ 3, an RGB image):
/// the layer's whole im2col row is one tile row ([`NarrowIm2col`]).
fn narrow(c: usize) -> bool {
    c > 0 && 9 * c <= BLOCK_CHANNELS
}

/// im2col of a bf16 NHWC image of shape `s`, as [`TileRows`]: rows copied from it, or, for a
/// bordered image where [`reads_in_place`], read in place by the tile loads.
struct Im2colTiles<'a> {
    s: Shape,
    image: Bf16Image<'a>,
}

/// Where each of a panel's rows reads each of the nine taps (`None`: off the image).
struct TapStarts([[Option<usize>; 9]; PANEL_ROWS]);

impl TileRows for Im2colTiles<'_> {
    type Rows = TapStarts;

    fn rows(&self, i0: usize, rows: usize) -> TapStarts {
        let Shape { h, w, c, .. } = self.s;
        let mut starts = [[None; 9]; PANEL_ROWS];
        for (r, taps) in starts.iter_mut().enumerate().take(rows) {
            let pixel = i0 + r;
            let (img, y, x) = (pixel / (h * w), pixel / w % h, pixel % w);
            for (t, start) in taps.iter_mut().enumerate() {
                let (dy, dx) = (t / 3, t % 3);
                *start = match self.image {
                    // Input pixel (y + dy − 1, x + dx − 1): bordered (y + dy, x + dx).
                    Bf16Image::Bordered(_) => Some(((img * (h + 2) + y + dy) * (w + 2) + x + dx) * c),
                    Bf16Image::Dense(_) => {
                        let (yy, xx) = ((y + dy).wrapping_sub(1), (x + dx).wrapping_sub(1));
                        (yy < h && xx < w).then(|| ((img * h + yy) * w + xx) * c)
                    }
                };
            }
        }
        TapStarts(starts)
    }

    fn block(&self, rows: &TapStarts, q: usize, dst: &mut [u16]) {
        let blocks_per_tap = self.s.c / BLOCK_CHANNELS;
        let (tap, channel) = (q / blocks_per_tap, (q % blocks_per_tap) * BLOCK_CHANNELS);
        for (taps, row) in rows.0.iter().zip(dst.chunks_exact_mut(BLOCK_CHANNELS)) {
            match taps[tap] {
                Some(start) => row.copy_from_slice(&self.image.bits()[start + channel..][..BLOCK_CHANNELS]),
                None => row.fill(0),
            }
        }
    }

    fn in_place(&self) -> Option<InPlace<'_>> {
        let Bf16Image::Bordered(padded) = self.image else { return None };
        if !reads_in_place(self.s) {
            return None;
        }
        let Shape { n, h, w, c } = self.s;
        let (wide, blocks_per_tap) = (w + 2, c / BLOCK_CHANNELS);
        // Output pixel (y, x) reads input pixel (y + dy − 1, x + dx − 1): padded (y + dy, x + dx).
        let starts = (0..n * h * w)
            .step_by(16)
            .map(|i| {
                let (img, y, x) = (i / (h * w), i / w % h, i % w);
                ((img * (h + 2) + y) * wide + x) * c
            })
            .collect();
        let offsets = (0..9 * blocks_per_tap)
            .map(|q| {
                let (tap, block) = (q / blocks_per_tap, q % blocks_per_tap);
                ((tap / 3) * wide + tap % 3) * c + block * BLOCK_CHANNELS
            })
            .collect();
        Some(InPlace { bits: padded, row_bytes: 2 * c, starts, offsets })
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

    /// The CPU backend and its threads where AMX tiles run; else `None`, after saying that
    /// `what` did not run.
    fn on_tiles(what: &str) -> Option<(Backend, Par)> {
        let backend = Backend::cpu().unwrap();
        if !amx::available() {
            eprintln!("no AMX tiles here: {what} did not run (checked nothing)");
            return None;
        }
        let Backend::Cpu { par, .. } = backend else { unreachable!() };
        Some((backend, par))
    }

    fn rounded(x: &[f32]) -> Vec<u16> {
        x.iter().map(|&v| half::bf16::from_f32(v).to_bits()).collect()
    }

    /// An image of shape `s`, a 3×3 kernel to `o` channels and their biases, both signs.
    fn layer(s: Shape, o: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let x = (0..s.len()).map(|i| ((i * 37 % 101) as f32 - 50.0) / 64.0).collect();
        let k = (0..9 * s.c * o).map(|i| ((i * 53 % 97) as f32 - 48.0) / 512.0).collect();
        let bias = (0..o).map(|j| (j as f32 - 20.0) / 64.0).collect();
        (x, k, bias)
    }

    /// The tile loads reading the padded image in place give the bits of the row copies:
    /// every tap at the borders, panels that straddle image rows and images, 1 to 3 channel
    /// blocks, f32 and bf16 outputs.
    #[test]
    fn in_place_reads_give_the_copies_bits() {
        use crate::kernels::Activation;
        let Some((backend, par)) = on_tiles("the in-place reads") else { return };
        for (n, h, w, c, o) in [(2, 3, 16, 64, 48), (1, 4, 48, 32, 32), (3, 5, 32, 96, 40)] {
            let s = Shape::nhwc((n, h, w, c));
            assert!(reads_in_place(s), "{s:?}");
            let (x, k, bias) = layer(s, o);
            let xb = rounded(&x);
            let kernel = pack_kernel_with(Algorithm::Direct, &backend, Precision::Bf16, &k, (c, o)).unwrap();
            let (g, m) = (Gemm::nn(n * h * w, o, 9 * c), n * h * w);
            let epilogue = Epilogue { bias: Some(&bias), activation: Activation::Relu };
            let copies = Im2colTiles { s, image: Bf16Image::Dense(&xb) };
            assert!(copies.in_place().is_none());
            let (mut want, mut want_bits) = (vec![f32::NAN; m * o], vec![0xffff; m * o]);
            for y in [TilesOut::F32(&mut want), TilesOut::Bf16(&mut want_bits)] {
                gemm_tile_rows(par, g, &copies, &kernel.packed[0], epilogue, y).unwrap().unwrap();
            }
            let (mut got, mut got_bits) = (vec![f32::NAN; m * o], vec![0xffff; m * o]);
            with_padded(par, s, &xb, |image| {
                let in_place = Im2colTiles { s, image };
                assert!(in_place.in_place().is_some_and(|a| a.covers((m, 9 * c))), "{s:?}");
                for y in [TilesOut::F32(&mut got), TilesOut::Bf16(&mut got_bits)] {
                    gemm_tile_rows(par, g, &in_place, &kernel.packed[0], epilogue, y).unwrap().unwrap();
                }
            });
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{s:?}");
            assert_eq!(got_bits, want_bits, "{s:?}");
            // A bordered image off a 64-byte line: the tile loads cannot read it in place, so its
            // rows are copied from the bordered taps.
            let shifted = [&[0u16][..], &with_border(&xb, s)].concat();
            let off_line = Im2colTiles { s, image: Bf16Image::Bordered(&shifted[1..]) };
            let mut copied = vec![0xffff; m * o];
            assert!(off_line.in_place().is_some_and(|a| !a.covers((m, 9 * c))), "{s:?}");
            let y = TilesOut::Bf16(&mut copied);
            gemm_tile_rows(par, g, &off_line, &kernel.packed[0], epilogue, y).unwrap().unwrap();
            assert_eq!(copied, want_bits, "{s:?} bordered, copied");
            assert!(want.iter().any(|&v| v > 0.0) && want.contains(&0.0), "ReLU both ways");
        }
    }

    /// A narrow layer (c ≤ 3: its nine taps in one k-block) on the tiles gives the bits of the
    /// f32 panel path it replaced (im2col in f32, rounded while packing, the same tile
    /// products): 1 to 3 channels, a partial row panel, f32 and bf16 out, every border tap.
    #[test]
    fn narrow_layers_give_the_f32_panels_bits() {
        use crate::kernels::Activation;
        use crate::kernels::gemm::gemm_packed;
        let Some((backend, par)) = on_tiles("the narrow tile conv") else { return };
        for (n, h, w, c, o) in [(1, 8, 8, 3, 64), (2, 5, 7, 3, 40), (2, 4, 8, 1, 32), (1, 4, 16, 2, 33)] {
            let s = Shape::nhwc((n, h, w, c));
            let (x, k, bias) = layer(s, o);
            let kernel = pack_kernel_with(Algorithm::Direct, &backend, Precision::Bf16, &k, (c, o)).unwrap();
            let (g, m) = (Gemm::nn(n * h * w, o, 9 * c), n * h * w);
            let epilogue = Epilogue { bias: Some(&bias), activation: Activation::Relu };
            let mut want = vec![f32::NAN; m * o];
            super::super::simd::with_im2col(par, s, &x, |a| {
                gemm_packed(&backend, g, a, &kernel.packed[0], epilogue, &mut want)
            })
            .unwrap();
            let xb = rounded(&x);
            let (mut got, mut got_bits) = (vec![f32::NAN; m * o], vec![0xffff; m * o]);
            let x = Bf16Image::Dense(&xb);
            conv3x3_relu_bf16(par, s, x, &kernel, &bias, TilesOut::F32(&mut got)).unwrap();
            conv3x3_relu_bf16(par, s, x, &kernel, &bias, TilesOut::Bf16(&mut got_bits)).unwrap();
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{s:?}");
            assert_eq!(got_bits, rounded(&want), "{s:?}");
            assert!(want.iter().any(|&v| v > 0.0) && want.contains(&0.0), "ReLU both ways");
        }
    }

    /// The bf16 conv on tiles, fed the rounded image, gives the f32 conv's bits (f32 out) or
    /// those bits rounded (bf16 out), and the bf16 pool gives the f32 pool's output rounded:
    /// so a network that keeps its activations in bf16 writes the same features.
    #[test]
    fn bf16_activations_give_the_f32_paths_bits_rounded() {
        let Some((backend, par)) = on_tiles("the bf16 activations path") else { return };
        // Odd sizes (a partial row panel, a pool that drops a row and a column), two batches.
        for (n, h, w, c, o) in [(1, 7, 9, 32, 40), (2, 5, 6, 64, 32)] {
            let s = Shape::nhwc((n, h, w, c));
            let (x, k, bias) = layer(s, o);
            let kernel = pack_kernel_with(Algorithm::Direct, &backend, Precision::Bf16, &k, (c, o)).unwrap();
            let mut want = vec![0.0; n * h * w * o];
            conv3x3_relu_packed(&backend, s, &x, &kernel, &bias, &mut want).unwrap();
            let xb = rounded(&x);
            let mut got = vec![f32::NAN; want.len()];
            conv3x3_relu_bf16(par, s, Bf16Image::Dense(&xb), &kernel, &bias, TilesOut::F32(&mut got))
                .unwrap();
            assert_eq!(
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            let mut bits = vec![0xffff; want.len()];
            conv3x3_relu_bf16(par, s, Bf16Image::Dense(&xb), &kernel, &bias, TilesOut::Bf16(&mut bits))
                .unwrap();
            assert_eq!(bits, rounded(&want));
            assert!(want.iter().any(|&v| v > 0.0) && want.contains(&0.0), "ReLU both ways");
            let t = Shape::nhwc((n, h, w, o));
            let mut pooled = vec![0.0; n * (h / 2) * (w / 2) * o];
            maxpool2x2(&backend, t, &want, &mut pooled).unwrap();
            let mut pooled_bits = vec![0xffff; pooled.len()];
            maxpool2x2_bf16(par, t, &bits, &mut pooled_bits, false).unwrap();
            assert_eq!(pooled_bits, rounded(&pooled));
        }
    }

    /// `x` (shape `s`) inside a border of one zero pixel.
    fn with_border(x: &[u16], s: Shape) -> Vec<u16> {
        let Shape { n, h, w, c } = s;
        let mut out = vec![0; bordered_len(s)];
        for (r, row) in x.chunks(w * c).enumerate() {
            let (img, y) = (r / h, r % h);
            out[((img * (h + 2) + y + 1) * (w + 2) + 1) * c..][..w * c].copy_from_slice(row);
        }
        assert_eq!(x.len(), n * h * w * c);
        out
    }

    /// Layers that hand each other bordered images give the dense path's bits: a conv reading
    /// a bordered input in place, a conv writing its output bordered (blocks of 32 rows across
    /// image rows, a partial panel), and a pool writing its output bordered; each border is
    /// written as zeros over whatever the buffer held.
    #[test]
    fn bordered_images_give_the_dense_bits() {
        let Some((backend, par)) = on_tiles("the bordered images") else { return };
        assert!(!reads_in_place(Shape::nhwc((1, 32, 32, 3))), "a narrow layer's taps share a k-block");
        for (n, h, w, c, o) in [(2, 4, 32, 32, 64), (2, 2, 48, 64, 32), (1, 3, 48, 32, 40)] {
            let s = Shape::nhwc((n, h, w, c));
            let (x, k, bias) = layer(s, o);
            let kernel = pack_kernel_with(Algorithm::Direct, &backend, Precision::Bf16, &k, (c, o)).unwrap();
            let xb = rounded(&x);
            let t = Shape::nhwc((n, h, w, o));
            let mut want = vec![0xffff; t.len()];
            conv3x3_relu_bf16(par, s, Bf16Image::Dense(&xb), &kernel, &bias, TilesOut::Bf16(&mut want))
                .unwrap();
            let mut got = vec![0xffff; bordered_len(t)];
            let y = TilesOut::Bf16Bordered(&mut got, (h, w));
            conv3x3_relu_bf16(par, s, Bf16Image::Dense(&xb), &kernel, &bias, y).unwrap();
            assert_eq!(got, with_border(&want, t), "{s:?}: bordered out");
            if reads_in_place(s) {
                // On a 64-byte line, as the network keeps its activations.
                let mut lines = Tiles::default();
                lines.resize(bordered_len(s));
                let bordered = &mut lines.bits_mut()[..bordered_len(s)];
                bordered.copy_from_slice(&with_border(&xb, s));
                let mut from_bordered = vec![0xffff; t.len()];
                let y = TilesOut::Bf16(&mut from_bordered);
                conv3x3_relu_bf16(par, s, Bf16Image::Bordered(bordered), &kernel, &bias, y).unwrap();
                assert_eq!(from_bordered, want, "{s:?}: bordered in");
            }
            let p = Shape::nhwc((n, h / 2, w / 2, o));
            let mut pooled = vec![0xffff; p.len()];
            maxpool2x2_bf16(par, t, &want, &mut pooled, false).unwrap();
            let mut pooled_bordered = vec![0xffff; bordered_len(p)];
            maxpool2x2_bf16(par, t, &want, &mut pooled_bordered, true).unwrap();
            assert_eq!(pooled_bordered, with_border(&pooled, p), "{s:?}: bordered pool");
            assert!(want.iter().any(|&v| v > 0) && want.contains(&0), "ReLU both ways");
        }
    }
}
