//! bf16 GEMM on AVX512-BF16 *pairs*: C = act(bf16(op(A)) · bf16(op(B)) + bias), exact
//! products, f32 sums — [`Precision::Bf16`](super::Precision::Bf16) on CPUs without AMX.
//!
//! ```text
//! C[i][j] = act(Σₚ r(A[i][p]) · r(B[p][j]) + bias[j])      r: f32 → bf16, nearest-even
//! ```
//!
//! `vdpbf16ps` multiplies 32 bf16 pairs per instruction and adds each pair's two products to
//! one of 16 f32 lanes: twice the multiply-adds of an f32 FMA per instruction. The product of
//! two bf16 numbers (8 significant bits each) is exact in f32, so the only errors are the two
//! roundings r(·) — of the activations *and* the weights — and f32 summation: about √2 times
//! the error of rounding the weights alone, ≈ 2.1e-3 relative on uniform data
//! (`tests/kernels/bf16.rs`).
//!
//! It is a [`Unit`] of the blocked driver ([`super::simd`]): the same loops, tasks and
//! epilogue as the f32 kernel, on panels of pairs.
//! ```text
//! A panel: 14 rows of ⌈kc/2⌉ u32 at a stride of 264   u32 = r(A[r][2p]) | r(A[r][2p+1]) << 16
//!          (filled as f32 by the panel source, then rounded two vectors at a time;
//!          an op(A) stored in bf16 is copied as it is: `PanelSource::bf16_rows`)
//! B panel: ⌈kc/2⌉ rows of 32 u32                      u32 = r(B[2p][j]) | r(B[2p+1][j]) << 16
//! micro-kernel 14 × 32: per pair, 2 loads of B, 14 broadcasts of A, 28 vdpbf16ps
//! ```
//! An odd k pads the last pair with a zero.
//!
//! Reference: Intel, "BFLOAT16 — Hardware Numerics Definition", 2018 (document 338302);
//! `vdpbf16ps` in the Intel SDM. Cost: 2·m·n·k flops at up to twice the f32 rate; packed
//! panels of half the f32 size.

use super::micro::MicroKernel;
use super::panel::{A_STRIDE, Panel, PanelSource};
use super::problem::Gemm;
use super::simd::{Block, Unit};
use super::tasks;
use super::weight::{Weight, bf16_bits};
use crate::backend::Par;
use crate::simd::SimdLevel;

/// Rows of C per micro-tile (28 accumulators of 32 zmm registers).
const MR: usize = 14;
/// Columns of C per micro-tile: two zmm registers of 16 f32.
const NR: usize = 32;

/// True when `level` is AVX-512 and this CPU runs `vdpbf16ps` (and AVX512-BW, which every
/// CPU with AVX512-BF16 has, for the masked packing).
pub(super) fn available(level: SimdLevel) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        level == SimdLevel::Avx512
            && std::arch::is_x86_feature_detected!("avx512bf16")
            && std::arch::is_x86_feature_detected!("avx512bw")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = level;
        false
    }
}

/// Two bf16 of consecutive k in one u32, the lower k in the lower half (`vdpbf16ps` pairs).
#[inline(always)]
fn pair(lo: f32, hi: f32) -> u32 {
    bf16_bits(lo) | bf16_bits(hi) << 16
}

/// Round f32 to bf16 bits (nearest even), vectorised; AVX512-BF16 must be available (as it is
/// wherever a bf16 unit runs, AMX included).
pub(crate) use x86::round_to_bf16;

/// The AVX512-BF16 kernel; build only where [`available`] said yes.
pub(super) struct Pairs;

impl Unit for Pairs {
    type E = u32;
    const A_ROW: usize = A_STRIDE / 2;
    const CONVERTS_A: bool = true;

    fn tile(&self) -> (usize, usize, MicroKernel<u32>) {
        (MR, NR, x86::micro)
    }

    fn level(&self) -> SimdLevel {
        SimdLevel::Avx512
    }

    fn units(kc: usize) -> usize {
        kc.div_ceil(2)
    }

