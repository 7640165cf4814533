//! The fast CPU GEMM: BLIS-style packing around a register-blocked micro-kernel, tiles
//! spread over rayon's pool. One driver for the f32 kernels ([`F32`]) and the bf16 pair kernel
//! ([`super::pairs`]): a [`Unit`] says what a panel holds and how it is filled.
//!
//! ```text
//! for jc in 0..n step NC:                          a block of ≤ NC columns of C
//!     for pc in 0..k step KC:                      a k-slice of depth kc
//!         pack op(B)[pc..pc+kc, jc..jc+nc] → NR-column panels   (kc·nc ≤ 8 MiB; or prepacked;
//!                                                   one band of rows: each task its own columns)
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
//! GEMM without writing the im2col matrix. Padding rows and columns of the panels are zeros.
//! With B prepacked ([`super::PackedB`]) each task runs all its k-slices with no barrier in
//! between, so its C block stays in cache from one slice to the next.
//!
//! A short A (at most six row panels, e.g. an MLP batch of 64 rows times a 25088 × 1024 weight
//! matrix), and any stored A with enough columns per thread, is one band of rows
//! ([`super::tasks`]): every B panel is used by one task only, so each task packs its own
//! columns of B, slice by slice, with no barrier, and the packing of one thread runs beside
//! the products of the other. B then comes from memory once, in runs
//! of whole rows: [`F32::pack_b`] copies a group of panels row by row, asks for the rows
//! [`PACK_AHEAD`] ahead, and copies full panel rows as fixed-width moves. On a 2-core AMD EPYC
//! Zen 4 this took that product (`cargo bench --bench kernels -- gemm/dense1_fwd`) from 31.8 to
//! 28.7 ms on 2 threads and from 55 to 48 ms on one (the compute alone, B prepacked: 18 ms),
//! and the poster MLP's epoch (`cinegenre bench mlp`, best of 5) from 1.22 to 1.13 s; square
//! products are unchanged (best of 4 interleaved runs within ±4% at n = 256 … 4096).
//!
//! Why this loop order: the A panel, broadcast one element at a time, stays in L1 while the
//! B panels stream from L2 with a software prefetch; on a 2-core Sapphire-Rapids-class machine
//! that ran a core at ~168 GFLOP/s against ~150 for the other order (B panel in L1, A
//! streamed), of a 202 GFLOP/s FMA peak. Tasks ([`super::tasks`]) are small row blocks (one to
//! four panels), handed out as threads free up, or one band of all the rows (a short or a
//! stored A).
//!
//! KC and NC were chosen by timing `cinegenre bench gemm` there (2 threads, interleaved runs,
//! best of 9): KC = 512, NC = 1024, 4 panels per task gave 256 / 259 / 264 GFLOP/s at n = 512 /
//! 1024 / 2048, against 215 / 235 / 259 for KC = 256 with 8 panels and 247 / 253 / 255 for
//! NC = 512. One k-slice at n = 512 saves a pass over C. On a 2-core AMD EPYC Zen 4 (1 MiB L2
//! per core) NC = 4096 then beat 1024 at n = 2048 / 4096 (best of 4 interleaved runs: 208 /
//! 212 against 202 / 204 GFLOP/s, OpenBLAS 204 / 207): the B panels a row panel reads stream
//! from L3 at a few bytes per cycle, well inside its bandwidth, while each block of columns
//! costs one more packing of every A panel. Products with n ≤ 1024 are unchanged. On a 2 MiB
//! L2, products wider than 2048 columns with a stored A take blocks of 2048 columns and
//! slices of at most 384 ([`Blocking::for_product`]): half the packings of A for a third more
//! passes over C.
//!
//! What bounds it, on a 2-core Intel Xeon VM with AMX (215 GFLOP/s f32 FMA peak per core): the
//! k loop alone (`vbroadcastss` ×14, two B loads, 28 FMAs, two prefetches), written in
//! assembly with every operand in L1 or streamed from L2, runs at ~184 GFLOP/s, 86% of the
//! peak; this kernel in the same setting at ~176 (the tile's C and the loop's entry and exit);
//! inside the n = 4096 product at ~163, where it has 94% of the samples, the copies of A
//! panels 4.6% and the packing of B 1.3%. The product reaches ~158 per core, 74% of the peak
//! (OpenBLAS 0.3.31: 72–73%).

