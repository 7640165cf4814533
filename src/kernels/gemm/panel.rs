//! The left operand of the packed GEMM: anything that can fill A panels ([`PanelSource`]).
//!
//! ```text
//! op(A): (m, k)  ──read one panel at a time──▶  dst[r·A_STRIDE + p] = op(A)[i0 + r][pc + p]
//!                                                r < rows ≤ mr, p < kc ≤ 512; rows..mr zeroed
//! ```
//!
//! The CPU kernels never read op(A) directly: each task asks for one MR-row panel of one
//! k-slice, rows kept as rows at the fixed stride [`A_STRIDE`]. So op(A) need not be a stored
//! matrix — the convolution fills panels from the image (implicit im2col, no im2col matrix) —
//! and a transposed or half-precision A costs nothing but its packing. [`Strided`] is the
//! source for a stored matrix.

use super::transpose;
use super::weight::Weight;
use crate::error::{Error, Result};
use crate::simd::SimdLevel;

/// Distance in floats between the rows of an A panel: the deepest k-slice (512) plus 16, so
/// the rows do not all fall in the same L1 sets.
pub const A_STRIDE: usize = 528;

/// Where one panel comes from and goes: rows `i0..i0 + rows` of op(A), columns `pc..pc + kc`,
/// padded with zero rows up to `mr`; `level` is the SIMD level the caller runs at.
#[derive(Debug, Clone, Copy)]
pub struct Panel {
    pub i0: usize,
    pub rows: usize,
    pub pc: usize,
    pub kc: usize,
    pub mr: usize,
    pub level: SimdLevel,
}

/// Where the GEMM's left operand op(A) (m × k) comes from: it is only ever read one panel at a
/// time, so it may be computed rather than stored.
pub trait PanelSource: Sync {
    /// Write op(A)[i0 + r][pc + p] into `dst[r·A_STRIDE + p]` for r < `rows`, p < `kc`, and
    /// zeros into the first `kc` floats of the rows `rows..mr` (`kc` ≤ 512 < [`A_STRIDE`]).
    fn pack(&self, panel: &Panel, dst: &mut [f32]);

    /// `Ok` when the source can give every panel of an (m, k) op(A) (checked once per product,
    /// before any panel is asked for).
    fn check(&self, m: usize, k: usize) -> Result<()>;

    /// Whether a panel is a copy of stored values, cheap enough for every thread to pack it
    /// again (the CPU driver then gives each thread a band of C's columns, every row of them),
    /// rather than computed (im2col, Winograd transforms). Default: computed.
    fn stored(&self) -> bool {
        false
    }

    /// op(A) when it is stored row-major as bf16 bits: element (i, p) at `bits[i·stride + p]`.
    /// The bf16 units then copy the bits into their panels instead of widening them to f32
    /// and rounding again, which gives the same bits (a bf16 value rounds to itself).
    /// Default: not stored so.
    fn bf16_rows(&self) -> Option<(&[u16], usize)> {
        None
    }

    /// op(A) when it is stored row-major as f32: element (i, p) at `a[i·stride + p]`. The AMX
    /// tiles then round rows straight into tile order, without an f32 panel between. Default:
    /// not stored so.
    fn f32_rows(&self) -> Option<(&[f32], usize)> {
        None
    }
}

/// op(A) stored with element (i, p) at `a[i·rs + p·cs]`, as f32 or widened from f16/bf16.
#[derive(Debug, Clone, Copy)]
pub struct Strided<'a, T: Weight = f32> {
    a: &'a [T],
    rs: usize,
    cs: usize,
}

