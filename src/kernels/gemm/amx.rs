//! bf16 GEMM on Intel AMX tiles: C(f32) = act(bf16(op(A)) · bf16(B) + bias), f32 sums.
//!
//! ```text
//! tiles (16 rows × 64 bytes each):  tmm4, tmm5 = A rows 0–15, 16–31   (16 × 32 bf16, k along a row)
//!                                   tmm6, tmm7 = B cols 0–15, 16–31   (16 k-pairs × 16 cols × 2 bf16)
//!                                   tmm0–3     = the 32 × 32 f32 block of C
//! for each 32-deep k-block q:       tmm[2i+j] += A_i(q) · B_j(q)      (TDPBF16PS: 16·16·32 MACs each)
//! ```
//!
//! Both operands are rounded to bf16 (8 significant bits, round to nearest even), products of
//! pairs are exact and sums are f32 — the arithmetic of `pairs`'s `vdpbf16ps`,
//! so the same error: ‖C − C_f32‖/‖C_f32‖ ≈ 2.1e-3 on uniform data (√2 × the error of
//! rounding B alone). What changes is speed: one TDPBF16PS does 8,192
//! multiply-adds; measured on a 2-core Intel Xeon VM with AMX, a loop of them runs at
//! 3.1 TFLOP/s per core against 0.21 TFLOP/s for AVX-512 f32 FMAs.
//!
//! The loop nest (what the tile unit needs to be kept busy):
//!
//! ```text
//! B packed once, tile order:   [k-chunk c][B panel jp][k-block q of c][tile 0 | tile 1]  (1 KB tiles)
//! A packed once per task:      [k-chunk c][A panel  ][k-block q of c][tile 0 | tile 1]
//! task = ≤ 8 row panels (256 rows) × all columns      (plan: a multiple of the threads, even)
//! for each column group g of the task (16 B panels, 512 columns):
//!     for each k-chunk c (KC = 256 deep; g's chunk of B, 256 KB, stays in L2):
//!         for each A panel of the task (its chunk, 16 KB, stays in L1; packed during g = 0):
//!             for each B panel of g (its chunk streams from L2, prefetched 2 k-blocks ahead):
//!                 tmm0–3 ← the block's partial sums (zero on the first chunk)
//!                 for q in c: 4 tile loads, 4 TDPBF16PS, and a share of what comes next
//!                             asked into L2 (`Ahead`): 4 lines of g's next chunk of B,
//!                             2 of the next A panel's chunk
//!                 tmm0–3 → the group's f32 sums (≤ 512 KB, in L2); on the last chunk a plain
//!                          product's whole block goes to C, any other through act(sum + bias)
//! ```
//!
//! An A that the tile loads can read where it lies (`TileRows::in_place`: a convolution's
//! zero-padded bf16 image, whose 16-row tiles are 16 pixels of one image row) is not packed at
//! all: the kernel takes each panel's two tile addresses, the bytes between tile rows and
//! each k-block's offset (`InPlace`), which `InPlace::covers` has checked stay inside it.
//!
//! Every tile row is one 64-byte cache line (`Tiles` is 64-byte aligned): a row that
//! straddled two lines cost each TILELOADD twice the loads, and the kernel ran at a third of
//! the speed. Both operands are contiguous in the order the loop reads them, so the hardware and
//! the software prefetches see one stream. What bounds it: a k-block is 4 TILELOADD (≈ 8
//! cycles each from L1) beside 4 TDPBF16PS (16 cycles each); tile registers are not renamed,
//! so a load waits for the TDPBF16PS still reading the tile it replaces, and the partial sums
//! go through memory once per chunk. One core, register-only: 3.1 TFLOP/s (`cinegenre bench
//! gemm --peaks`); this loop with A and B in L1 and the sums' round trip: 64% of it; with the
//! chunk of B from L2: 55%; from L3 or memory (B larger than L2, used by one row panel at a
//! time, as before the column groups): 17% (the same Xeon, lab loops).
//! Whole products at n = 2048 reached about half that 55% (~25% of the tile unit's peak)
//! while each chunk of B came from memory at its first A panel's pace; asking the next chunk
//! into L2 during the current one (`Ahead`) took them to ~31% (the kernel alone to ~35%). The
//! rest is the sums' round trips, packing B (and rounding A and B when they are f32), and
//! writing C.
//!
//! Availability: the CPU must report AMX-TILE, AMX-BF16, AVX512-BF16 and AVX512-VL, and Linux must grant
//! the process the tile data state (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`,
//! Linux ≥ 5.16); [`available`] asks once. [`Precision::Bf16`](super::Precision::Bf16) takes
//! these tiles where they are available, else the AVX512-BF16 pairs of `pairs` (the
//! same arithmetic), else reports an error: nothing falls back to f32 silently.
//!
//! Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 1 ch. 20
//! ("Intel AMX") and vol. 2 (LDTILECFG, TILELOADD, TDPBF16PS, TILESTORED).

use std::mem::MaybeUninit;

use rayon::prelude::*;

use super::panel::{A_STRIDE, Panel, PanelSource};
use super::problem::{Epilogue, Gemm};
use super::tasks::{self, SharedC, Task};
use super::weight::{Weight, bf16_bits};
use crate::backend::Par;
use crate::simd::SimdLevel;

/// Rows of an A panel and columns of a B panel: two tiles each way.
const MR: usize = 32;
const NR: usize = 32;
/// Depth of one tile k-block (32 bf16 = 64 bytes per tile row).
const KB: usize = 32;
/// k-blocks per k-chunk: an A panel's chunk (2 KB per k-block) stays in L1 while the B panels
/// stream past it; the partial sums go through memory once per chunk.
const CHUNK_BLOCKS: usize = 8;
/// bf16 values in one k-block of a panel: two 16 × 32 tiles.
const BLOCK: usize = 2 * 16 * KB;
/// Bytes of one k-block of a panel.
const BLOCK_BYTES: usize = BLOCK * size_of::<u16>();
/// How far ahead along the packed B stream the kernel prefetches, in bytes (two k-blocks).
const PREFETCH_BYTES: usize = 4096;
/// Lines of the next chunk's B that each k-block of the kernel asks into L2: 4 lines, 256
/// bytes, so that 128 calls of 8 k-blocks (8 row panels × a group of 16) cover its 256 KB.
const AHEAD_B_LINES: usize = 4;
/// Lines of the next A panel's chunk that each k-block asks into L2: 2, so that the 16 calls
/// of a group cover its 16 KB.
const AHEAD_A_LINES: usize = 2;

/// Bytes to bring into L2 while a chunk's kernel calls run, a share per call
/// ([`AHEAD_B_LINES`], [`AHEAD_A_LINES`] lines per k-block).
#[derive(Clone, Copy)]
struct Ahead {
    at: *const u8,
    bytes: usize,
}

impl Ahead {
    /// Nothing new: every call asks again for the same few lines at `at` (a mapped address
    /// already read, so that the prefetches cost no page walk).
    fn idle(at: *const u8) -> Ahead {
        Ahead { at, bytes: 0 }
    }

    /// Where call `call` of `calls` starts its share.
    fn share(self, call: usize, calls: usize) -> *const u8 {
        self.at.wrapping_add(call * self.bytes / calls.max(1))
    }
}

/// bf16 bits on 64-byte lines: a tile row is one cache line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tiles(Vec<Line>);

#[repr(C, align(64))]
#[derive(Debug, Clone, Copy, bytemuck::Zeroable, bytemuck::Pod)]
struct Line([u16; 32]);

impl Tiles {
    /// At least `len` values (new ones zero, old ones kept).
    pub(crate) fn resize(&mut self, len: usize) {
        self.0.resize(len.div_ceil(32), Line([0; 32]));
    }

    pub(crate) fn bits(&self) -> &[u16] {
        bytemuck::cast_slice(&self.0)
    }

    pub(crate) fn bits_mut(&mut self) -> &mut [u16] {
        bytemuck::cast_slice_mut(&mut self.0)
    }
}

/// f32 sums on 64-byte lines: a tile row of C (16 floats) is one cache line.
#[derive(Default)]
struct Sums(Vec<SumLine>);