use super::micro::{self, MicroKernel, TileOut};
use super::panel::{A_STRIDE, Panel, PanelSource};
use super::problem::{Epilogue, Gemm};
use super::tasks::{self, SharedC, Task};
use super::weight::Weight;
use crate::backend::Par;
use crate::kernels::Activation;
use crate::simd::SimdLevel;

/// Deepest k-slice: the A panel (MR·KC floats, 28 KiB) stays in L1.
pub(super) const KC: usize = 512;
/// Columns per block where a core's L2 is smaller than [`WIDE_L2`]: a packed k-slice of B
/// (KC·NC floats, up to 8 MiB) streams from L3.
const NC_WIDE: usize = 4096;
/// Columns per block where a core's L2 holds at least [`WIDE_L2`]: a thread's half of the
/// slice (KC × 512 floats, 1 MiB) stays in its L2.
const NC_NARROW: usize = 1024;
/// The L2 from which [`NC_NARROW`] is used.
const WIDE_L2: usize = 2 << 20;

/// Columns per block of the loop nest (module doc): [`NC_NARROW`] on a CPU whose cores have
/// at least 2 MiB of L2, else [`NC_WIDE`]. Where a thread's share of the slice cannot stay in
/// L2 anyway, the widest block saves packing every A panel once per block. Measured
/// (`cinegenre bench gemm`, 2 threads, alternated runs): on a 2-core Intel Xeon VM with AMX
/// (2 MiB L2) 1024 columns gave 272 / 267 GFLOP/s at n = 2048 / 4096 against 263 / 234 for
/// 4096; on a 2-core AMD EPYC Zen 4 (1 MiB L2) 4096 gave 208 / 212 against 202 / 204.
/// The block splits columns only: the sums, and their order, are the same either way.
fn block_columns() -> usize {
    static NC: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *NC.get_or_init(|| match crate::simd::l2_bytes() {
        Some(l2) if l2 >= WIDE_L2 => NC_NARROW,
        _ => NC_WIDE,
    })
}
/// Deepest k-slice of a [`Blocking::two_blocks`] product.
const KC_SHALLOW: usize = 384;

/// How [`blocked`] cuts a product: columns per block and the deepest k-slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Blocking {
    columns: usize,
    depth: usize,
}

impl Blocking {
    /// [`block_columns`] and [`KC`]: what [`pack_all`] packs for, and what a prepacked B is
    /// always read with.
    fn packed() -> Blocking {
        Blocking { columns: block_columns(), depth: KC }
    }

    /// The blocking of a product whose B is packed per call, n columns wide, on `threads`
    /// threads, A stored or not.
    ///
    /// Where cores have [`WIDE_L2`] or more and a stored A gives each thread a band of columns
    /// of its own ([`super::tasks`]), a product wider than two blocks of [`NC_NARROW`] is cut
    /// into blocks twice as wide with slices of at most [`KC_SHALLOW`] (`two_blocks`), as long
    /// as a thread's share of a packed slice still fits three quarters of its L2 (384 × 1024
    /// floats, 1.5 MiB, on two threads). Each block costs every thread a packing of every A
    /// panel (at n = 4096, 4.6% of the time), and at n = 4096 that halves their number for a
    /// third more passes over C. Measured on a 2-core Intel Xeon VM with AMX (2 MiB L2,
    /// `cinegenre bench gemm`, three alternated runs, operands on huge pages): n = 4096 went
    /// from 309–311 to 316–317 GFLOP/s (448-deep slices 314–318, 256-deep 312–313); n = 2048
    /// was level with it (312 either way, hence the threshold), n = 1024 lost 2–3% with
    /// shallower slices. The slices being shallower, the k sums are added in another order
    /// than with [`KC`] (the values agree to rounding).
    fn for_product(n: usize, threads: usize, stored_a: bool) -> Blocking {
        let packed = Blocking::packed();
        let two_blocks = Blocking { columns: 2 * NC_NARROW, depth: KC_SHALLOW };
        let share = two_blocks.depth * two_blocks.columns.div_ceil(threads) * size_of::<f32>();
        match crate::simd::l2_bytes() {
            Some(l2)
                if packed.columns == NC_NARROW
                    && stored_a
                    && threads > 1
                    && n > two_blocks.columns
                    && share <= l2 / 4 * 3 =>
            {
                two_blocks
            }
            _ => packed,
        }
    }
}

