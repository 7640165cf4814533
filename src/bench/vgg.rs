//! VGG timings (`cinegenre bench vgg`, `tools/bench_vgg_vs_torch.py`): whole forward passes,
//! each conv layer alone, and the agreement of two backends.

use std::time::Instant;

use super::random_matrix;
use crate::backend::Backend;
use crate::error::Result;
use crate::vgg::network::{Precision, Vgg};

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
        Precision::Bf16 => format!("{}/bf16", backend.name()),
    };
    Ok(VggTiming {
        backend: name,
        batch,
        seconds: best,
        images_per_second: batch as f64 / best,
        gflops: flops / best / 1e9,
    })
}

/// Per conv layer of `arch` on one (h, w) image in f32: (name, seconds, GFLOP/s), best of `reps`.
pub fn vgg_layers(
    backend: &Backend,
    arch: &crate::vgg::Architecture,
    hw: (usize, usize),
    reps: usize,
) -> Result<Vec<(String, f64, f64)>> {
    vgg_layers_in(backend, arch, hw, reps, Precision::F32)
}

/// As [`vgg_layers`], in `precision`.
pub fn vgg_layers_in(
    backend: &Backend,
    arch: &crate::vgg::Architecture,
    hw: (usize, usize),
    reps: usize,
    precision: Precision,
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
        // As the network runs it: the kernel packed beforehand.
        let packed = conv::pack_kernel(backend, precision, &p.kernel, *in_ch, *out_ch)?;
        for _ in 0..=reps.max(1) {
            let start = Instant::now();
            conv::conv3x3_relu_packed(backend, s, &x, &packed, &p.bias, &mut y)?;
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
