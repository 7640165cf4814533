//! GEMM on bf16 *pairs*: C = act(bf16(op(A)) · bf16(op(B)) + bias), products exact, sums in f32.
//!
//! ```text
//! C[i][j] = act(Σₚ r(A[i][p]) · r(B[p][j]) + bias[j])      r: f32 → bf16, nearest-even
//! ```
//!
//! AVX512-BF16's `vdpbf16ps` multiplies 32 bf16 pairs per instruction and adds each pair's two
//! products to one of 16 f32 lanes: twice the multiply-adds of an f32 FMA per instruction.
//! The product of two bf16 numbers (8 significant bits each) is exact in f32, so the only
//! errors are the two roundings r(·) — of the activations *and* the weights — and f32
//! summation. Against [`half`](super::half), which rounds only stored weights, the relative
//! error of C is about √2 times larger (two independent roundings per product, each ≈ 0.4·u,
//! u = 2⁻⁸): measured ≈ 2.1e-3 on uniform data (`tests/kernels/half.rs`).
//!
//! Steps (the BLIS loop of [`simd`](super::simd), on pairs):
//! ```text
//! for pc in 0..k step KC:                   KC = 512 values = 256 pairs
//!     pack A: MR-row panels  [pair p][row r]   u32 = r(A[r][2p]) | r(A[r][2p+1]) << 16
//!     pack B: 32-col panels  [pair p][col j]   u32 = r(B[2p][j]) | r(B[2p+1][j]) << 16
//!     micro-kernel 12 × 32: per pair, 2 loads of B, 12 broadcasts of A, 24 vdpbf16ps
//! ```
//! An odd k pads the last pair with a zero. Variants: [`reference`] rounds the operands and
//! sums in f64 (the test oracle); [`gemm_dot_bf16`] runs the AVX512-BF16 kernel where the CPU
//! has it, and elsewhere the f32 GEMM on rounded copies (the same numbers, other sum order).
//!
//! Measured speed (`bench gemm --dtype f32,bf16-dot`, AVX-512 + rayon): 0.63× (n = 1024) and
//! 0.55× (n = 4096) of our f32 SGEMM on a 16-core Xeon with AVX512-BF16, and below f32 on the
//! 2-core development machine too: twice the multiply-adds per instruction, but not per second
//! on these cores. Nothing uses it by default; it is here to measure that and its accuracy.
//!
//! Reference: Intel, "BFLOAT16 — Hardware Numerics Definition", 2018 (document 338302);
//! `vdpbf16ps` in the Intel SDM. Cost: 2·m·n·k flops at up to twice the f32 rate; packed
//! panels of half the f32 size.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::gemm::dot_bf16::gemm_dot_bf16;
//! use cinegenre::kernels::gemm::Gemm;
//! let mut c = [f32::NAN; 4];
//! let backend = Backend::cpu().unwrap();
//! gemm_dot_bf16(&backend, Gemm::nn(2, 2, 2), &[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 0.0, 1.0], Default::default(), &mut c)
//!     .unwrap();
//! assert_eq!(c, [1.0, 2.0, 3.0, 4.0]);
//! ```

use half::bf16;
use rayon::prelude::*;

use super::{Epilogue, Gemm};
use crate::backend::{Backend, Par};
use crate::error::Result;

/// Values of k per slice (an even number): a 12-row A panel and a 32-column B panel of
/// KC/2 pairs take 12 KiB and 32 KiB, inside L1 and L2.
const KC: usize = 512;
/// Rows of C per micro-tile.
const MR: usize = 12;
/// Columns of C per micro-tile: two zmm registers of 16 f32.
const NR: usize = 32;
/// Target rows per task.
const MC: usize = 96;

/// True when this CPU runs `vdpbf16ps` (and `CINEGENRE_SIMD` does not ask for less than AVX-512).
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512bf16")
            && crate::simd::SimdLevel::get().is_ok_and(|l| l == crate::simd::SimdLevel::Avx512)
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

fn round(x: f32) -> f32 {
    bf16::from_f32(x).to_f32()
}

/// The oracle: round both operands to bf16, sum the products in f64.
pub fn reference(g: Gemm, a: &[f32], b: &[f32], epilogue: Epilogue<'_>, c: &mut [f32]) {
    let ((ars, acs), (brs, bcs)) = (g.a_strides(), g.b_strides());
    for i in 0..g.m {
        for j in 0..g.n {
            let sum: f64 = (0..g.k)
                .map(|p| round(a[i * ars + p * acs]) as f64 * round(b[p * brs + j * bcs]) as f64)
                .sum();
            c[i * g.n + j] = epilogue.apply(j, sum as f32);
        }
    }
}