/// The A panel buffer: the largest MR's rows at [`A_STRIDE`] (whole lines, so that the f32
/// source after it starts on one too).
const MAX_A_PANEL: usize = 14 * A_STRIDE;
const _: () = assert!(MAX_A_PANEL.is_multiple_of(16));
const _: () = assert!(KC <= A_STRIDE);

/// A register-blocked kernel the driver runs: its tile, what its panels hold, how they are
/// filled.
pub(super) trait Unit: Sync {
    /// A panel element: an f32, or a u32 holding two bf16 of consecutive k (both 4 bytes).
    type E: bytemuck::Pod + Default + Send + Sync;
    /// Distance in elements between the rows of an A panel.
    const A_ROW: usize;
    /// Whether [`Unit::pack_a`] needs an f32 panel to convert from.
    const CONVERTS_A: bool;
    /// Rows and columns of the tile, and the kernel.
    fn tile(&self) -> (usize, usize, MicroKernel<Self::E>);
    /// The level passed to panel sources.
    fn level(&self) -> SimdLevel;
    /// Elements along a panel row for a k-slice of depth `kc`.
    fn units(kc: usize) -> usize;
    /// Fill `dst` (mr rows at [`Unit::A_ROW`]) with one panel of op(A); `wide` is an f32 panel
    /// buffer (mr rows at [`A_STRIDE`]) when [`Unit::CONVERTS_A`].
    fn pack_a<A: PanelSource + ?Sized>(&self, a: &A, panel: &Panel, wide: &mut [f32], dst: &mut [Self::E]);
    /// Pack op(B)[pc..pc+kc, jc..jc+nc] into NR-column panels of `units(kc)` rows,
    /// zero-padded right of the block.
    fn pack_b<W: Weight>(&self, par: Par, g: Gemm, b: &[W], block: Block, dst: &mut [Self::E]);
}

/// Rows `k` of op(B) and its columns `cols`: one k-slice of one column block.
#[derive(Debug, Clone, Copy)]
pub(super) struct Block {
    pub(super) k: Slice,
    pub(super) cols: Slice,
}

/// A range `start..start + len` of k or of the columns.
pub(super) type Slice = (usize, usize);

/// The f32 micro-kernel of a SIMD level.
pub(super) struct F32(pub(super) SimdLevel);

impl Unit for F32 {
    type E = f32;
    const A_ROW: usize = A_STRIDE;
    const CONVERTS_A: bool = false;

    fn tile(&self) -> (usize, usize, MicroKernel<f32>) {
        #[cfg(target_arch = "x86_64")]
        match self.0 {
            SimdLevel::Avx512 => return (14, 32, micro::avx512),
            SimdLevel::Avx2 => return (6, 16, micro::avx2),
            SimdLevel::Portable => {}
        }
        (4, 8, micro::portable)
    }

    fn level(&self) -> SimdLevel {
        self.0
    }

    fn units(kc: usize) -> usize {
        kc
    }

    fn pack_a<A: PanelSource + ?Sized>(&self, a: &A, panel: &Panel, _: &mut [f32], dst: &mut [f32]) {
        a.pack(panel, dst);
    }

