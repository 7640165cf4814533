//! Resident epochs: the training set uploaded once, then per epoch one index write, one
//! command encoder holding every batch, and one readback of the per-batch loss and accuracy
//! sums with the weights' finiteness flags (the steps are in the [parent module](super)).
//!
//! ```text
//! per epoch   order ← host's shuffle (n u32)                              one write_buffer
//!             for b, rows [s, s + m) of the order:   gather X, T rows → x, t
//!                 forward, ∂Z_L, backward, RMSprop   (m rows, own uniforms)
//!                 stats[b] ← (Σ ℓ, #hits, #non-finite) of the m·n_out logits
//!             flags[i] ← any non-finite value in parameter tensor i
//!             submit; read stats (3·n_batches f32) and flags (2·layers)   one submission, one readback
//! ```

use super::batch::{self, STATS_PER_BATCH};
use super::{GpuTrainer, view};
use crate::error::{Error, Result};
use crate::gpu::GpuBuffer;
use crate::mlp::backprop::BatchStats;

/// The training set on the device, and the per-epoch buffers sized for it.
pub(super) struct Resident {
    /// Inputs (n, n_in) and targets (n, n_out).
    x: GpuBuffer,
    t: GpuBuffer,
    /// The epoch's row order (n u32).
    order: GpuBuffer,
    /// Per batch: loss sum, hits, non-finite logits.
    stats: GpuBuffer,
    /// Per parameter tensor: 1 if it holds a non-finite value (u32).
    flags: GpuBuffer,
    n: usize,
}

/// What one resident epoch measured.
#[derive(Debug, Clone)]
pub struct EpochOutcome {
    /// Loss (mean BCE over the batch's cells; NaN if a logit was not finite) and binary
    /// accuracy of every batch before its update, in order.
    pub batches: Vec<BatchStats>,
    /// The first parameter tensor, in optimizer order (W₁, b₁, W₂, …), that holds a NaN or
    /// infinite value after the epoch.
    pub nonfinite_param: Option<usize>,
}

impl GpuTrainer {
    /// Upload the training set once: inputs `x` (n, n_in) and 0/1 targets `t` (n, n_out). An
    /// error (and nothing kept) when either does not fit in one storage binding of this adapter;
    /// [`GpuTrainer::step`] still works then.
    pub fn upload_set(&mut self, x: &[f32], t: &[f32]) -> Result<()> {
        let (n_in, n_out) = (self.layers[0].n_in, self.layers[self.layers.len() - 1].n_out);
        let n = x.len() / n_in;
        if x.len() != n * n_in || t.len() != n * n_out || n == 0 {
            return Err(Error::Shape(format!(
                "a training set of {} inputs and {} targets for a {n_in}-in, {n_out}-out model",
                x.len(),
                t.len()
            )));
        }
        if u32::try_from(x.len().max(t.len())).is_err() {
            return Err(Error::gpu("upload", format!("{n} training rows are too many to index in u32")));
        }
        let ctx = &*self.ctx;
        self.set = Some(Resident {
            x: ctx.upload(x, "train_x")?,
            t: ctx.upload(t, "train_t")?,
            order: ctx.zeros(n, "order")?,
            stats: ctx.zeros(STATS_PER_BATCH * n.div_ceil(self.batch), "batch_stats")?,
            flags: ctx.zeros(2 * self.layers.len(), "nonfinite_flags")?,
            n,
        });
        Ok(())
    }

    /// One epoch over the uploaded set in the row `order` (a permutation of 0..n): batches of
    /// `batch` rows and a final partial one, all recorded into one command encoder; one
    /// submission and one readback.
    pub fn epoch(&mut self, order: &[u32]) -> Result<EpochOutcome> {
        let Some(set) = self.set.as_ref() else {
            return Err(Error::gpu("epoch", "no training set was uploaded (upload_set)"));
        };
        let n = set.n;
        if order.len() != n || order.iter().any(|&r| r as usize >= n) {
            return Err(Error::Shape(format!(
                "the row order must be a permutation of the {n} uploaded rows"
            )));
        }
        let (n_in, n_out) = (self.layers[0].n_in, self.layers[self.layers.len() - 1].n_out);
        let ctx = self.ctx.clone();
        ctx.write(&set.order, order);
        let mut enc = ctx.encoder();
        enc.clear_buffer(&set.flags.buffer, 0, None);
        let mut sizes = Vec::with_capacity(n.div_ceil(self.batch));
        for (b, start) in (0..n).step_by(self.batch).enumerate() {
            let m = self.batch.min(n - start);
            batch::gather_rows(&ctx, &mut enc, &set.order, start, m, n_in, &set.x, &self.x);
            batch::gather_rows(&ctx, &mut enc, &set.order, start, m, n_out, &set.t, &self.t);
            self.encode_step(&mut enc, m, self.kind.lr_at(self.iterations + b as u64))?;
            let logits = view(&self.layers[self.layers.len() - 1].out, m * n_out);
            batch::bce_stats(&ctx, &mut enc, m * n_out, &logits, &self.t, &set.stats, b);
            sizes.push(m);
        }
        for (i, p) in self.params().enumerate() {
            batch::flag_nonfinite(&ctx, &mut enc, p, &set.flags, i);
        }
        let mut host = self.sync(enc, &[&set.stats, &set.flags])?.into_iter();
        let (stats, flags) = (host.next().unwrap_or_default(), host.next().unwrap_or_default());
        self.iterations += sizes.len() as u64;
        let batches = sizes
            .iter()
            .zip(stats.chunks_exact(STATS_PER_BATCH))
            .map(|(&m, s)| {
                let cells = (m * n_out) as f64;
                let loss = if s[2] > 0.0 { f64::NAN } else { f64::from(s[0]) / cells };
                BatchStats { loss, accuracy: f64::from(s[1]) / cells }
            })
            .collect();
        Ok(EpochOutcome { batches, nonfinite_param: flags.iter().position(|f| f.to_bits() != 0) })
    }
}
