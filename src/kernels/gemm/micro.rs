//! The register-blocked micro-kernel: one MR × NR tile of C from packed panels of A and B.
//!
//! ```text
//!             B panel: kc rows × NR (= NV vectors of W lanes), row p at b + p·NR
//!           ┌───────────────┐
//! A panel   │ b[p][0..NR]   │      for p in 0..kc:
//! MR rows   └───────────────┘        load the NV vectors of B row p (prefetch row p + PREFETCH)
//! of kc,    a[r][p] ──► acc[r][v] += splat(a[r][p]) · b[p][v]   (MR·NV FMAs)
//! row r at a + r·A_STRIDE
//!
//! C_AHEAD steps before the end: prefetch the C tile's rows
//! then, once:  C tile = acc (+ C if accumulating) (+ bias) (ReLU)
//! ```
//!
//! The MR·NV accumulators stay in registers for the whole k loop (AVX-512: 14 × 2 zmm = 28 of
//! 32 registers, with 2 for B and 1 for the broadcast; AVX2: 6 × 2 ymm = 12 of 16). One generic
//! body, three instantiations.
//!
//! The A panel keeps op(A)'s rows as rows, at a fixed stride [`A_STRIDE`]: the broadcast of
//! a[r][p] is then one instruction addressing `a + 4p + 4r·A_STRIDE` (a constant displacement
//! per row), and packing a row-major A or an im2col row is a plain copy, not a transpose. The
//! stride is KC plus 16 floats so the 14 rows do not all fall in the same L1 sets.
//!
//! The bf16 pair kernel ([`super::pairs`]) shares [`TileOut`] and [`write_tile`]: only its
//! multiply-add differs.
//!
//! The driver ([`super::simd`]) keeps the A panel in L1 and streams B panels from L2, so the
//! kernel prefetches B [`PREFETCH`] rows ahead; measured on this 2-core AVX-512 machine with
//! B streamed from L2, the prefetch lifts one core from ~150 to ~168 GFLOP/s (peak 202), and
//! 14 × 32 beats 12 × 32 by 3–8% (fewer broadcasts per FMA).

pub(super) use super::panel::A_STRIDE;
use crate::simd::{Lanes, Portable8};

/// How many rows of the B panel ahead the kernel prefetches (16 rows = 2 KiB at NR = 32).
pub(super) const PREFETCH: usize = 16;
/// How many k steps before the end of the loop the C tile is prefetched: ~1,800 cycles of
/// FMAs at 14 × 32, longer than a miss to memory, short enough that the streaming B panel
/// does not push the lines out of L1 again.
const C_AHEAD: usize = 64;

/// Where a tile goes and what happens to it on the way.
pub(super) struct TileOut {
    /// Top-left element of the tile in C.
    pub c: *mut f32,
    /// Row stride of C.
    pub ldc: usize,
    /// Rows and columns of the tile actually inside C (≤ MR, ≤ NR).
    pub rows: usize,
    pub cols: usize,
    /// Add the sums to C (later k-slices) instead of overwriting it (C is never read then).
    pub accumulate: bool,
    /// `cols` biases for the tile's columns, added after the sum; null for none.
    pub bias: *const f32,
    /// Apply max(x, 0) last.
    pub relu: bool,
}

/// Signature shared by every micro-kernel; `E` is what a panel holds (f32, or a u32 pair of
/// bf16 for [`super::pairs`]).
///
/// # Safety
/// `a` holds MR rows of kc elements at the kernel's A stride and `b` kc·NR elements (reads up
/// to [`PREFETCH`] rows past `b`'s end are prefetches only); `out` describes a writable tile of
/// C and, when not null, `cols` readable biases.
pub(super) type MicroKernel<E> = unsafe fn(kc: usize, a: *const E, b: *const E, out: &TileOut);

/// The largest MR·NR of any kernel (scratch for partial tiles).
const MAX_TILE: usize = 14 * 32;

/// # Safety
/// As [`MicroKernel`]; `L`'s instructions are enabled.
#[inline(always)]
unsafe fn body<L: Lanes, const MR: usize, const NV: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    out: &TileOut,
) {
    let nr = NV * L::W;
    // SAFETY (whole body): every pointer offset stays inside the extents promised above;
    // prefetches never fault.
    unsafe {
        let mut acc = [[L::zero(); NV]; MR];
        let c_due = kc.saturating_sub(C_AHEAD);
        steps::<L, MR, NV>(&mut acc, a, b, 0..c_due);
        prefetch_tile(out, nr);
        steps::<L, MR, NV>(&mut acc, a, b, c_due..kc);
        write_tile::<L, MR, NV>(&acc, out);
    }
}

