//! The ceilings the GEMM kernels are judged against, measured on one core with register-only
//! loops (no memory traffic): f32 AVX-512 FMAs, AVX512-BF16 pairs, AMX TDPBF16PS tiles.
//! A kernel's "% of peak" is its GFLOP/s per core over these (`cinegenre bench gemm` runs
//! one thread with the SIMD backend).

use std::time::Instant;

use crate::kernels::gemm::amx;
use crate::simd::peak;

/// One unit's register-only rate.
#[derive(Debug, Clone)]
pub struct Peak {
    /// `avx512 fma f32`, `avx512-bf16 vdpbf16ps`, `amx tdpbf16ps`.
    pub unit: &'static str,
    /// Best of `reps` runs, GFLOP/s on one core (a multiply-add counts 2).
    pub gflops: f64,
}

/// Best rate of `run(iters)` over `reps` timed runs, `flops_per_iter` flops per iteration;
/// `None` when the unit is absent.
fn best<T>(reps: usize, iters: usize, flops_per_iter: f64, run: impl Fn(usize) -> Option<T>) -> Option<f64> {
    run(iters / 10)?;
    let mut best = 0.0f64;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        std::hint::black_box(run(iters)?);
        best = best.max(iters as f64 * flops_per_iter / start.elapsed().as_secs_f64() / 1e9);
    }
    Some(best)
}

/// Every unit this CPU has, timed on the calling thread: best of `reps` runs of about 0.1 s.
pub fn peaks(reps: usize) -> Vec<Peak> {
    let mut out = Vec::new();
    if let Some(gflops) =
        best(reps, 2_000_000, peak::FMA_FLOPS_PER_ITER, |i| peak::run(peak::Loop::FmaF32, i))
    {
        out.push(Peak { unit: "avx512 fma f32", gflops });
    }
    if let Some(gflops) =
        best(reps, 2_000_000, peak::DOT_FLOPS_PER_ITER, |i| peak::run(peak::Loop::DotBf16, i))
    {
        out.push(Peak { unit: "avx512-bf16 vdpbf16ps", gflops });
    }
    if let Some(gflops) = best(reps, 200_000, amx::REGISTER_FLOPS_PER_ITER, amx::register_only) {
        out.push(Peak { unit: "amx tdpbf16ps", gflops });
    }
    out
}
