//! The 3×3 convolution by Winograd's minimal filtering F(2×2, 3×3): 16 multiplies per 2×2
//! output tile and channel pair instead of 36, as 16 GEMMs on transformed tiles.
//!
//! ```text
//! per 2×2 output tile t, its 4×4 input tile d (rows 2ty−1 … 2ty+2, zeros outside the image):
//!   V_ξ[t][c] = (Bᵀ d_c B)[i][j]          ξ = (i, j) ∈ 4 × 4      input transform
//!   U_ξ[c][o] = (G g_co Gᵀ)[i][j]                                  kernel transform (once)
//!   M_ξ       = V_ξ · U_ξ                  (tiles × c)·(c × o)      16 GEMMs
//!   y_t[o]    = relu(Aᵀ M_·[t][o] A + b[o])                         output transform
//!
//! Bᵀ = ⎡1  0 −1  0⎤   G = ⎡ 1    0    0 ⎤   Aᵀ = ⎡1 1  1  0⎤
//!      ⎢0  1  1  0⎥       ⎢1/2  1/2  1/2⎥        ⎣0 1 −1 −1⎦
//!      ⎢0 −1  1  0⎥       ⎢1/2 −1/2  1/2⎥
//!      ⎣0  1  0 −1⎦       ⎣ 0    0    1 ⎦
//! ```
//!
//! Each row of Bᵀ has two non-zeros (±1), so V_ξ is a sum of four signed input pixels. On the
//! AVX512-BF16 pairs (the default for bf16 without AMX) V is computed once per chunk of tiles,
//! every ξ from one read of each 4×4 window, and stored already rounded to bf16
//! ([`super::pretransform`]); the 16 GEMMs copy its rows. Elsewhere the GEMM's panel source
//! ([`Transformed`]) computes it from x on the fly, like the direct conv's implicit im2col,
//! and V is never stored. Both give the same bits. (V stored in f32 the same way measured
//! level on VGG16 in f32 — +5% on the 64-channel layer, ±3% on the others, −1% / +2% for the
//! network at batch 1 / 8 — so f32 keeps the on-the-fly source.) The GEMMs run on the packed
//! kernel (f32 or the bf16 units); the 16 products of a chunk of tiles stay in L2 until the
//! output transform reads them ([`PRODUCTS_BYTES`]).
//!
//! Reference: A. Lavin, S. Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016,
//! arXiv:1509.09308. Error: the transforms only add and halve, so in f32 the result stays
//! within ~1e-6 relative of the direct sum (VGG16 against PyTorch's f32 output for a real
//! poster: 9.9e-7, direct 9.8e-7); in bf16 V and U are rounded after their transforms,
//! which measured 7.2e-3 against f32 on VGG16's output for a real poster (direct bf16: 7.0e-3;
//! `tests/parity/vgg.rs`). Cost: 2·16/36 = 0.44 of the direct conv's flops, plus three
//! transforms of O(n·h·w·(c + o)) each.

use std::ops::Range;

use rayon::prelude::*;

use half::bf16;
use half::slice::HalfBitsSliceExt;

use super::pretransform;
use super::shape::Shape;
use crate::backend::{Backend, Par};
use crate::error::{Error, Result};
use crate::kernels::gemm::{
    A_STRIDE, Epilogue, Gemm, PackedB, Panel, PanelSource, Precision, Strided, gemm_packed, zero_rows,
};
use crate::simd::{SimdLevel, simd_fn};

/// The two non-zeros (row, sign) of each row of Bᵀ.
pub(super) const BT: [[(usize, f32); 2]; 4] =
    [[(0, 1.0), (2, -1.0)], [(1, 1.0), (2, 1.0)], [(1, -1.0), (2, 1.0)], [(1, 1.0), (3, -1.0)]];

/// G, the kernel transform's left factor.
const G: [[f32; 3]; 4] = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]];

/// What a chunk's 16 products (16·T·o floats) may take: half of a Zen 4 core's 1 MiB L2, so
/// that they, the chunk's V and the GEMM's panels stay in L2 until the output transform reads
/// them. A chunk is as many whole tile rows as fit (at least one). VGG16 on a 2-core Zen 4,
/// against the earlier rule of ~112 tiles whatever o: bf16 +12% at batch 1 (the 256- and
/// 512-channel layers +11–30%: their chunks of 28 and 14 tiles also make enough bands for
/// one per thread) and +4% at batch 8, f32 +8% / +3%. 256 KiB was slower at batch 8 (−6%),
/// 1 MiB level there and 10% slower at batch 1.
const PRODUCTS_BYTES: usize = 512 << 10;

