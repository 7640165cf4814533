//! The fast CPU SGEMM: BLIS-style packing around a register-blocked micro-kernel, tiles
//! spread over rayon's pool.
//!
//! ```text
//! for pc in 0..k step KC:                         k-slice of depth kc
//!     pack op(A)[:, pc..pc+kc] → MR-row panels    (layout per panel: [p][r])
//!     pack op(B)[pc..pc+kc, :] → NR-col panels    (layout per panel: [p][c])
//!     for each task = (MC rows × NCB cols) of C, in parallel:
//!         for each NR panel jp:  (B panel stays in L1)
//!             for each MR panel ip:  (A block stays in L2)
//!                 micro-kernel: C tile (+)= A panel · B panel
//!                 on the last slice: C tile = act(C tile + bias)
//! ```
//!
//! Packing absorbs the transposes: the micro-kernel only ever sees contiguous panels, so
//! `nn`, `nt` and `tn` run the same code. Padding rows/columns of the panels are zeros.

use rayon::prelude::*;

use super::half::Weight;
use super::micro::{self, MicroKernel};
use super::{Epilogue, Gemm};
use crate::backend::Par;
use crate::simd::SimdLevel;

/// Depth of one k-slice: an A panel (MR·KC) and a B panel (KC·NR) fit in L1 together.
const KC: usize = 256;
/// Target rows per task (rounded to MR): the A block MC·KC stays in L2.
const MC: usize = 96;
/// Column panels per task.
const PANELS_PER_TASK: usize = 4;

struct Tile {
    mr: usize,
    nr: usize,
    kernel: MicroKernel,
}

fn tile(level: SimdLevel) -> Tile {
    #[cfg(target_arch = "x86_64")]
    {
        match level {
            SimdLevel::Avx512 => return Tile { mr: 12, nr: 32, kernel: micro::avx512 },
            SimdLevel::Avx2 => return Tile { mr: 6, nr: 16, kernel: micro::avx2 },
            SimdLevel::Portable => {}
        }
    }
    let _ = level;
    Tile { mr: 4, nr: 8, kernel: micro::portable }
}

/// A pointer to C shared by tasks that write disjoint tiles (here and in
/// [`dot_bf16`](super::dot_bf16)).
#[derive(Clone, Copy)]
pub(super) struct SharedC(pub(super) *mut f32);
// SAFETY: tasks write pairwise disjoint tiles of C (see `gemm`), so sharing the pointer across
// threads creates no data race.
unsafe impl Send for SharedC {}
// SAFETY: as above.
unsafe impl Sync for SharedC {}

impl SharedC {
    /// The pointer (a method, so closures capture the whole `Sync` wrapper, not the field).
    pub(super) fn get(self) -> *mut f32 {
        self.0
    }
}

