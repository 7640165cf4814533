//! MLP training resident on the GPU (`mlp::gpu`): the host synchronises with the device a
//! constant number of times per epoch, whatever the number of batches, and the trained
//! weights, losses and accuracies match the CPU's training on the same shuffled batches.

use cinegenre::backend::Backend;
use cinegenre::gpu::GpuCounters;
use cinegenre::kernels::Activation;
use cinegenre::mlp::gpu::GpuTrainer;
use cinegenre::mlp::{History, Mlp, OptimizerKind, Output, TrainParams, fit};

use crate::common::{gpu_or_skip, rel_error, values};

/// ‖ΔW_gpu − ΔW_cpu‖/‖ΔW_cpu‖ over every tensor, Δ = trained − initial weights, after up to
/// 64 RMSprop steps: both sides are f32 with different summation orders (~1e-6 per gradient);
/// RMSprop divides by √a, so a gradient's relative error passes to its step unamplified, except
/// where a gradient is ~eps and its step is noise of size ≤ lr. Measured ≈ 1e-6 on lavapipe.
const TRAINED_DELTA_REL: f64 = 1e-4;

/// Epoch loss: device f32 tree sums against host f64 sums of ≤ 630 cells per batch.
const LOSS_REL: f64 = 1e-5;

const SIZES: [usize; 4] = [16, 12, 8, 5];
const BATCH: usize = 4;

/// `rows` inputs in [−1, 1) and 0/1 targets (about a third ones).
fn data(rows: usize) -> (Vec<f32>, Vec<f32>) {
    let x = values(rows * SIZES[0], 31);
    let y = values(rows * SIZES[3], 32).iter().map(|&v| f32::from(v > 0.3)).collect();
    (x, y)
}

fn params(validation_split: f64) -> TrainParams {
    TrainParams {
        epochs: 2,
        batch: BATCH,
        shuffle: true,
        seed: 7,
        optimizer: OptimizerKind::Rmsprop {
            lr: 1e-3,
            rho: 0.9,
            eps: 1e-8,
            decay: 1e-6,
            eps_inside_sqrt: false,
        },
        validation_split,
        ..TrainParams::default()
    }
}

/// Train on the GPU and on the CPU from the same initial weights, check they agree, and return
/// the GPU history with this thread's submissions and readbacks during the GPU `fit`.
fn train_both(gpu: &Backend, rows: usize, validation_split: f64) -> (History, GpuCounters) {
    let Backend::Gpu(ctx) = gpu else { unreachable!("gpu_or_skip returns the GPU backend") };
    let (x, y) = data(rows);
    let initial = Mlp::new(&SIZES, Activation::Relu, Output::Sigmoid, 3).unwrap();
    let p = params(validation_split);
    let (thread0, global0) = (GpuCounters::this_thread(), ctx.counters());
    let (on_gpu, gpu_history) = fit(gpu, initial.clone(), &x, &y, &p).unwrap();
    let syncs = GpuCounters::this_thread() - thread0;
    let global = ctx.counters() - global0;
    assert!(global.submits >= syncs.submits && global.readbacks >= syncs.readbacks, "{global:?} < {syncs:?}");
    let (on_cpu, cpu_history) = fit(&Backend::Scalar, initial.clone(), &x, &y, &p).unwrap();
    let label = format!("{rows} rows, validation {validation_split}");
    let delta = |m: &Mlp| -> Vec<f32> {
        let tensors =
            |m: &Mlp| m.layers.iter().flat_map(|l| l.w.iter().chain(&l.b)).copied().collect::<Vec<_>>();
        tensors(m).iter().zip(tensors(&initial)).map(|(t, i)| t - i).collect()
    };
    let e = rel_error(&delta(&on_gpu), &delta(&on_cpu));
    eprintln!("{label}: trained-weight change, GPU vs CPU: relative error {e:.2e}");
    assert!(e <= TRAINED_DELTA_REL, "{label}: trained weights differ, relative error {e:.3e}");
    let cells = ((rows as f64 * (1.0 - validation_split)).round() * SIZES[3] as f64).max(1.0);
    for (g, c) in gpu_history.epochs.iter().zip(&cpu_history.epochs) {
        assert!((g.loss - c.loss).abs() <= LOSS_REL * c.loss, "{label}: loss {} vs {}", g.loss, c.loss);
        // A cell whose p is within rounding of ½ may flip: allow one.
        assert!((g.accuracy - c.accuracy).abs() <= 1.0 / cells + 1e-12, "{label}: accuracy {g:?} vs {c:?}");
        match (g.val_loss, c.val_loss) {
            (Some(gv), Some(cv)) => assert!((gv - cv).abs() <= 1e-4 * cv, "{label}: val_loss {gv} vs {cv}"),
            (None, None) => {}
            other => panic!("{label}: validation losses {other:?}"),
        }
    }
    (gpu_history, syncs)
}

