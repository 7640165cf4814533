//! Shared helpers: the backends to check, NaN-poisoned outputs, relative-error assertions.

use cinegenre::backend::Backend;
use cinegenre::gpu::GpuContext;
use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm};

/// The tolerances, fixtures and GPU-or-skip rule every test binary shares.
#[path = "../common/mod.rs"]
mod shared;

#[cfg_attr(not(feature = "gpu"), allow(unused_imports))] // only the GPU-only modules use it
pub use shared::gpu::gpu_or_skip;
pub use shared::tolerance::{F32_REL, rel_error};

/// Every fast backend to compare with [`Backend::Scalar`]. Without an adapter the GPU is
/// skipped with a printed reason — or the test fails when `CINEGENRE_REQUIRE_GPU=1` (CI).
pub fn fast_backends() -> Vec<Backend> {
    let hidden = shared::gpu::gpu_hidden();
    let all: Vec<Backend> = Backend::available()
        .into_iter()
        .filter(|b| !(matches!(b, Backend::Scalar) || hidden && b.is_gpu()))
        .collect();
    if hidden {
        shared::gpu::skip_gpu(&format!("{}=1 hides it", shared::gpu::HIDE_GPU_ENV));
    } else if !all.iter().any(Backend::is_gpu) {
        let why = GpuContext::get().err().map(|e| e.to_string()).unwrap_or_default();
        shared::gpu::skip_gpu(&why);
    }
    all
}

/// A buffer of NaNs: any element a kernel forgets to write fails the comparison.
pub fn poisoned(len: usize) -> Vec<f32> {
    vec![f32::NAN; len]
}

/// Deterministic values in [−1, 1).
pub fn values(len: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Assert ‖got − want‖/‖want‖ ≤ `rel` (absolute when ‖want‖ = 0) and that `got` is all finite;
/// print the first five differing elements and the max error on failure.
pub fn assert_rel_close(label: &str, got: &[f32], want: &[f32], rel: f64) {
    assert_eq!(got.len(), want.len(), "{label}: lengths differ");
    let (mut diff2, mut ref2, mut max_abs) = (0.0f64, 0.0f64, 0.0f64);
    let mut bad = Vec::new();
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let d = f64::from(g) - f64::from(w);
        if !g.is_finite() || d.abs() > 1e-6 + 1e-4 * f64::from(w).abs() {
            bad.push((i, g, w));
        }
        diff2 += d * d;
        ref2 += f64::from(w) * f64::from(w);
        max_abs = max_abs.max(d.abs());
    }
    let err = if ref2 > 0.0 { (diff2 / ref2).sqrt() } else { diff2.sqrt() };
    let finite = got.iter().all(|x| x.is_finite());
    assert!(
        finite && err <= rel,
        "{label}: relative error {err:.3e} > {rel:.0e} (max abs {max_abs:.3e}); first (index, got, want): {:?}",
        &bad[..bad.len().min(5)]
    );
}

/// ‖C − C_f32‖/‖C_f32‖ of `product(a, b, c)` on uniform data of shape `g`, C_f32 from the
/// f64-summing reference: the cost of a storage or arithmetic precision.
pub fn error_against_f32(g: Gemm, product: impl FnOnce(&[f32], &[f32], &mut [f32])) -> f64 {
    let (a, b) = (values(g.m * g.k, 21), values(g.k * g.n, 22));
    let mut exact = vec![0.0; g.m * g.n];
    gemm(&Backend::Scalar, g, &a, &b, Epilogue::default(), &mut exact).unwrap();
    let mut got = poisoned(g.m * g.n);
    product(&a, &b, &mut got);
    rel_error(&got, &exact)
}
