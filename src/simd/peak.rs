//! Register-only loops that measure what a core can issue: f32 FMAs (AVX-512) and bf16 pair
//! dot products (AVX512-BF16 `vdpbf16ps`). No memory is touched inside the loops, so their
//! rate is the ceiling a GEMM micro-kernel is judged against (`bench::peak`).
//!
//! ```text
//! 16 independent accumulators (enough to cover the instruction's latency on 2 pipes):
//! fma:    acc[i] = a·acc[i] + b          16 lanes × 2 flops   per instruction
//! dpbf16: acc[i] += a₀b₀ + a₁b₁ per lane 16 lanes × 4 flops   per instruction
//! ```

/// Chains kept in flight.
const CHAINS: usize = 16;

/// Flops per loop iteration of [`Loop::FmaF32`] and [`Loop::DotBf16`].
pub const FMA_FLOPS_PER_ITER: f64 = (CHAINS * 16 * 2) as f64;
pub const DOT_FLOPS_PER_ITER: f64 = (CHAINS * 16 * 4) as f64;

/// A register-only loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loop {
    /// AVX-512 f32 FMAs ([`FMA_FLOPS_PER_ITER`] per iteration).
    FmaF32,
    /// AVX512-BF16 `vdpbf16ps` ([`DOT_FLOPS_PER_ITER`] per iteration).
    DotBf16,
}

/// `iters` iterations of `CHAINS` instructions of `which`; `None` where the CPU lacks them.
pub fn run(which: Loop, iters: usize) -> Option<f32> {
    #[cfg(target_arch = "x86_64")]
    {
        let has = |feature| match feature {
            Loop::FmaF32 => std::arch::is_x86_feature_detected!("avx512f"),
            Loop::DotBf16 => std::arch::is_x86_feature_detected!("avx512bf16"),
        };
        if has(which) {
            // SAFETY: the instructions were checked just above (AVX512-BF16 implies AVX-512F).
            return Some(unsafe {
                match which {
                    Loop::FmaF32 => x86::fma(iters),
                    Loop::DotBf16 => x86::dot(iters),
                }
            });
        }
    }
    let _ = (which, iters);
    None
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::CHAINS;

    /// The sum of the accumulators, so the loop cannot be dropped.
    #[target_feature(enable = "avx512f")]
    unsafe fn total(acc: &[__m512; CHAINS]) -> f32 {
        let mut sum = _mm512_setzero_ps();
        for a in acc {
            sum = _mm512_add_ps(sum, *a);
        }
        _mm512_reduce_add_ps(sum)
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn fma(iters: usize) -> f32 {
        let (a, b) = (_mm512_set1_ps(1.0), _mm512_set1_ps(std::hint::black_box(1e-9)));
        let mut acc = [_mm512_setzero_ps(); CHAINS];
        for _ in 0..iters {
            for x in acc.iter_mut() {
                *x = _mm512_fmadd_ps(a, *x, b);
            }
        }
        // SAFETY: AVX-512F is enabled on this function.
        unsafe { total(&acc) }
    }

    #[target_feature(enable = "avx512f,avx512bf16")]
    pub(super) unsafe fn dot(iters: usize) -> f32 {
        let ones = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-9), _mm512_set1_ps(std::hint::black_box(1e-9)));
        let mut acc = [_mm512_setzero_ps(); CHAINS];
        for _ in 0..iters {
            for x in acc.iter_mut() {
                *x = _mm512_dpbf16_ps(*x, ones, ones);
            }
        }
        // SAFETY: AVX-512F is enabled on this function.
        unsafe { total(&acc) }
    }
}
