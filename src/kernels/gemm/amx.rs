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
//! pairs are exact and sums are f32 — the arithmetic of [`super::dot_bf16`]'s `vdpbf16ps`,
//! so the same error: ‖C − C_f32‖/‖C_f32‖ ≈ 2.1e-3 on uniform data (√2 × the error of
//! rounding B alone, [`super::half`]). What changes is speed: one TDPBF16PS does 8,192
//! multiply-adds; measured on this machine's Sapphire-Rapids-class core, a loop of them runs at
//! 2.8 TFLOP/s per core against 0.2 TFLOP/s for AVX-512 f32 FMAs.
//!
//! The driver mirrors [`super::simd`]'s prepacked path: B (a layer's weights) is packed once
//! ([`PackedBf16`], k-pairs interleaved as TDPBF16PS wants them, "VNNI" layout); a task packs
//! one 32-row A panel of a k-slice from any [`PanelSource`] (f32), rounds it to bf16 with
//! AVX512-BF16 `vcvtneps2bf16`, and runs the tile kernel over its B panels. Interior C blocks
//! are loaded into and stored from the tiles directly; edge blocks and the epilogue (bias,
//! activation) go through a 32 × 32 buffer with AVX-512.
//!
//! Availability: the CPU must report AMX-TILE, AMX-BF16 and AVX512-BF16, and Linux must grant
//! the process the tile data state (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`,
//! Linux ≥ 5.16); [`available`] asks once. Elsewhere every entry point returns an error that
//! says so — nothing falls back silently.
//!
//! Reference: Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 1 ch. 20
//! ("Intel AMX") and vol. 2 (LDTILECFG, TILELOADD, TDPBF16PS, TILESTORED).

use rayon::prelude::*;