#[repr(C, align(64))]
#[derive(Clone, Copy, bytemuck::Zeroable, bytemuck::Pod)]
struct SumLine([f32; 16]);

impl Sums {
    /// At least `len` floats (new ones zero, old ones kept).
    fn resize(&mut self, len: usize) {
        self.0.resize(len.div_ceil(16), SumLine([0.0; 16]));
    }

    fn floats_mut(&mut self) -> &mut [f32] {
        bytemuck::cast_slice_mut(&mut self.0)
    }
}

/// The k-chunks of a depth of `kblocks` k-blocks: (first k-block, k-blocks in the chunk).
fn chunks(kblocks: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..kblocks).step_by(CHUNK_BLOCKS).map(move |q0| (q0, CHUNK_BLOCKS.min(kblocks - q0)))
}

/// Where k-block `q` of panel `panel` (of `panels`) starts in a tile-order buffer.
fn block_at(q: usize, panel: usize, panels: usize, kblocks: usize) -> usize {
    let (chunk, q_in) = (q / CHUNK_BLOCKS, q % CHUNK_BLOCKS);
    let in_chunk = CHUNK_BLOCKS.min(kblocks - chunk * CHUNK_BLOCKS);
    (chunk * CHUNK_BLOCKS * panels + panel * in_chunk + q_in) * BLOCK
}

/// Whether AMX-BF16 tiles can be used by this process (asked once).
pub fn available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(detect)
}

fn detect() -> bool {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        if !std::arch::is_x86_feature_detected!("avx512bf16")
            || !std::arch::is_x86_feature_detected!("avx512bw")
            || !std::arch::is_x86_feature_detected!("avx512vl")
        {
            return false;
        }
        // CPUID leaf 7 exists on every x86-64 CPU that reports AVX-512 (checked above).
        let leaf7 = std::arch::x86_64::__cpuid_count(7, 0);
        let (amx_bf16, amx_tile) = (leaf7.edx & (1 << 22) != 0, leaf7.edx & (1 << 24) != 0);
        amx_bf16 && amx_tile && x86::request_tile_data()
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    false
}

/// Flops of one [`register_only`] iteration: 4 TDPBF16PS of 16·16·32 multiply-adds.
pub(crate) const REGISTER_FLOPS_PER_ITER: f64 = (4 * 16 * 16 * 32 * 2) as f64;

/// `iters` × 4 TDPBF16PS on tiles that never leave the registers (the tile rate of one core,
/// `bench::peak`); `None` without AMX.
pub(crate) fn register_only(iters: usize) -> Option<()> {
    if !available() {
        return None;
    }
    x86::configure_tiles();
    // SAFETY: AMX is available and the tiles were configured on this thread.
    unsafe { x86::register_loop(iters) };
    x86::release_tiles();
    Some(())
}

/// op(B) (k × n) rounded to bf16 in tile order (module doc): k padded by zeros to a multiple
/// of 32, n to a multiple of 32; in k-block q of B panel jp, tile t holds columns
/// jp·32 + 16t + j as 16 rows of (column, pair) entries — `tile[(p/2)·32 + 2j + p%2]` is
/// B[q·32 + p][jp·32 + 16t + j]. Shapes checked by the caller.
pub(super) fn pack<W: Weight>(g: Gemm, b: &[W]) -> Tiles {
    let (k, n) = (g.k, g.n);
    let (rs, cs) = g.b_strides();
    let (kblocks, panels) = (k.div_ceil(KB), n.div_ceil(NR));
    // Not zeroed by the allocator: each block is zeroed below, in L1, by the thread that then
    // fills it (a zeroed allocation was one more pass over B, on one thread: half the time
    // of packing at n = 2048).
    const BLOCK_LINES: usize = BLOCK / 32;
    let lines = kblocks * panels * BLOCK_LINES;
    let mut tiles: Vec<Line> = Vec::with_capacity(lines);
    // Blocks of one k-chunk are contiguous ([panel][k-block]) and disjoint: fill them in
    // parallel, groups of PACK_PANELS panels of one chunk at a time, k-block by k-block across
    // the group's panels, so that B's rows are read in runs of up to 1 KB.
    const PACK_PANELS: usize = 8;
    let mut groups: Vec<(usize, usize, &mut [MaybeUninit<Line>])> = Vec::with_capacity(kblocks * panels);
    let mut rest = &mut tiles.spare_capacity_mut()[..lines];
    for (q0, in_chunk) in chunks(kblocks) {
        for jp0 in (0..panels).step_by(PACK_PANELS) {
            let group = PACK_PANELS.min(panels - jp0);
            let (run, tail) = rest.split_at_mut(group * in_chunk * BLOCK_LINES);
            groups.push((q0, jp0, run));
            rest = tail;
        }
    }
    debug_assert!(rest.is_empty(), "the groups cover every line");
    let row_major_f32 = W::as_f32(b).filter(|_| cs == 1);
    let row_major_bf16 = W::as_bf16_bits(b).filter(|_| cs == 1);
    groups.into_par_iter().for_each(|(q0, jp0, run)| {
        let in_chunk = CHUNK_BLOCKS.min(kblocks - q0);
        for q_in in 0..in_chunk {
            let p0 = (q0 + q_in) * KB;
            for (g, panel) in run.chunks_mut(in_chunk * BLOCK_LINES).enumerate() {
                let jp = jp0 + g;
                let block = initialised(&mut panel[q_in * BLOCK_LINES..][..BLOCK_LINES]);
                let (depth, width) = (KB.min(k - p0), NR.min(n - jp * NR));
                match (row_major_f32, row_major_bf16) {
                    // SAFETY (both): rows p0..p0+depth of B hold columns jp·32..jp·32+width;
                    // AMX implies AVX512-BF16, -BW and -VL (`available`).
                    (Some(b), _) => unsafe {
                        x86::pack_block(&b[p0 * rs + jp * NR..], rs, (depth, width), block)
                    },
                    (_, Some(b)) => unsafe {
                        x86::pack_block_bits(&b[p0 * rs + jp * NR..], rs, (depth, width), block)
                    },
                    _ => {
                        for p in 0..depth {
                            let pair_row = &mut block[(p / 2) * 32 + p % 2..];
                            for j in 0..width {
                                let x = b[(p0 + p) * rs + (jp * NR + j) * cs].to_f32();
                                pair_row[(j / 16) * 512 + 2 * (j % 16)] = bf16_bits(x) as u16;
                            }
                        }
                    }
                }
            }
        }
    });
    // SAFETY: the groups cover all `lines` lines (every k-chunk's panels), and every block of
    // every group was written by `initialised` above.
    unsafe { tiles.set_len(lines) };
    Tiles(tiles)
}

/// `lines` written with zeros, then seen as the bf16 bits they now hold.
fn initialised(lines: &mut [MaybeUninit<Line>]) -> &mut [u16] {
    for line in lines.iter_mut() {
        line.write(Line([0; 32]));
    }
    // SAFETY: every element was written just above; `MaybeUninit<Line>` has `Line`'s layout.
    let lines = unsafe { &mut *(lines as *mut [MaybeUninit<Line>] as *mut [Line]) };
    bytemuck::cast_slice_mut(lines)
}

/// C = act(bf16(op(A))·B + bias) with B packed by [`pack`]; op(A) (`g.m` × `g.k`) comes from
/// any [`PanelSource`], sequential or over rayon's pool. Shapes were checked by the caller, and
/// AMX is [`available`].
pub(super) fn gemm<A: PanelSource + ?Sized>(
    par: Par,
    g: Gemm,
    (a, b): (&A, &Tiles),
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    driver(par, g, (&FromPanels(a), b), epilogue, TilesOut::F32(c))
}

/// Where a k-block of op(A) can be read 32 bf16 values at a time, already rounded (a bf16
/// image for a convolution): the tile kernel then copies rows instead of packing panels.
pub(crate) trait TileRows: Sync {
    /// What [`TileRows::block`] needs to know about one panel's rows (computed once per panel).
    type Rows;
    /// The panel of rows `i0 .. i0 + rows` (rows ≤ 32).
    fn rows(&self, i0: usize, rows: usize) -> Self::Rows;
    /// Write op(A)[i0 + r][32q + p] as bf16 bits into `dst[32r + p]` for r < 32, p < 32: zero
    /// for r ≥ rows and past k.
    fn block(&self, rows: &Self::Rows, q: usize, dst: &mut [u16]);

