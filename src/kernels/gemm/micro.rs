//! The register-blocked micro-kernel: one MR × NR tile of C from packed panels of A and B.
//!
//! ```text
//!             B panel: kc rows × NR (= NV vectors of W lanes), row p at b + p·NR
//!           ┌───────────────┐
//! A panel   │ b[p][0..NR]   │      for p in 0..kc:
//! kc × MR,  └───────────────┘        load the NV vectors of B row p
//! column p  a[p][r] ──► acc[r][v] += splat(a[p][r]) · b[p][v]   (MR·NV FMAs)
//! at a+p·MR
//! ```
//!
//! The MR·NV accumulators stay in registers for the whole k loop (AVX-512: 12 × 2 zmm = 24 of
//! 32 registers; AVX2: 6 × 2 ymm = 12 of 16). One generic body, three instantiations.

use crate::simd::{Lanes, Portable8};

/// Signature shared by every micro-kernel.
///
/// Writes the `rows × cols` top-left part of the tile at `c` (row stride `ldc`): overwrites when
/// `accumulate` is false (C is never read then), adds to C otherwise.
pub(crate) type MicroKernel = unsafe fn(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
    rows: usize,
    cols: usize,
);

/// The largest MR·NR of any kernel (scratch for partial tiles).
const MAX_TILE: usize = 12 * 32;

/// # Safety
/// `a` holds kc·MR floats, `b` kc·NV·W floats; `c` is writable for `rows` rows of `cols`
/// floats at stride `ldc`; `rows ≤ MR`, `cols ≤ NV·W`; `L`'s instructions are enabled.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // the micro-kernel ABI: panels, tile, and its extent
unsafe fn body<L: Lanes, const MR: usize, const NV: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
    rows: usize,
    cols: usize,
) {
    let nr = NV * L::W;
    // SAFETY (whole body): every pointer offset stays inside the extents promised above.
    unsafe {
        let mut acc = [[L::zero(); NV]; MR];
        for p in 0..kc {
            let mut bv = [L::zero(); NV];
            for (v, slot) in bv.iter_mut().enumerate() {
                *slot = L::load(b.add(p * nr + v * L::W));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = L::splat(*a.add(p * MR + r));
                for v in 0..NV {
                    row[v] = L::fma(av, bv[v], row[v]);
                }
            }
        }
        if rows == MR && cols == nr {
            for (r, row) in acc.iter().enumerate() {
                for (v, x) in row.iter().enumerate() {
                    let dst = c.add(r * ldc + v * L::W);
                    let x = if accumulate { L::add(*x, L::load(dst)) } else { *x };
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
                    let x = tmp[r * nr + j];
                    *dst = if accumulate { *dst + x } else { x };
                }
            }
        }
    }
}

/// Portable 4 × 8 tile.
#[allow(clippy::too_many_arguments)] // see `MicroKernel`
pub(crate) unsafe fn portable(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
    rows: usize,
    cols: usize,
) {
    // SAFETY: plain Rust lanes; extents as promised by the caller.
    unsafe { body::<Portable8, 4, 1>(kc, a, b, c, ldc, accumulate, rows, cols) }
}

/// AVX2 + FMA 6 × 16 tile.
#[allow(clippy::too_many_arguments)] // see `MicroKernel`
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn avx2(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
    rows: usize,
    cols: usize,
) {
    // SAFETY: AVX2 and FMA are enabled on this function (the dispatcher checked the CPU).
    unsafe { body::<crate::simd::x86::Avx2, 6, 2>(kc, a, b, c, ldc, accumulate, rows, cols) }
}

/// AVX-512F 12 × 32 tile.
#[allow(clippy::too_many_arguments)] // see `MicroKernel`
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn avx512(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    accumulate: bool,
    rows: usize,
    cols: usize,
) {
    // SAFETY: AVX-512F is enabled on this function (the dispatcher checked the CPU).
    unsafe { body::<crate::simd::x86::Avx512, 12, 2>(kc, a, b, c, ldc, accumulate, rows, cols) }
}