thread_local! {
    /// A chunk's 16 products, kept between chunks and calls (fresh pages cost ~15% of a layer).
    static PRODUCTS: std::cell::Cell<Vec<f32>> = const { std::cell::Cell::new(Vec::new()) };
    /// A chunk's V_ξ in bf16 ([`pretransform`]), kept likewise.
    static ROUNDED: std::cell::Cell<Vec<u16>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The 16 transformed kernels U_ξ (c × o), packed for `backend` in `precision`.
pub(super) fn pack(
    backend: &Backend,
    precision: Precision,
    kernel: &[f32],
    in_ch: usize,
    out_ch: usize,
) -> Result<Vec<PackedB>> {
    let mut u = vec![vec![0.0f32; in_ch * out_ch]; 16];
    for ci in 0..in_ch {
        for o in 0..out_ch {
            let g = |dh: usize, dw: usize| kernel[((dh * 3 + dw) * in_ch + ci) * out_ch + o];
            for (i, gi) in G.iter().enumerate() {
                // (G g)[i][dw], then (G g Gᵀ)[i][j] = Σ_dw (G g)[i][dw]·G[j][dw].
                let row: [f32; 3] = std::array::from_fn(|dw| (0..3).map(|dh| gi[dh] * g(dh, dw)).sum());
                for (j, gj) in G.iter().enumerate() {
                    u[4 * i + j][ci * out_ch + o] = (0..3).map(|dw| row[dw] * gj[dw]).sum();
                }
            }
        }
    }
    u.iter().map(|u| PackedB::new(backend, precision, Gemm::nn(0, out_ch, in_ch), u)).collect()
}

/// Tiles along each side: ⌈h/2⌉ × ⌈w/2⌉ per image.
pub(super) fn tiles(s: Shape) -> (usize, usize) {
    (s.h.div_ceil(2), s.w.div_ceil(2))
}

/// y = relu(conv3×3(x) + bias) with the kernel packed by [`pack`], on the SIMD CPU backend at
/// `level` with `par`, and max-pooled 2×2 when `pool` (h and w even: y is then (n, h/2, w/2,
/// o)); shapes were checked by the caller (`u` holds 16 (c, o) kernels).
pub(super) fn conv3x3_relu(
    (level, par): (SimdLevel, Par),
    s: Shape,
    (x, y): (&[f32], &mut [f32]),
    (u, bias): (&[PackedB], &[f32]),
    pool: bool,
) -> Result<()> {
    if y.is_empty() {
        // No image, no pixel or no output channel: nothing to compute (and no chunk to size).
        return Ok(());
    }
    let (ty, tx) = tiles(s);
    let out_ch = bias.len();
    assert!(
        !pool || (s.h.is_multiple_of(2) && s.w.is_multiple_of(2)),
        "winograd: the fused pool needs even h and w"
    );
    // A chunk is whole tile rows, so its output is a contiguous band of y: rows 2·ty … of an
    // image (one row for an odd image's last tile row), or pooled row ty … when pooling.
    let rows_per_chunk = (PRODUCTS_BYTES / (16 * size_of::<f32>() * out_ch) / tx).max(1);
    let tile_rows = s.n * ty;
    let mut bands = Vec::new();
    let mut rest = y;
    for r0 in (0..tile_rows).step_by(rows_per_chunk) {
        let r1 = tile_rows.min(r0 + rows_per_chunk);
        let len = if pool {
            (r1 - r0) * tx * out_ch
        } else {
            (r0..r1).map(|r| 2.min(s.h - 2 * (r % ty))).sum::<usize>() * s.w * out_ch
        };
        let (band, tail) = rest.split_at_mut(len);
        bands.push((r0..r1, band));
        rest = tail;
    }
    let threads = match par {
        Par::Seq => 1,
        Par::Rayon => rayon::current_num_threads(),
    };
    // Enough chunks: one per task, each GEMM on one thread; else chunks in turn, each GEMM
    // spread over the threads.
    let (outer, inner_par) = if bands.len() >= 2 * threads { (par, Par::Seq) } else { (Par::Seq, par) };
    let inner = Backend::Cpu { simd: level, par: inner_par };
    // On the AVX512-BF16 pairs, V is computed once per chunk in bf16 (`pretransform`).
    let rounded = u.iter().all(PackedB::on_pairs) && pretransform::available();
    let run = |(rows, band): (Range<usize>, &mut [f32])| -> Result<()> {
        let first = rows.start * tx;
        let count = rows.len() * tx;
        let mut m = PRODUCTS.take();
        m.resize(m.len().max(16 * count * out_ch), 0.0);
        let products = m.chunks_exact_mut(count * out_ch);
        let g = Gemm::nn(count, out_ch, s.c);
        if rounded {
            let (mut v, len) = (ROUNDED.take(), 16 * count * s.c);
            v.resize(v.len().max(len), 0);
            pretransform::transform_chunk(inner_par, s, x, first, &mut v[..len]);
            let bits: &[bf16] = v[..len].reinterpret_cast();
            for (xi, (u, m)) in u.iter().zip(products).enumerate() {
                let source = Strided::new(&bits[xi * s.c..], 16 * s.c, 1);
                gemm_packed(&inner, g, &source, u, Epilogue::default(), m)?;
            }
            ROUNDED.set(v);
        } else {
            for (xi, (u, m)) in u.iter().zip(products).enumerate() {
                let source = Transformed { s, x, first, count, xi };
                gemm_packed(&inner, g, &source, u, Epilogue::default(), m)?;
            }
        }
        if pool {
            output_pooled(level, count, &m[..16 * count * out_ch], bias, band);
        } else {
            output(level, s, rows, tx, &m[..16 * count * out_ch], bias, band);
        }
        PRODUCTS.set(m);
        Ok(())
    };
    match outer {
        Par::Seq => bands.into_iter().try_for_each(run),
        Par::Rayon => bands.into_par_iter().try_for_each(run),
    }
}

/// T = Aᵀ M_·[tile] (2 × 4 rows of `o` channels) into `t`: `t[(4·dy + j)·o + k]`, from the
/// products `m` ([ξ][tile][o], `count` tiles).
#[inline(always)]
fn left_transform(m: &[f32], count: usize, tile: usize, o: usize, t: &mut [f32]) {
    let mij = |i: usize, j: usize| &m[((4 * i + j) * count + tile) * o..][..o];
    let (t0, t1) = t.split_at_mut(4 * o);
    for (j, (t0j, t1j)) in t0.chunks_exact_mut(o).zip(t1.chunks_exact_mut(o)).enumerate() {
        let (m0, m1, m2, m3) = (mij(0, j), mij(1, j), mij(2, j), mij(3, j));
        for ((((a, b), (p, q)), u), v) in
            t0j.iter_mut().zip(t1j.iter_mut()).zip(m0.iter().zip(m1)).zip(m2).zip(m3)
        {
            *a = p + q + u;
            *b = q - u - v;
        }
    }
}

simd_fn! {
    /// The output transform of one band of tile rows `rows` (of `tx` tiles each): products
    /// `m` ([ξ][tile][o]) to y rows, + bias, ReLU. Per tile and channel, T = Aᵀ M (2 × 4),
    /// then y[dy][dx] = (T A)[dy][dx]; the loops run along o, so they vectorise.
    fn output(s: Shape, rows: Range<usize>, tx: usize, m: &[f32], bias: &[f32], band: &mut [f32]) {
        let (o, ty) = (bias.len(), s.h.div_ceil(2));
        let count = rows.len() * tx;
        let mut t = vec![0.0f32; 8 * o];
        let mut row0 = 0;
        for (r, tile_row) in rows.enumerate() {
            let height = 2.min(s.h - 2 * (tile_row % ty));
            for tc in 0..tx {
                left_transform(m, count, r * tx + tc, o, &mut t);
                for dy in 0..height {
                    let tr = |j: usize| &t[(4 * dy + j) * o..][..o];
                    let (r0, r1, r2, r3) = (tr(0), tr(1), tr(2), tr(3));
                    let (at, wide) = (((row0 + dy) * s.w + 2 * tc) * o, 2.min(s.w - 2 * tc));
                    let (left, right) = band[at..at + wide * o].split_at_mut(o);
                    for ((((y, b), p0), p1), p2) in left.iter_mut().zip(bias).zip(r0).zip(r1).zip(r2) {
                        *y = (p0 + p1 + p2 + b).max(0.0);
                    }
                    for ((((y, b), p1), p2), p3) in right.iter_mut().zip(bias).zip(r1).zip(r2).zip(r3) {
                        *y = (p1 - p2 - p3 + b).max(0.0);
                    }
                }
            }
            row0 += height;
        }
    }
}

simd_fn! {
    /// [`output`] followed by the 2×2 max-pool, for even h and w: a tile's 2 × 2 outputs are
    /// one pooling window, so each tile writes one pooled pixel — the max of the four values
    /// [`output`] would have written, taken in the pool's order (`super::simd`'s `pool_row`),
    /// hence the same bits — and the full-size output is never stored.
    fn output_pooled(count: usize, m: &[f32], bias: &[f32], band: &mut [f32]) {
        let o = bias.len();
        let mut t = vec![0.0f32; 8 * o];
        for (tile, pooled) in band.chunks_exact_mut(o).enumerate().take(count) {
            left_transform(m, count, tile, o, &mut t);
            let tr = |dy: usize, j: usize| &t[(4 * dy + j) * o..][..o];
            let (a0, a1, a2, a3) = (tr(0, 0), tr(0, 1), tr(0, 2), tr(0, 3));
            let (b0, b1, b2, b3) = (tr(1, 0), tr(1, 1), tr(1, 2), tr(1, 3));
            let bias = &bias[..o];
            for (k, y) in pooled.iter_mut().enumerate() {
                let top_left = (a0[k] + a1[k] + a2[k] + bias[k]).max(0.0);
                let top_right = (a1[k] - a2[k] - a3[k] + bias[k]).max(0.0);
                let bottom_left = (b0[k] + b1[k] + b2[k] + bias[k]).max(0.0);
                let bottom_right = (b1[k] - b2[k] - b3[k] + bias[k]).max(0.0);
                *y = top_left.max(top_right).max(bottom_left.max(bottom_right));
            }
        }
    }
}

/// V_ξ of tiles `first..first + count` as the GEMM's left operand (rows = tiles, k = c).
struct Transformed<'a> {
    s: Shape,
    x: &'a [f32],
    first: usize,
    count: usize,
    xi: usize,
}