    fn pack_a<A: PanelSource + ?Sized>(&self, a: &A, panel: &Panel, wide: &mut [f32], dst: &mut [u32]) {
        if let Some((bits, stride)) = a.bf16_rows() {
            return copy_bf16_rows((bits, stride), panel, dst);
        }
        a.pack(panel, wide);
        for r in 0..panel.mr {
            let src = &wide[r * A_STRIDE..r * A_STRIDE + panel.kc];
            x86::round_pairs(src, &mut dst[r * Self::A_ROW..r * Self::A_ROW + Self::units(panel.kc)]);
        }
    }

    fn pack_b<W: Weight>(&self, par: Par, g: Gemm, b: &[W], block: Block, dst: &mut [u32]) {
        let Block { k: (pc, kc), cols: (jc, nc) } = block;
        let (rs, cs) = g.b_strides();
        let pairs = Self::units(kc);
        let at = |p: usize, j: usize| if p < kc { b[(pc + p) * rs + j * cs].to_f32() } else { 0.0 };
        let fill = |(jp, panel): (usize, &mut [u32])| {
            let j0 = jc + jp * NR;
            let cols = NR.min(jc + nc - j0);
            for (p, out) in panel.chunks_exact_mut(NR).enumerate() {
                for (jj, x) in out.iter_mut().enumerate() {
                    *x = if jj < cols { pair(at(2 * p, j0 + jj), at(2 * p + 1, j0 + jj)) } else { 0 };
                }
            }
        };
        tasks::fill_panels(par, dst, NR * pairs, fill);
    }
}

