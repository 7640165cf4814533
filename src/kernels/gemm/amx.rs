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
//! multiply-adds; measured on this machine's Sapphire-Rapids-class core, a loop of them runs at
//! 2.8 TFLOP/s per core against 0.2 TFLOP/s for AVX-512 f32 FMAs.
//!
//! The loop nest (what the tile unit needs to be kept busy):
//!
//! ```text
//! B packed once, tile order:   [k-chunk c][B panel jp][k-block q of c][tile 0 | tile 1]  (1 KB tiles)
//! A packed per task, the same: [k-chunk c][A panel  ][k-block q of c][tile 0 | tile 1]
//! for each k-chunk c (KC = 256 deep):
//!     for each A panel of the task (its chunk, 16 KB, stays in L1):
//!         for each B panel of the task (its chunk streams from L2, prefetched 2 k-blocks ahead):
//!             tmm0–3 ← the block's partial sums (zero on the first chunk)
//!             for q in c: 4 tile loads, 4 TDPBF16PS
//!             tmm0–3 → the task's f32 accumulator (last chunk: act(sum + bias) → C)
//! ```
//!
//! Every tile row is one 64-byte cache line (`Tiles` is 64-byte aligned): a row that
//! straddled two lines cost each TILELOADD twice the loads, and the kernel ran at a third of
//! the speed. Both operands are contiguous in the order the loop reads them, so the hardware and
//! the software prefetches see one stream. What bounds it: a k-block is 4 TILELOADD (≈ 8
//! cycles each from L1) beside 4 TDPBF16PS (16 cycles each); tile registers are not renamed,
//! so a load waits for the TDPBF16PS still reading the tile it replaces; from L1 the loop runs
//! at ~80% of the register-only rate, and with B from L2 at ~40% on one core (single-thread lab
//! measurements on a Sapphire Rapids class Xeon).
//!
//! Availability: the CPU must report AMX-TILE, AMX-BF16 and AVX512-BF16, and Linux must grant
//! the process the tile data state (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`,
//! Linux ≥ 5.16); [`available`] asks once. [`Precision::Bf16`](super::Precision::Bf16) takes
//! these tiles where they are available, else the AVX512-BF16 pairs of `pairs` (the
//! same arithmetic), else reports an error: nothing falls back to f32 silently.
//!
//! Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 1 ch. 20
//! ("Intel AMX") and vol. 2 (LDTILECFG, TILELOADD, TDPBF16PS, TILESTORED).

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
/// How far ahead along the packed B stream the kernel prefetches, in bytes (two k-blocks).
const PREFETCH_BYTES: usize = 4096;

/// bf16 bits on 64-byte lines: a tile row is one cache line.
#[derive(Debug, Clone, Default)]
pub(super) struct Tiles(Vec<Line>);

#[repr(C, align(64))]
#[derive(Debug, Clone, Copy, bytemuck::Zeroable, bytemuck::Pod)]
struct Line([u16; 32]);

impl Tiles {
    fn zeroed(len: usize) -> Tiles {
        Tiles(vec![Line([0; 32]); len.div_ceil(32)])
    }

    /// At least `len` values (new ones zero, old ones kept).
    fn resize(&mut self, len: usize) {
        self.0.resize(len.div_ceil(32), Line([0; 32]));
    }

    fn bits(&self) -> &[u16] {
        bytemuck::cast_slice(&self.0)
    }