/// acc += A panel[.., ks] · B panel[ks, ..], prefetching B [`PREFETCH`] rows ahead.
///
/// # Safety
/// As [`MicroKernel`] for the k steps `ks`; `L`'s instructions are enabled.
#[inline(always)]
unsafe fn steps<L: Lanes, const MR: usize, const NV: usize>(
    acc: &mut [[L::V; NV]; MR],
    a: *const f32,
    b: *const f32,
    ks: std::ops::Range<usize>,
) {
    let nr = NV * L::W;
    // SAFETY: p < kc, so every load is inside the panels; prefetches never fault.
    unsafe {
        for p in ks {
            prefetch(b.wrapping_add((p + PREFETCH) * nr), nr);
            let mut bv = [L::zero(); NV];
            for (v, slot) in bv.iter_mut().enumerate() {
                *slot = L::load(b.add(p * nr + v * L::W));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = L::splat(*a.add(r * A_STRIDE + p));
                for v in 0..NV {
                    row[v] = L::fma(av, bv[v], row[v]);
                }
            }
        }
    }
}

/// C tile = acc (+ C if accumulating) (+ bias) (ReLU), over the tile's `rows × cols`.
///
/// # Safety
/// `out` describes a writable tile of C with `rows ≤ MR`, `cols ≤ NV·W` and, when not null,
/// `cols` readable biases; `L`'s instructions are enabled.
#[inline(always)]
pub(super) unsafe fn write_tile<L: Lanes, const MR: usize, const NV: usize>(
    acc: &[[L::V; NV]; MR],
    out: &TileOut,
) {
    let nr = NV * L::W;
    let TileOut { c, ldc, rows, cols, accumulate, bias, relu } = *out;
    // SAFETY (whole body): full tiles touch exactly MR × nr elements of C and nr biases; partial
    // ones go through a local buffer and touch only `rows × cols`.
    unsafe {
        if rows == MR && cols == nr {
            let mut bias_v = [L::zero(); NV];
            if !bias.is_null() {
                for (v, slot) in bias_v.iter_mut().enumerate() {
                    *slot = L::load(bias.add(v * L::W));
                }
            }
            for (r, row) in acc.iter().enumerate() {
                for (v, x) in row.iter().enumerate() {
                    let dst = c.add(r * ldc + v * L::W);
                    let mut x = if accumulate { L::add(*x, L::load(dst)) } else { *x };
                    if !bias.is_null() {
                        x = L::add(x, bias_v[v]);
                    }
                    if relu {
                        x = L::max(x, L::zero());
                    }
                    L::store(dst, x);
                }
            }
        } else {
            let mut tmp = [0.0f32; MAX_TILE];
            for (r, row) in acc.iter().enumerate() {
                for (v, x) in row.iter().enumerate() {
                    L::store(tmp.as_mut_ptr().add(r * nr + v * L::W), *x);
                }
            }
            for r in 0..rows {
                for j in 0..cols {
                    let dst = c.add(r * ldc + j);
                    let mut x = tmp[r * nr + j];
                    if accumulate {
                        x += *dst;
                    }
                    if !bias.is_null() {
                        x += *bias.add(j);
                    }
                    *dst = if relu { x.max(0.0) } else { x };
                }
            }
        }
    }
}

/// The tile of an empty sum (kc = 0): C (or 0) + bias, then the activation, in scalar code.
///
/// Kept out of the bf16 pair kernel ([`super::pairs`]): while a path there wrote the zero
/// accumulators from memory, LLVM zeroed their 1.8 KB spill slot at every call (a `memset`
/// before the loop: 1.75% of VGG16's bf16 time in `perf`, whose tiles are as short as 32
/// pairs). The f32 kernel keeps that `memset` (~0.5% of a 512-deep tile): the single loop that
/// avoided it there ran 25–30% slower.
///
/// # Safety
/// As [`write_tile`].
#[cold]
#[inline(never)]
pub(super) unsafe fn empty_tile(out: &TileOut) {
    let TileOut { c, ldc, rows, cols, accumulate, bias, relu } = *out;
    for r in 0..rows {
        for j in 0..cols {
            // SAFETY: the tile's rows × cols elements of C and its cols biases are the caller's.
            unsafe {
                let dst = c.add(r * ldc + j);
                let mut x = if accumulate { *dst } else { 0.0 };
                if !bias.is_null() {
                    x += *bias.add(j);
                }
                *dst = if relu { x.max(0.0) } else { x };
            }
        }
    }
}

