//! The fit loop (Keras 2.0.x `fit`): per epoch, optionally shuffle the training rows, cut them
//! into batches of `batch` rows with a final partial batch, take one optimizer step per batch,
//! and report the mean loss and binary accuracy over the epoch (weighted by batch size) on a
//! progress bar. With a validation split the last rows are held out (as Keras does, before
//! shuffling) and early stopping watches the validation loss.
//!
//! Non-finite input is refused before the first step (X and Y must be finite), and a loss that
//! stops being a finite number (a learning rate like 1e308 makes the weights overflow) ends the
//! run with an error naming the epoch and batch: [`fit`] returns no model, so its callers write
//! none. Both checks are O(values) once, plus one comparison per batch.
//!
//! On a GPU backend the training rows are uploaded once and every epoch runs resident
//! ([`GpuTrainer::epoch`]: one submission, one readback of the per-batch loss and accuracy
//! sums and of the weights' finiteness flags), so the same log line, the same per-batch loss
//! check and the same weight check come out of one round trip. The weights come back to the
//! host only when a validation split asks for them (validation is evaluated with
//! [`Mlp::predict_proba`] on the backend, after one weight readback per epoch) and once at the
//! end. A set above the adapter's storage-binding limit falls back to per-batch uploads.

use super::backprop::{self, BatchStats};
use super::gpu::GpuTrainer;
use super::loss::{bce_clipped, binary_accuracy};
use super::{Mlp, Optimizer, OptimizerKind};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::GpuCounters;
use crate::progress::Counter;
use crate::rng::Mt19937;

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainParams {
    pub epochs: usize,
    pub batch: usize,
    pub shuffle: bool,
    /// Seeds the shuffling (MT19937).
    pub seed: u32,
    pub optimizer: OptimizerKind,
    /// Fraction of rows (the last ones) held out for validation; 0 for none.
    pub validation_split: f64,
    /// Stop after this many epochs without a better validation loss.
    pub patience: Option<usize>,
    /// No progress bar.
    pub quiet: bool,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 10,
            batch: 64,
            shuffle: true,
            seed: 0,
            optimizer: OptimizerKind::tutorial(),
            validation_split: 0.0,
            patience: None,
            quiet: true,
        }
    }
}

/// One epoch's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochStats {
    pub loss: f64,
    pub accuracy: f64,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub seconds: f64,
    /// Submissions and readbacks the GPU trainer made in this epoch (validation included);
    /// `None` on the CPU. Resident training makes one of each, whatever the number of batches.
    pub syncs: Option<GpuCounters>,
}

/// Every epoch, in order.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub epochs: Vec<EpochStats>,
}

enum Engine {
    /// The optimizer's state and the gradient buffers, reused at every step.
    Host(Optimizer, backprop::Gradients),
    /// The training set on the device: one submission and one readback per epoch.
    Resident(Box<GpuTrainer>),
    /// A training set above the adapter's binding limit: each batch uploaded, its logits read.
    Streamed(Box<GpuTrainer>),
}

impl Engine {
    /// The GPU trainer's submissions and readbacks so far; `None` on the host.
    fn counters(&self) -> Option<GpuCounters> {
        match self {
            Engine::Host(..) => None,
            Engine::Resident(t) | Engine::Streamed(t) => Some(t.counters()),
        }
    }
}

/// Train `model` on `x` (n, n_in) and targets `y` (n, n_out) on `backend`.
pub fn fit(
    backend: &Backend,
    model: Mlp,
    x: &[f32],
    y: &[f32],
    params: &TrainParams,
) -> Result<(Mlp, History)> {
    fit_watched(backend, model, x, y, params, None)
}