    fn bits_mut(&mut self) -> &mut [u16] {
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
    let mut tiles = Tiles::zeroed(kblocks * KB * panels * NR);
    let bits = tiles.bits_mut();
    // Blocks of one k-chunk are contiguous and disjoint: fill them in parallel, one chunk's
    // panel at a time.
    let mut blocks: Vec<(usize, usize, &mut [u16])> = Vec::with_capacity(kblocks * panels);
    let mut rest = bits;
    for (q0, in_chunk) in chunks(kblocks) {
        for jp in 0..panels {
            let (run, tail) = rest.split_at_mut(in_chunk * BLOCK);
            blocks.push((q0, jp, run));
            rest = tail;
        }
    }
    let row_major_f32 = W::as_f32(b).filter(|_| cs == 1);
    blocks.into_par_iter().for_each(|(q0, jp, run)| {
        for (q_in, block) in run.chunks_mut(BLOCK).enumerate() {
            let p0 = (q0 + q_in) * KB;
            let (depth, width) = (KB.min(k - p0), NR.min(n - jp * NR));
            match row_major_f32 {
                // SAFETY: rows p0..p0+depth of B hold columns jp·32..jp·32+width; AMX implies
                // AVX512-BF16 (`available`).
                Some(b) => unsafe { x86::pack_block(&b[p0 * rs + jp * NR..], rs, (depth, width), block) },
                None => {
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
    });
    tiles
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
    driver(par, g, (&FromPanels(a), b), epilogue, c)
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
}

/// [`gemm`] with op(A) from [`TileRows`].
pub(super) fn gemm_rows<T: TileRows>(
    par: Par,
    g: Gemm,
    (a, b): (&T, &Tiles),
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    driver(par, g, (&FromRows(a), b), epilogue, c)
}

/// How a task's A panels get into tile order, one k-chunk at a time.
trait PackA: Sync {
    /// `chunk` = (q0, blocks): k-blocks `q0 .. q0 + blocks` of the task's A panels, bf16, into `tiles` as
    /// [panel][k-block][tile 0 | tile 1] (resized; every value the kernel reads is written,
    /// padding with zeros).
    fn pack(&self, shape: (usize, usize), task: &Task, chunk: (usize, usize), tiles: &mut Tiles);
}

struct FromPanels<'a, A: ?Sized>(&'a A);

impl<A: PanelSource + ?Sized> PackA for FromPanels<'_, A> {
    fn pack(&self, (m, k): (usize, usize), task: &Task, (q0, blocks): (usize, usize), tiles: &mut Tiles) {
        tiles.resize(task.row_panels.len() * blocks * BLOCK);
        let bits = tiles.bits_mut();
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
}

struct FromRows<'a, T>(&'a T);

impl<T: TileRows> PackA for FromRows<'_, T> {
    fn pack(&self, (m, _): (usize, usize), task: &Task, (q0, blocks): (usize, usize), tiles: &mut Tiles) {
        tiles.resize(task.row_panels.len() * blocks * BLOCK);
        let bits = tiles.bits_mut();
        for (slot, ip) in task.row_panels.clone().enumerate() {
            let rows = self.0.rows(ip * MR, MR.min(m - ip * MR));
            for q in 0..blocks {
                let at = (slot * blocks + q) * BLOCK;
                self.0.block(&rows, q0 + q, &mut bits[at..at + BLOCK]);
            }
        }
    }
}

/// The loop nest of the module doc, A packed by `a`.
fn driver<P: PackA>(par: Par, g: Gemm, (a, b): (&P, &Tiles), epilogue: Epilogue<'_>, c: &mut [f32]) {
    let (m, n, k) = (g.m, g.n, g.k);
    let (kblocks, n_panels) = (k.div_ceil(KB), n.div_ceil(NR));
    assert!(available() && b.bits().len() >= kblocks * KB * n_panels * NR, "AMX operands");
    if tasks::trivial(m, n, k, &epilogue, c) {
        return;
    }
    let m_panels = m.div_ceil(MR);
    let cptr = SharedC::new(c);
    let b = b.bits();
    let run = |task: &Task| {
        let (panels, cols) = (task.row_panels.len(), task.col_panels.len());
        // Scratch kept per thread between tasks and calls (fresh pages fault in slowly); a
        // nested call on this thread (rayon work stealing) finds it taken and allocates its own.
        let (mut a_tiles, mut sums) = (A_SCRATCH.take(), SUM_SCRATCH.take());
        // The task's partial sums, block after block ((row panel, column panel) → 32 × 32).
        let blocks = if kblocks > CHUNK_BLOCKS { panels * cols } else { 1 };
        sums.resize(blocks * MR * NR);
        let sums_f32 = sums.floats_mut();
        x86::configure_tiles();
        for (q0, in_chunk) in chunks(kblocks) {
            let (first, last) = (q0 == 0, q0 + in_chunk == kblocks);
            a.pack((m, k), task, (q0, in_chunk), &mut a_tiles);
            let a_bits = a_tiles.bits();
            for (slot, ip) in task.row_panels.clone().enumerate() {
                let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
                let ap = &a_bits[slot * in_chunk * BLOCK..][..in_chunk * BLOCK];
                for (col, jp) in task.col_panels.clone().enumerate() {
                    let (j0, width) = (jp * NR, NR.min(n - jp * NR));
                    let bp = &b[block_at(q0, jp, n_panels, kblocks)..][..in_chunk * BLOCK];
                    let at = if blocks > 1 { (slot * cols + col) * MR * NR } else { 0 };
                    let block = &mut sums_f32[at..at + MR * NR];
                    // SAFETY: the panels hold `in_chunk` k-blocks each; the sums block is
                    // 32 × 32 floats; `available()` checked AMX and the tiles were configured
                    // on this thread.
                    unsafe { x86::chunk(in_chunk, ap.as_ptr(), bp.as_ptr(), block.as_mut_ptr(), first) };
                    if last {
                        // SAFETY: the block [i0, i0+rows) × [j0, j0+width) lies inside C
                        // (m × n) and belongs to this task alone.
                        unsafe {
                            x86::finish(block, (cptr.at(i0 * n + j0), n), (rows, width, j0), &epilogue)
                        };
                    }
                }
            }
        }
        x86::release_tiles();
        A_SCRATCH.set(a_tiles);
        SUM_SCRATCH.set(sums);
    };
    tasks::run(par, &tasks::plan(m_panels, n_panels, k, par, false), run);
}

/// `x` rounded to bf16 bits (nearest even, as the tile kernel rounds A), in parallel over
/// `par`: an image converted once, so that a convolution's nine taps copy bf16 rows.
pub(crate) fn to_bf16(par: Par, x: &[f32]) -> Vec<u16> {
    let mut bits = vec![0u16; x.len()];
    const CHUNK: usize = 1 << 14;
    let round = |(i, dst): (usize, &mut [u16])| {
        super::pairs::round_to_bf16(&x[i * CHUNK..i * CHUNK + dst.len()], dst)
    };
    tasks::fill_panels(par, &mut bits, CHUNK, round);
    bits
}

thread_local! {
    static A_SCRATCH: std::cell::Cell<Tiles> = const { std::cell::Cell::new(Tiles(Vec::new())) };
    static SUM_SCRATCH: std::cell::Cell<Sums> = const { std::cell::Cell::new(Sums(Vec::new())) };
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;
    use std::arch::x86_64::*;

    use super::{BLOCK, NR, PREFETCH_BYTES};
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
        // Lane 2j ← row p's column j, lane 2j + 1 ← row p + 1's (the low 16 words of
        // `cvtne2ps` are its second operand).
        let interleave = _mm512_set_epi16(
            31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21, 5, 20, 4, 19, 3,
            18, 2, 17, 1, 16, 0,
        );
        for pair in 0..depth.div_ceil(2) {
            for tile in 0..width.div_ceil(16) {
                let cols = (width - tile * 16).min(16);
                let mask: __mmask16 = ((1u32 << cols) - 1) as u16;
                // SAFETY: masked loads read only columns < width of rows < depth; the store
                // writes 64 bytes at pair row `pair` of tile `tile`, inside `block`.
                unsafe {
                    let row = |p: usize| {
                        if p < depth {
                            _mm512_maskz_loadu_ps(mask, b.as_ptr().add(p * ld + tile * 16))
                        } else {
                            _mm512_setzero_ps()
                        }
                    };
                    let (even, odd) = (row(2 * pair), row(2 * pair + 1));
                    let halves: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(odd, even));
                    let pairs = _mm512_permutexvar_epi16(interleave, halves);
                    _mm512_storeu_si512(block.as_mut_ptr().add(tile * 512 + pair * 32) as *mut _, pairs);
                }
            }
        }
    }

    /// One k-chunk of one 32 × 32 block: tmm0–3 ← `sums` (or zero when `first`), then for
    /// each of `kblocks` k-blocks tmm[2i+j] += A_i · B_j, then tmm0–3 → `sums` (row-major
    /// 32 × 32). While the four products run, the B stream two k-blocks ahead is prefetched
    /// into L1 (32 lines: one per 2 KB block).
    ///
    /// # Safety
    /// Tiles configured on this thread; `a` and `b` hold `kblocks` tile-order k-blocks
    /// (`BLOCK` bf16 each) on 64-byte lines; `sums` holds 32 × 32 floats.
    pub(super) unsafe fn chunk(kblocks: usize, a: *const u16, b: *const u16, sums: *mut f32, first: bool) {
        let (tile_row, sum_row) = (64usize, NR * 4);
        // SAFETY (whole body): tile loads read 16 rows of 64 bytes inside the k-block's two
        // tiles (a, b) or the sums; prefetches never fault.
        unsafe {
            let s16 = sums.add(16 * NR);
            if first {
                asm!(
                    "tilezero tmm0",
                    "tilezero tmm1",
                    "tilezero tmm2",
                    "tilezero tmm3",
                    options(nostack, nomem)
                );
            } else {
                asm!(
                    "tileloadd tmm0, [{t} + {s}*1]",
                    "tileloadd tmm1, [{t} + {s}*1 + 64]",
                    "tileloadd tmm2, [{t16} + {s}*1]",
                    "tileloadd tmm3, [{t16} + {s}*1 + 64]",
                    t = in(reg) sums, t16 = in(reg) s16, s = in(reg) sum_row, options(nostack, readonly),
                );
            }
            for q in 0..kblocks {
                let (a0, b0) = (a.add(q * BLOCK), b.add(q * BLOCK));
                let p = (b0 as *const u8).wrapping_add(PREFETCH_BYTES);
                asm!(
                    "tileloadd tmm4, [{a0} + {s}*1]",
                    "tileloadd tmm6, [{b0} + {s}*1]",
                    "prefetcht0 [{p} + 0]", "prefetcht0 [{p} + 64]", "prefetcht0 [{p} + 128]", "prefetcht0 [{p} + 192]", "prefetcht0 [{p} + 256]", "prefetcht0 [{p} + 320]", "prefetcht0 [{p} + 384]", "prefetcht0 [{p} + 448]",
                    "tdpbf16ps tmm0, tmm4, tmm6",
                    "tileloadd tmm7, [{b0} + {s}*1 + 1024]",
                    "prefetcht0 [{p} + 512]", "prefetcht0 [{p} + 576]", "prefetcht0 [{p} + 640]", "prefetcht0 [{p} + 704]", "prefetcht0 [{p} + 768]", "prefetcht0 [{p} + 832]", "prefetcht0 [{p} + 896]", "prefetcht0 [{p} + 960]",
                    "tdpbf16ps tmm1, tmm4, tmm7",
                    "tileloadd tmm5, [{a0} + {s}*1 + 1024]",
                    "prefetcht0 [{p} + 1024]", "prefetcht0 [{p} + 1088]", "prefetcht0 [{p} + 1152]", "prefetcht0 [{p} + 1216]", "prefetcht0 [{p} + 1280]", "prefetcht0 [{p} + 1344]", "prefetcht0 [{p} + 1408]", "prefetcht0 [{p} + 1472]",
                    "tdpbf16ps tmm2, tmm5, tmm6",
                    "prefetcht0 [{p} + 1536]", "prefetcht0 [{p} + 1600]", "prefetcht0 [{p} + 1664]", "prefetcht0 [{p} + 1728]", "prefetcht0 [{p} + 1792]", "prefetcht0 [{p} + 1856]", "prefetcht0 [{p} + 1920]", "prefetcht0 [{p} + 1984]",
                    "tdpbf16ps tmm3, tmm5, tmm7",
                    a0 = in(reg) a0, b0 = in(reg) b0, p = in(reg) p, s = in(reg) tile_row,
                    options(nostack, readonly),
                );
            }
            asm!(
                "tilestored [{t} + {s}*1], tmm0",
                "tilestored [{t} + {s}*1 + 64], tmm1",
                "tilestored [{t16} + {s}*1], tmm2",
                "tilestored [{t16} + {s}*1 + 64], tmm3",
                t = in(reg) sums, t16 = in(reg) s16, s = in(reg) sum_row, options(nostack),
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

    /// C block = act(sums + bias) over its `rows × cols`, 16 columns at a time.
    ///
    /// # Safety
    /// As [`block`]; AVX-512F is available (implied by AMX).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn finish(
        sums: &[f32],
        (c, ldc): (*mut f32, usize),
        (rows, cols, j0): (usize, usize, usize),
        epilogue: &Epilogue<'_>,
    ) {
        for j in (0..cols).step_by(16) {
            let mask: __mmask16 = ((1u32 << (cols - j).min(16)) - 1) as u16;
            // SAFETY: masked accesses touch only columns < cols of rows < rows of the block,
            // and the bias's entries j0 + j.. of those columns.
            unsafe {
                let bias = match epilogue.bias {
                    Some(b) => _mm512_maskz_loadu_ps(mask, b.as_ptr().add(j0 + j)),
                    None => _mm512_setzero_ps(),
                };
                for r in 0..rows {
                    let x = _mm512_add_ps(_mm512_loadu_ps(sums.as_ptr().add(r * NR + j)), bias);
                    let x = match epilogue.activation {
                        Activation::Identity => x,
                        Activation::Relu => _mm512_max_ps(x, _mm512_setzero_ps()),
                        Activation::Sigmoid => {
                            let mut lanes = [0.0f32; 16];
                            _mm512_storeu_ps(lanes.as_mut_ptr(), x);
                            lanes.iter_mut().for_each(|v| *v = Activation::Sigmoid.apply(*v));
                            _mm512_loadu_ps(lanes.as_ptr())
                        }
                    };
                    _mm512_mask_storeu_ps(c.add(r * ldc + j), mask, x);
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
    pub(super) unsafe fn register_loop(_: usize) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn pack_block(_: &[f32], _: usize, _: (usize, usize), _: &mut [u16]) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn chunk(_: usize, _: *const u16, _: *const u16, _: *mut f32, _: bool) {
        unreachable!("AMX is x86-64 only")
    }
    pub(super) unsafe fn finish(_: &[f32], _: (*mut f32, usize), _: (usize, usize, usize), _: &Epilogue<'_>) {
        unreachable!("AMX is x86-64 only")
    }
}
