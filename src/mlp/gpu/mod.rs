//! Training on the GPU with everything resident: weights, RMSprop accumulators, activations,
//! gradients — and, in [`GpuTrainer::epoch`], the whole training set.
//!
//! Two ways to drive it:
//!
//! - **Resident epochs** ([`GpuTrainer::upload_set`] once, then [`GpuTrainer::epoch`]), what
//!   [`crate::mlp::fit`] uses: per epoch the host writes only the shuffled row order (n u32)
//!   and records every batch into **one** command encoder; per batch a gather kernel copies the
//!   batch's rows by index into the batch buffers, then forward, BCE gradient, backward,
//!   RMSprop and a one-workgroup reduction of the batch's loss and hit count into slot b of a
//!   stats buffer (n_batches × 3 f32); after the last batch a kernel flags non-finite weights.
//!   **One submission and one readback per epoch**, whatever the number of batches (the host
//!   path's per-batch logits readback made both O(batches): 13 round trips per poster epoch).
//! - **Per-batch steps** ([`GpuTrainer::step`]): upload one batch, one command buffer, read the
//!   logits back (one submission and one readback per batch). Used by the parity tests and by
//!   `fit` when the training set exceeds the adapter's storage-binding limit (lavapipe's is
//!   128 MiB: 1,300 poster rows of 25,088 f32 are 130 MB).
//!
//! A batch's steps, as on the host ([`crate::mlp`] has the maths): forward gemms (bias + ReLU
//! fused), `∂Z_L = (σ(Z_L) − T)/(m·n_out)`, backward gemms (`tn`, `nt`), ReLU gradient, column
//! sums, a fused RMSprop update per tensor. The last, partial batch (m < batch) works on the
//! first m rows of the batch buffers: every dispatch has its own uniform parameters (a fresh
//! buffer each, so one encoder can hold all batches; a `write_buffer` between dispatches would
//! be seen by all of them). Cost on top of the arithmetic: the set's upload once (n·(n_in +
//! n_out) f32), n u32 per epoch, one read of the weights per epoch for the finiteness flags.
//!
//! [`GpuTrainer::counters`] counts the submissions and readbacks this trainer made (measured
//! on the context's per-thread counters), for the test that keeps them O(1) per epoch.

mod batch;
mod epoch;

use std::cell::Cell;
use std::sync::Arc;

use super::backprop::BatchStats;
use super::loss::{bce_from_logits, binary_accuracy};
use super::{Dense, Mlp, OptimizerKind, Output};
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext, GpuCounters};
use crate::kernels::gemm::{self, Gemm};
use crate::kernels::rmsprop::{self, RmspropStep};
use crate::kernels::{Activation, elementwise, reduce};