/// C = act(bf16(op(A))·bf16(op(B)) + bias) on `backend` (see the module doc).
///
/// # Shapes
/// As [`gemm`](super::gemm): `a`: m·k, `b`: k·n, `c`: m·n, `bias`: n.
///
/// # Errors
/// [`Error::Shape`](crate::Error::Shape) if a length does not match; a GPU error on the GPU.
pub fn gemm_dot_bf16(
    backend: &Backend,
    g: Gemm,
    a: &[f32],
    b: &[f32],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    g.check(a.len(), b.len(), &epilogue, c)?;
    match backend {
        Backend::Scalar => reference(g, a, b, epilogue, c),
        #[cfg(target_arch = "x86_64")]
        Backend::Cpu { par, .. } if available() => fast::gemm(*par, g, a, b, epilogue, c),
        _ => {
            let (ra, rb): (Vec<f32>, Vec<f32>) =
                (a.iter().map(|&x| round(x)).collect(), b.iter().map(|&x| round(x)).collect());
            super::gemm(backend, g, &ra, &rb, epilogue, c)?;
        }
    }
    Ok(())
}

/// The bits of r(x), round to nearest even, NaN kept quiet: the `half` crate's rounding,
/// branch-free so that packing loops vectorise.
#[inline(always)]
pub(crate) fn bf16_bits(x: f32) -> u32 {
    let bits = x.to_bits();
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16;
    if x.is_nan() { (bits >> 16) | 0x40 } else { rounded }
}

/// Two bf16 of consecutive k in one u32, the lower k in the lower half (`vdpbf16ps` pairs).
#[inline(always)]
fn pair(lo: f32, hi: f32) -> u32 {
    bf16_bits(lo) | bf16_bits(hi) << 16
}

/// Pack op(A)[i0.., pc..pc+kc] as MR-row panels of pairs: `dst[(ip·pairs + p)·MR + r]`.
fn pack_a(par: Par, g: Gemm, a: &[f32], pc: usize, kc: usize, dst: &mut [u32]) {
    let (rs, cs) = g.a_strides();
    let pairs = kc.div_ceil(2);
    let at = |i: usize, p: usize| if p < kc { a[i * rs + (pc + p) * cs] } else { 0.0 };
    let fill = |(ip, panel): (usize, &mut [u32])| {
        let i0 = ip * MR;
        for p in 0..pairs {
            for r in 0..MR {
                let i = i0 + r;
                panel[p * MR + r] = if i < g.m { pair(at(i, 2 * p), at(i, 2 * p + 1)) } else { 0 };
            }
        }
    };
    match par {
        Par::Seq => dst.chunks_mut(MR * pairs).enumerate().for_each(fill),
        Par::Rayon => dst.par_chunks_mut(MR * pairs).enumerate().for_each(fill),
    }
}

/// Pack op(B)[pc..pc+kc, :] as NR-column panels of pairs: `dst[(jp·pairs + p)·NR + j]`.
fn pack_b(par: Par, g: Gemm, b: &[f32], pc: usize, kc: usize, dst: &mut [u32]) {
    let (rs, cs) = g.b_strides();
    let pairs = kc.div_ceil(2);
    let at = |p: usize, j: usize| if p < kc { b[(pc + p) * rs + j * cs] } else { 0.0 };
    let fill = |(jp, panel): (usize, &mut [u32])| {
        let j0 = jp * NR;
        let cols = NR.min(g.n - j0);
        for p in 0..pairs {
            if cs == 1 && 2 * p + 1 < kc && cols == NR {
                let (r0, r1) = ((pc + 2 * p) * rs + j0, (pc + 2 * p + 1) * rs + j0);
                let (lo, hi) = (&b[r0..r0 + NR], &b[r1..r1 + NR]);
                for ((dst, &x), &y) in panel[p * NR..(p + 1) * NR].iter_mut().zip(lo).zip(hi) {
                    *dst = pair(x, y);
                }
                continue;
            }
            for jj in 0..NR {
                let j = j0 + jj;
                panel[p * NR + jj] = if j < g.n { pair(at(2 * p, j), at(2 * p + 1, j)) } else { 0 };
            }
        }
    };
    match par {
        Par::Seq => dst.chunks_mut(NR * pairs).enumerate().for_each(fill),
        Par::Rayon => dst.par_chunks_mut(NR * pairs).enumerate().for_each(fill),
    }
}

#[cfg(target_arch = "x86_64")]
mod fast {
    use std::arch::x86_64::*;

    use rayon::prelude::*;

    use super::super::simd::{SharedC, finish_tile, sums_of_nothing};
    use super::{Epilogue, Gemm, KC, MC, MR, NR, Par, pack_a, pack_b};