#[test]
fn resident_gpu_training_syncs_a_constant_number_of_times_per_epoch() {
    let Some(gpu) = gpu_or_skip() else { return };
    let once = GpuCounters { submits: 1, readbacks: 1 };
    let mut totals = Vec::new();
    // 8 and 32 batches of 4 rows per epoch, the last of each epoch partial (2 rows).
    for rows in [30, 126] {
        let (history, syncs) = train_both(&gpu, rows, 0.0);
        assert_eq!(history.epochs.len(), 2);
        for (e, epoch) in history.epochs.iter().enumerate() {
            assert_eq!(epoch.syncs, Some(once), "{rows} rows, epoch {e}: submissions and readbacks");
        }
        // Two epochs and the final weight download: nothing else synchronises.
        assert_eq!(syncs, GpuCounters { submits: 3, readbacks: 3 }, "{rows} rows: whole fit");
        totals.push(syncs);
    }
    assert_eq!(totals[0], totals[1], "8 and 32 batches per epoch must cost the same round trips");
}

#[test]
fn resident_gpu_training_with_validation_matches_the_cpu() {
    let Some(gpu) = gpu_or_skip() else { return };
    // 40 rows: 30 train (8 batches), 10 validation, evaluated on the weights read once per epoch.
    let (history, _) = train_both(&gpu, 40, 0.25);
    for epoch in &history.epochs {
        assert!(epoch.val_loss.is_some());
        assert_eq!(epoch.syncs, Some(GpuCounters { submits: 2, readbacks: 2 }), "epoch and weights");
    }
}

#[test]
fn resident_gpu_training_that_diverges_names_the_epoch_and_returns_no_model() {
    let Some(gpu) = gpu_or_skip() else { return };
    let (x, y) = data(30);
    let model = Mlp::new(&SIZES, Activation::Relu, Output::Sigmoid, 3).unwrap();
    // 1e308 does not fit f32: +inf, as through the CLI's f32 flag; one step at 1e30 leaves
    // weights near 1e30, still finite, whose logits then overflow in the next batch.
    let inf = 1e308f64 as f32;
    for (lr, batch) in [(inf, BATCH), (1e30, BATCH), (inf, 30)] {
        let p = TrainParams {
            epochs: 3,
            batch,
            optimizer: OptimizerKind::from_name("rmsprop", lr, 0.0).unwrap(),
            ..TrainParams::default()
        };
        let e = fit(&gpu, model.clone(), &x, &y, &p).map(drop).unwrap_err().to_string();
        // With one batch per epoch only the device's non-finite-weight flags see it in epoch 1.
        assert!(e.contains("training diverged") && e.contains("at epoch 1/3"), "lr {lr}, batch {batch}: {e}");
        assert!(e.contains("no model was written"), "{e}");
    }
}

#[test]
fn a_resident_epoch_matches_per_batch_steps() {
    let Some(Backend::Gpu(ctx)) = gpu_or_skip() else { return };
    let (x, y) = data(30);
    let model = Mlp::new(&SIZES, Activation::Relu, Output::Sigmoid, 5).unwrap();
    let kind = params(0.0).optimizer;
    // A reversed order: the gather must follow it, the last batch has 2 rows.
    let order: Vec<u32> = (0..30).rev().collect();
    let mut resident = GpuTrainer::new(ctx.clone(), &model, kind, BATCH).unwrap();
    resident.upload_set(&x, &y).unwrap();
    let outcome = resident.epoch(&order).unwrap();
    assert_eq!(outcome.nonfinite_param, None);
    let mut stepped = GpuTrainer::new(ctx.clone(), &model, kind, BATCH).unwrap();
    let (n_in, n_out) = (SIZES[0], SIZES[3]);
    for (b, rows) in order.chunks(BATCH).enumerate() {
        let xb: Vec<f32> =
            rows.iter().flat_map(|&r| &x[r as usize * n_in..(r as usize + 1) * n_in]).copied().collect();
        let yb: Vec<f32> =
            rows.iter().flat_map(|&r| &y[r as usize * n_out..(r as usize + 1) * n_out]).copied().collect();
        let want = stepped.step(&xb, &yb, rows.len()).unwrap();
        let got = outcome.batches[b];
        assert!((got.loss - want.loss).abs() <= LOSS_REL * want.loss, "batch {b}: loss {got:?} vs {want:?}");
        assert_eq!(got.accuracy, want.accuracy, "batch {b}: accuracy");
    }
    assert_eq!(outcome.batches.len(), 8);
    assert_eq!((resident.iterations, stepped.iterations), (8, 8));
    let (mut a, mut b) = (model.clone(), model);
    resident.download_into(&mut a).unwrap();
    stepped.download_into(&mut b).unwrap();
    // The same kernels in the same order on the same rows: bit-identical weights.
    assert_eq!(a, b, "weights after one resident epoch and after 8 steps");
    // One epoch and one weight download; 8 steps and one weight download.
    assert_eq!(resident.counters(), GpuCounters { submits: 2, readbacks: 2 });
    assert_eq!(stepped.counters(), GpuCounters { submits: 9, readbacks: 9 });
}