    fn pack_b<W: Weight>(&self, par: Par, g: Gemm, b: &[W], block: Block, dst: &mut [f32]) {
        let Block { k: (pc, kc), cols: (jc, nc) } = block;
        let (rs, cs) = g.b_strides();
        let nr = self.tile().1;
        // A group of up to PACK_GROUP panels, row by row: B's rows are read in runs of up to
        // PACK_GROUP·nr elements rather than nr, and each is asked for PACK_AHEAD rows early
        // (rows one page apart defeat the hardware prefetchers).
        let group = nc.div_ceil(nr).div_ceil(tasks::threads(par)).clamp(1, PACK_GROUP);
        let fill = |(index, panels): (usize, &mut [f32])| {
            let first = jc + index * group * nr;
            let span = (panels.len() / kc).min(jc + nc - first);
            for p in 0..kc {
                let row = (pc + p) * rs;
                if cs == 1 && p + PACK_AHEAD < kc {
                    let ahead = row + PACK_AHEAD * rs + first;
                    micro::prefetch(b[ahead..ahead + span].as_ptr().cast::<f32>(), span * size_of::<W>() / 4);
                }
                for (jp, panel) in panels.chunks_exact_mut(nr * kc).enumerate() {
                    let j0 = first + jp * nr;
                    let cols = nr.min(jc + nc - j0);
                    let out = &mut panel[p * nr..(p + 1) * nr];
                    if cs == 1 && cols == nr {
                        widen_full(&b[row + j0..row + j0 + nr], out);
                    } else if cs == 1 {
                        W::widen(&b[row + j0..row + j0 + cols], &mut out[..cols]);
                        out[cols..].fill(0.0);
                    } else {
                        for (jj, x) in out.iter_mut().enumerate() {
                            *x = if jj < cols { b[row + (j0 + jj) * cs].to_f32() } else { 0.0 };
                        }
                    }
                }
            }
        };
        tasks::fill_panels(par, dst, group * nr * kc, fill);
    }
}

/// Most B panels packed together, row by row (see [`F32::pack_b`]).
const PACK_GROUP: usize = 16;
/// Rows of B asked for ahead of the packing (4 to 32 timed the same).
const PACK_AHEAD: usize = 8;

/// `dst = src` widened, for a full panel row: the widths of the micro-kernels are constants
/// here, so the copy is a few vector moves instead of a call to `memcpy` per row.
#[inline(always)]
fn widen_full<W: Weight>(src: &[W], dst: &mut [f32]) {
    match dst.len() {
        32 => W::widen(&src[..32], &mut dst[..32]),
        16 => W::widen(&src[..16], &mut dst[..16]),
        8 => W::widen(&src[..8], &mut dst[..8]),
        len => W::widen(&src[..len], dst),
    }
}