    /// op(A) laid out so that the tile loads can read it where it is, with no copy: `Some`
    /// when every k-block of every 16-row tile is 16 rows of 32 values, `row_bytes` apart.
    /// Default: not so.
    fn in_place(&self) -> Option<InPlace<'_>> {
        None
    }
}

/// op(A) read in place by the tile loads: row r of tile t (op(A)'s rows 16t .. 16t + 16), k-block
/// q, is the 32 values at `bits[starts[t] + offsets[q] + r · row_bytes / 2 ..]`.
pub(crate) struct InPlace<'a> {
    /// The values, on 64-byte lines.
    pub bits: &'a [u16],
    /// Bytes between a tile's rows (a multiple of 64).
    pub row_bytes: usize,
    /// Where each 16-row tile starts, for k-block 0 (`m / 16` entries).
    pub starts: Vec<usize>,
    /// How far each k-block is from k-block 0 (`k / 32` entries).
    pub offsets: Vec<usize>,
}

impl InPlace<'_> {
    /// Whether every tile row the kernel reads for an (m, k) op(A) lies inside `bits` on a
    /// 64-byte line (an `m` that is a whole number of 32-row panels, `k` of k-blocks).
    pub(crate) fn covers(&self, (m, k): (usize, usize)) -> bool {
        let row = self.row_bytes / 2;
        let last = |xs: &[usize]| xs.iter().copied().max();
        let lines = self.bits.as_ptr().align_offset(64) == 0
            && self.row_bytes.is_multiple_of(64)
            && self.starts.iter().chain(&self.offsets).all(|&at| at.is_multiple_of(32));
        match (last(&self.starts), last(&self.offsets)) {
            (Some(start), Some(offset)) => {
                lines
                    && m.is_multiple_of(MR)
                    && self.starts.len() == m / 16
                    && k == self.offsets.len() * KB
                    && start + offset + 15 * row + KB <= self.bits.len()
            }
            _ => false,
        }
    }
}

/// [`gemm`] with op(A) from [`TileRows`], C in f32 or rounded to bf16.
pub(super) fn gemm_rows<T: TileRows>(
    par: Par,
    g: Gemm,
    (a, b): (&T, &Tiles),
    epilogue: Epilogue<'_>,
    c: TilesOut<'_>,
) {
    driver(par, g, (&FromRows(a), b), epilogue, c)
}

/// Where the tile kernel writes C (`m × n`, row-major): f32, or act(sum + bias) rounded to
/// bf16 bits (nearest even: the bits [`to_bf16`] would give the f32 C), for a next layer
/// that reads bf16 anyway.
pub(crate) enum TilesOut<'a> {
    F32(&'a mut [f32]),
    Bf16(&'a mut [u16]),
    /// bf16 as [`TilesOut::Bf16`], C's rows being the pixels of images of (h, w) pixels
    /// (`.1`), each placed inside a border of one zero pixel: (m / (h·w), h + 2, w + 2, n), the
    /// border written too. A next convolution's tile loads read such an image in place.
    Bf16Bordered(&'a mut [u16], (usize, usize)),
}

/// Where the rows of a bf16 C lie.
#[derive(Clone, Copy)]
enum RowPlaces {
    /// Row i at i·n.
    Dense,
    /// Row i (pixel (img, y, x) of images of h × w) at pixel (img, y + 1, x + 1) of images of
    /// (h + 2) × (w + 2), times n.
    Bordered { h: usize, w: usize },
}

impl RowPlaces {
    /// Rows `i0 .. i0 + rows` as runs of consecutive places: (first row of the run from i0,
    /// its rows, the place of its first row in rows of n).
    fn runs(self, i0: usize, rows: usize) -> impl Iterator<Item = (usize, usize, usize)> {
        let mut r = 0;
        std::iter::from_fn(move || {
            if r == rows {
                return None;
            }
            let i = i0 + r;
            let run = match self {
                RowPlaces::Dense => (r, rows - r, i),
                RowPlaces::Bordered { h, w } => {
                    let (img, y, x) = (i / (h * w), i / w % h, i % w);
                    (r, (w - x).min(rows - r), (img * (h + 2) + y + 1) * (w + 2) + x + 1)
                }
            };
            r += run.1;
            Some(run)
        })
    }
}

/// [`TilesOut`] as a pointer shared by the tasks, which write disjoint blocks.
#[derive(Clone, Copy)]
enum SharedOut {
    F32(SharedC),
    Bf16(*mut u16, RowPlaces),
}

// SAFETY: as `SharedC`: tasks write disjoint blocks of C, so sharing the pointer across
// threads creates no data race.
unsafe impl Send for SharedOut {}
// SAFETY: as above.
unsafe impl Sync for SharedOut {}

/// How a task's A panels get into tile order, one k-chunk at a time.
trait PackA: Sync {
    /// What one task keeps between its chunks (the rows' addresses, for a computed A).
    type Cache: Default;
    /// `chunk` = (q0, blocks): k-blocks `q0 .. q0 + blocks` of the task's A panels, bf16, into
    /// `bits` (`panels × blocks × BLOCK` values) as [panel][k-block][tile 0 | tile 1]; every
    /// value is written, padding with zeros.
    fn pack(
        &self,
        shape: (usize, usize),
        task: &Task,
        chunk: (usize, usize),
        bits: &mut [u16],
        cache: &mut Self::Cache,
    );

    /// Pack every k-chunk of the task at once into `bits` (`panels × kblocks × BLOCK`, chunk
    /// after chunk), when that is cheaper than chunk by chunk (`Some`); `None` to pack lazily.
    fn pack_whole(&self, shape: (usize, usize), task: &Task, bits: &mut [u16]) -> Option<()> {
        let _ = (shape, task, bits);
        None
    }

    /// A read in place instead of packed ([`TileRows::in_place`]). Default: packed.
    fn in_place(&self) -> Option<InPlace<'_>> {
        None
    }
}

struct FromPanels<'a, A: ?Sized>(&'a A);

impl<A: PanelSource + ?Sized> PackA for FromPanels<'_, A> {
    type Cache = ();

    fn pack(
        &self,
        (m, k): (usize, usize),
        task: &Task,
        (q0, blocks): (usize, usize),
        bits: &mut [u16],
        _: &mut (),
    ) {
        let (pc, kc) = (q0 * KB, (blocks * KB).min(k - q0 * KB));
        let mut wide = vec![0.0f32; MR * A_STRIDE];
        for (slot, ip) in task.row_panels.clone().enumerate() {
            let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
            // ≤ 256 columns: within the PanelSource's 512.
            self.0.pack(&Panel { i0, rows, pc, kc, mr: MR, level: SimdLevel::Avx512 }, &mut wide);
            for p in (0..kc).step_by(KB) {
                let (block, run) = ((slot * blocks + p / KB) * BLOCK, KB.min(kc - p));
                for r in 0..MR {
                    let (dst, src) = (block + r * KB, r * A_STRIDE + p);
                    super::pairs::round_to_bf16(&wide[src..src + run], &mut bits[dst..dst + run]);
                    bits[dst + run..dst + KB].fill(0);
                }
            }
        }
    }

    fn pack_whole(&self, shape: (usize, usize), task: &Task, bits: &mut [u16]) -> Option<()> {
        if let Some((stored, stride)) = self.0.bf16_rows() {
            // Row-major bf16: the bits are copied (a bf16 value rounds to itself).
            pack_rows((stored, stride), shape, task, bits, |src, dst, blocks| {
                for q in 0..blocks {
                    let run = &src[(q * KB).min(src.len())..src.len().min((q + 1) * KB)];
                    let dst = &mut dst[q * BLOCK..][..KB];
                    dst[..run.len()].copy_from_slice(run);
                    dst[run.len()..].fill(0);
                }
            });
            return Some(());
        }
        // Row-major f32: rounded straight into the tile rows.
        let rows = self.0.f32_rows()?;
        pack_rows(rows, shape, task, bits, |src, dst, blocks| {
            // SAFETY: `dst` reaches the last of the `blocks` tile rows `BLOCK` apart; AMX
            // implies AVX512-BF16 (`available`).
            unsafe { x86::round_strided(src, dst, blocks) }
        });
        Some(())
    }
}

