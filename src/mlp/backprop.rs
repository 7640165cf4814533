//! One training step on host memory: forward, loss, gradients (see the derivation in
//! [`crate::mlp`]), optimizer update. Works on any backend; on the GPU every product uploads
//! its inputs, so [`crate::mlp::gpu`] is the resident path used for training there.

use super::loss::{bce_clipped, bce_from_logits, binary_accuracy};
use super::{Mlp, Optimizer, Output, softmax_rows};
use crate::backend::Backend;
use crate::backend::Par;
use crate::error::{Error, Result};
use crate::kernels::gemm::{Epilogue, Gemm, gemm, gemm_by_rows};
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
    let (acts, mut dz, stats) = output_gradient(model, backend, x, t, m)?;
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

/// The forward pass and ∂loss/∂Z_L: the activations (the logits last), ∂Z_L, and the batch's
/// loss and accuracy.
fn output_gradient(
    model: &Mlp,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
) -> Result<(Vec<Vec<f32>>, Vec<f32>, BatchStats)> {
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
    Ok((acts, dz, stats))
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
///
/// On the CPU, with a one-slot rule (RMSprop, SGD), each layer is updated as soon as its
/// gradients are known ([`fused_step`]); otherwise all gradients are computed, then
/// [`Optimizer::step`] runs. Both give the same bytes.
pub fn step(
    model: &mut Mlp,
    optimizer: &mut Optimizer,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
    grads: &mut Gradients,
) -> Result<BatchStats> {
    if matches!(backend, Backend::Cpu { .. }) && optimizer.update().one_slot() {
        return fused_step(model, optimizer, backend, x, t, m, grads);
    }
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

/// [`step`] with each layer updated as its gradients come, last layer first: ∂Aₗ₋₁ = ∂Zₗ·Wₗᵀ
/// with the old Wₗ, then bₗ, then Wₗ block by block as ∂Wₗ = Aₗ₋₁ᵀ·∂Zₗ is computed
/// ([`gemm_by_rows`]): the update reads each block of ∂W from L2 and ∂W is never stored whole
/// (100 MB for the poster model's first layer, written then read back at every step). The
/// same products and the same element-wise update as the unfused step: the same bytes.
/// `grads` keeps ∂b only.
pub fn fused_step(
    model: &mut Mlp,
    optimizer: &mut Optimizer,
    backend: &Backend,
    x: &[f32],
    t: &[f32],
    m: usize,
    grads: &mut Gradients,
) -> Result<BatchStats> {
    let (acts, mut dz, stats) = output_gradient(model, backend, x, t, m)?;
    let update = optimizer.update();
    // One thread per block of ∂W: the blocks are spread over the cores instead.
    let within = match backend {
        &Backend::Cpu { simd, .. } => Backend::Cpu { simd, par: Par::Seq },
        other => other.clone(),
    };
    grads.layers.resize_with(model.layers.len(), Default::default);
    for l in (0..model.layers.len()).rev() {
        let input = if l == 0 { x } else { &acts[l - 1] };
        let layer = &mut model.layers[l];
        let da = if l > 0 {
            let mut da = vec![0.0; m * layer.n_in];
            gemm(backend, Gemm::nt(m, layer.n_in, layer.n_out), &dz, &layer.w, Epilogue::default(), &mut da)?;
            elementwise::relu_backward(backend, &acts[l - 1], &mut da)?;
            Some(da)
        } else {
            None
        };
        let (dw, db) = &mut grads.layers[l];
        dw.clear();
        db.resize(layer.n_out, 0.0);
        reduce::column_sums(backend, m, layer.n_out, &dz, db)?;
        let (s0, s1) = optimizer.slots_mut(2 * l + 1);
        update.apply(backend, &mut layer.b, db, s0, s1)?;
        let (s0, _) = optimizer.slots_mut(2 * l);
        let g = Gemm::tn(layer.n_in, layer.n_out, m);
        gemm_by_rows(backend, g, input, &dz, &mut layer.w, s0, |dw, w, s| {
            update.apply(&within, w, dw, s, &mut [])
        })?;
        if let Some(da) = da {
            dz = da;
        }
    }
    optimizer.advance();
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Par;
    use crate::kernels::Activation;
    use crate::kernels::gemm::rows::ROWS;
    use crate::mlp::OptimizerKind;
    use crate::simd::SimdLevel;

    /// The fused step (each layer updated as its gradients come, ∂W by blocks of rows) leaves
    /// the weights and the optimizer state of the unfused one (all gradients, then one
    /// optimizer pass), bit for bit: first layer wider than a block of rows, with a partial
    /// last block; sigmoid and softmax outputs; RMSprop both ways and SGD; every CPU variant.
    #[test]
    fn the_fused_step_is_the_unfused_one_bit_for_bit() {
        let (n_in, m) = (2 * ROWS + 45, 9);
        let mut next = 3u32;
        let mut random = |n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| {
                    next = next.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (next >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect()
        };
        let batches: Vec<(Vec<f32>, Vec<f32>)> = (0..3)
            .map(|_| {
                let t = random(m * 4).iter().map(|&v| f32::from(u8::from(v > 0.0))).collect();
                (random(m * n_in), t)
            })
            .collect();
        let kinds = [
            OptimizerKind::tutorial(),
            OptimizerKind::from_name("rmsprop-keras3", 1e-2, 1e-3).unwrap(),
            OptimizerKind::from_name("sgd", 1e-2, 0.0).unwrap(),
        ];
        for simd in SimdLevel::supported() {
            for par in [Par::Seq, Par::Rayon] {
                let backend = Backend::Cpu { simd, par };
                for output in [Output::Sigmoid, Output::Softmax] {
                    for kind in kinds {
                        let mut fused = Mlp::new(&[n_in, 33, 17, 4], Activation::Relu, output, 5).unwrap();
                        let mut plain = fused.clone();
                        let mut opt_f = Optimizer::new(kind, &fused.param_lens());
                        let mut opt_p = opt_f.clone();
                        let (mut gf, mut gp) = (Gradients::default(), Gradients::default());
                        for (x, t) in &batches {
                            let a = step(&mut fused, &mut opt_f, &backend, x, t, m, &mut gf).unwrap();
                            let b = gradients_into(&plain, &backend, x, t, m, &mut gp).unwrap();
                            let mut params: Vec<&mut [f32]> =
                                plain.layers.iter_mut().flat_map(|l| [&mut l.w[..], &mut l.b[..]]).collect();
                            let grads: Vec<&[f32]> =
                                gp.layers.iter().flat_map(|(w, b)| [&w[..], &b[..]]).collect();
                            opt_p.step(&backend, &mut params, &grads).unwrap();
                            assert_eq!((a.loss.to_bits(), a.accuracy), (b.loss.to_bits(), b.accuracy));
                        }
                        let label = format!("{} {kind:?} {}", backend.name(), output.name());
                        assert_eq!(fused, plain, "{label}: weights differ");
                        for i in 0..2 * fused.layers.len() {
                            let bits = |s: &[f32]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                            assert_eq!(bits(opt_f.slot(i)), bits(opt_p.slot(i)), "{label}: slot {i}");
                        }
                        assert_eq!(opt_f.iterations, 3);
                    }
                }
            }
        }
    }
}