/// C = act(op(A)·op(B) + bias) at SIMD `level`, sequential or parallel. Shapes were checked by
/// the caller; `level` must be supported by this CPU (guaranteed by [`SimdLevel`]). B may be
/// stored as f16 or bf16 ([`Weight`]): its elements are widened to f32 while packing, once per
/// k-slice, so the micro-kernel and the accumulation are the f32 ones.
pub fn gemm<W: Weight>(
    level: SimdLevel,
    par: Par,
    g: Gemm,
    a: &[f32],
    b: &[W],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    let Tile { mr, nr, kernel } = tile(level);
    let (m, n, k) = (g.m, g.n, g.k);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        sums_of_nothing(n, &epilogue, c);
        return;
    }
    let (m_panels, n_panels) = (m.div_ceil(mr), n.div_ceil(nr));
    let mut apack = vec![0.0f32; m_panels * mr * KC.min(k)];
    let mut bpack = vec![0.0f32; n_panels * nr * KC.min(k)];
    let rows_per_task = MC.div_ceil(mr);
    let tasks: Vec<(usize, usize)> = (0..m_panels)
        .step_by(rows_per_task)
        .flat_map(|ip| (0..n_panels).step_by(PANELS_PER_TASK).map(move |jp| (ip, jp)))
        .collect();
    let cptr = SharedC(c.as_mut_ptr());
    for pc in (0..k).step_by(KC) {
        let kc = KC.min(k - pc);
        let (last, accumulate) = (pc + kc == k, pc > 0);
        pack_a(par, g, a, pc, kc, mr, &mut apack[..m_panels * mr * kc]);
        pack_b(par, g, b, pc, kc, nr, &mut bpack[..n_panels * nr * kc]);
        let (apack, bpack) = (&apack, &bpack);
        let run = |&(ip0, jp0): &(usize, usize)| {
            for jp in jp0..n_panels.min(jp0 + PANELS_PER_TASK) {
                let (j0, cols) = (jp * nr, nr.min(n - jp * nr));
                let bp = &bpack[jp * nr * kc..(jp + 1) * nr * kc];
                for ip in ip0..m_panels.min(ip0 + rows_per_task) {
                    let (i0, rows) = (ip * mr, mr.min(m - ip * mr));
                    let ap = &apack[ip * mr * kc..(ip + 1) * mr * kc];
                    // SAFETY: the panels hold kc·mr and kc·nr floats; the tile
                    // [i0, i0+rows) × [j0, j0+cols) lies inside C (m × n, row stride n) and
                    // belongs to this task alone; `kernel` matches `level`, which this CPU has.
                    unsafe {
                        let ct = cptr.get().add(i0 * n + j0);
                        kernel(kc, ap.as_ptr(), bp.as_ptr(), ct, n, accumulate, rows, cols);
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

/// C = act(0 + bias) row by row: the product when k = 0.
pub(super) fn sums_of_nothing(n: usize, epilogue: &Epilogue<'_>, c: &mut [f32]) {
    for row in c.chunks_mut(n) {
        for (j, x) in row.iter_mut().enumerate() {
            *x = epilogue.apply(j, 0.0);
        }
    }
}

/// Apply the epilogue to the finished `rows × cols` tile at `ct` (row stride `ldc`) whose first
/// column is column `j0` of C.
///
/// # Safety
/// The tile lies inside C and no other thread touches it meanwhile.
pub(super) unsafe fn finish_tile(
    ct: *mut f32,
    ldc: usize,
    (rows, cols): (usize, usize),
    j0: usize,
    epilogue: &Epilogue<'_>,
) {
    for r in 0..rows {
        // SAFETY: row r of the tile is inside C and owned by the caller (see above).
        let row = unsafe { std::slice::from_raw_parts_mut(ct.add(r * ldc), cols) };
        for (jj, x) in row.iter_mut().enumerate() {
            *x = epilogue.apply(j0 + jj, *x);
        }
    }
}

/// Pack op(A)[:, pc..pc+kc] into MR-row panels, zero-padded below row m.
fn pack_a(par: Par, g: Gemm, a: &[f32], pc: usize, kc: usize, mr: usize, dst: &mut [f32]) {
    let (rs, cs) = g.a_strides();
    let fill = |(ip, panel): (usize, &mut [f32])| {
        let i0 = ip * mr;
        let rows = mr.min(g.m - i0);
        for p in 0..kc {
            let out = &mut panel[p * mr..(p + 1) * mr];
            for (r, x) in out.iter_mut().enumerate() {
                *x = if r < rows { a[(i0 + r) * rs + (pc + p) * cs] } else { 0.0 };
            }
        }
    };
    match par {
        Par::Seq => dst.chunks_mut(mr * kc).enumerate().for_each(fill),
        Par::Rayon => dst.par_chunks_mut(mr * kc).enumerate().for_each(fill),
    }
}

/// Pack op(B)[pc..pc+kc, :] into NR-column panels as f32, zero-padded right of column n.
fn pack_b<W: Weight>(par: Par, g: Gemm, b: &[W], pc: usize, kc: usize, nr: usize, dst: &mut [f32]) {
    let (rs, cs) = g.b_strides();
    let fill = |(jp, panel): (usize, &mut [f32])| {
        let j0 = jp * nr;
        let cols = nr.min(g.n - j0);
        for p in 0..kc {
            let out = &mut panel[p * nr..(p + 1) * nr];
            let row = (pc + p) * rs;
            if cs == 1 {
                W::widen(&b[row + j0..row + j0 + cols], &mut out[..cols]);
                out[cols..].fill(0.0);
            } else {
                for (jj, x) in out.iter_mut().enumerate() {
                    *x = if jj < cols { b[row + (j0 + jj) * cs].to_f32() } else { 0.0 };
                }
            }
        }
    };
    match par {
        Par::Seq => dst.chunks_mut(nr * kc).enumerate().for_each(fill),
        Par::Rayon => dst.par_chunks_mut(nr * kc).enumerate().for_each(fill),
    }
}