/// A row-major A (`a`, rows `stride` apart) into the task's tile order, every chunk at once,
/// each row read once from start to end: `fill(src, dst, blocks)` writes a row's run of one
/// chunk (`src`, at most 32 · `blocks` values; empty for rows past m) into the `blocks` tile
/// rows `BLOCK` apart from the start of `dst`, zero past the run.
fn pack_rows<T>(
    (a, stride): (&[T], usize),
    (m, k): (usize, usize),
    task: &Task,
    bits: &mut [u16],
    fill: impl Fn(&[T], &mut [u16], usize),
) {
    let panels = task.row_panels.len();
    for (slot, ip) in task.row_panels.clone().enumerate() {
        let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
        for r in 0..MR {
            let row = if r < rows { &a[(i0 + r) * stride..][..k] } else { &[] };
            for (q0, blocks) in chunks(k.div_ceil(KB)) {
                let at = panels * q0 * BLOCK + slot * blocks * BLOCK + r * KB;
                let src = &row[(q0 * KB).min(row.len())..row.len().min((q0 + blocks) * KB)];
                fill(src, &mut bits[at..][..(blocks - 1) * BLOCK + KB], blocks);
            }
        }
    }
}

struct FromRows<'a, T>(&'a T);

impl<T: TileRows> PackA for FromRows<'_, T> {
    /// Each row panel's [`TileRows::rows`], computed at the first chunk.
    type Cache = Vec<T::Rows>;

    fn pack(
        &self,
        (m, _): (usize, usize),
        task: &Task,
        (q0, blocks): (usize, usize),
        bits: &mut [u16],
        rows: &mut Vec<T::Rows>,
    ) {
        if q0 == 0 {
            rows.clear();
            rows.extend(task.row_panels.clone().map(|ip| self.0.rows(ip * MR, MR.min(m - ip * MR))));
        }
        for (slot, rows) in rows.iter().enumerate() {
            for q in 0..blocks {
                let at = (slot * blocks + q) * BLOCK;
                self.0.block(rows, q0 + q, &mut bits[at..at + BLOCK]);
            }
        }
    }

    fn in_place(&self) -> Option<InPlace<'_>> {
        self.0.in_place()
    }
}

/// The A side of one k-chunk of a 32-row panel for the kernel ([`x86::chunk`]): its two 16-row
/// tiles at k-block 0, the bytes between their rows, and each k-block's distance in values
/// from k-block 0.
struct ATiles<'a> {
    tiles: [*const u16; 2],
    row_bytes: usize,
    offsets: &'a [usize],
}

/// Where each k-block of a chunk of a packed A panel starts, from the chunk's start.
const PACKED_OFFSETS: [usize; CHUNK_BLOCKS] = {
    let mut offsets = [0; CHUNK_BLOCKS];
    let mut q = 0;
    while q < CHUNK_BLOCKS {
        offsets[q] = q * BLOCK;
        q += 1;
    }
    offsets
};

/// Most row panels in one task: its packed A (2 KB per k-block and panel) and its partial sums
/// (4 KB per block of C in a column group) stay in the core's L2.
const TASK_PANELS: usize = 8;
/// Column panels of one group: its k-chunk of B (16 KB per panel, 256 KB) stays in L2 while
/// every row panel of the task passes over it.
const GROUP_PANELS: usize = 16;

/// Size of C above which [`driver`] writes it with non-temporal stores: well beyond both cores'
/// L2 (2 MiB each), so that the next layer would read it from memory anyway.
const STREAM_BYTES: usize = 16 << 20;

/// Cut `m_panels × n_panels` blocks of C into tasks for `threads` threads: row groups of at
/// most [`TASK_PANELS`] panels, as even as they can be, a multiple of `threads` of them, every
/// task spanning all the columns; or, when the rows make one group and there are columns
/// enough, one band of all the rows with its columns cut evenly between the threads.
fn plan(m_panels: usize, n_panels: usize, threads: usize) -> Vec<Task> {
    let even = |len: usize, parts: usize| {
        let parts = parts.clamp(1, len.max(1));
        (0..parts).map(move |i| i * len / parts..(i + 1) * len / parts)
    };
    if threads > 1 && m_panels <= TASK_PANELS && n_panels >= threads {
        return even(n_panels, threads)
            .map(|cols| Task { row_panels: 0..m_panels, col_panels: cols })
            .collect();
    }
    let groups = threads * m_panels.div_ceil(threads * TASK_PANELS);
    even(m_panels, groups).map(|rows| Task { row_panels: rows, col_panels: 0..n_panels }).collect()
}

/// A bf16 C (`c`, rows placed as `places`) for the tasks: `None` when there is nothing to
/// compute (m or n zero; k zero: act(bias) written here). A bordered C's border is zeroed.
fn bf16_out(
    c: &mut [u16],
    places: RowPlaces,
    (m, n, k): (usize, usize, usize),
    epilogue: &Epilogue<'_>,
) -> Option<SharedOut> {
    match places {
        RowPlaces::Dense => assert_eq!(c.len(), m * n, "AMX bf16 C"),
        RowPlaces::Bordered { h, w } => {
            assert!(h * w > 0 && m.is_multiple_of(h * w), "AMX bordered C: whole images");
            assert_eq!(c.len(), m / (h * w) * (h + 2) * (w + 2) * n, "AMX bordered C");
            // Rows 0 and h + 1 of each image, and pixels 0 and w + 1 of the rows between.
            for (row, pixels) in c.chunks_mut((w + 2) * n).enumerate() {
                match row % (h + 2) {
                    0 => pixels.fill(0),
                    y if y == h + 1 => pixels.fill(0),
                    _ => {
                        pixels[..n].fill(0);
                        pixels[(w + 1) * n..].fill(0);
                    }
                }
            }
        }
    }
    if m == 0 || n == 0 {
        return None;
    }
    if k == 0 {
        for (_, rows, at) in places.runs(0, m) {
            for row in c[at * n..(at + rows) * n].chunks_mut(n) {
                row.iter_mut().enumerate().for_each(|(j, x)| *x = bf16_bits(epilogue.apply(j, 0.0)) as u16);
            }
        }
        return None;
    }
    Some(SharedOut::Bf16(c.as_mut_ptr(), places))
}

