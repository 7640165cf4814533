//! Training on the GPU with everything resident: weights, RMSprop accumulators, activations
//! and gradients stay in device buffers; per step the host uploads the batch and reads back
//! only the logits (m × n_out) for the loss and accuracy. One step = one command buffer:
//! forward gemms (bias + ReLU fused), BCE gradient, backward gemms (`tn`, `nt`), ReLU
//! gradient, column sums, and a fused RMSprop update per tensor.

use std::sync::Arc;

use super::backprop::BatchStats;
use super::loss::{bce_from_logits, binary_accuracy};
use super::{Dense, Mlp, OptimizerKind, Output};
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext};
use crate::kernels::gemm::{self, Gemm};
use crate::kernels::rmsprop::{self, RmspropStep};
use crate::kernels::{Activation, elementwise, reduce};

struct Layer {
    n_in: usize,
    n_out: usize,
    w: GpuBuffer,
    b: GpuBuffer,
    acc_w: GpuBuffer,
    acc_b: GpuBuffer,
    dw: GpuBuffer,
    db: GpuBuffer,
    /// Output of the layer for a full batch (activations, or logits for the last).
    out: GpuBuffer,
    /// ∂loss/∂(pre-activation) of the layer for a full batch.
    dz: GpuBuffer,
}

/// A model and its RMSprop state on the device.
pub struct GpuTrainer {
    ctx: Arc<GpuContext>,
    layers: Vec<Layer>,
    x: GpuBuffer,
    t: GpuBuffer,
    batch: usize,
    kind: OptimizerKind,
    hidden: Activation,
    /// Updates done so far.
    pub iterations: u64,
}

/// The first `len` elements of `b` as a buffer of that length (same device memory).
fn view(b: &GpuBuffer, len: usize) -> GpuBuffer {
    GpuBuffer { buffer: b.buffer.clone(), len }
}

impl GpuTrainer {
    /// Upload `model` for batches of at most `batch` rows. Only sigmoid outputs, ReLU or
    /// identity hidden layers and RMSprop run on the GPU.
    pub fn new(ctx: Arc<GpuContext>, model: &Mlp, kind: OptimizerKind, batch: usize) -> Result<GpuTrainer> {
        if model.output != Output::Sigmoid || model.hidden == Activation::Sigmoid {
            return Err(Error::param(
                "device",
                "GPU training supports sigmoid outputs with relu hidden layers",
            ));
        }
        if !matches!(kind, OptimizerKind::Rmsprop { .. }) {
            return Err(Error::param(
                "optimizer",
                "only rmsprop runs on the GPU (sgd and adam are CPU only)",
            ));
        }
        let mut layers = Vec::new();
        for l in &model.layers {
            layers.push(Layer {
                n_in: l.n_in,
                n_out: l.n_out,
                w: ctx.upload(&l.w, "w")?,
                b: ctx.upload(&l.b, "b")?,
                acc_w: ctx.zeros(l.w.len(), "acc_w")?,
                acc_b: ctx.zeros(l.b.len(), "acc_b")?,
                dw: ctx.zeros(l.w.len(), "dw")?,
                db: ctx.zeros(l.b.len(), "db")?,
                out: ctx.zeros(batch * l.n_out, "out")?,
                dz: ctx.zeros(batch * l.n_out, "dz")?,
            });
        }
        let x = ctx.zeros(batch * model.n_inputs(), "x")?;
        let t = ctx.zeros(batch * model.n_outputs(), "t")?;
        Ok(GpuTrainer { ctx, layers, x, t, batch, kind, hidden: model.hidden, iterations: 0 })
    }