/// [`fit`], watching a held-out set: after every epoch the loss and binary accuracy on `watch`
/// = (x, y), rows the training never sees, go into [`EpochStats::val_loss`] and
/// [`EpochStats::val_accuracy`] (a validation split, when `params` has one, wins). Training
/// itself is unchanged — the same weights come out — at the cost of one forward pass over the
/// watched rows per epoch (and on a GPU one weight readback). `patience` watches it as it would
/// a validation split.
pub fn fit_watched(
    backend: &Backend,
    mut model: Mlp,
    x: &[f32],
    y: &[f32],
    params: &TrainParams,
    watch: Option<(&[f32], &[f32])>,
) -> Result<(Mlp, History)> {
    let (n_in, n_out) = (model.n_inputs(), model.n_outputs());
    if let Some((wx, wy)) = watch {
        let rows = wx.len() / n_in.max(1);
        if wx.len() != rows * n_in || wy.len() != rows * n_out || rows == 0 {
            return Err(Error::Shape(format!(
                "the watched set has {} inputs and {} targets: expected m·{n_in} and m·{n_out}, m ≥ 1",
                wx.len(),
                wy.len()
            )));
        }
    }
    let n = x.len() / n_in.max(1);
    if x.len() != n * n_in || y.len() != n * n_out {
        return Err(Error::Shape(format!(
            "X has {} values and Y {}: expected n·{n_in} and n·{n_out} for the model's layers",
            x.len(),
            y.len()
        )));
    }
    if params.batch == 0 {
        return Err(Error::param("batch", "must be at least 1"));
    }
    if !(0.0..1.0).contains(&params.validation_split) {
        return Err(Error::param("validation-split", "must be in [0, 1)"));
    }
    super::check_finite_rows(x, n_in, "X")?;
    super::check_finite_rows(y, n_out, "Y")?;
    let n_val = (n as f64 * params.validation_split).round() as usize;
    let n_train = n - n_val;
    let mut engine = match backend {
        Backend::Gpu(ctx) => {
            let mut trainer = Box::new(GpuTrainer::new(ctx.clone(), &model, params.optimizer, params.batch)?);
            // A set above the adapter's binding limit (or an empty one) streams batch by batch.
            match trainer.upload_set(&x[..n_train * n_in], &y[..n_train * n_out]) {
                Ok(()) => Engine::Resident(trainer),
                Err(_) => Engine::Streamed(trainer),
            }
        }
        _ => Engine::Host(Optimizer::new(params.optimizer, &model.param_lens()), Default::default()),
    };
    let mut rng = Mt19937::new(params.seed);
    let mut order: Vec<usize> = (0..n_train).collect();
    let mut history = History::default();
    let (mut best, mut since_best) = (f64::INFINITY, 0usize);
    let (mut xb, mut yb) = (Vec::new(), Vec::new());
    let bar = progress(params, n_train.div_ceil(params.batch));
    for epoch in 0..params.epochs {
        let start = std::time::Instant::now();
        let syncs_before = engine.counters();
        if params.shuffle {
            for i in (1..order.len()).rev() {
                let j = (rng.random_sample() * (i + 1) as f64) as usize;
                order.swap(i, j.min(i));
            }
        }
        let (mut loss, mut acc) = (0.0, 0.0);
        // Add one batch's figures to the epoch's sums, or stop on a non-finite loss.
        let mut record = |batch: usize, stats: BatchStats, rows: usize| -> Result<()> {
            if !stats.loss.is_finite() {
                bar.finish();
                let at = format!("epoch {}/{}, batch {}", epoch + 1, params.epochs, batch + 1);
                return Err(diverged(format!("the loss became {} at {at}", stats.loss), params));
            }
            loss += stats.loss * rows as f64;
            acc += stats.accuracy * rows as f64;
            let (l, a) = (loss / n_train as f64, acc / n_train as f64);
            bar.message(&format!("epoch {}/{}, loss {l:.4} acc {a:.4}", epoch + 1, params.epochs));
            bar.inc(1);
            Ok(())
        };
        let mut nonfinite_param = None;
        match &mut engine {
            Engine::Resident(trainer) => {
                let rows: Vec<u32> = order.iter().map(|&r| r as u32).collect();
                let outcome = trainer.epoch(&rows)?;
                for (batch, (stats, rows)) in
                    outcome.batches.into_iter().zip(order.chunks(params.batch)).enumerate()
                {
                    record(batch, stats, rows.len())?;
                }
                nonfinite_param = outcome.nonfinite_param;
            }
            engine => {
                for (batch, rows) in order.chunks(params.batch).enumerate() {
                    xb.clear();
                    yb.clear();
                    for &r in rows {
                        xb.extend_from_slice(&x[r * n_in..(r + 1) * n_in]);
                        yb.extend_from_slice(&y[r * n_out..(r + 1) * n_out]);
                    }
                    let stats: BatchStats = match engine {
                        Engine::Host(opt, grads) => {
                            backprop::step(&mut model, opt, backend, &xb, &yb, rows.len(), grads)?
                        }
                        Engine::Streamed(trainer) | Engine::Resident(trainer) => {
                            trainer.step(&xb, &yb, rows.len())?
                        }
                    };
                    record(batch, stats, rows.len())?;
                }
            }
        }
        match &engine {
            // Resident weights come back only for validation (and once after the last epoch);
            // the device flagged any non-finite one.
            Engine::Resident(trainer) if n_val > 0 || watch.is_some() => trainer.download_into(&mut model)?,
            Engine::Streamed(trainer) => trainer.download_into(&mut model)?,
            _ => {}
        }
        let weights_finite = |l: &super::Dense| l.w.iter().chain(&l.b).all(|v| v.is_finite());
        let bad_layer = match engine {
            Engine::Resident(_) => nonfinite_param.map(|i: usize| i / 2),
            _ => model.layers.iter().position(|l| !weights_finite(l)),
        };
        if let Some(l) = bad_layer {
            let at = format!("epoch {}/{}", epoch + 1, params.epochs);
            return Err(diverged(format!("the weights of layer {l} stopped being finite at {at}"), params));
        }
        let (val_loss, val_accuracy) = if n_val > 0 {
            let p = model.predict_proba(backend, &x[n_train * n_in..], n_val)?;
            let t = &y[n_train * n_out..];
            (Some(bce_clipped(&p, t)), Some(binary_accuracy(&p, t)))
        } else if let Some((wx, wy)) = watch {
            let p = model.predict_proba(backend, wx, wy.len() / n_out.max(1))?;
            (Some(bce_clipped(&p, wy)), Some(binary_accuracy(&p, wy)))
        } else {
            (None, None)
        };
        let stats = EpochStats {
            loss: loss / n_train.max(1) as f64,
            accuracy: acc / n_train.max(1) as f64,
            val_loss,
            val_accuracy,
            seconds: start.elapsed().as_secs_f64(),
            syncs: engine.counters().map(|after| after - syncs_before.unwrap_or_default()),
        };
        bar.message(&format!("epoch {}/{}: {}", epoch + 1, params.epochs, describe(&stats)));
        history.epochs.push(stats);
        if let (Some(patience), Some(v)) = (params.patience, val_loss) {
            if v < best {
                (best, since_best) = (v, 0);
            } else {
                since_best += 1;
                if since_best >= patience {
                    break;
                }
            }
        }
    }
    bar.finish();
    if let Engine::Resident(trainer) = &engine {
        trainer.download_into(&mut model)?;
    }
    Ok((model, history))
}