/// The loop nest of the module doc, A packed by `a`.
fn driver<P: PackA>(par: Par, g: Gemm, (a, b): (&P, &Tiles), epilogue: Epilogue<'_>, c: TilesOut<'_>) {
    let (m, n, k) = (g.m, g.n, g.k);
    let (kblocks, n_panels) = (k.div_ceil(KB), n.div_ceil(NR));
    assert!(available() && b.bits().len() >= kblocks * KB * n_panels * NR, "AMX operands");
    let cptr = match c {
        TilesOut::F32(c) => {
            if tasks::trivial(m, n, k, &epilogue, c) {
                return;
            }
            Some(SharedOut::F32(SharedC::new(c)))
        }
        TilesOut::Bf16(c) => bf16_out(c, RowPlaces::Dense, (m, n, k), &epilogue),
        TilesOut::Bf16Bordered(c, (h, w)) => bf16_out(c, RowPlaces::Bordered { h, w }, (m, n, k), &epilogue),
    };
    let Some(cptr) = cptr else { return };
    let m_panels = m.div_ceil(MR);
    let plain =
        epilogue.bias.is_none() && matches!(epilogue.activation, crate::kernels::Activation::Identity);
    // A C larger than the caches is written around them (non-temporal stores, where a row of
    // 16 floats or 32 bf16 is one aligned line): VGG16's first layers write 100 MB per batch
    // of 8 in f32, 51 MB in bf16.
    let out_bytes = match cptr {
        SharedOut::F32(_) => size_of::<f32>(),
        SharedOut::Bf16(..) => size_of::<u16>(),
    };
    let stream = m * n * out_bytes > STREAM_BYTES;
    let b = b.bits();
    // op(A) where it lies, when the tile loads can read it there (a padded bf16 image).
    let in_place = a.in_place().filter(|a| a.covers((m, k)));
    let run = |task: &Task| {
        let (panels, cols) = (task.row_panels.len(), task.col_panels.len());
        // Scratch kept per thread between tasks and calls (fresh pages fault in slowly); a
        // nested call on this thread (rayon work stealing) finds it taken and allocates its own.
        let (mut a_tiles, mut sums) = (A_SCRATCH.take(), SUM_SCRATCH.take());
        // The task's A in tile order, chunk after chunk ([chunk][panel][k-block]), packed
        // while the first column group runs and read again by the others.
        if in_place.is_none() {
            a_tiles.resize(panels * kblocks * BLOCK);
        }
        let a_bits = a_tiles.bits_mut();
        // The partial sums of one column group, block after block ((row panel, column panel)
        // → 32 × 32); one block when a single chunk leaves them in the tiles.
        let group_cols = GROUP_PANELS.min(cols);
        let blocks = if kblocks > CHUNK_BLOCKS { panels * group_cols } else { 1 };
        sums.resize(blocks * MR * NR);
        let sums_f32 = sums.floats_mut();
        let (a_start, a_bytes) = (a_bits.as_ptr().cast::<u8>(), size_of_val(a_bits));
        let packed_whole = in_place.is_some() || a.pack_whole((m, k), task, a_bits).is_some();
        let mut cache = P::Cache::default();
        x86::configure_tiles();
        for (group, g0) in task.col_panels.clone().step_by(GROUP_PANELS).enumerate() {
            let group_panels = g0..task.col_panels.end.min(g0 + GROUP_PANELS);
            for (q0, in_chunk) in chunks(kblocks) {
                let (first, last) = (q0 == 0, q0 + in_chunk == kblocks);
                let a_chunk = match in_place {
                    Some(_) => &mut [][..],
                    None => &mut a_bits[panels * q0 * BLOCK..][..panels * in_chunk * BLOCK],
                };
                if group == 0 && !packed_whole {
                    a.pack((m, k), task, (q0, in_chunk), a_chunk, &mut cache);
                }
                // What the next calls will read from beyond L2, brought in while this chunk's
                // calls run, a share per call: the group's next chunk of B (or the next group's
                // first), and each next A panel's chunk (packed A is in reading order: past the
                // last panel of a chunk lies the next chunk's first; past the last chunk, the
                // first again, for the next group).
                let calls = panels * group_panels.len();
                let (nq, ng) = if last { (0, g0 + GROUP_PANELS) } else { (q0 + in_chunk, g0) };
                let next_b = match ng < task.col_panels.end {
                    true => Ahead {
                        at: b[block_at(nq, ng, n_panels, kblocks)..].as_ptr().cast(),
                        bytes: BLOCK_BYTES
                            * CHUNK_BLOCKS.min(kblocks - nq)
                            * GROUP_PANELS.min(task.col_panels.end - ng),
                    },
                    false => Ahead::idle(b.as_ptr().cast()),
                };
                for (slot, ip) in task.row_panels.clone().enumerate() {
                    let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
                    let ap = match &in_place {
                        Some(a) => ATiles {
                            tiles: [2 * ip, 2 * ip + 1].map(|t| a.bits[a.starts[t]..].as_ptr()),
                            row_bytes: a.row_bytes,
                            offsets: &a.offsets[q0..q0 + in_chunk],
                        },
                        None => {
                            let ap = &a_chunk[slot * in_chunk * BLOCK..][..in_chunk * BLOCK];
                            ATiles {
                                tiles: [ap.as_ptr(), ap[BLOCK / 2..].as_ptr()],
                                row_bytes: 2 * KB,
                                offsets: &PACKED_OFFSETS[..in_chunk],
                            }
                        }
                    };
                    let next_a = match in_place {
                        Some(_) => Ahead::idle(b.as_ptr().cast()),
                        None => Ahead {
                            at: a_start.wrapping_add(
                                (panels * q0 + (slot + 1) * in_chunk) * BLOCK_BYTES % a_bytes.max(1),
                            ),
                            bytes: in_chunk * BLOCK_BYTES,
                        },
                    };
                    for (col, jp) in group_panels.clone().enumerate() {
                        let (j0, width) = (jp * NR, NR.min(n - jp * NR));
                        let bp = &b[block_at(q0, jp, n_panels, kblocks)..][..in_chunk * BLOCK];
                        let at = if blocks > 1 { (slot * group_cols + col) * MR * NR } else { 0 };
                        let block = &mut sums_f32[at..at + MR * NR];
                        // A whole block of a plain product's last chunk goes from the tiles
                        // straight to C; any other, through the sums.
                        let out = match cptr {
                            // SAFETY: the block [i0, i0+32) × [j0, j0+32) lies inside C and
                            // belongs to this task alone.
                            SharedOut::F32(c) if last && plain && rows == MR && width == NR => {
                                (unsafe { c.at(i0 * n + j0) }, n)
                            }
                            _ => (block.as_mut_ptr(), NR),
                        };
                        let to_c = !std::ptr::eq(out.0, block.as_mut_ptr());
                        let ahead = [
                            next_b.share(slot * group_panels.len() + col, calls),
                            next_a.share(col, group_panels.len()),
                        ];
                        // SAFETY: A's two tiles (packed, or in place where `covers` checked
                        // every row the offsets reach) and B's panel hold `in_chunk` k-blocks
                        // each, on 64-byte lines; the sums block and `out` are 32 rows of 32
                        // floats at their strides; `available()` checked AMX and the tiles were
                        // configured on this thread; prefetches never fault.
                        unsafe { x86::chunk(&ap, bp.as_ptr(), (block.as_mut_ptr(), first), out, ahead) };
                        if last && !to_c {
                            // SAFETY: the block [i0, i0+rows) × [j0, j0+width) lies inside C
                            // (m × n) and belongs to this task alone.
                            unsafe {
                                match cptr {
                                    SharedOut::F32(c) => x86::finish(
                                        block,
                                        (c.at(i0 * n + j0), n, stream),
                                        (rows, width, j0),
                                        &epilogue,
                                    ),
                                    SharedOut::Bf16(c, places) => {
                                        for (r, run, at) in places.runs(i0, rows) {
                                            x86::finish_bf16(
                                                &block[r * NR..],
                                                (c.add(at * n + j0), n, stream),
                                                (run, width, j0),
                                                &epilogue,
                                            )
                                        }
                                    }
                                }
                            };
                        }
                    }
                }
            }
        }
        x86::release_tiles();
        if stream {
            // Non-temporal stores are weakly ordered: make them visible before the task ends.
            x86::store_fence();
        }
        A_SCRATCH.set(a_tiles);
        SUM_SCRATCH.set(sums);
    };
    tasks::run(par, &plan(m_panels, n_panels, tasks::threads(par)), run);
}

/// `x` rounded to bf16 bits into `bits` (`x`'s length; nearest even, as the tile kernel
/// rounds A), in parallel over `par`: an image converted once, so that a convolution's nine
/// taps copy bf16 rows.
pub(crate) fn to_bf16(par: Par, x: &[f32], bits: &mut [u16]) {
    assert_eq!(bits.len(), x.len(), "to_bf16: one bf16 per float");
    const CHUNK: usize = 1 << 14;
    let round = |(i, dst): (usize, &mut [u16])| {
        super::pairs::round_to_bf16(&x[i * CHUNK..i * CHUNK + dst.len()], dst)
    };
    tasks::fill_panels(par, bits, CHUNK, round);
}

