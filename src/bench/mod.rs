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
use crate::error::{Error, Result};
use crate::kernels::Activation;
use crate::kernels::gemm::half::{Dtype, Weight, gemm_half, to_weights};
use crate::kernels::gemm::{self, Epilogue, Gemm};
use crate::rng::Mt19937;
use crate::vgg::network::{Precision, Vgg};
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
/// Half-precision GPU timings include uploading B (as stored, 16 bits per weight) each run.
pub fn gemm_square_dtype(backend: &Backend, size: usize, reps: usize, dtype: Dtype) -> Result<GemmTiming> {
    let g = Gemm::nn(size, size, size);
    let b = random_matrix(size * size, 2);
    let name = |suffix: &str| format!("{}/{suffix}", backend.name());
    match (dtype, backend) {
        (Dtype::F32, Backend::Gpu(ctx)) => {
            let a = random_matrix(size * size, 1);
            let (da, db) = (ctx.upload(&a, "a")?, ctx.upload(&b, "b")?);
            let dc = ctx.zeros(size * size, "c")?;
            let seconds = best_of(reps, || {
                let mut encoder = ctx.encoder();
                gemm::gpu::encode(ctx, &mut encoder, g, &da, &db, None, Activation::Identity, &dc)?;
                ctx.finish_and_wait(encoder)
            })?;
            Ok(GemmTiming { backend: backend.name(), size, seconds, gflops: g.flops() / seconds / 1e9 })
        }
        (Dtype::F32, _) => {
            square(backend.name(), size, reps, |a, c| gemm::gemm(backend, g, a, &b, Epilogue::default(), c))
        }
        (Dtype::F16, _) => {
            let b: Vec<f16> = to_weights(&b);
            square(name(f16::NAME), size, reps, |a, c| gemm_half(backend, g, a, &b, Epilogue::default(), c))
        }
        (Dtype::Bf16, _) => {
            let b: Vec<bf16> = to_weights(&b);
            square(name(bf16::NAME), size, reps, |a, c| gemm_half(backend, g, a, &b, Epilogue::default(), c))
        }
        (Dtype::Bf16Dot, _) => square(name("bf16-dot"), size, reps, |a, c| {
            gemm::dot_bf16::gemm_dot_bf16(backend, g, a, &b, Epilogue::default(), c)
        }),
        // Each run includes rounding and packing B, as the f32 GEMM's runs include packing it.
        (Dtype::Bf16Amx, Backend::Cpu { simd, par }) => square(name("bf16-amx"), size, reps, |a, c| {
            let packed = gemm::amx::PackedBf16::new(g, &b)?;
            let source = gemm::simd::Strided::row_major(a, size, *simd);
            gemm::amx::gemm_packed(*par, g, &source, &packed, Epilogue::default(), c)
        }),
        (Dtype::Bf16Amx, _) => Err(Error::param("dtype", "bf16-amx runs on the SIMD CPU backends only")),
    }
}

/// Time `product` (C = A·B of one square `size`, given A and C) as the GEMM called `name`.
fn square(
    name: String,
    size: usize,
    reps: usize,
    mut product: impl FnMut(&[f32], &mut [f32]) -> Result<()>,
) -> Result<GemmTiming> {
    let a = random_matrix(size * size, 1);
    let mut c = vec![0.0f32; size * size];
    let seconds = best_of(reps, || product(&a, &mut c))?;
    let flops = Gemm::nn(size, size, size).flops();
    Ok(GemmTiming { backend: name, size, seconds, gflops: flops / seconds / 1e9 })
}

/// Best of `reps` runs of `work` after one warm-up (which also compiles GPU pipelines).
pub(crate) fn best_of(reps: usize, mut work: impl FnMut() -> Result<()>) -> Result<f64> {
    work()?;
    let mut best = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        work()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
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
    // Two epochs, the second timed: steady state, as a training run spends most epochs (the
    // first also faults in the optimizer state and gradient buffers, and compiles GPU pipelines).
    let params = TrainParams { epochs: 2, batch, quiet: true, ..TrainParams::default() };
    let (_, history) = fit(backend, model, &x, &y, &params)?;
    Ok(history.epochs.last().map_or(0.0, |e| e.seconds))
}

/// One timed VGG forward pass over a batch.
#[derive(Debug, Clone)]
pub struct VggTiming {
    pub backend: String,
    pub batch: usize,
    pub seconds: f64,
    pub images_per_second: f64,
    pub gflops: f64,
}