/// The panel of a stored bf16 op(A) (element (i, p) at `bits[i·stride + p]`): its bits as
/// they are, in pairs, a zero after an odd `kc` and in the rows below op(A)'s last.
fn copy_bf16_rows((bits, stride): (&[u16], usize), panel: &Panel, dst: &mut [u32]) {
    let Panel { i0, rows, pc, kc, mr, .. } = *panel;
    let row_pairs = Pairs::units(kc);
    for r in 0..mr {
        let halves: &mut [u16] = bytemuck::cast_slice_mut(&mut dst[r * Pairs::A_ROW..][..row_pairs]);
        if r < rows {
            x86::copy_halves(&bits[(i0 + r) * stride + pc..][..kc], halves);
        } else {
            halves.fill(0);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::super::micro::{PREFETCH, TileOut, empty_tile, prefetch, write_tile};
    use super::{MR, NR, Pairs};
    use crate::kernels::gemm::simd::Unit;
    use crate::simd::x86::Avx512;

    /// `dst[p] = pair(src[2p], src[2p + 1])` (a missing last value is 0).
    pub(super) fn round_pairs(src: &[f32], dst: &mut [u32]) {
        assert_eq!(dst.len(), src.len().div_ceil(2));
        let halves: &mut [u16] = bytemuck::cast_slice_mut(dst);
        round_to_bf16(src, &mut halves[..src.len()]);
        if src.len() % 2 == 1 {
            halves[src.len()] = 0;
        }
    }

    /// `dst[i] = bf16(src[i])`, round to nearest even (equal lengths), 32 values per step.
    pub(crate) fn round_to_bf16(src: &[f32], dst: &mut [u16]) {
        assert_eq!(src.len(), dst.len());
        // SAFETY: the bf16 units only run where AVX512-BF16 was found; lengths checked.
        unsafe { round_avx512(src, dst) }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    unsafe fn round_avx512(src: &[f32], dst: &mut [u16]) {
        for i in (0..src.len()).step_by(32) {
            // The last step masks its loads and stores to the `left` values that remain.
            let left = (src.len() - i).min(32);
            let (lo_mask, hi_mask) = (mask16(left), mask16(left.saturating_sub(16)));
            // SAFETY: masked loads read only src[i..i + left], the masked store writes only
            // dst[i..i + left] (equal lengths); `cvtne2ps` puts its second operand's 16 values
            // in the low half, so the 32 results keep src's order.
            unsafe {
                let lo = _mm512_maskz_loadu_ps(lo_mask, src.as_ptr().add(i));
                let hi = _mm512_maskz_loadu_ps(hi_mask, src.as_ptr().wrapping_add(i + 16));
                let h: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(hi, lo));
                let mask = (lo_mask as u32) | (hi_mask as u32) << 16;
                _mm512_mask_storeu_epi16(dst.as_mut_ptr().add(i) as *mut _, mask, h);
            }
        }
    }

    /// `dst = src` followed by a zero when `dst` is one longer (an odd row's last pair), 32
    /// values per step: a row is at most 512 values, too short for `memcpy`'s set-up to pay.
    pub(super) fn copy_halves(src: &[u16], dst: &mut [u16]) {
        assert!(dst.len() == src.len() || dst.len() == src.len() + 1);
        if dst.len() > src.len() {
            dst[src.len()] = 0;
        }
        // SAFETY: AVX-512F and AVX512-BW run wherever the pairs do; lengths checked.
        unsafe { copy_avx512(src, dst) }
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    unsafe fn copy_avx512(src: &[u16], dst: &mut [u16]) {
        for i in (0..src.len()).step_by(32) {
            let left = (src.len() - i).min(32);
            let mask = if left == 32 { u32::MAX } else { (1u32 << left) - 1 };
            // SAFETY: the masked load reads src[i..i + left], the masked store writes
            // dst[i..i + left] (dst is at least as long as src).
            unsafe {
                let v = _mm512_maskz_loadu_epi16(mask, src.as_ptr().add(i) as *const _);
                _mm512_mask_storeu_epi16(dst.as_mut_ptr().add(i) as *mut _, mask, v);
            }
        }
    }

    /// The lowest `n` of 16 lanes (n ≥ 16: all).
    fn mask16(n: usize) -> __mmask16 {
        if n >= 16 { u16::MAX } else { ((1u32 << n) - 1) as u16 }
    }

    /// One 14 × 32 tile from `pairs` packed pairs.
    ///
    /// # Safety
    /// As [`MicroKernel`](super::MicroKernel): `a` holds 14 rows of `pairs` u32 at a stride of
    /// `Pairs::A_ROW`, `b` pairs·32 u32; the CPU has AVX512F and AVX512-BF16.
    #[target_feature(enable = "avx512f,avx512bf16")]
    pub(super) unsafe fn micro(pairs: usize, a: *const u32, b: *const u32, out: &TileOut) {
        // SAFETY (whole body): every offset stays inside the extents promised above; the
        // transmutes reinterpret 512 bits of packed bf16 pairs as `__m512bh`, same size.
        unsafe {
            // No path below reads the zero accumulators from memory (see `empty_tile`).
            if pairs == 0 {
                return empty_tile(out);
            }
            let mut acc = [[_mm512_setzero_ps(); 2]; MR];
            for p in 0..pairs {
                prefetch(b.wrapping_add((p + PREFETCH) * NR), NR);
                let b0: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(p * NR) as *const _));
                let b1: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(p * NR + 16) as *const _));
                for (r, row) in acc.iter_mut().enumerate() {
                    let av: __m512bh =
                        std::mem::transmute(_mm512_set1_epi32(*a.add(r * Pairs::A_ROW + p) as i32));
                    row[0] = _mm512_dpbf16_ps(row[0], av, b0);
                    row[1] = _mm512_dpbf16_ps(row[1], av, b1);
                }
            }
            write_tile::<Avx512, MR, 2>(&acc, out);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    //! Stand-ins that are never reached: [`super::available`] is false off x86-64.
    use super::super::micro::TileOut;

    pub(super) fn round_pairs(_: &[f32], _: &mut [u32]) {
        unreachable!("AVX512-BF16 is x86-64 only")
    }
    pub(super) fn copy_halves(_: &[u16], _: &mut [u16]) {
        unreachable!("AVX512-BF16 is x86-64 only")
    }
    pub(crate) fn round_to_bf16(_: &[f32], _: &mut [u16]) {
        unreachable!("AVX512-BF16 is x86-64 only")
    }
    pub(super) unsafe fn micro(_: usize, _: *const u32, _: *const u32, _: &TileOut) {
        unreachable!("AVX512-BF16 is x86-64 only")
    }
}