use super::simd::{A_STRIDE, PanelSource, SharedC, Task, plan};
use super::{Epilogue, Gemm};
use crate::backend::Par;
use crate::error::{Error, Result};

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
        if !std::arch::is_x86_feature_detected!("avx512bf16") {
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

fn unavailable() -> Error {
    Error::param(
        "precision",
        "bf16 needs Intel AMX (AMX-TILE, AMX-BF16, AVX512-BF16) and Linux ≥ 5.16; this CPU or OS has not got it",
    )
}

/// op(B) (k × n) rounded to bf16 and cut into the panels the tile kernel reads: per 32
/// columns, `kp/2` rows of 32 (column, pair) entries — `panel[(p/2)·64 + 2j + p%2]` holds
/// B[p][j0 + j] — with k padded by zeros to kp, a multiple of 32.
#[derive(Debug, Clone)]
pub struct PackedBf16 {
    k: usize,
    n: usize,
    bits: Vec<u16>,
}

impl PackedBf16 {
    /// Round and pack op(B): shape (`g.k`, `g.n`), transposed if `g.trans_b`.
    pub fn new(g: Gemm, b: &[f32]) -> Result<PackedBf16> {
        let (k, n) = (g.k, g.n);
        if b.len() != k * n {
            return Err(Error::Shape(format!("bf16 pack: B has {} elements, expected {k}·{n}", b.len())));
        }
        let (rs, cs) = g.b_strides();
        let kp = k.next_multiple_of(KB);
        let mut bits = vec![0u16; kp * n.div_ceil(NR) * NR];
        bits.par_chunks_mut(kp * NR).enumerate().for_each(|(jp, panel)| {
            for p in 0..k {
                for j in 0..NR.min(n - jp * NR) {
                    let x = b[p * rs + (jp * NR + j) * cs];
                    panel[(p / 2) * 2 * NR + 2 * j + p % 2] = super::dot_bf16::bf16_bits(x) as u16;
                }
            }
        });
        Ok(PackedBf16 { k, n, bits })
    }

    /// (k, n) of op(B).
    pub fn shape(&self) -> (usize, usize) {
        (self.k, self.n)
    }
}

/// C = act(bf16(op(A))·B + bias) with B packed by [`PackedBf16::new`]; op(A) (`g.m` × `g.k`)
/// comes from any [`PanelSource`], sequential or over rayon's pool.
///
/// # Errors
/// [`Error::Shape`] if `g` does not match B or C; [`Error::Param`] when AMX is not
/// [`available`].
pub fn gemm_packed<A: PanelSource + ?Sized>(
    par: Par,
    g: Gemm,
    a: &A,
    b: &PackedBf16,
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    if !available() {
        return Err(unavailable());
    }
    let (m, n, k) = (g.m, g.n, g.k);
    if (k, n) != b.shape() || c.len() != m * n || epilogue.bias.is_some_and(|bias| bias.len() != n) {
        return Err(Error::Shape(format!(
            "bf16 gemm {g:?}: B is {:?}, C has {} elements, bias {:?}",
            b.shape(),
            c.len(),
            epilogue.bias.map(<[f32]>::len)
        )));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        super::simd::sums_of_nothing(n, &epilogue, c);
        return Ok(());
    }
    let (m_panels, n_panels) = (m.div_ceil(MR), n.div_ceil(NR));
    let threads = match par {
        Par::Seq => 1,
        Par::Rayon => rayon::current_num_threads(),
    };
    let cptr = SharedC(c.as_mut_ptr());
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
            for part in (0..k).step_by(512) {
                let width = 512.min(k - part);
                a.pack(i0, rows, part, width, MR, &mut wide);
                for r in 0..MR {
                    let (src, dst) = (r * A_STRIDE, r * kp + part);
                    x86::round_to_bf16(&wide[src..src + width], &mut panel[dst..dst + width]);
                }
            }
        }
        x86::configure_tiles();
        for jp in task.col_panels.clone() {
            let (j0, cols) = (jp * NR, NR.min(n - jp * NR));
            let bp = &b.bits[jp * kp * NR..(jp + 1) * kp * NR];
            for (slot, ip) in task.row_panels.clone().enumerate() {
                let (i0, rows) = (ip * MR, MR.min(m - ip * MR));
                let ap = &a_bits[slot * MR * kp..(slot + 1) * MR * kp];
                // SAFETY: the block [i0, i0+rows) × [j0, j0+cols) lies inside C (m × n) and
                // belongs to this task alone; the panels hold kp·MR and kp·NR bf16;
                // `available()` checked AMX and the tiles were configured on this thread.
                unsafe {
                    let c = cptr.get().add(i0 * n + j0);
                    x86::block(kp / KB, (ap.as_ptr(), kp), bp.as_ptr(), (c, n), (rows, cols, j0), &epilogue)
                };
            }
        }
        x86::release_tiles();
    };
    let tasks = plan(m_panels, n_panels, threads);
    match par {
        Par::Seq => tasks.iter().for_each(run),
        Par::Rayon => tasks.par_iter().for_each(run),
    }
    Ok(())
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;
    use std::arch::x86_64::*;

    use super::{KB, MR, NR};
    use crate::kernels::Activation;
    use crate::kernels::gemm::Epilogue;

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

    /// `dst[i] = bf16(src[i])`, round to nearest even (equal lengths).
    pub(super) fn round_to_bf16(src: &[f32], dst: &mut [u16]) {
        // SAFETY: `available()` checked AVX512-BF16 before any caller runs.
        unsafe { round_avx512(src, dst) }
    }

    #[target_feature(enable = "avx512f,avx512bf16,avx512vl")]
    unsafe fn round_avx512(src: &[f32], dst: &mut [u16]) {
        let whole = src.len() / 16 * 16;
        for i in (0..whole).step_by(16) {
            // SAFETY: i + 16 ≤ len for both slices (equal lengths).
            unsafe {
                let v = _mm512_loadu_ps(src.as_ptr().add(i));
                let h: __m256i = std::mem::transmute(_mm512_cvtneps_pbh(v));
                _mm256_storeu_si256(dst.as_mut_ptr().add(i) as *mut __m256i, h);
            }
        }
        for i in whole..src.len() {
            dst[i] = crate::kernels::gemm::dot_bf16::bf16_bits(src[i]) as u16;
        }
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
    use crate::kernels::gemm::Epilogue;

    pub(super) fn configure_tiles() {}
    pub(super) fn release_tiles() {}
    pub(super) fn round_to_bf16(_: &[f32], _: &mut [u16]) {
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
