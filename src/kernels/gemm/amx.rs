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
//! The driver mirrors `simd`'s prepacked path: B (a layer's weights) is packed once
//! (`pack`, k-pairs interleaved as TDPBF16PS wants them, "VNNI" layout); a task packs
//! one 32-row A panel of a k-slice from any [`PanelSource`] (f32), rounds it to bf16 with
//! AVX512-BF16 `vcvtneps2bf16`, and runs the tile kernel over its B panels. Interior C blocks
//! are loaded into and stored from the tiles directly; edge blocks and the epilogue (bias,
//! activation) go through a 32 × 32 buffer with AVX-512.
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

/// op(B) (k × n) rounded to bf16 and cut into the panels the tile kernel reads: per 32
/// columns, `kp/2` rows of 32 (column, pair) entries — `panel[(p/2)·64 + 2j + p%2]` holds
/// B[p][j0 + j] — with k padded by zeros to kp, a multiple of 32. Shapes checked by the caller.
pub(super) fn pack<W: Weight>(g: Gemm, b: &[W]) -> Vec<u16> {
    let (k, n) = (g.k, g.n);
    let (rs, cs) = g.b_strides();
    let kp = k.next_multiple_of(KB);
    let mut bits = vec![0u16; kp * n.div_ceil(NR) * NR];
    bits.par_chunks_mut(kp * NR).enumerate().for_each(|(jp, panel)| {
        for p in 0..k {
            for j in 0..NR.min(n - jp * NR) {
                let x = b[p * rs + (jp * NR + j) * cs].to_f32();
                panel[(p / 2) * 2 * NR + 2 * j + p % 2] = bf16_bits(x) as u16;
            }
        }
    });
    bits
}