pub use epoch::EpochOutcome;

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
    /// The batch's inputs (batch, n_in) and targets (batch, n_out).
    x: GpuBuffer,
    t: GpuBuffer,
    batch: usize,
    kind: OptimizerKind,
    hidden: Activation,
    /// The training set, once uploaded ([`GpuTrainer::upload_set`]).
    set: Option<epoch::Resident>,
    /// Submissions and readbacks made by this trainer.
    counters: Cell<GpuCounters>,
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
        Ok(GpuTrainer {
            ctx,
            layers,
            x,
            t,
            batch,
            kind,
            hidden: model.hidden,
            set: None,
            counters: Cell::new(GpuCounters::default()),
            iterations: 0,
        })
    }

    /// Submissions and readbacks this trainer has made so far.
    pub fn counters(&self) -> GpuCounters {
        self.counters.get()
    }

    /// One RMSprop step on a batch of `m ≤ batch` rows; loss and accuracy before the update.
    pub fn step(&mut self, x: &[f32], t: &[f32], m: usize) -> Result<BatchStats> {
        self.check_rows(m)?;
        let n_out = self.layers[self.layers.len() - 1].n_out;
        if x.len() != m * self.layers[0].n_in || t.len() != m * n_out {
            return Err(Error::Shape(format!(
                "a batch of {m} rows has {} inputs and {} targets for a {}-in, {n_out}-out model",
                x.len(),
                t.len(),
                self.layers[0].n_in
            )));
        }
        self.ctx.write(&self.x, x);
        self.ctx.write(&self.t, t);
        let mut enc = self.ctx.encoder();
        self.encode_step(&mut enc, m, self.kind.lr_at(self.iterations))?;
        let logits = view(&self.layers[self.layers.len() - 1].out, m * n_out);
        let z = self.sync(enc, &[&logits])?.remove(0);
        self.iterations += 1;
        let p: Vec<f32> = z.iter().map(|&v| crate::kernels::sigmoid(v)).collect();
        Ok(BatchStats { loss: bce_from_logits(&z, t), accuracy: binary_accuracy(&p, t) })
    }

    fn check_rows(&self, m: usize) -> Result<()> {
        if m == 0 || m > self.batch {
            return Err(Error::Shape(format!("batch of {m} rows, the trainer holds at most {}", self.batch)));
        }
        Ok(())
    }

    /// Record one step on the first `m` rows of the batch buffers `x`, `t`: forward (the
    /// logits stay in the last layer's `out`, untouched by the rest), BCE gradient, backward,
    /// RMSprop at learning rate `lr`.
    fn encode_step(&self, enc: &mut wgpu::CommandEncoder, m: usize, lr: f32) -> Result<()> {
        let OptimizerKind::Rmsprop { rho, eps, eps_inside_sqrt, .. } = self.kind else {
            return Err(Error::param("optimizer", "only rmsprop runs on the GPU"));
        };
        let ctx = &*self.ctx;
        let n_layers = self.layers.len();
        for l in 0..n_layers {
            let layer = &self.layers[l];
            let act = if l + 1 == n_layers { Activation::Identity } else { self.hidden };
            let input = if l == 0 { &self.x } else { &self.layers[l - 1].out };
            let g = Gemm::nn(m, layer.n_out, layer.n_in);
            gemm::gpu::encode(ctx, enc, g, input, &layer.w, Some(&layer.b), act, &layer.out)?;
        }
        let last = &self.layers[n_layers - 1];
        let n_out = last.n_out;
        let scale = 1.0 / (m * n_out) as f32;
        let (logits, targets, dz) =
            (view(&last.out, m * n_out), view(&self.t, m * n_out), view(&last.dz, m * n_out));
        let bce = elementwise::gpu::BCE_GRAD;
        elementwise::gpu::encode(
            ctx,
            enc,
            bce,
            Activation::Identity,
            scale,
            Some(&logits),
            Some(&targets),
            &dz,
        );
        let step = RmspropStep { lr, rho, eps, eps_inside_sqrt };
        for l in (0..n_layers).rev() {
            let layer = &self.layers[l];
            let input = if l == 0 { &self.x } else { &self.layers[l - 1].out };
            let g = Gemm::tn(layer.n_in, layer.n_out, m);
            gemm::gpu::encode(ctx, enc, g, input, &layer.dz, None, Activation::Identity, &layer.dw)?;
            reduce::encode(ctx, enc, m, layer.n_out, &layer.dz, &layer.db);
            if l > 0 {
                let below = &self.layers[l - 1];
                let g = Gemm::nt(m, layer.n_in, layer.n_out);
                gemm::gpu::encode(ctx, enc, g, &layer.dz, &layer.w, None, Activation::Identity, &below.dz)?;
                let (y, da) = (view(&below.out, m * layer.n_in), view(&below.dz, m * layer.n_in));
                let relu = elementwise::gpu::RELU_BACKWARD;
                elementwise::gpu::encode(ctx, enc, relu, Activation::Identity, 1.0, Some(&y), None, &da);
            }
        }
        for layer in &self.layers {
            rmsprop::encode(ctx, enc, step, &layer.w, &layer.dw, &layer.acc_w);
            rmsprop::encode(ctx, enc, step, &layer.b, &layer.db, &layer.acc_b);
        }
        Ok(())
    }

    /// Submit `enc` and read `srcs` back (one submission, one readback), counted.
    fn sync(&self, enc: wgpu::CommandEncoder, srcs: &[&GpuBuffer]) -> Result<Vec<Vec<f32>>> {
        let before = GpuCounters::this_thread();
        let out = self.ctx.finish_and_download_many(enc, srcs);
        let mut counters = self.counters.get();
        counters += GpuCounters::this_thread() - before;
        self.counters.set(counters);
        out
    }

    /// The parameter tensors in optimizer order (W₁, b₁, W₂, …).
    fn params(&self) -> impl Iterator<Item = &GpuBuffer> {
        self.layers.iter().flat_map(|l| [&l.w, &l.b])
    }

    /// Copy the weights back into `model` (one readback for all tensors).
    pub fn download_into(&self, model: &mut Mlp) -> Result<()> {
        let params: Vec<&GpuBuffer> = self.params().collect();
        let mut host = self.sync(self.ctx.encoder(), &params)?.into_iter();
        for (dst, src) in model.layers.iter_mut().zip(&self.layers) {
            let (w, b) = (host.next().unwrap_or_default(), host.next().unwrap_or_default());
            *dst = Dense { n_in: src.n_in, n_out: src.n_out, w, b };
        }
        Ok(())
    }

    /// RMSprop accumulators of tensor `i` in optimizer order (W₁, b₁, W₂, …).
    pub fn accumulator(&self, i: usize) -> Result<Vec<f32>> {
        let layer = &self.layers[i / 2];
        let acc = if i.is_multiple_of(2) { &layer.acc_w } else { &layer.acc_b };
        Ok(self.sync(self.ctx.encoder(), &[acc])?.remove(0))
    }
}
