//! Timings behind `cinegenre bench`: GEMM GFLOP/s per backend and size, MLP epoch time, and
//! the whole suite beside the Python references ([`suite`], [`table`]).
//!
//! These are for the command line and `tools/bench_gemm_vs_numpy.py`; tests never time anything.
//! GPU timings include completion (the device is polled until the work is done) and exclude
//! uploads: inputs are made resident once, then the product is run `reps` times.

mod gemm;
pub mod peak;
pub mod suite;
pub mod table;
mod vgg;

use std::time::Instant;

pub use gemm::{Dtype, GemmTiming, gemm_square, gemm_square_dtype};
pub use vgg::{VggTiming, vgg_agreement, vgg_forward, vgg_layers, vgg_layers_in};

use crate::backend::Backend;
use crate::error::Result;
use crate::kernels::Activation;
use crate::rng::Mt19937;

/// Uniform values in [−1, 1) from a seeded MT19937 (numpy's `random_sample` stream), in a
/// buffer from [`memory::zeroed`](crate::memory::zeroed): on huge pages from 4 MiB, as numpy
/// allocates the arrays of the Python side.
pub fn random_matrix(len: usize, seed: u32) -> Vec<f32> {
    let mut rng = Mt19937::new(seed);
    let mut values = crate::memory::zeroed(len);
    values.iter_mut().for_each(|x| *x = (rng.random_sample() * 2.0 - 1.0) as f32);
    values
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
