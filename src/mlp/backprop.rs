//! One training step on host memory: forward, loss, gradients (see the derivation in
//! [`crate::mlp`]), optimizer update. Works on any backend; on the GPU every product uploads
//! its inputs, so [`crate::mlp::gpu`] is the resident path used for training there.

use super::loss::{bce_clipped, bce_from_logits, binary_accuracy};
use super::{Mlp, Optimizer, Output, softmax_rows};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::gemm::{Epilogue, Gemm, gemm};
use crate::kernels::{elementwise, reduce};

/// ∂loss/∂W and ∂loss/∂b of every layer.
#[derive(Debug, Clone, Default)]
pub struct Gradients {
    pub layers: Vec<(Vec<f32>, Vec<f32>)>,
}

/// Loss and accuracy of one batch (before the update).
#[derive(Debug, Clone, Copy)]
pub struct BatchStats {
    pub loss: f64,
    pub accuracy: f64,
}

/// Batch loss, accuracy and gradients for inputs `x` (m, n_in) and targets `t` (m, n_out).
pub fn gradients(
    model: &Mlp,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
) -> Result<(BatchStats, Gradients)> {
    let mut grads = Gradients::default();
    let stats = gradients_into(model, backend, x, t, m, &mut grads)?;
    Ok((stats, grads))
}

/// [`gradients`] into `grads`, reusing its buffers: the training loop keeps one set, since a
/// fresh ∂W of the poster model's first layer is 100 MB of new pages at every batch (page
/// faults and TLB shootdowns took most of an epoch's time on 2 cores).
pub fn gradients_into(
    model: &Mlp,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
    grads: &mut Gradients,
) -> Result<BatchStats> {
    let n_out = model.n_outputs();
    if t.len() != m * n_out {
        return Err(Error::Shape(format!("Y has {} values for {m} rows of {n_out} labels", t.len())));
    }
    let acts = model.forward(backend, x, m)?;
    let z = &acts[acts.len() - 1];
    let scale = 1.0 / (m * n_out) as f32;
    let mut dz = vec![0.0f32; z.len()];
    let stats = match model.output {
        Output::Sigmoid => {
            elementwise::bce_grad(backend, z, t, scale, &mut dz)?;
            let mut p = z.clone();
            model.probabilities(backend, &mut p)?;
            BatchStats { loss: bce_from_logits(z, t), accuracy: binary_accuracy(&p, t) }
        }
        Output::Softmax => {
            let mut p = z.clone();
            softmax_rows(&mut p, n_out);
            softmax_bce_grad(&p, t, n_out, scale, &mut dz);
            BatchStats { loss: bce_clipped(&p, t), accuracy: binary_accuracy(&p, t) }
        }
    };
    grads.layers.resize_with(model.layers.len(), Default::default);
    for (l, layer) in model.layers.iter().enumerate().rev() {
        let input = if l == 0 { x } else { &acts[l - 1] };
        let (dw, db) = &mut grads.layers[l];
        // Both are overwritten: the GEMM writes C with β = 0, the sums every column.
        dw.resize(layer.w.len(), 0.0);
        db.resize(layer.n_out, 0.0);
        gemm(backend, Gemm::tn(layer.n_in, layer.n_out, m), input, &dz, Epilogue::default(), dw)?;
        reduce::column_sums(backend, m, layer.n_out, &dz, db)?;
        if l > 0 {
            let mut da = vec![0.0; m * layer.n_in];
            gemm(backend, Gemm::nt(m, layer.n_in, layer.n_out), &dz, &layer.w, Epilogue::default(), &mut da)?;
            elementwise::relu_backward(backend, &acts[l - 1], &mut da)?;
            dz = da;
        }
    }
    Ok(stats)
}

/// ∂loss/∂z through a row softmax of clipped BCE: dp = (p − t)/(p(1 − p))·scale,
/// dzⱼ = pⱼ·(dpⱼ − Σₖ pₖ·dpₖ).
fn softmax_bce_grad(p: &[f32], t: &[f32], n: usize, scale: f32, dz: &mut [f32]) {
    let eps = super::loss::CLIP_EPS as f32;
    for ((p, t), dz) in p.chunks(n).zip(t.chunks(n)).zip(dz.chunks_mut(n)) {
        let dp: Vec<f32> = p
            .iter()
            .zip(t)
            .map(|(&p, &t)| {
                let pc = p.clamp(eps, 1.0 - eps);
                scale * (pc - t) / (pc * (1.0 - pc))
            })
            .collect();
        let dot: f32 = p.iter().zip(&dp).map(|(p, d)| p * d).sum();
        for j in 0..n {
            dz[j] = p[j] * (dp[j] - dot);
        }
    }
}

/// One optimizer step on a batch; returns the batch's loss and accuracy before the update.
/// `grads` is scratch for the gradients, reused from step to step.
pub fn step(
    model: &mut Mlp,
    optimizer: &mut Optimizer,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
    grads: &mut Gradients,
) -> Result<BatchStats> {
    let stats = gradients_into(model, backend, x, t, m, grads)?;
    let mut params: Vec<&mut [f32]> = Vec::new();
    for layer in &mut model.layers {
        params.push(&mut layer.w);
        params.push(&mut layer.b);
    }
    let grads: Vec<&[f32]> = grads.layers.iter().flat_map(|(w, b)| [&w[..], &b[..]]).collect();
    // Element-wise updates are cheapest where the parameters live: on the host here.
    let host = if backend.is_gpu() { Backend::cpu()? } else { backend.clone() };
    optimizer.step(&host, &mut params, &grads)?;
    Ok(stats)
}