/// The error of a run whose loss or weights stopped being numbers (`what` says which, where):
/// no model comes out of it.
fn diverged(what: String, params: &TrainParams) -> Error {
    Error::param(
        "learning rate",
        format!(
            "training diverged: {what}; no model was written. Lower the learning rate (now {}) or \
             check the inputs",
            params.optimizer.lr_at(0)
        ),
    )
}

/// `loss 0.2431 - acc 0.9012 [- val_loss … - val_acc …] (1.2 s)`, Keras' epoch line.
pub fn describe(s: &EpochStats) -> String {
    let mut line = format!("loss {:.4} - acc {:.4}", s.loss, s.accuracy);
    if let (Some(l), Some(a)) = (s.val_loss, s.val_accuracy) {
        line.push_str(&format!(" - val_loss {l:.4} - val_acc {a:.4}"));
    }
    line.push_str(&format!(" ({:.2} s)", s.seconds));
    line
}

/// One counter for the whole fit, as every other long stage has: `epochs × batches` batches,
/// its message the epoch and loss so far, then the epoch's figures ([`describe`]).
fn progress(params: &TrainParams, batches: usize) -> Counter {
    let total = (params.epochs as u64).saturating_mul(batches as u64);
    Counter::new("MLP training", total, "batches", !params.quiet)
}