    pub(super) fn gemm(par: Par, g: Gemm, a: &[f32], b: &[f32], epilogue: Epilogue<'_>, c: &mut [f32]) {
        let (m, n, k) = (g.m, g.n, g.k);
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            sums_of_nothing(n, &epilogue, c);
            return;
        }
        let (m_panels, n_panels, max_pairs) = (m.div_ceil(MR), n.div_ceil(NR), KC.min(k).div_ceil(2));
        let mut apack = vec![0u32; m_panels * MR * max_pairs];
        let mut bpack = vec![0u32; n_panels * NR * max_pairs];
        let rows_per_task = MC / MR;
        let tasks: Vec<usize> = (0..m_panels).step_by(rows_per_task).collect();
        let cptr = SharedC(c.as_mut_ptr());
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            let pairs = kc.div_ceil(2);
            let (last, accumulate) = (pc + kc == k, pc > 0);
            pack_a(par, g, a, pc, kc, &mut apack[..m_panels * MR * pairs]);
            pack_b(par, g, b, pc, kc, &mut bpack[..n_panels * NR * pairs]);
            let (apack, bpack) = (&apack, &bpack);
            let run = |&ip0: &usize| {
                for jp in 0..n_panels {
                    let (j0, cols) = (jp * NR, NR.min(n - jp * NR));
                    let bp = &bpack[jp * NR * pairs..(jp + 1) * NR * pairs];
                    for ip in ip0..m_panels.min(ip0 + rows_per_task) {
                        let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
                        let ap = &apack[ip * MR * pairs..(ip + 1) * MR * pairs];
                        // SAFETY: the panels hold pairs·MR and pairs·NR u32; the tile
                        // [i0, i0+rows) × [j0, j0+cols) lies inside C and belongs to this task
                        // alone; `available()` checked AVX512-BF16 before dispatching here.
                        unsafe {
                            let ct = cptr.get().add(i0 * n + j0);
                            micro(pairs, ap.as_ptr(), bp.as_ptr(), ct, n, accumulate, rows, cols);
                            if last {
                                finish_tile(ct, n, (rows, cols), j0, &epilogue);
                            }
                        }
                    }
                }
            };
            match par {
                Par::Seq => tasks.iter().for_each(run),
                Par::Rayon => tasks.par_iter().for_each(run),
            }
        }
    }

    /// One 12 × 32 tile from `pairs` packed pairs; writes (or adds to) `rows × cols` of C.
    ///
    /// # Safety
    /// `a` holds pairs·12 u32, `b` pairs·32 u32; `c` is writable for `rows ≤ 12` rows of
    /// `cols ≤ 32` floats at stride `ldc`; the CPU has AVX512F and AVX512-BF16.
    #[allow(clippy::too_many_arguments)] // the micro-kernel ABI: panels, tile, and its extent
    #[target_feature(enable = "avx512f,avx512bf16")]
    unsafe fn micro(
        pairs: usize,
        a: *const u32,
        b: *const u32,
        c: *mut f32,
        ldc: usize,
        accumulate: bool,
        rows: usize,
        cols: usize,
    ) {
        // SAFETY (whole body): every offset stays inside the extents promised above; the
        // transmutes reinterpret 512 bits of packed bf16 pairs as `__m512bh`, same size.
        unsafe {
            let mut acc = [[_mm512_setzero_ps(); 2]; MR];
            for p in 0..pairs {
                let b0: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(p * NR) as *const _));
                let b1: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(p * NR + 16) as *const _));
                for (r, row) in acc.iter_mut().enumerate() {
                    let av: __m512bh = std::mem::transmute(_mm512_set1_epi32(*a.add(p * MR + r) as i32));
                    row[0] = _mm512_dpbf16_ps(row[0], av, b0);
                    row[1] = _mm512_dpbf16_ps(row[1], av, b1);
                }
            }
            let mut tmp = [0.0f32; MR * NR];
            for (r, row) in acc.iter().enumerate() {
                _mm512_storeu_ps(tmp.as_mut_ptr().add(r * NR), row[0]);
                _mm512_storeu_ps(tmp.as_mut_ptr().add(r * NR + 16), row[1]);
            }
            for r in 0..rows {
                for j in 0..cols {
                    let dst = c.add(r * ldc + j);
                    let x = tmp[r * NR + j];
                    *dst = if accumulate { *dst + x } else { x };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_free_rounding_is_the_half_crates() {
        let specials = [0.0, -0.0, 1.0, f32::MAX, f32::MIN_POSITIVE, 1e-40, f32::INFINITY, f32::NEG_INFINITY];
        let mut rng = crate::rng::Mt19937::new(3);
        let randoms = (0..10_000).map(|_| f32::from_bits(rng.next_u32()));
        for x in specials.into_iter().chain(randoms) {
            let want = bf16::from_f32(x).to_bits() as u32;
            if x.is_nan() {
                assert!(bf16::from_bits(bf16_bits(x) as u16).is_nan(), "{x:e}");
            } else {
                assert_eq!(bf16_bits(x), want, "{x:e} ({:#010x})", x.to_bits());
            }
        }
    }
}