/// Time `arch` (random weights) on `batch` random (h, w) images: best of `reps` forward passes
/// after one warm-up (which compiles GPU pipelines). GPU timings include the batch upload and
/// the output download; the weights are resident.
pub fn vgg_forward(
    backend: &Backend,
    arch: &crate::vgg::Architecture,
    batch: usize,
    hw: (usize, usize),
    reps: usize,
    precision: Precision,
) -> Result<VggTiming> {
    let weights = crate::vgg::VggWeights::random(arch.clone(), 0);
    let net = Vgg::with_precision(weights, backend.clone(), precision)?;
    let x = random_matrix(batch * hw.0 * hw.1 * 3, 5);
    let mut best = f64::INFINITY;
    for _ in 0..=reps.max(1) {
        let start = Instant::now();
        net.forward(&x, batch, hw)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    let flops = 2.0 * arch.macs(hw) as f64 * batch as f64;
    let name = match precision {
        Precision::F32 => backend.name(),
        Precision::Bf16 => format!("{}/bf16-amx", backend.name()),
    };
    Ok(VggTiming {
        backend: name,
        batch,
        seconds: best,
        images_per_second: batch as f64 / best,
        gflops: flops / best / 1e9,
    })
}

/// Per conv layer of `arch` on one (h, w) image: (name, seconds, GFLOP/s), best of `reps`.
pub fn vgg_layers(
    backend: &Backend,
    arch: &crate::vgg::Architecture,
    hw: (usize, usize),
    reps: usize,
) -> Result<Vec<(String, f64, f64)>> {
    use crate::kernels::conv::{self, Shape};
    let weights = crate::vgg::VggWeights::random(arch.clone(), 0);
    let (mut h, mut w, mut rows) = (hw.0, hw.1, Vec::new());
    let mut convs = weights.convs.iter();
    for layer in &arch.layers {
        let crate::vgg::Layer::Conv { name, in_ch, out_ch, .. } = layer else {
            (h, w) = (h / 2, w / 2);
            continue;
        };
        let p = convs.next().expect("one weight set per conv");
        let s = Shape { n: 1, h, w, c: *in_ch };
        let x = random_matrix(s.len(), 6);
        let mut y = vec![0.0f32; h * w * out_ch];
        let mut best = f64::INFINITY;
        // As the network runs it: on the SIMD CPU path with the kernel packed beforehand.
        let packed = match backend {
            Backend::Cpu { simd, .. } => Some(conv::simd::pack_kernel(*simd, &p.kernel, *in_ch, *out_ch)),
            _ => None,
        };
        for _ in 0..=reps.max(1) {
            let start = Instant::now();
            match (backend, &packed) {
                (Backend::Cpu { simd, par }, Some(kernel)) => {
                    conv::simd::conv3x3_relu_packed(*simd, *par, s, &x, kernel, &p.bias, &mut y)
                }
                _ => conv::conv3x3_relu(backend, s, &x, &p.kernel, &p.bias, *out_ch, &mut y)?,
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        let flops = 2.0 * (h * w * 9 * in_ch * out_ch) as f64;
        rows.push((name.clone(), best, flops / best / 1e9));
    }
    Ok(rows)
}

/// ‖gpu − cpu‖ / ‖cpu‖ of `arch`'s output (random weights) on `batch` random (h, w) images:
/// the whole-network agreement of two backends, for `cinegenre bench vgg --check`.
pub fn vgg_agreement(
    a: &Backend,
    b: &Backend,
    arch: &crate::vgg::Architecture,
    batch: usize,
    hw: (usize, usize),
) -> Result<f64> {
    use crate::vgg::VggWeights;
    let weights = VggWeights::random(arch.clone(), 0);
    let x = random_matrix(batch * hw.0 * hw.1 * 3, 5);
    let ya = Vgg::new(weights.clone(), a.clone())?.forward(&x, batch, hw)?;
    let yb = Vgg::new(weights, b.clone())?.forward(&x, batch, hw)?;
    let (mut d2, mut r2) = (0.0f64, 0.0f64);
    for (&p, &q) in ya.iter().zip(&yb) {
        d2 += (f64::from(p) - f64::from(q)).powi(2);
        r2 += f64::from(p).powi(2);
    }
    Ok(if r2 > 0.0 { (d2 / r2).sqrt() } else { d2.sqrt() })
}