/// C = act(bf16(op(A))·B + bias) with B packed by [`pack`]; op(A) (`g.m` × `g.k`) comes from
/// any [`PanelSource`], sequential or over rayon's pool. Shapes were checked by the caller, and
/// AMX is [`available`].
pub(super) fn gemm<A: PanelSource + ?Sized>(
    par: Par,
    g: Gemm,
    (a, b): (&A, &[u16]),
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) {
    let (m, n, k) = (g.m, g.n, g.k);
    assert!(available() && b.len() == k.next_multiple_of(KB) * n.div_ceil(NR) * NR, "AMX operands");
    if tasks::trivial(m, n, k, &epilogue, c) {
        return;
    }
    let (m_panels, n_panels) = (m.div_ceil(MR), n.div_ceil(NR));
    let cptr = SharedC::new(c);
    let kp = k.next_multiple_of(KB);
    // A task: round its A panels over the whole depth (each ≤ 32·kp bf16, in L2), then for
    // each B panel of its columns (streamed once per task), each A panel: the 32 × 32 block
    // of C is summed in the tiles over all of k and written once, with the epilogue.
    let run = |task: &Task| {
        let panels = task.row_panels.len();
        let mut wide = vec![0.0f32; MR * A_STRIDE];
        let mut a_bits = vec![0u16; panels * MR * kp];
        for (slot, ip) in task.row_panels.clone().enumerate() {
            let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
            let panel = &mut a_bits[slot * MR * kp..(slot + 1) * MR * kp];
            // ≤ 512 columns at a time: the PanelSource's row stride.
            for pc in (0..k).step_by(512) {
                let kc = 512.min(k - pc);
                a.pack(&Panel { i0, rows, pc, kc, mr: MR, level: SimdLevel::Avx512 }, &mut wide);
                for r in 0..MR {
                    let (src, dst) = (r * A_STRIDE, r * kp + pc);
                    super::pairs::round_to_bf16(&wide[src..src + kc], &mut panel[dst..dst + kc]);
                }
            }
        }
        x86::configure_tiles();
        for jp in task.col_panels.clone() {
            let (j0, cols) = (jp * NR, NR.min(n - jp * NR));
            let bp = &b[jp * kp * NR..(jp + 1) * kp * NR];
            for (slot, ip) in task.row_panels.clone().enumerate() {
                let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
                let ap = &a_bits[slot * MR * kp..(slot + 1) * MR * kp];
                // SAFETY: the block [i0, i0+rows) × [j0, j0+cols) lies inside C (m × n) and
                // belongs to this task alone; the panels hold kp·MR and kp·NR bf16;
                // `available()` checked AMX and the tiles were configured on this thread.
                unsafe {
                    let c = cptr.at(i0 * n + j0);
                    x86::block(kp / KB, (ap.as_ptr(), kp), bp.as_ptr(), (c, n), (rows, cols, j0), &epilogue)
                };
            }
        }
        x86::release_tiles();
    };
    tasks::run(par, &tasks::plan(m_panels, n_panels, par), run);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;
    use std::arch::x86_64::*;

    use super::{KB, MR, NR};
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

    /// One 32 × 32 block of C (`rows × cols` of it inside C, first column `j0`) from `kblocks`
    /// 32-deep blocks of the A panel (32 rows at a stride of `lda` bf16) and the B panel (VNNI,
    /// 64 bf16 per k-pair row): summed in tmm0–3, then act(sum + bias) written to C.
    ///
    /// # Safety
    /// Tiles configured on this thread; `a` holds 32·lda and `b` kblocks·32·32 bf16; `c` is
    /// writable for `rows` rows of `cols` floats at stride `ldc` and owned by the caller.
    pub(super) unsafe fn block(
        kblocks: usize,
        (a, lda): (*const u16, usize),
        b: *const u16,
        (c, ldc): (*mut f32, usize),
        (rows, cols, j0): (usize, usize, usize),
        epilogue: &Epilogue<'_>,
    ) {
        let (lda_bytes, ldb_bytes) = (lda * 2, 2 * NR * 2);
        // SAFETY (whole body): tile loads read 16 rows of 64 bytes at the given strides, all
        // inside the panels (a: rows 0–31 of k-block q; b: k-block q's 16 pair rows); the
        // stores write the local buffer.
        unsafe {
            asm!("tilezero tmm0", "tilezero tmm1", "tilezero tmm2", "tilezero tmm3", options(nostack, nomem));
            for q in 0..kblocks {
                let (a0, a16, b0) = (a.add(q * KB), a.add(16 * lda + q * KB), b.add(q * KB * NR));
                asm!(
                    "tileloadd tmm4, [{a0} + {sa}*1]",
                    "tileloadd tmm6, [{b0} + {sb}*1]",
                    "tdpbf16ps tmm0, tmm4, tmm6",
                    "tileloadd tmm7, [{b0} + {sb}*1 + 64]",
                    "tdpbf16ps tmm1, tmm4, tmm7",
                    "tileloadd tmm5, [{a16} + {sa}*1]",
                    "tdpbf16ps tmm2, tmm5, tmm6",
                    "tdpbf16ps tmm3, tmm5, tmm7",
                    a0 = in(reg) a0, a16 = in(reg) a16, b0 = in(reg) b0,
                    sa = in(reg) lda_bytes, sb = in(reg) ldb_bytes, options(nostack, readonly),
                );
            }
            let mut sums = Sums([0.0; MR * NR]);
            let t = sums.0.as_mut_ptr();
            let t16 = t.add(16 * NR);
            asm!(
                "tilestored [{t} + {s}*1], tmm0",
                "tilestored [{t} + {s}*1 + 64], tmm1",
                "tilestored [{t16} + {s}*1], tmm2",
                "tilestored [{t16} + {s}*1 + 64], tmm3",
                t = in(reg) t, t16 = in(reg) t16, s = in(reg) NR * 4, options(nostack),
            );
            finish(&sums.0, (c, ldc), (rows, cols, j0), epilogue);
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

    /// A 32 × 32 f32 buffer on a cache line.
    #[repr(C, align(64))]
    struct Sums([f32; MR * NR]);

    /// C block = act(sums + bias) over its `rows × cols`, 16 columns at a time.
    ///
    /// # Safety
    /// As [`block`]; AVX-512F is available (implied by AMX).
    #[target_feature(enable = "avx512f")]
    unsafe fn finish(
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
    pub(super) unsafe fn block(
        _: usize,
        _: (*const u16, usize),
        _: *const u16,
        _: (*mut f32, usize),
        _: (usize, usize, usize),
        _: &Epilogue<'_>,
    ) {
        unreachable!("AMX is x86-64 only")
    }
}