simd_fn! {
    /// Rows `0..rows` of the panel for tiles `t0..t0 + rows`, k-columns `cols` = (pc, kc): row
    /// r = V_ξ of its tile ([`tile_row`]). The tile coordinates step along without division.
    pub(super) fn transform_panel(x: &[f32], s: Shape, xi: usize, tiles_rows: (usize, usize), cols: (usize, usize), dst: &mut [f32]) {
        let (t0, rows) = tiles_rows;
        let (ty, tx) = tiles(s);
        let (mut img, mut row, mut col) = (t0 / (ty * tx), t0 % (ty * tx) / tx, t0 % tx);
        for r in 0..rows {
            tile_row(x, s, xi, (img, row, col), cols, &mut dst[r * A_STRIDE..r * A_STRIDE + cols.1]);
            col += 1;
            if col == tx {
                (col, row) = (0, row + 1);
                if row == ty {
                    (row, img) = (0, img + 1);
                }
            }
        }
    }
}

/// V_ξ of one tile — image `img`, tile row `row`, tile column `col` — for the channels
/// `pc..pc + kc` into `out` (`kc` floats): the sum of up to four signed input pixels' channels,
/// zeros for none. An interior tile (four pixels) takes one fused pass, each value
/// `((s₁p₁ + s₂p₂) + s₃p₃) + s₄p₄` in the order of Bᵀ's non-zeros; inline, so it vectorises at
/// its caller's SIMD level.
#[inline(always)]
pub(super) fn tile_row(
    x: &[f32],
    s: Shape,
    xi: usize,
    (img, row, col): (usize, usize, usize),
    (pc, kc): (usize, usize),
    out: &mut [f32],
) {
    let Shape { h, w, c, .. } = s;
    let (bi, bj) = (BT[xi / 4], BT[xi % 4]);
    let (mut terms, mut used) = ([(0usize, 0.0f32); 4], 0);
    for &(a, sa) in &bi {
        for &(b, sb) in &bj {
            // Input pixel (2·row − 1 + a, 2·col − 1 + b), shifted by one to stay unsigned.
            let (pr, pq) = (2 * row + a, 2 * col + b);
            if pr >= 1 && pq >= 1 && pr <= h && pq <= w {
                terms[used] = (((img * h + pr - 1) * w + pq - 1) * c + pc, sa * sb);
                used += 1;
            }
        }
    }
    if used == 4 {
        let [(a, sa), (b, sb), (e, se), (f, sf)] = terms;
        let (xa, xb, xe, xf) = (&x[a..a + kc], &x[b..b + kc], &x[e..e + kc], &x[f..f + kc]);
        let sources = xa.iter().zip(xb).zip(xe.iter().zip(xf));
        for (o, ((p, q), (u, v))) in out.iter_mut().zip(sources) {
            *o = sa * p + sb * q + se * u + sf * v;
        }
    } else {
        out.fill(0.0);
        for &(a, sa) in &terms[..used] {
            out.iter_mut().zip(&x[a..a + kc]).for_each(|(o, v)| *o += sa * v);
        }
    }
}

impl PanelSource for Transformed<'_> {
    fn pack(&self, panel: &Panel, dst: &mut [f32]) {
        let Panel { i0, rows, pc, kc, level, .. } = *panel;
        transform_panel(level, self.x, self.s, self.xi, (self.first + i0, rows), (pc, kc), dst);
        zero_rows(rows, panel, dst);
    }

    fn check(&self, m: usize, k: usize) -> Result<()> {
        let (ty, tx) = tiles(self.s);
        if self.x.len() != self.s.len()
            || m != self.count
            || k != self.s.c
            || self.first + m > self.s.n * ty * tx
        {
            return Err(Error::Shape(format!(
                "winograd conv {:?}: tiles {}+{m} of depth {k}",
                self.s, self.first
            )));
        }
        Ok(())
    }
}