impl<'a, T: Weight> Strided<'a, T> {
    /// op(A) with element (i, p) at `a[i·rs + p·cs]`.
    pub fn new(a: &'a [T], rs: usize, cs: usize) -> Strided<'a, T> {
        Strided { a, rs, cs }
    }

    /// The op(A) of a product: A stored (m, k), or (k, m) when `g.trans_a`.
    pub fn of(g: super::problem::Gemm, a: &'a [T]) -> Strided<'a, T> {
        let (rs, cs) = g.a_strides();
        Strided { a, rs, cs }
    }

    /// A row-major (m, k) matrix.
    pub fn row_major(a: &'a [T], k: usize) -> Strided<'a, T> {
        Strided { a, rs: k, cs: 1 }
    }

    /// The storage (to check its length against the product's shape).
    pub fn storage(&self) -> &'a [T] {
        self.a
    }
}

impl<T: Weight> PanelSource for Strided<'_, T> {
    fn pack(&self, panel: &Panel, dst: &mut [f32]) {
        let Strided { a, rs, cs } = *self;
        let Panel { i0, rows, pc, kc, level, .. } = *panel;
        if let (1, Some(a)) = (cs, T::as_f32(a)) {
            // Rows of op(A) are contiguous f32: copy them, a line of every row at a time.
            copy_rows_across(a, (i0 * rs + pc, rs), (rows, kc), dst);
        } else if cs == 1 {
            // Rows of op(A) are contiguous: copy (widen) them.
            for r in 0..rows {
                let at = (i0 + r) * rs + pc;
                T::widen(&a[at..at + kc], &mut dst[r * A_STRIDE..r * A_STRIDE + kc]);
            }
        } else if let Some(a) = T::as_f32(a) {
            // Columns of op(A) are contiguous (rs = 1, the `tn` product): transpose blocks of
            // 16 k-columns, each a run of `rows` floats in A.
            for (r0, p0) in (0..rows)
                .step_by(transpose::WIDTH)
                .flat_map(|r0| (0..kc).step_by(transpose::WIDTH).map(move |p0| (r0, p0)))
            {
                let (height, width) = (transpose::WIDTH.min(rows - r0), transpose::WIDTH.min(kc - p0));
                let mut src: [Option<&[f32]>; transpose::WIDTH] = [None; transpose::WIDTH];
                for (p, slot) in src.iter_mut().enumerate().take(width) {
                    *slot = Some(&a[(pc + p0 + p) * cs + (i0 + r0) * rs..][..height]);
                }
                let out = &mut dst[r0 * A_STRIDE + p0..];
                transpose::transpose(level, &src[..width], height, (width, A_STRIDE), out);
            }
        } else {
            for r in 0..rows {
                for (p, x) in dst[r * A_STRIDE..r * A_STRIDE + kc].iter_mut().enumerate() {
                    *x = a[(i0 + r) * rs + (pc + p) * cs].to_f32();
                }
            }
        }
        zero_rows(rows, panel, dst);
    }

    fn check(&self, m: usize, k: usize) -> Result<()> {
        let last = if m == 0 || k == 0 { 0 } else { (m - 1) * self.rs + (k - 1) * self.cs + 1 };
        if self.a.len() < last {
            return Err(Error::Shape(format!(
                "gemm: A has {} elements, but its ({m}, {k}) op(A) reaches element {}",
                self.a.len(),
                last - 1
            )));
        }
        Ok(())
    }

    fn stored(&self) -> bool {
        true
    }

    fn bf16_rows(&self) -> Option<(&[u16], usize)> {
        if self.cs == 1 { T::as_bf16_bits(self.a).map(|bits| (bits, self.rs)) } else { None }
    }

    fn f32_rows(&self) -> Option<(&[f32], usize)> {
        if self.cs == 1 { T::as_f32(self.a).map(|a| (a, self.rs)) } else { None }
    }
}

/// `dst[r·A_STRIDE + p] = a[at + r·stride + p]` for r < rows, p < kc: sixteen floats (a line's
/// worth) of every row in turn, rather than one row after the other.
///
/// A large product reads each A panel from memory (at n = 4096 every thread packs all of A
/// once per block of columns), and a row-by-row `memcpy` waits on one row's misses at a time;
/// walking across the rows keeps up to 14 rows' misses in flight. On a 2-core Intel Xeon with
/// AMX (2 threads, n = 4096, `perf`) the copy went from 9.3% of the time to 8.0%, and the
/// product's median rate over 6 alternated runs from 263 to 268 GFLOP/s (n = 2048: level).
fn copy_rows_across(a: &[f32], (at, stride): (usize, usize), (rows, kc): (usize, usize), dst: &mut [f32]) {
    const RUN: usize = 16;
    let whole = kc / RUN * RUN;
    for p in (0..whole).step_by(RUN) {
        for r in 0..rows {
            dst[r * A_STRIDE + p..][..RUN].copy_from_slice(&a[at + r * stride + p..][..RUN]);
        }
    }
    for r in 0..rows {
        dst[r * A_STRIDE + whole..r * A_STRIDE + kc]
            .copy_from_slice(&a[at + r * stride + whole..][..kc - whole]);
    }
}

/// Zero the first `kc` floats of the panel's rows `rows..mr` (the padding below op(A)'s last
/// row).
pub fn zero_rows(rows: usize, panel: &Panel, dst: &mut [f32]) {
    for r in rows..panel.mr {
        dst[r * A_STRIDE..r * A_STRIDE + panel.kc].fill(0.0);
    }
}

/// op(A) written out as a row-major (m, k) matrix, read panel by panel from `a`: for the
/// scalar reference and the GPU, which take stored matrices.
pub(crate) fn materialise<A: PanelSource + ?Sized>(a: &A, m: usize, k: usize) -> Vec<f32> {
    const ROWS: usize = 16;
    let mut out = vec![0.0f32; m * k];
    let mut buffer = vec![0.0f32; ROWS * A_STRIDE];
    for i0 in (0..m).step_by(ROWS) {
        let rows = ROWS.min(m - i0);
        for pc in (0..k).step_by(512) {
            let kc = 512.min(k - pc);
            let panel = Panel { i0, rows, pc, kc, mr: rows, level: SimdLevel::Portable };
            a.pack(&panel, &mut buffer);
            for r in 0..rows {
                out[(i0 + r) * k + pc..][..kc].copy_from_slice(&buffer[r * A_STRIDE..][..kc]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row-major f32 panel is op(A)'s values, bit for bit, at [`A_STRIDE`], with zero rows
    /// below op(A)'s last row: full and partial runs of sixteen, full and short panels.
    #[test]
    fn row_major_panel_is_a_copy() {
        let (m, k) = (20, 53);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.731).sin()).collect();
        let source = Strided::row_major(&a, k);
        for (i0, rows, pc, kc) in [(0, 14, 0, 53), (14, 6, 5, 37), (3, 14, 16, 16), (19, 1, 52, 1)] {
            let panel = Panel { i0, rows, pc, kc, mr: 14, level: SimdLevel::Portable };
            let mut dst = vec![f32::NAN; 14 * A_STRIDE];
            source.pack(&panel, &mut dst);
            for r in 0..14 {
                for p in 0..kc {
                    let want = if r < rows { a[(i0 + r) * k + pc + p] } else { 0.0 };
                    assert_eq!(
                        dst[r * A_STRIDE + p].to_bits(),
                        want.to_bits(),
                        "{i0} {rows} {pc} {kc}: ({r}, {p})"
                    );
                }
            }
        }
    }
}