    /// One RMSprop step on a batch of `m ≤ batch` rows; loss and accuracy before the update.
    pub fn step(&mut self, x: &[f32], t: &[f32], m: usize) -> Result<BatchStats> {
        let OptimizerKind::Rmsprop { rho, eps, eps_inside_sqrt, .. } = self.kind else {
            return Err(Error::param("optimizer", "only rmsprop runs on the GPU"));
        };
        if m == 0 || m > self.batch {
            return Err(Error::Shape(format!("batch of {m} rows, the trainer holds at most {}", self.batch)));
        }
        let ctx = &*self.ctx;
        ctx.write(&self.x, x);
        ctx.write(&self.t, t);
        let mut enc = ctx.encoder();
        let n_layers = self.layers.len();
        for l in 0..n_layers {
            let layer = &self.layers[l];
            let act = if l + 1 == n_layers { Activation::Identity } else { self.hidden };
            let input = if l == 0 { &self.x } else { &self.layers[l - 1].out };
            let g = Gemm::nn(m, layer.n_out, layer.n_in);
            gemm::gpu::encode(ctx, &mut enc, g, input, &layer.w, Some(&layer.b), act, &layer.out)?;
        }
        let last = &self.layers[n_layers - 1];
        let n_out = last.n_out;
        let scale = 1.0 / (m * n_out) as f32;
        let (logits, targets, dz) =
            (view(&last.out, m * n_out), view(&self.t, m * n_out), view(&last.dz, m * n_out));
        elementwise::gpu::encode(
            ctx,
            &mut enc,
            elementwise::gpu::BCE_GRAD,
            Activation::Identity,
            scale,
            Some(&logits),
            Some(&targets),
            &dz,
        );
        let lr = self.kind.lr_at(self.iterations);
        let step = RmspropStep { lr, rho, eps, eps_inside_sqrt };
        for l in (0..n_layers).rev() {
            let layer = &self.layers[l];
            let input = if l == 0 { &self.x } else { &self.layers[l - 1].out };
            let g = Gemm::tn(layer.n_in, layer.n_out, m);
            gemm::gpu::encode(ctx, &mut enc, g, input, &layer.dz, None, Activation::Identity, &layer.dw)?;
            reduce::encode(ctx, &mut enc, m, layer.n_out, &layer.dz, &layer.db);
            if l > 0 {
                let below = &self.layers[l - 1];
                let g = Gemm::nt(m, layer.n_in, layer.n_out);
                gemm::gpu::encode(
                    ctx,
                    &mut enc,
                    g,
                    &layer.dz,
                    &layer.w,
                    None,
                    Activation::Identity,
                    &below.dz,
                )?;
                let (y, da) = (view(&below.out, m * layer.n_in), view(&below.dz, m * layer.n_in));
                elementwise::gpu::encode(
                    ctx,
                    &mut enc,
                    elementwise::gpu::RELU_BACKWARD,
                    Activation::Identity,
                    1.0,
                    Some(&y),
                    None,
                    &da,
                );
            }
        }
        for layer in &self.layers {
            rmsprop::encode(ctx, &mut enc, step, &layer.w, &layer.dw, &layer.acc_w);
            rmsprop::encode(ctx, &mut enc, step, &layer.b, &layer.db, &layer.acc_b);
        }
        let z = ctx.finish_and_download(enc, &logits)?;
        self.iterations += 1;
        let p: Vec<f32> = z.iter().map(|&v| crate::kernels::sigmoid(v)).collect();
        Ok(BatchStats { loss: bce_from_logits(&z, t), accuracy: binary_accuracy(&p, t) })
    }

    /// Copy the weights back into `model`.
    pub fn download_into(&self, model: &mut Mlp) -> Result<()> {
        for (dst, src) in model.layers.iter_mut().zip(&self.layers) {
            *dst = Dense {
                n_in: src.n_in,
                n_out: src.n_out,
                w: self.ctx.download(&src.w)?,
                b: self.ctx.download(&src.b)?,
            };
        }
        Ok(())
    }

    /// RMSprop accumulators of tensor `i` in optimizer order (W₁, b₁, W₂, …).
    pub fn accumulator(&self, i: usize) -> Result<Vec<f32>> {
        let layer = &self.layers[i / 2];
        self.ctx.download(if i.is_multiple_of(2) { &layer.acc_w } else { &layer.acc_b })
    }
}