thread_local! {
    static A_SCRATCH: std::cell::Cell<Tiles> = const { std::cell::Cell::new(Tiles(Vec::new())) };
    static SUM_SCRATCH: std::cell::Cell<Sums> = const { std::cell::Cell::new(Sums(Vec::new())) };
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;
    use std::arch::x86_64::*;

    use super::{AHEAD_A_LINES, AHEAD_B_LINES, BLOCK, CHUNK_BLOCKS, NR, PREFETCH_BYTES};

    /// Bytes of one block's partial sums (32 × 32 floats); the next block's follow them.
    const SUMS_BYTES: usize = 32 * NR * 4;
    use crate::kernels::Activation;
    use crate::kernels::gemm::problem::Epilogue;

    /// Ask Linux for the AMX tile data state: `arch_prctl(ARCH_REQ_XCOMP_PERM, 18)`.
    pub(super) fn request_tile_data() -> bool {
        const ARCH_REQ_XCOMP_PERM: u64 = 0x1023;
        const XFEATURE_XTILEDATA: u64 = 18;
        const SYS_ARCH_PRCTL: u64 = 158;
        let ret: i64;
        // SAFETY: a plain system call; arguments in registers, rcx and r11 clobbered by
        // `syscall`, no memory is touched.
        unsafe {
            asm!(
                "syscall",
                inlateout("rax") SYS_ARCH_PRCTL as i64 => ret,
                in("rdi") ARCH_REQ_XCOMP_PERM,
                in("rsi") XFEATURE_XTILEDATA,
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack),
            );
        }
        ret == 0
    }

    /// The 64-byte LDTILECFG operand: palette 1, eight tiles of 16 rows × 64 bytes.
    #[repr(C, align(64))]
    struct TileConfig {
        palette: u8,
        start_row: u8,
        reserved: [u8; 14],
        colsb: [u16; 16],
        rows: [u8; 16],
    }

    /// Configure this thread's tiles (per thread state; done at the start of each task).
    pub(super) fn configure_tiles() {
        let mut config =
            TileConfig { palette: 1, start_row: 0, reserved: [0; 14], colsb: [0; 16], rows: [0; 16] };
        for t in 0..8 {
            config.colsb[t] = 64;
            config.rows[t] = 16;
        }
        // SAFETY: only called after `available()` (AMX present, permission granted); the
        // operand is a valid 64-byte configuration.
        unsafe { asm!("ldtilecfg [{}]", in(reg) &config as *const TileConfig, options(nostack)) };
    }

    /// `sfence`: earlier non-temporal stores are globally visible before later stores.
    pub(super) fn store_fence() {
        // SAFETY: SSE is part of x86-64.
        unsafe { _mm_sfence() }
    }

    /// Give the tile state back (keeps context switches cheap).
    pub(super) fn release_tiles() {
        // SAFETY: as `configure_tiles`.
        unsafe { asm!("tilerelease", options(nostack, nomem)) };
    }

    /// One k-block of a B panel in tile order from row-major f32 rows (`depth` ≤ 32 rows of
    /// `width` ≤ 32 values at a stride of `ld`): rows p and p + 1 rounded to bf16 together
    /// (`vcvtne2ps2bf16`, nearest even) and interleaved into (p, p + 1) pairs per column.
    /// Entries past `depth` or `width` stay as they are (zero).
    ///
    /// # Safety
    /// `b` holds rows 0..depth of `width` values at stride `ld`; `block` holds `BLOCK` bf16;
    /// the CPU has AVX512-BF16 and AVX512-BW.
    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    pub(super) unsafe fn pack_block(b: &[f32], ld: usize, (depth, width): (usize, usize), block: &mut [u16]) {
        // SAFETY: masked loads read only columns < width of rows < depth (the caller's bound).
        unsafe {
            interleave_pairs((depth, width), block, |p, col, mask| {
                let row = |p: usize| match p < depth {
                    true => _mm512_maskz_loadu_ps(mask, b.as_ptr().add(p * ld + col)),
                    false => _mm512_setzero_ps(),
                };
                // The low 16 words of `cvtne2ps` are its second operand.
                std::mem::transmute(_mm512_cvtne2ps_pbh(row(p + 1), row(p)))
            })
        }
    }

    /// [`pack_block`] from row-major bf16 bits: rows p and p + 1 interleaved into (p, p + 1)
    /// pairs per column, copied as they are (a bf16 value rounds to itself).
    ///
    /// # Safety
    /// As [`pack_block`], with `b` bf16 bits; the CPU has AVX512-BW and AVX512-VL.
    #[target_feature(enable = "avx512f,avx512bw,avx512vl")]
    pub(super) unsafe fn pack_block_bits(
        b: &[u16],
        ld: usize,
        (depth, width): (usize, usize),
        block: &mut [u16],
    ) {
        // SAFETY: masked loads read only columns < width of rows < depth (the caller's bound).
        unsafe {
            interleave_pairs((depth, width), block, |p, col, mask| {
                let row = |p: usize| match p < depth {
                    true => _mm256_maskz_loadu_epi16(mask, b.as_ptr().add(p * ld + col) as *const _),
                    false => _mm256_setzero_si256(),
                };
                _mm512_inserti64x4::<1>(_mm512_castsi256_si512(row(p)), row(p + 1))
            })
        }
    }

    /// The loop of [`pack_block`] and [`pack_block_bits`]: for each pair of rows (p, p + 1)
    /// and each 16 columns from `col`, `halves(p, col, mask)` gives row p's bf16 values in
    /// its low 16 words and row p + 1's in its high ones (columns outside `mask` zero); lane
    /// 2j of the tile row then gets row p's column j and lane 2j + 1 row p + 1's.
    ///
    /// # Safety
    /// `block` holds `BLOCK` bf16; `halves` is safe to call for p < depth, col < width; the
    /// caller enables AVX512-BW.
    #[inline(always)]
    unsafe fn interleave_pairs(
        (depth, width): (usize, usize),
        block: &mut [u16],
        halves: impl Fn(usize, usize, __mmask16) -> __m512i,
    ) {
        // SAFETY: the caller enables AVX-512 (`interleave_pairs` is inlined into it).
        let interleave = unsafe {
            _mm512_set_epi16(
                31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21, 5, 20, 4, 19,
                3, 18, 2, 17, 1, 16, 0,
            )
        };
        for pair in 0..depth.div_ceil(2) {
            for tile in 0..width.div_ceil(16) {
                let mask: __mmask16 = ((1u32 << (width - tile * 16).min(16)) - 1) as u16;
                // SAFETY: the store writes 64 bytes at pair row `pair` of tile `tile`, inside
                // `block`.
                unsafe {
                    let pairs = _mm512_permutexvar_epi16(interleave, halves(2 * pair, tile * 16, mask));
                    _mm512_storeu_si512(block.as_mut_ptr().add(tile * 512 + pair * 32) as *mut _, pairs);
                }
            }
        }
    }

    /// `blocks` tile rows of 32 bf16, `BLOCK` values apart in `dst`: tile row q holds
    /// `src[32q .. 32q + 32]` rounded to nearest even, zero past the end of `src`.
    ///
    /// # Safety
    /// `src.len() ≤ 32 · blocks`; `dst` holds `(blocks − 1) · BLOCK + 32` values; the CPU has
    /// AVX512-BF16 and AVX512-BW.
    #[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
    pub(super) unsafe fn round_strided(src: &[f32], dst: &mut [u16], blocks: usize) {
        let full = (src.len() / 32).min(blocks);
        // SAFETY (whole body): loads read inside `src` (masked past its end), stores write the
        // 64 bytes of tile row q, inside `dst` (the caller's bound).
        unsafe {
            for q in 0..full {
                let lo = _mm512_loadu_ps(src.as_ptr().add(32 * q));
                let hi = _mm512_loadu_ps(src.as_ptr().add(32 * q + 16));
                let h: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(hi, lo));
                _mm512_storeu_si512(dst.as_mut_ptr().add(q * BLOCK) as *mut _, h);
            }
            for q in full..blocks {
                let left = src.len().saturating_sub(32 * q).min(32);
                let (lo_mask, hi_mask) = (mask16(left), mask16(left.saturating_sub(16)));
                let lo = _mm512_maskz_loadu_ps(lo_mask, src.as_ptr().wrapping_add(32 * q));
                let hi = _mm512_maskz_loadu_ps(hi_mask, src.as_ptr().wrapping_add(32 * q + 16));
                let h: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(hi, lo));
                _mm512_storeu_si512(dst.as_mut_ptr().add(q * BLOCK) as *mut _, h);
            }
        }
    }

    /// The low `n` (≤ 16) lanes.
    fn mask16(n: usize) -> __mmask16 {
        ((1u32 << n.min(16)) - 1) as u16
    }

    /// One k-chunk of one 32 × 32 block: tmm0–3 ← `sums` (or zero when `first`), then for
    /// each of `kblocks` k-blocks tmm[2i+j] += A_i · B_j, then tmm0–3 → `out` (32 rows of 32
    /// floats, `ld` floats apart: the sums, row-major 32 × 32, or a finished block of C).
    /// While the four products run, the B stream two k-blocks ahead is prefetched into L1
    /// (32 lines: one per 2 KB block).
    ///
    /// # Safety
    /// Tiles configured on this thread; for each of `a.offsets`, `a`'s two tiles at that
    /// offset hold 16 rows of 32 bf16 on 64-byte lines, `a.row_bytes` apart; `b` holds as many
    /// tile-order k-blocks (`BLOCK` bf16 each) on 64-byte lines; `sums` holds 32 × 32 floats,
    /// `out` 32 rows of 32 floats at a stride of `ld`.
    pub(super) unsafe fn chunk(
        a: &super::ATiles<'_>,
        b: *const u16,
        (sums, first): (*mut f32, bool),
        (out, ld): (*mut f32, usize),
        [ahead_b, ahead_a]: [*const u8; 2],
    ) {
        let tile_row = 64usize;
        // SAFETY (whole body): tile loads read 16 rows of 64 bytes inside the k-block's two
        // tiles (a, b) or the sums, tile stores write 16 rows of 64 bytes inside `out`;
        // prefetches never fault.
        unsafe {
            if first {
                asm!(
                    "tilezero tmm0",
                    "tilezero tmm1",
                    "tilezero tmm2",
                    "tilezero tmm3",
                    options(nostack, nomem)
                );
            } else {
                let (s16, sum_row) = (sums.add(16 * NR), NR * 4);
                asm!(
                    "tileloadd tmm0, [{t} + {s}*1]",
                    "tileloadd tmm1, [{t} + {s}*1 + 64]",
                    "tileloadd tmm2, [{t16} + {s}*1]",
                    "tileloadd tmm3, [{t16} + {s}*1 + 64]",
                    t = in(reg) sums, t16 = in(reg) s16, s = in(reg) sum_row, options(nostack, readonly),
                );
            }
            for (q, &offset) in a.offsets.iter().enumerate() {
                let (a0, a1, b0) = (a.tiles[0].add(offset), a.tiles[1].add(offset), b.add(q * BLOCK));
                let p = (b0 as *const u8).wrapping_add(PREFETCH_BYTES);
                asm!(
                    "tileloadd tmm4, [{a0} + {sa}*1]",
                    "tileloadd tmm6, [{b0} + {s}*1]",
                    "prefetcht0 [{p} + 0]", "prefetcht0 [{p} + 64]", "prefetcht0 [{p} + 128]", "prefetcht0 [{p} + 192]", "prefetcht0 [{p} + 256]", "prefetcht0 [{p} + 320]", "prefetcht0 [{p} + 384]", "prefetcht0 [{p} + 448]",
                    "tdpbf16ps tmm0, tmm4, tmm6",
                    "tileloadd tmm7, [{b0} + {s}*1 + 1024]",
                    "prefetcht0 [{p} + 512]", "prefetcht0 [{p} + 576]", "prefetcht0 [{p} + 640]", "prefetcht0 [{p} + 704]", "prefetcht0 [{p} + 768]", "prefetcht0 [{p} + 832]", "prefetcht0 [{p} + 896]", "prefetcht0 [{p} + 960]",
                    "tdpbf16ps tmm1, tmm4, tmm7",
                    "tileloadd tmm5, [{a1} + {sa}*1]",
                    "prefetcht0 [{p} + 1024]", "prefetcht0 [{p} + 1088]", "prefetcht0 [{p} + 1152]", "prefetcht0 [{p} + 1216]", "prefetcht0 [{p} + 1280]", "prefetcht0 [{p} + 1344]", "prefetcht0 [{p} + 1408]", "prefetcht0 [{p} + 1472]",
                    "tdpbf16ps tmm2, tmm5, tmm6",
                    "prefetcht0 [{p} + 1536]", "prefetcht0 [{p} + 1600]", "prefetcht0 [{p} + 1664]", "prefetcht0 [{p} + 1728]", "prefetcht0 [{p} + 1792]", "prefetcht0 [{p} + 1856]", "prefetcht0 [{p} + 1920]", "prefetcht0 [{p} + 1984]",
                    "tdpbf16ps tmm3, tmm5, tmm7",
                    "prefetcht1 [{fb} + 0]", "prefetcht1 [{fb} + 64]", "prefetcht1 [{fb} + 128]", "prefetcht1 [{fb} + 192]", "prefetcht1 [{fa} + 0]", "prefetcht1 [{fa} + 64]",
                    "prefetcht0 [{ns} + 0]", "prefetcht0 [{ns} + 64]", "prefetcht0 [{ns} + 128]", "prefetcht0 [{ns} + 192]", "prefetcht0 [{ns} + 256]", "prefetcht0 [{ns} + 320]", "prefetcht0 [{ns} + 384]", "prefetcht0 [{ns} + 448]",
                    a0 = in(reg) a0, a1 = in(reg) a1, sa = in(reg) a.row_bytes, b0 = in(reg) b0, p = in(reg) p, s = in(reg) tile_row,
                    ns = in(reg) (sums as *const u8).wrapping_add(SUMS_BYTES + 512 * (q % CHUNK_BLOCKS)),
                    fb = in(reg) ahead_b.wrapping_add(AHEAD_B_LINES * 64 * q),
                    fa = in(reg) ahead_a.wrapping_add(AHEAD_A_LINES * 64 * q),
                    options(nostack, readonly),
                );
            }
            let (o16, out_row) = (out.add(16 * ld), ld * 4);
            asm!(
                "tilestored [{t} + {s}*1], tmm0",
                "tilestored [{t} + {s}*1 + 64], tmm1",
                "tilestored [{t16} + {s}*1], tmm2",
                "tilestored [{t16} + {s}*1 + 64], tmm3",
                t = in(reg) out, t16 = in(reg) o16, s = in(reg) out_row, options(nostack),
            );
        }
    }

    /// `iters` × (tmm0..3 += tmm4|5 · tmm6|7) on zeroed tiles, no memory access.
    ///
    /// # Safety
    /// Tiles configured on this thread.
    pub(super) unsafe fn register_loop(iters: usize) {
        // SAFETY: register-only tile instructions on configured tiles.
        unsafe {
            asm!(
                "tilezero tmm0",
                "tilezero tmm1",
                "tilezero tmm2",
                "tilezero tmm3",
                "tilezero tmm4",
                "tilezero tmm5",
                "tilezero tmm6",
                "tilezero tmm7",
                options(nostack, nomem)
            );
            for _ in 0..iters {
                asm!(
                    "tdpbf16ps tmm0, tmm4, tmm6",
                    "tdpbf16ps tmm1, tmm4, tmm7",
                    "tdpbf16ps tmm2, tmm5, tmm6",
                    "tdpbf16ps tmm3, tmm5, tmm7",
                    options(nostack, nomem)
                );
            }
        }
    }

    /// C block = act(sums + bias) over its `rows × cols`, 16 columns at a time; with `stream`,
    /// whole aligned lines of 16 floats are written with non-temporal stores (`vmovntps`).
    ///
    /// # Safety
    /// As [`chunk`]; AVX-512F is available (implied by AMX).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn finish(
        sums: &[f32],
        (c, ldc, stream): (*mut f32, usize, bool),
        block: (usize, usize, usize),
        epilogue: &Epilogue<'_>,
    ) {
        // SAFETY: `results` hands over rows < rows and columns < cols of the block only.
        unsafe {
            results(sums, block, epilogue, |r, j, mask, x| {
                let dst = c.add(r * ldc + j);
                if stream && mask == 0xffff && (dst as usize).is_multiple_of(64) {
                    _mm512_stream_ps(dst, x);
                } else {
                    _mm512_mask_storeu_ps(dst, mask, x);
                }
            })
        }
    }

    /// [`finish`] with C in bf16 bits: act(sums + bias) rounded to nearest even
    /// (`vcvtneps2bf16`, the rounding of `vcvtne2ps2bf16` in [`super::to_bf16`]). A block of
    /// 32 columns writes each row as one 64-byte store (both halves rounded by one
    /// `vcvtne2ps2bf16`), non-temporal with `stream` where the row is one aligned line.
    ///
    /// # Safety
    /// As [`finish`], with `c` a bf16 block; AVX512-BF16, -BW and -VL are available (implied by
    /// [`super::available`]).
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512bf16")]
    pub(super) unsafe fn finish_bf16(
        sums: &[f32],
        (c, ldc, stream): (*mut u16, usize, bool),
        (rows, cols, j0): (usize, usize, usize),
        epilogue: &Epilogue<'_>,
    ) {
        if cols == NR {
            // SAFETY (whole branch): the bias holds columns j0 .. j0 + 32; the sums' rows are
            // 32 floats; the stores write columns 0..32 of rows < rows, inside the block.
            unsafe {
                let (lo_bias, hi_bias) = match epilogue.bias {
                    Some(b) => {
                        (_mm512_loadu_ps(b.as_ptr().add(j0)), _mm512_loadu_ps(b.as_ptr().add(j0 + 16)))
                    }
                    None => (_mm512_setzero_ps(), _mm512_setzero_ps()),
                };
                for r in 0..rows {
                    let lo = _mm512_add_ps(_mm512_loadu_ps(sums.as_ptr().add(r * NR)), lo_bias);
                    let hi = _mm512_add_ps(_mm512_loadu_ps(sums.as_ptr().add(r * NR + 16)), hi_bias);
                    let (lo, hi) = (activate(lo, epilogue.activation), activate(hi, epilogue.activation));
                    let row: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(hi, lo));
                    let dst = c.add(r * ldc);
                    if stream && (dst as usize).is_multiple_of(64) {
                        _mm512_stream_si512(dst as *mut _, row);
                    } else {
                        _mm512_storeu_si512(dst as *mut _, row);
                    }
                }
            }
            return;
        }
        let block = (rows, cols, j0);
        // SAFETY: as in `finish`.
        unsafe {
            results(sums, block, epilogue, |r, j, mask, x| {
                let h: __m256i = std::mem::transmute(_mm512_cvtneps_pbh(x));
                _mm256_mask_storeu_epi16(c.add(r * ldc + j) as *mut _, mask, h);
            })
        }
    }

    /// act(sums + bias) of the block's `rows × cols`, 16 columns at a time: `store(r, j, mask,
    /// x)` gets row r's columns j.. (those set in `mask`). Inlined into the AVX-512 callers.
    ///
    /// # Safety
    /// `sums` holds 32 × 32 floats, the bias (if any) columns j0 .. j0 + cols; AVX-512F is
    /// enabled in the caller.
    #[inline(always)]
    unsafe fn results(
        sums: &[f32],
        (rows, cols, j0): (usize, usize, usize),
        epilogue: &Epilogue<'_>,
        mut store: impl FnMut(usize, usize, __mmask16, __m512),
    ) {
        for j in (0..cols).step_by(16) {
            let mask: __mmask16 = ((1u32 << (cols - j).min(16)) - 1) as u16;
            // SAFETY: masked loads touch only the bias's entries j0 + j.. of the block's
            // columns; the sums' rows are 32 floats.
            unsafe {
                let bias = match epilogue.bias {
                    Some(b) => _mm512_maskz_loadu_ps(mask, b.as_ptr().add(j0 + j)),
                    None => _mm512_setzero_ps(),
                };
                for r in 0..rows {
                    let x = _mm512_add_ps(_mm512_loadu_ps(sums.as_ptr().add(r * NR + j)), bias);
                    store(r, j, mask, activate(x, epilogue.activation));
                }
            }
        }
    }

    /// `activation` on 16 lanes; inlined into its AVX-512 callers (a call per 16 values had
    /// been 1.9% of VGG16's bf16 time).
    ///
    /// # Safety
    /// The caller enables AVX-512F.
    #[inline(always)]
    unsafe fn activate(x: __m512, activation: Activation) -> __m512 {
        // SAFETY (whole body): AVX-512F is enabled in the caller; 16 floats each way, on the
        // stack.
        unsafe {
            match activation {
                Activation::Identity => x,
                Activation::Relu => _mm512_max_ps(x, _mm512_setzero_ps()),
                Activation::Sigmoid => {
                    let mut lanes = [0.0f32; 16];
                    _mm512_storeu_ps(lanes.as_mut_ptr(), x);
                    lanes.iter_mut().for_each(|v| *v = Activation::Sigmoid.apply(*v));
                    _mm512_loadu_ps(lanes.as_ptr())
                }
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    //! Stand-ins that are never reached: [`super::available`] is false off x86-64.
    use crate::kernels::gemm::problem::Epilogue;

    pub(super) fn configure_tiles() {}
    pub(super) fn release_tiles() {}
    pub(super) fn store_fence() {}
    pub(super) unsafe fn register_loop(_: usize) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn pack_block(_: &[f32], _: usize, _: (usize, usize), _: &mut [u16]) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn round_strided(_: &[f32], _: &mut [u16], _: usize) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn pack_block_bits(_: &[u16], _: usize, _: (usize, usize), _: &mut [u16]) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn chunk(
        _: &super::ATiles<'_>,
        _: *const u16,
        _: (*mut f32, bool),
        _: (*mut f32, usize),
        _: [*const u8; 2],
    ) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn finish(
        _: &[f32],
        _: (*mut f32, usize, bool),
        _: (usize, usize, usize),
        _: &Epilogue<'_>,
    ) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn finish_bf16(
        _: &[f32],
        _: (*mut u16, usize, bool),
        _: (usize, usize, usize),
        _: &Epilogue<'_>,
    ) {
        unreachable!("AMX is x86-64 only")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block of C in exactly one task; row groups of at most TASK_PANELS panels, as even
    /// as can be and a multiple of the threads, or one band of all the rows with the columns
    /// shared out evenly.
    #[test]
    fn plans_cover_every_block_once_in_even_tasks() {
        for threads in [1, 2, 3, 8] {
            for m_panels in [1, 2, 7, 8, 9, 25, 64, 1568] {
                for n_panels in [1, 2, 16, 64] {
                    let case = format!("{threads} threads, {m_panels} × {n_panels}");
                    let tasks = plan(m_panels, n_panels, threads);
                    let mut seen = vec![0u8; m_panels * n_panels];
                    for t in &tasks {
                        for i in t.row_panels.clone() {
                            for j in t.col_panels.clone() {
                                seen[i * n_panels + j] += 1;
                            }
                        }
                    }
                    assert!(seen.iter().all(|&c| c == 1), "{case}");
                    let band = threads > 1 && m_panels <= TASK_PANELS && n_panels >= threads;
                    let (sizes, parts): (Vec<usize>, usize) = match band {
                        true => (tasks.iter().map(|t| t.col_panels.len()).collect(), threads),
                        false => (tasks.iter().map(|t| t.row_panels.len()).collect(), tasks.len()),
                    };
                    let (least, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                    assert!(most - least <= 1 && *least >= 1, "{case}: {sizes:?}");
                    if !band {
                        assert!(*most <= TASK_PANELS, "{case}: {sizes:?}");
                        assert!(parts.is_multiple_of(threads) || parts == m_panels, "{case}: {parts}");
                    }
                }
            }
        }
        // n = 2048 on two threads: 8 tasks of 256 rows; VGG16's block5 at batch 1 (7 row
        // panels, 512 columns): all the rows, half the columns each.
        assert!(plan(64, 64, 2).iter().all(|t| t.row_panels.len() == 8 && t.col_panels == (0..64)));
        let band: Vec<_> = plan(7, 16, 2).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(band, [(0..7, 0..8), (0..7, 8..16)]);
    }
}
