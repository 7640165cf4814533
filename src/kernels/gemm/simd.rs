//! The fast CPU SGEMM: BLIS-style packing around a register-blocked micro-kernel, tiles
//! spread over rayon's pool.
//!
//! ```text
//! for jc in 0..n step NC:                          a block of ≤ NC columns of C
//!     for pc in 0..k step KC:                      a k-slice of depth kc
//!         pack op(B)[pc..pc+kc, jc..jc+nc] → NR-column panels   (kc·nc ≤ 2 MiB)
//!         for each task = (row panels × column panels) of the block, in parallel:
//!             for each MR-row panel ip:
//!                 pack op(A)[ip rows, pc..pc+kc] → one MR-row panel   (≤ 28 KiB: L1)
//!                 for each NR panel jp:  micro-kernel: C tile (+)= A panel · B panel
//!                                        (last slice: + bias, activation, in registers)
//! ```
//!
//! Packing absorbs the transposes: the micro-kernel only ever sees contiguous panels, so `nn`,
//! `nt` and `tn` run the same code — and A need not be a stored matrix at all: any
//! [`PanelSource`] can fill its panels, which is how the convolution feeds im2col rows to the
//! GEMM without writing the im2col matrix ([`crate::kernels::conv::simd`]). Padding rows and
//! columns of the panels are zeros.
//!
//! Why this loop order: the A panel, broadcast one element at a time, stays in L1 while the
//! B panels stream from L2 with a software prefetch; on this 2-core AVX-512 machine that runs
//! a core at ~168 GFLOP/s against ~150 for the other order (B panel in L1, A streamed), of a
//! 202 GFLOP/s FMA peak. Tasks are sized so each thread gets about four, and split the columns
//! too when there are few rows (a batch of 64 is five panels), so two cores stay busy.
//!
//! KC, NC and the task height were chosen by timing `cinegenre bench gemm` on this machine
//! (2 threads, interleaved runs, best of 9): KC = 512, NC = 1024, 4 panels per task gave
//! 256 / 259 / 264 GFLOP/s at n = 512 / 1024 / 2048, against 215 / 235 / 259 for KC = 256 with
//! 8 panels and 247 / 253 / 255 for NC = 512. One k-slice at n = 512 saves a pass over C.

use std::cell::Cell;
use std::ops::Range;

use rayon::prelude::*;

use super::half::Weight;
pub(crate) use super::micro::A_STRIDE;
use super::micro::{self, MicroKernel, TileOut};
use super::pack;
use super::{Epilogue, Gemm};
use crate::backend::Par;
use crate::kernels::Activation;
use crate::simd::SimdLevel;

/// Depth of one k-slice: the A panel (MR·KC floats, 28 KiB) stays in L1 (48 KiB here).
const KC: usize = 512;
/// Columns per block: a packed k-slice of B (KC·NC floats, 2 MiB) streams from L2 and L3.
const NC: usize = 1024;
/// Most MR-row panels per task (its C block stays in L2 across k-slices).
const MAX_PANELS_PER_TASK: usize = 4;
/// Tasks per thread aimed for, so uneven tasks still balance.
const TASKS_PER_THREAD: usize = 4;
/// The A panel buffer: the largest MR's rows at [`A_STRIDE`].
const MAX_A_PANEL: usize = 14 * A_STRIDE;
const _: () = assert!(KC <= A_STRIDE);

struct Tile {
    mr: usize,
    nr: usize,
    kernel: MicroKernel,
}

