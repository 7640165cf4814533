//! Winograd's input transform for the AVX512-BF16 pairs, done once per chunk: V_ξ of every
//! tile and all 16 ξ, rounded to bf16 on the spot, which the 16 GEMMs then copy as bf16 rows.
//!
//! ```text
//! per tile, per 16 channels:  load the 4×4 window d (16 vectors, one read of x)
//!                             for ξ = (i, j):  V_ξ = ((s₁d₁ + s₂d₂) + s₃d₃) + s₄d₄   (Bᵀ's non-zeros)
//!                                              v[tile][ξ][c..c+16] = bf16(V_ξ)        (vcvtneps2bf16)
//! ```
//!
//! The on-the-fly source ([`super::winograd`]'s `Transformed`) computes V_ξ panel by panel
//! inside each of the 16 GEMMs: 16 passes over the chunk's input rows, four loads from x per
//! value (from L2 or further: the chunk's products share the cache), one f32 store, then a
//! second pass rounds the panel to bf16. Here each window is loaded once per 16 channels and
//! stays in registers for its 16 sums, and the signs ±1 are sign flips rather than
//! multiplies. On VGG16's 64-channel layer (one Zen 4 core, `cargo bench --bench kernels --
//! conv/block1_conv2`) the on-the-fly transform and the rounding took ~30% and ~5% of the
//! time; with this pass the layer went from ~200 to ~257 GFLOP/s, and the whole conv base in
//! bf16 on two cores ~10% faster.
//!
//! Same bits as the on-the-fly path: each value is the same sum in the same order (s·p with
//! s = ±1 is p or −p exactly, and a + (−p) is a − p), rounded by the same instruction the
//! pairs use for A, and a boundary tile (a window reaching outside the image) runs the very
//! code of that path ([`super::winograd::tile_row`]) before the same rounding. The unit test
//! below compares the two bit for bit.
//!
//! Layout: `v[(tile·16 + ξ)·c + channel]`, so the ξ GEMM reads op(A) rows at a stride of
//! 16·c ([`crate::kernels::gemm::PanelSource::bf16_rows`]). Cost: 16·c bf16 per tile
//! (2 bytes per value instead of the f32 panel's 4), written once, read by one GEMM each.

use rayon::prelude::*;

use super::shape::Shape;
use super::winograd::{BT, tile_row, tiles};
use crate::backend::Par;
use crate::kernels::gemm::{Bf16Unit, round_to_bf16};
use crate::simd::SimdLevel;

/// Tiles per parallel task when one chunk is spread over the threads.
const TASK_TILES: usize = 8;

/// Whether this CPU can run [`transform_chunk`] (AVX-512 with AVX512-BF16 and AVX512-BW).
pub(super) fn available() -> bool {
    Bf16Unit::Pairs.available(SimdLevel::Avx512)
}

