//! Timings behind `cinegenre bench`: GEMM GFLOP/s per backend and size, MLP epoch time, and
//! the whole suite beside the Python references ([`suite`], [`table`]).
//!
//! These are for the command line and `tools/bench_gemm_vs_numpy.py`; tests never time anything.
//! GPU timings include completion (the device is polled until the work is done) and exclude
//! uploads: inputs are made resident once, then the product is run `reps` times.

pub mod suite;
pub mod table;

use std::time::Instant;

use crate::backend::Backend;
use crate::error::Result;
use crate::kernels::Activation;
use crate::kernels::gemm::half::{Dtype, Weight, gemm_half, to_weights};
use crate::kernels::gemm::{self, Epilogue, Gemm};
use crate::rng::Mt19937;
use half::{bf16, f16};

/// One measured product.
#[derive(Debug, Clone)]
pub struct GemmTiming {
    pub backend: String,
    pub size: usize,
    pub seconds: f64,
    pub gflops: f64,
}

/// Uniform values in [−1, 1) from a seeded MT19937 (numpy's `random_sample` stream).
pub fn random_matrix(len: usize, seed: u32) -> Vec<f32> {
    let mut rng = Mt19937::new(seed);
    (0..len).map(|_| (rng.random_sample() * 2.0 - 1.0) as f32).collect()
}

/// Time square SGEMM of each `size` on `backend`: best of `reps` runs after one warm-up.
pub fn gemm_square(backend: &Backend, size: usize, reps: usize) -> Result<GemmTiming> {
    gemm_square_dtype(backend, size, reps, Dtype::F32)
}

/// As [`gemm_square`] with B stored as `dtype` ([`gemm::half`]); f32 runs the plain SGEMM.
/// Half-precision GPU timings include widening and uploading B each run (no f16 shader yet).
pub fn gemm_square_dtype(backend: &Backend, size: usize, reps: usize, dtype: Dtype) -> Result<GemmTiming> {
    if dtype != Dtype::F32 {
        let b = random_matrix(size * size, 2);
        return match dtype {
            Dtype::F16 => half_square(backend, size, reps, &to_weights::<f16>(&b)),
            _ => half_square(backend, size, reps, &to_weights::<bf16>(&b)),
        };
    }
    let g = Gemm::nn(size, size, size);
    let a = random_matrix(size * size, 1);
    let b = random_matrix(size * size, 2);
    let mut c = vec![0.0f32; size * size];
    let mut best = f64::INFINITY;
    match backend {
        Backend::Gpu(ctx) => {
            let (da, db) = (ctx.upload(&a, "a")?, ctx.upload(&b, "b")?);
            let dc = ctx.zeros(size * size, "c")?;
            for _ in 0..=reps.max(1) {
                let start = Instant::now();
                let mut encoder = ctx.encoder();
                gemm::gpu::encode(ctx, &mut encoder, g, &da, &db, None, Activation::Identity, &dc)?;
                ctx.finish_and_wait(encoder)?;
                best = best.min(start.elapsed().as_secs_f64());
            }
        }
        _ => {
            for _ in 0..=reps.max(1) {
                let start = Instant::now();
                gemm::gemm(backend, g, &a, &b, Epilogue::default(), &mut c)?;
                best = best.min(start.elapsed().as_secs_f64());
            }
        }
    }
    Ok(GemmTiming { backend: backend.name(), size, seconds: best, gflops: g.flops() / best / 1e9 })
}

fn half_square<W: Weight>(backend: &Backend, size: usize, reps: usize, b: &[W]) -> Result<GemmTiming> {
    let g = Gemm::nn(size, size, size);
    let a = random_matrix(size * size, 1);
    let mut c = vec![0.0f32; size * size];
    let mut best = f64::INFINITY;
    for _ in 0..=reps.max(1) {
        let start = Instant::now();
        gemm_half(backend, g, &a, b, Epilogue::default(), &mut c)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    let name = format!("{}/{}", backend.name(), W::NAME);
    Ok(GemmTiming { backend: name, size, seconds: best, gflops: g.flops() / best / 1e9 })
}

/// Seconds for one training epoch of an MLP with layer `sizes` on `rows` random rows
/// (batch `batch`, tutorial RMSprop), after a warm-up epoch that compiles GPU pipelines.
pub fn mlp_epoch(backend: &Backend, sizes: &[usize], rows: usize, batch: usize) -> Result<f64> {
    use crate::mlp::{Mlp, Output, TrainParams, fit};
    let (n_in, n_out) = (sizes[0], sizes[sizes.len() - 1]);
    let x = random_matrix(rows * n_in, 3);
    let y: Vec<f32> =
        random_matrix(rows * n_out, 4).iter().map(|&v| if v > 0.7 { 1.0 } else { 0.0 }).collect();
    let model = Mlp::new(sizes, Activation::Relu, Output::Sigmoid, 0)?;
    let params = TrainParams { epochs: 1, batch, quiet: true, ..TrainParams::default() };
    let warm = batch.min(rows);
    fit(backend, model.clone(), &x[..warm * n_in], &y[..warm * n_out], &params)?;
    let start = Instant::now();
    fit(backend, model, &x, &y, &params)?;
    Ok(start.elapsed().as_secs_f64())
}