fn tile(level: SimdLevel) -> Tile {
    #[cfg(target_arch = "x86_64")]
    {
        match level {
            SimdLevel::Avx512 => return Tile { mr: 14, nr: 32, kernel: micro::avx512 },
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

/// Where the GEMM's left operand op(A) (m × k) comes from: it is only ever read one MR-row
/// panel of one k-slice at a time, so it may be computed rather than stored.
pub trait PanelSource: Sync {
    /// Write op(A)[i0 + r, pc + p] into `dst[r·A_STRIDE + p]` for r < `rows`, p < `kc`, and
    /// zeros into the first `kc` floats of the rows `rows..mr` ([`A_STRIDE`] = 528 ≥ kc).
    fn pack(&self, i0: usize, rows: usize, pc: usize, kc: usize, mr: usize, dst: &mut [f32]);
}

/// op(A) stored with element (i, p) at `a[i·rs + p·cs]`, as f32 or widened from f16/bf16.
pub struct Strided<'a, T: Weight = f32> {
    a: &'a [T],
    rs: usize,
    cs: usize,
    level: SimdLevel,
}

impl<'a, T: Weight> Strided<'a, T> {
    /// op(A) with element (i, p) at `a[i·rs + p·cs]` (see [`Gemm::a_strides`] for the usual two).
    pub fn new(a: &'a [T], rs: usize, cs: usize, level: SimdLevel) -> Strided<'a, T> {
        Strided { a, rs, cs, level }
    }

    /// A row-major (m, k) matrix.
    pub fn row_major(a: &'a [T], k: usize, level: SimdLevel) -> Strided<'a, T> {
        Strided { a, rs: k, cs: 1, level }
    }
}

impl<T: Weight> PanelSource for Strided<'_, T> {
    fn pack(&self, i0: usize, rows: usize, pc: usize, kc: usize, mr: usize, dst: &mut [f32]) {
        let Strided { a, rs, cs, level } = *self;
        if cs == 1 {
            // Rows of op(A) are contiguous: copy (widen) them.
            for r in 0..rows {
                let at = (i0 + r) * rs + pc;
                T::widen(&a[at..at + kc], &mut dst[r * A_STRIDE..r * A_STRIDE + kc]);
            }
        } else if let Some(a) = T::as_f32(a) {
            // Columns of op(A) are contiguous (rs = 1, the `tn` product): transpose blocks of
            // 16 k-columns, each a run of `rows` floats in A.
            for (r0, p0) in (0..rows)
                .step_by(pack::WIDTH)
                .flat_map(|r0| (0..kc).step_by(pack::WIDTH).map(move |p0| (r0, p0)))
            {
                let (height, width) = (pack::WIDTH.min(rows - r0), pack::WIDTH.min(kc - p0));
                let mut src: [Option<&[f32]>; pack::WIDTH] = [None; pack::WIDTH];
                for (p, slot) in src.iter_mut().enumerate().take(width) {
                    *slot = Some(&a[(pc + p0 + p) * cs + (i0 + r0) * rs..][..height]);
                }
                let out = &mut dst[r0 * A_STRIDE + p0..];
                pack::transpose(level, &src[..width], height, (width, A_STRIDE), out);
            }
        } else {
            for r in 0..rows {
                for (p, x) in dst[r * A_STRIDE..r * A_STRIDE + kc].iter_mut().enumerate() {
                    *x = a[(i0 + r) * rs + (pc + p) * cs].to_f32();
                }
            }
        }
        zero_rows(rows..mr, kc, dst);
    }
}

/// Zero the first `kc` floats of A-panel rows `rows` (the padding below op(A)'s last row).
pub(crate) fn zero_rows(rows: Range<usize>, kc: usize, dst: &mut [f32]) {
    for r in rows {
        dst[r * A_STRIDE..r * A_STRIDE + kc].fill(0.0);
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
    let (rs, cs) = g.a_strides();
    gemm_from(level, par, g, &Strided::new(a, rs, cs, level), b, epilogue, c);
}

thread_local! {
    /// The packed k-slice of B, kept between calls so each GEMM does not fault in fresh pages.
    /// Taken out while in use: a nested call on the same thread (rayon work stealing) finds it
    /// empty and allocates its own.
    static B_SCRATCH: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// [`gemm`] with op(A) given by a [`PanelSource`]; `g.trans_a` is ignored (the source decides
/// the layout), `g.m` and `g.k` give op(A)'s shape.
pub fn gemm_from<A: PanelSource + ?Sized, W: Weight>(
    level: SimdLevel,
    par: Par,
    g: Gemm,
    a: &A,
    b: &[W],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    blocked(level, par, g, a, Right::Stored(b), epilogue, c);
}

/// [`gemm_from`] with B packed beforehand ([`PackedB`]): for weights used many times, such as
/// a convolution's kernel, whose packing would otherwise be redone by every call. `g.n`, `g.k`
/// must be the packed matrix's and `level` its level (checked by the caller).
pub fn gemm_packed<A: PanelSource + ?Sized>(
    level: SimdLevel,
    par: Par,
    g: Gemm,
    a: &A,
    b: &PackedB,
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    assert!(b.level == level && b.k == g.k && b.n == g.n, "B was packed for another product");
    blocked(level, par, g, a, Right::<f32>::Packed(b), epilogue, c);
}

/// op(B) (k × n) cut into the panels [`gemm_packed`] reads: for each block of NC columns, for
/// each k-slice, NR-column panels of kc rows (zero-padded on the right).
#[derive(Debug, Clone)]
pub struct PackedB {
    level: SimdLevel,
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl PackedB {
    /// Pack op(B) — shape (`g.k`, `g.n`), transposed if `g.trans_b` — for `level`'s kernel.
    pub fn new<W: Weight>(level: SimdLevel, g: Gemm, b: &[W]) -> PackedB {
        let nr = tile(level).nr;
        let (k, n) = (g.k, g.n);
        let mut panels = vec![0.0f32; k * n.div_ceil(nr) * nr];
        let depth = slice_depth(k);
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            for pc in (0..k).step_by(depth) {
                let kc = depth.min(k - pc);
                let at = jc * k + pc * nc.div_ceil(nr) * nr;
                let len = nc.div_ceil(nr) * nr * kc;
                pack_b(Par::Rayon, g, b, (pc, kc), (jc, nc), nr, &mut panels[at..at + len]);
            }
        }
        PackedB { level, k, n, panels }
    }

    /// The level whose kernel this packing is for.
    pub fn level(&self) -> SimdLevel {
        self.level
    }

    /// (k, n) of op(B).
    pub fn shape(&self) -> (usize, usize) {
        (self.k, self.n)
    }

    /// The panels of block `jc` (width `nc`), k-slice `pc` (depth `kc`).
    fn slice(&self, (jc, nc): (usize, usize), (pc, kc): (usize, usize), nr: usize) -> &[f32] {
        let at = jc * self.k + pc * nc.div_ceil(nr) * nr;
        &self.panels[at..at + nc.div_ceil(nr) * nr * kc]
    }
}

/// Where [`blocked`] gets B's panels.
enum Right<'a, W> {
    /// Packed per k-slice into a scratch buffer.
    Stored(&'a [W]),
    Packed(&'a PackedB),
}

/// The blocked algorithm of the module doc.
fn blocked<A: PanelSource + ?Sized, W: Weight>(
    level: SimdLevel,
    par: Par,
    g: Gemm,
    a: &A,
    b: Right<'_, W>,
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
    let threads = match par {
        Par::Seq => 1,
        Par::Rayon => rayon::current_num_threads(),
    };
    let m_panels = m.div_ceil(mr);
    let cptr = SharedC(c.as_mut_ptr());
    let depth = slice_depth(k);
    for jc in (0..n).step_by(NC) {
        let nc = NC.min(n - jc);
        let n_panels = nc.div_ceil(nr);
        let tasks = plan(m_panels, n_panels, threads);
        // One k-slice of one task: every tile of the task gets the slice's contribution.
        let slice = |task: &Task, (pc, kc): (usize, usize), bpack: &[f32]| {
            let last = pc + kc == k;
            let mut apanel = [0.0f32; MAX_A_PANEL];
            let apanel = &mut apanel[..mr * A_STRIDE];
            for ip in task.row_panels.clone() {
                let (i0, rows) = (ip * mr, mr.min(m - ip * mr));
                a.pack(i0, rows, pc, kc, mr, apanel);
                for jp in task.col_panels.clone() {
                    let (j0, cols) = (jc + jp * nr, nr.min(nc - jp * nr));
                    let bp = &bpack[jp * nr * kc..(jp + 1) * nr * kc];
                    let bias = match (last, epilogue.bias) {
                        (true, Some(bias)) => bias[j0..j0 + cols].as_ptr(),
                        _ => std::ptr::null(),
                    };
                    let out = TileOut {
                        // SAFETY: i0 < m and j0 < n, so the offset is inside C.
                        c: unsafe { cptr.get().add(i0 * n + j0) },
                        ldc: n,
                        rows,
                        cols,
                        accumulate: pc > 0,
                        bias,
                        relu: last && epilogue.activation == Activation::Relu,
                    };
                    // SAFETY: the panels hold kc·mr and kc·nr floats; the tile
                    // [i0, i0+rows) × [j0, j0+cols) lies inside C (m × n, row stride n) and
                    // belongs to this task alone; `bias` has `cols` entries; `kernel`
                    // matches `level`, which this CPU has.
                    unsafe { kernel(kc, apanel.as_ptr(), bp.as_ptr(), &out) };
                    if last && epilogue.activation == Activation::Sigmoid {
                        let sigmoid = Epilogue { bias: None, activation: Activation::Sigmoid };
                        // SAFETY: as above; the tile is this task's.
                        unsafe { finish_tile(out.c, n, (rows, cols), j0, &sigmoid) };
                    }
                }
            }
        };
        let slices = || (0..k).step_by(depth).map(|pc| (pc, depth.min(k - pc)));
        match b {
            // Pack each k-slice of B (all threads), then every task adds that slice.
            Right::Stored(b) => {
                let mut bpack = B_SCRATCH.take();
                for (pc, kc) in slices() {
                    let len = n_panels * nr * kc;
                    bpack.resize(bpack.len().max(len), 0.0);
                    pack_b(par, g, b, (pc, kc), (jc, nc), nr, &mut bpack[..len]);
                    let bpack = &bpack[..len];
                    let run = |task: &Task| slice(task, (pc, kc), bpack);
                    match par {
                        Par::Seq => tasks.iter().for_each(run),
                        Par::Rayon => tasks.par_iter().for_each(run),
                    }
                }
                B_SCRATCH.set(bpack);
            }
            // B is ready: each task runs all its k-slices with no barrier in between, so its
            // C block stays in cache from one slice to the next.
            Right::Packed(packed) => {
                let run = |task: &Task| {
                    for (pc, kc) in slices() {
                        slice(task, (pc, kc), packed.slice((jc, nc), (pc, kc), nr));
                    }
                };
                match par {
                    Par::Seq => tasks.iter().for_each(run),
                    Par::Rayon => tasks.par_iter().for_each(run),
                }
            }
        }
    }
}

/// The depth of the k-slices of a k-deep product: at most [`KC`], and as even as possible
/// (k = 576 makes two slices of 288, not 512 + 64: a thin slice is a pass over C for little).
fn slice_depth(k: usize) -> usize {
    k.div_ceil(k.div_ceil(KC).max(1)).max(1)
}

/// A rectangle of tiles of C one thread computes (here and in [`amx`](super::amx)).
pub(super) struct Task {
    pub(super) row_panels: Range<usize>,
    pub(super) col_panels: Range<usize>,
}

/// Cut `m_panels × n_panels` tiles into about [`TASKS_PER_THREAD`] tasks per thread: rows
/// first (up to [`MAX_PANELS_PER_TASK`] panels each), then columns if rows alone are too few.
pub(super) fn plan(m_panels: usize, n_panels: usize, threads: usize) -> Vec<Task> {
    let want = if threads == 1 { 1 } else { threads * TASKS_PER_THREAD };
    let rows_per_task = m_panels.div_ceil(want).clamp(1, MAX_PANELS_PER_TASK);
    let row_tasks = m_panels.div_ceil(rows_per_task);
    let col_groups = want.div_ceil(row_tasks).clamp(1, n_panels);
    let cols_per_task = n_panels.div_ceil(col_groups);
    let mut tasks = Vec::with_capacity(row_tasks * col_groups);
    for r0 in (0..m_panels).step_by(rows_per_task) {
        for c0 in (0..n_panels).step_by(cols_per_task) {
            tasks.push(Task {
                row_panels: r0..m_panels.min(r0 + rows_per_task),
                col_panels: c0..n_panels.min(c0 + cols_per_task),
            });
        }
    }
    tasks
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

/// Pack op(B)[pc..pc+kc, jc..jc+nc] into NR-column panels as f32, zero-padded right of the
/// block.
fn pack_b<W: Weight>(
    par: Par,
    g: Gemm,
    b: &[W],
    (pc, kc): (usize, usize),
    (jc, nc): (usize, usize),
    nr: usize,
    dst: &mut [f32],
) {
    let (rs, cs) = g.b_strides();
    let fill = |(jp, panel): (usize, &mut [f32])| {
        let j0 = jc + jp * nr;
        let cols = nr.min(jc + nc - j0);
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