/// V_ξ of tiles `first..first + count` of `x` (shape `s`), every ξ, as bf16 bits into `v`
/// (`count·16·c` values, layout of the module doc); the tiles are spread over the threads
/// when `par` says so.
///
/// # Panics
/// If [`available`] is false or `v` has the wrong length.
pub(super) fn transform_chunk(par: Par, s: Shape, x: &[f32], first: usize, v: &mut [u16]) {
    assert!(available(), "winograd: the bf16 pre-transform needs AVX512-BF16");
    if v.is_empty() {
        // No input channel (c = 0): V has no values.
        return;
    }
    let per_tile = 16 * s.c;
    assert!(per_tile > 0 && v.len().is_multiple_of(per_tile), "winograd: the bf16 buffer is not whole tiles");
    let (ty, tx) = tiles(s);
    assert!(first + v.len() / per_tile <= s.n * ty * tx && x.len() == s.len(), "winograd: tiles outside x");
    // SAFETY: the CPU has AVX-512F, AVX512-BW and AVX512-BF16 (asserted above); lengths checked.
    let run = |(task, part): (usize, &mut [u16])| unsafe {
        x86::transform_tiles(s, x, first + task * TASK_TILES, part)
    };
    match par {
        Par::Seq => run((0, v)),
        Par::Rayon => v.par_chunks_mut(TASK_TILES * per_tile).enumerate().for_each(run),
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{BT, Shape, round_to_bf16, tile_row, tiles};

    /// Channels per vector.
    const LANES: usize = 16;

    /// `p` or `−p` (exact: a sign flip, as `s·p` for `s = ±1`).
    #[inline(always)]
    fn signed(p: __m512, sign: f32) -> __m512 {
        // SAFETY: register-only AVX-512F operations (the caller has the feature).
        unsafe {
            if sign > 0.0 {
                p
            } else {
                _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(p), _mm512_set1_epi32(i32::MIN)))
            }
        }
    }

    /// V_ξ of one window `d` (16 channels): `((s₁d₁ + s₂d₂) + s₃d₃) + s₄d₄` over the
    /// non-zeros of Bᵀ's rows ξ / 4 and ξ mod 4, in the order of [`super::winograd::tile_row`].
    #[inline(always)]
    fn window_sum<const XI: usize>(d: &[[__m512; 4]; 4]) -> __m512 {
        let [(a1, s1), (a2, s2)] = BT[XI / 4];
        let [(b1, r1), (b2, r2)] = BT[XI % 4];
        // SAFETY: register-only AVX-512F operations (the caller has the feature).
        unsafe {
            _mm512_add_ps(
                _mm512_add_ps(
                    _mm512_add_ps(signed(d[a1][b1], s1 * r1), signed(d[a1][b2], s1 * r2)),
                    signed(d[a2][b1], s2 * r1),
                ),
                signed(d[a2][b2], s2 * r2),
            )
        }
    }

    /// Tiles `t0..t0 + v.len() / (16·c)` into `v`.
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX512-BW and AVX512-BF16; the tiles lie inside `x` (shape `s`).
    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    pub(super) unsafe fn transform_tiles(s: Shape, x: &[f32], t0: usize, v: &mut [u16]) {
        let Shape { h, w, c, .. } = s;
        let (ty, tx) = tiles(s);
        let wide_end = c / LANES * LANES;
        let mut row_buffer = vec![0.0f32; c];
        for (t, out) in v.chunks_exact_mut(16 * c).enumerate() {
            let tile = t0 + t;
            let (img, row, col) = (tile / (ty * tx), tile % (ty * tx) / tx, tile % tx);
            // The window: input rows 2·row − 1 … 2·row + 2, columns 2·col − 1 … 2·col + 2.
            let interior = row >= 1 && col >= 1 && 2 * row + 3 <= h && 2 * col + 3 <= w;
            let fast_end = if interior { wide_end } else { 0 };
            if fast_end > 0 {
                let corner = ((img * h + 2 * row - 1) * w + 2 * col - 1) * c;
                assert!(corner + (3 * w + 3) * c + fast_end <= x.len());
                for ch in (0..fast_end).step_by(LANES) {
                    // SAFETY: every load is inside x (the window's last pixel was checked above)
                    // and every store inside `out` (16·c values, ch + 16 ≤ c).
                    unsafe {
                        let base = x.as_ptr().add(corner + ch);
                        let d: [[__m512; 4]; 4] = std::array::from_fn(|a| {
                            std::array::from_fn(|b| _mm512_loadu_ps(base.add((a * w + b) * c)))
                        });
                        // The 16 ξ spelled out, so that every sign and window index is a constant.
                        macro_rules! each_xi {
                            ($($xi:literal)*) => {$(
                                let sum = window_sum::<$xi>(&d);
                                let bits: __m256i = std::mem::transmute(_mm512_cvtneps_pbh(sum));
                                _mm256_storeu_si256(out.as_mut_ptr().add($xi * c + ch) as *mut __m256i, bits);
                            )*};
                        }
                        each_xi!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
                    }
                }
            }
            if fast_end < c {
                // A boundary tile, or the channels past the last whole vector: the on-the-fly
                // path's own code, then the same rounding.
                let rest = &mut row_buffer[..c - fast_end];
                for (xi, dst) in out.chunks_exact_mut(c).enumerate() {
                    tile_row(x, s, xi, (img, row, col), (fast_end, c - fast_end), rest);
                    round_to_bf16(rest, &mut dst[fast_end..]);
                }
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    //! A stand-in that is never reached: [`super::available`] is false off x86-64.
    use super::Shape;

    pub(super) unsafe fn transform_tiles(_: Shape, _: &[f32], _: usize, _: &mut [u16]) {
        unreachable!("AVX512-BF16 is x86-64 only")
    }
}

#[cfg(test)]
mod tests {
    use super::super::winograd::transform_panel;
    use super::*;
    use crate::kernels::gemm::A_STRIDE;

    /// The pre-transform gives, bit for bit, the on-the-fly panels rounded as the pairs round
    /// them: odd and even sizes, boundary and interior tiles, channels past the last vector,
    /// several images, and a chunk that starts mid-image.
    #[test]
    fn same_bits_as_the_panels_rounded() {
        if !available() {
            eprintln!("note: no AVX512-BF16 on this CPU: the bf16 pre-transform is never used here");
            return;
        }
        let mut rng = crate::rng::Mt19937::new(11);
        for (n, h, w, c) in [(1, 6, 6, 16), (2, 7, 9, 37), (1, 5, 4, 8), (3, 10, 11, 48)] {
            let s = Shape::nhwc((n, h, w, c));
            let x: Vec<f32> = (0..s.len()).map(|_| (rng.random_sample() * 2.0 - 1.0) as f32).collect();
            let (ty, tx) = tiles(s);
            let total = n * ty * tx;
            for (first, count) in [(0, total), (3.min(total - 1), total - 3.min(total - 1))] {
                for par in [Par::Seq, Par::Rayon] {
                    let mut v = vec![0u16; count * 16 * c];
                    transform_chunk(par, s, &x, first, &mut v);
                    for xi in 0..16 {
                        let mut panel = vec![0.0f32; count * A_STRIDE];
                        transform_panel(SimdLevel::Avx512, &x, s, xi, (first, count), (0, c), &mut panel);
                        for t in 0..count {
                            let mut want = vec![0u16; c];
                            round_to_bf16(&panel[t * A_STRIDE..][..c], &mut want);
                            assert_eq!(
                                &v[(t * 16 + xi) * c..][..c],
                                &want[..],
                                "{s:?} tile {} ξ {xi}",
                                first + t
                            );
                        }
                    }
                }
            }
        }
    }
}