/// Where [`blocked`] gets B's panels.
pub(super) enum Right<'a, W, E> {
    /// Stored as `W`: packed per k-slice into a scratch buffer.
    Stored(&'a [W]),
    /// Every panel, made by [`pack_all`].
    Packed(&'a [E]),
}

/// The depth of the k-slices of a k-deep product: at most `deepest` (≤ [`KC`]), as even as
/// possible (k = 576 makes two slices of 288, not 512 + 64: a thin slice is a pass over C for
/// little), and even, so that a slice never splits a bf16 pair.
fn slice_depth(k: usize, deepest: usize) -> usize {
    k.div_ceil(k.div_ceil(deepest).max(1)).next_multiple_of(2).clamp(2, deepest)
}

/// The k-slices of a k-deep product, each at most `deepest`.
fn slices(k: usize, deepest: usize) -> impl Iterator<Item = Slice> {
    let depth = slice_depth(k, deepest);
    (0..k).step_by(depth).map(move |pc| (pc, depth.min(k - pc)))
}

/// Offset and length of block (jc, nc), slice (pc, kc) in a [`pack_all`] buffer of a k-deep B.
fn packed_range<U: Unit>(nr: usize, k: usize, (jc, nc): Slice, (pc, kc): Slice) -> (usize, usize) {
    let width = nc.div_ceil(nr) * nr;
    (jc * U::units(k) + U::units(pc) * width, width * U::units(kc))
}

/// Every panel of op(B) (shape (`g.k`, `g.n`), transposed if `g.trans_b`) in the order
/// [`blocked`] reads them: per block of NC columns, per k-slice, NR-column panels.
pub(super) fn pack_all<U: Unit, W: Weight>(unit: &U, g: Gemm, b: &[W]) -> LinePanels {
    let nr = unit.tile().1;
    let mut all = LinePanels::zeroed(U::units(g.k) * g.n.div_ceil(nr) * nr);
    let panels = all.as_mut_slice::<U::E>();
    let Blocking { columns: block, depth } = Blocking::packed();
    for jc in (0..g.n).step_by(block) {
        let nc = block.min(g.n - jc);
        for (pc, kc) in slices(g.k, depth) {
            let (at, len) = packed_range::<U>(nr, g.k, (jc, nc), (pc, kc));
            unit.pack_b(Par::Rayon, g, b, Block { k: (pc, kc), cols: (jc, nc) }, &mut panels[at..at + len]);
        }
    }
    all
}

/// One cache line of panel elements (16 words of 4 bytes: f32, or u32 bf16 pairs). Panels of
/// B are kept in lines so that they start on one: a panel row of NR = 32 (or 16) elements is
/// then whole lines, and no vector load of the micro-kernel straddles two. A plain `Vec<f32>`
/// of a megabyte starts 16 bytes into a line (glibc's header), and then every other load of B
/// is a split load: aligning the packed k-slice raised n = 4096 from 301–310 to 309–312
/// GFLOP/s (`cinegenre bench gemm`, 2-core Intel Xeon with AMX, three alternated runs).
#[repr(C, align(64))]
#[derive(Debug, Clone, Copy, bytemuck::Zeroable, bytemuck::Pod)]
pub(super) struct Line([u32; 16]);

/// `len` panel elements on whole [`Line`]s.
#[derive(Debug, Clone)]
pub(super) struct LinePanels {
    lines: Vec<Line>,
    len: usize,
}

impl LinePanels {
    /// `len` zero elements.
    fn zeroed(len: usize) -> LinePanels {
        LinePanels { lines: vec![bytemuck::Zeroable::zeroed(); len.div_ceil(16)], len }
    }

    /// The elements, as f32 or u32.
    pub(super) fn as_slice<E: bytemuck::Pod>(&self) -> &[E] {
        &bytemuck::cast_slice(&self.lines)[..self.len]
    }

    fn as_mut_slice<E: bytemuck::Pod>(&mut self) -> &mut [E] {
        &mut bytemuck::cast_slice_mut(&mut self.lines)[..self.len]
    }
}

thread_local! {
    /// The packed k-slice of B, kept between calls so each GEMM does not fault in fresh pages.
    /// Taken out while in use: a nested call on the same thread (rayon work stealing) finds it
    /// empty and allocates its own.
    static B_SCRATCH: std::cell::Cell<Vec<Line>> = const { std::cell::Cell::new(Vec::new()) };
    /// An A panel and its f32 source (two [`MAX_A_PANEL`]s of 4-byte words), taken per slice.
    static A_SCRATCH: std::cell::Cell<Vec<Line>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The first `len` elements of a scratch buffer (grown as needed), from the start of a line.
fn on_lines<E: bytemuck::Pod>(scratch: &mut Vec<Line>, len: usize) -> &mut [E] {
    scratch.resize(scratch.len().max(len.div_ceil(16)), bytemuck::Zeroable::zeroed());
    &mut bytemuck::cast_slice_mut(scratch)[..len]
}

/// The blocked algorithm of the module doc, for any [`Unit`]. Shapes were checked by the
/// caller; the unit's instructions must be supported by this CPU (a SIMD level is, by
/// construction of [`SimdLevel`]). B stored as `W` is widened while packing, once per k-slice.
pub(super) fn blocked<U: Unit, A: PanelSource + ?Sized, W: Weight>(
    unit: &U,
    par: Par,
    g: Gemm,
    a: &A,
    b: Right<'_, W, U::E>,
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    let (mr, nr, kernel) = unit.tile();
    let (m, n, k) = (g.m, g.n, g.k);
    if tasks::trivial(m, n, k, &epilogue, c) {
        return;
    }
    let m_panels = m.div_ceil(mr);
    let cptr = SharedC::new(c);
    let Blocking { columns: block, depth: deepest } = match b {
        Right::Stored(_) => Blocking::for_product(n, tasks::threads(par), a.stored()),
        Right::Packed(_) => Blocking::packed(),
    };
    for jc in (0..n).step_by(block) {
        let nc = block.min(n - jc);
        let n_panels = nc.div_ceil(nr);
        let tasks = tasks::plan(m_panels, n_panels, k, par, a.stored());
        // One k-slice of one task: every tile of the task gets the slice's contribution.
        // `bpack` holds the block's B panels from panel `first` on.
        let slice = |task: &Task, (pc, kc): Slice, (bpack, first): (&[U::E], usize)| {
            let (last, depth) = (pc + kc == k, U::units(kc));
            // The A panel and (for converting units) its f32 source, kept per thread: zeroing
            // 2 × 28 KiB per slice cost ~20% of the small GEMMs of a Winograd conv.
            let mut scratch = A_SCRATCH.take();
            let (apanel, wide) = on_lines::<u32>(&mut scratch, 2 * MAX_A_PANEL).split_at_mut(MAX_A_PANEL);
            let apanel: &mut [U::E] = bytemuck::cast_slice_mut(&mut apanel[..mr * U::A_ROW]);
            let wide: &mut [f32] =
                bytemuck::cast_slice_mut(&mut wide[..if U::CONVERTS_A { mr * A_STRIDE } else { 0 }]);
            for ip in task.row_panels.clone() {
                let (i0, rows) = (ip * mr, mr.min(m - ip * mr));
                let panel = Panel { i0, rows, pc, kc, mr, level: unit.level() };
                unit.pack_a(a, &panel, wide, apanel);
                for jp in task.col_panels.clone() {
                    let (j0, cols) = (jc + jp * nr, nr.min(nc - jp * nr));
                    let bp = &bpack[(jp - first) * nr * depth..(jp - first + 1) * nr * depth];
                    let bias = match (last, epilogue.bias) {
                        (true, Some(bias)) => bias[j0..j0 + cols].as_ptr(),
                        _ => std::ptr::null(),
                    };
                    let out = TileOut {
                        // SAFETY: i0 < m and j0 < n, so the offset is inside C.
                        c: unsafe { cptr.at(i0 * n + j0) },
                        ldc: n,
                        rows,
                        cols,
                        accumulate: pc > 0,
                        bias,
                        relu: last && epilogue.activation == Activation::Relu,
                    };
                    // SAFETY: the panels hold depth·mr and depth·nr elements; the tile
                    // [i0, i0+rows) × [j0, j0+cols) lies inside C (m × n, row stride n) and
                    // belongs to this task alone; `bias` has `cols` entries; `kernel` is the
                    // unit's, whose instructions this CPU has.
                    unsafe { kernel(depth, apanel.as_ptr(), bp.as_ptr(), &out) };
                    if last && epilogue.activation == Activation::Sigmoid {
                        let sigmoid = Epilogue { bias: None, activation: Activation::Sigmoid };
                        // SAFETY: as above; the tile is this task's.
                        unsafe { tasks::finish_tile(out.c, n, (rows, cols), j0, &sigmoid) };
                    }
                }
            }
            A_SCRATCH.set(scratch);
        };
        match b {
            // One band of rows: each B panel belongs to one task, which packs it itself, so
            // packing runs beside the other threads' products and stays in this core's cache.
            // The sums are the same, in the same order, as on the shared path below.
            Right::Stored(b) if tasks.iter().all(|t| t.row_panels.len() == m_panels) => {
                tasks::run(par, &tasks, |task| {
                    let mut scratch = B_SCRATCH.take();
                    let first = task.col_panels.start;
                    let (j0, cols) = (jc + first * nr, (nr * task.col_panels.len()).min(nc - first * nr));
                    for (pc, kc) in slices(k, deepest) {
                        let bpack = on_lines::<U::E>(&mut scratch, task.col_panels.len() * nr * U::units(kc));
                        unit.pack_b(Par::Seq, g, b, Block { k: (pc, kc), cols: (j0, cols) }, bpack);
                        slice(task, (pc, kc), (bpack, first));
                    }
                    B_SCRATCH.set(scratch);
                })
            }
            // Pack each k-slice of B (all threads), then every task adds that slice.
            Right::Stored(b) => {
                let mut scratch = B_SCRATCH.take();
                for (pc, kc) in slices(k, deepest) {
                    let bpack = on_lines::<U::E>(&mut scratch, n_panels * nr * U::units(kc));
                    unit.pack_b(par, g, b, Block { k: (pc, kc), cols: (jc, nc) }, bpack);
                    let bpack = &*bpack;
                    tasks::run(par, &tasks, |task| slice(task, (pc, kc), (bpack, 0)));
                }
                B_SCRATCH.set(scratch);
            }
            Right::Packed(panels) => tasks::run(par, &tasks, |task| {
                for (pc, kc) in slices(k, deepest) {
                    let (at, len) = packed_range::<U>(nr, k, (jc, nc), (pc, kc));
                    slice(task, (pc, kc), (&panels[at..at + len], 0));
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packed panels and both scratch buffers start on a 64-byte line, whatever the length.
    #[test]
    fn panels_start_on_a_line() {
        for len in [1, 15, 16, 17, 1000, 300_001] {
            let panels = LinePanels::zeroed(len);
            assert_eq!(panels.as_slice::<f32>().len(), len);
            assert_eq!(panels.as_slice::<u32>().as_ptr() as usize % 64, 0, "len {len}");
            let mut scratch = Vec::new();
            assert_eq!(on_lines::<f32>(&mut scratch, len).as_ptr() as usize % 64, 0, "len {len}");
            assert_eq!(on_lines::<u32>(&mut scratch, len).len(), len);
        }
        let g = Gemm::nn(3, 70, 40);
        let b: Vec<f32> = (0..40 * 70).map(|i| i as f32).collect();
        let packed = pack_all(&F32(SimdLevel::Portable), g, &b);
        assert_eq!(packed.as_slice::<f32>().as_ptr() as usize % 64, 0);
    }

    /// Blocks of two [`NC_NARROW`]s with shallow slices only for a product wider than two
    /// blocks, A stored (a band of columns per thread), several threads, and a large L2.
    #[test]
    fn two_blocks_only_for_wide_products_cut_by_columns() {
        let large_l2 = crate::simd::l2_bytes().is_some_and(|l2| l2 >= WIDE_L2);
        let want = match large_l2 {
            true => Blocking { columns: 2 * NC_NARROW, depth: KC_SHALLOW },
            false => Blocking::packed(),
        };
        assert_eq!(Blocking::for_product(4096, 2, true), want);
        for (n, threads, stored_a) in [(2048, 2, true), (4096, 1, true), (4096, 2, false)] {
            assert_eq!(
                Blocking::for_product(n, threads, stored_a),
                Blocking::packed(),
                "{n} {threads} {stored_a}"
            );
        }
        assert_eq!(slices(4096, KC_SHALLOW).count(), 11);
        assert!(slices(4096, KC_SHALLOW).all(|(_, kc)| kc <= KC_SHALLOW && kc % 2 == 0));
    }
}