/// Ask for the tile's rows of C in L1, [`C_AHEAD`] k steps before the kernel reads (when
/// accumulating) or writes them: a C tile written by the previous k-slice has long left the
/// caches, and 28 lines missing at once stalled the tile's end.
///
/// Every line a row touches is asked for, the last one included: C need not start on a
/// cache line (a large `Vec<f32>` from glibc starts 16 bytes into one), and then a row of 32
/// floats spans three lines, not two. With two prefetches per row, the third line of each
/// of the 14 rows missed at the tile's end: 5.5% of the samples of `cinegenre bench gemm
/// --sizes 4096` sat on the `vaddps` that read it (`perf annotate`, 2-core Intel Xeon with
/// AMX), and n = 4096 went from 0.89 to 0.96–1.00 × OpenBLAS once it was asked for.
#[inline(always)]
fn prefetch_tile(out: &TileOut, nr: usize) {
    for r in 0..out.rows {
        let row = out.c.wrapping_add(r * out.ldc);
        prefetch(row, nr);
        prefetch(row.wrapping_add(nr - 1), 1);
    }
}

/// Ask for the `nr` floats at `p` (one B row) in L1; a no-op off x86-64.
#[inline(always)]
pub(super) fn prefetch<E>(p: *const E, nr: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        for line in (0..nr).step_by(16) {
            // SAFETY: prefetch is SSE (baseline x86-64) and never faults, whatever the address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(line) as *const i8) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (p, nr);
}

/// Portable 4 × 8 tile.
pub(super) unsafe fn portable(kc: usize, a: *const f32, b: *const f32, out: &TileOut) {
    // SAFETY: plain Rust lanes; extents as promised by the caller.
    unsafe { body::<Portable8, 4, 1>(kc, a, b, out) }
}

/// AVX2 + FMA 6 × 16 tile.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn avx2(kc: usize, a: *const f32, b: *const f32, out: &TileOut) {
    // SAFETY: AVX2 and FMA are enabled on this function (the dispatcher checked the CPU).
    unsafe { body::<crate::simd::x86::Avx2, 6, 2>(kc, a, b, out) }
}

/// AVX-512F 14 × 32 tile.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn avx512(kc: usize, a: *const f32, b: *const f32, out: &TileOut) {
    // SAFETY: AVX-512F is enabled on this function (the dispatcher checked the CPU).
    unsafe { body::<crate::simd::x86::Avx512, 14, 2>(kc, a, b, out) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The out-of-line empty sum writes what the kernels' own epilogue writes for zero
    /// accumulators, full and partial tiles, every epilogue switch.
    #[test]
    fn empty_tile_is_write_tile_of_zeros() {
        let bias: Vec<f32> = (0..8).map(|j| j as f32 - 3.5).collect();
        for (rows, cols) in [(4, 8), (3, 5)] {
            for accumulate in [false, true] {
                for with_bias in [false, true] {
                    for relu in [false, true] {
                        let start: Vec<f32> = (0..4 * 9).map(|i| (i as f32 * 0.37).sin()).collect();
                        let (mut want, mut got) = (start.clone(), start.clone());
                        let bias = if with_bias { bias.as_ptr() } else { std::ptr::null() };
                        let tile = |c: &mut Vec<f32>| TileOut {
                            c: c.as_mut_ptr(),
                            ldc: 9,
                            rows,
                            cols,
                            accumulate,
                            bias,
                            relu,
                        };
                        // SAFETY: a 4 × 9 C holds every tile here; 8 biases; plain-Rust lanes.
                        unsafe {
                            write_tile::<Portable8, 4, 1>(&[[[0.0; 8]; 1]; 4], &tile(&mut want));
                            empty_tile(&tile(&mut got));
                        }
                        assert_eq!(got, want, "{rows}×{cols} acc {accumulate} bias {with_bias} relu {relu}");
                    }
                }
            }
        }
    }
}
