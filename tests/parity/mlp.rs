//! MLP training against PyTorch (fixtures/mlp/, tools/gen_mlp.py): loss and gradients of one
//! batch, and the weights after 6 Keras-2.0 RMSprop steps, on the CPU and on the GPU.

use cinegenre::backend::{Backend, Par};
use cinegenre::kernels::Activation;
use cinegenre::mlp::backprop::{gradients, step};
use cinegenre::mlp::gpu::GpuTrainer;
use cinegenre::mlp::{Dense, Mlp, Optimizer, OptimizerKind, Output};
use cinegenre::simd::SimdLevel;
use serde_json::Value;

use crate::common::tolerance::{F32_REL, rel_error};
use crate::fixtures::{load, vec_of};

/// ‖got − want‖/‖want‖ of f32 training state within [`F32_REL`]: both sides are f32 with
/// different summation orders (≈ 1e-7 per op), amplified a little by 6 steps.
fn check(label: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{label}: length");
    let e = rel_error(got, want);
    eprintln!("{label}: relative error {e:.2e}");
    assert!(
        e <= F32_REL,
        "{label}: relative error {e:.3e}; first got {:?}, want {:?}",
        &got[..3.min(got.len())],
        &want[..3.min(want.len())]
    );
}

fn model(f: &Value) -> Mlp {
    let sizes: Vec<usize> = vec_of(&f["sizes"], "sizes");
    let initial: Vec<Vec<f32>> = vec_of(&f["initial"], "initial");
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| Dense {
            n_in: w[0],
            n_out: w[1],
            w: initial[2 * l].clone(),
            b: initial[2 * l + 1].clone(),
        })
        .collect();
    Mlp { layers, hidden: Activation::Relu, output: Output::Sigmoid }
}

fn kind(f: &Value, eps_inside_sqrt: bool) -> OptimizerKind {
    let r = &f["rmsprop"];
    let v = |k: &str| r[k].as_f64().unwrap() as f32;
    OptimizerKind::Rmsprop { lr: v("lr"), rho: v("rho"), eps: v("eps"), decay: v("decay"), eps_inside_sqrt }
}

fn batches(f: &Value) -> Vec<(Vec<f32>, Vec<f32>, usize)> {
    let sizes: Vec<usize> = vec_of(&f["sizes"], "sizes");
    let (n_in, n_out) = (sizes[0], sizes[sizes.len() - 1]);
    let (x, y): (Vec<f32>, Vec<f32>) = (vec_of(&f["x"], "x"), vec_of(&f["y"], "y"));
    let (n, batch, epochs) =
        (x.len() / n_in, f["batch"].as_u64().unwrap() as usize, f["epochs"].as_u64().unwrap());
    let mut out = Vec::new();
    for _ in 0..epochs {
        for s in (0..n).step_by(batch) {
            let e = (s + batch).min(n);
            out.push((x[s * n_in..e * n_in].to_vec(), y[s * n_out..e * n_out].to_vec(), e - s));
        }
    }
    out
}

fn cpu_backends() -> Vec<Backend> {
    let mut all = vec![Backend::Scalar, Backend::Cpu { simd: SimdLevel::Portable, par: Par::Seq }];
    all.push(Backend::Cpu { simd: SimdLevel::detected(), par: Par::Rayon });
    all
}

#[test]
fn first_batch_loss_and_gradients() {
    let f = load("mlp/rmsprop_small.json");
    let (x, t, m) = batches(&f).remove(0);
    let want: Vec<Vec<f32>> = vec_of(&f["first_batch"]["grads"], "grads");
    for backend in cpu_backends() {
        let (stats, grads) = gradients(&model(&f), &backend, &x, &t, m).unwrap();
        let loss = f["first_batch"]["loss"].as_f64().unwrap();
        assert!(
            (stats.loss - loss).abs() <= F32_REL * loss,
            "{}: loss {} vs {loss}",
            backend.name(),
            stats.loss
        );
        for (l, (dw, db)) in grads.layers.iter().enumerate() {
            check(&format!("{} dW{l}", backend.name()), dw, &want[2 * l]);
            check(&format!("{} db{l}", backend.name()), db, &want[2 * l + 1]);
        }
    }
}

#[test]
fn rmsprop_steps_cpu() {
    let f = load("mlp/rmsprop_small.json");
    for (key, inside) in [("keras2", false), ("keras3", true)] {
        let want: Vec<Vec<f32>> = vec_of(&f[key]["weights"], "weights");
        let losses: Vec<f64> = vec_of(&f[key]["step_losses"], "step_losses");
        for backend in cpu_backends() {
            let mut mlp = model(&f);
            let mut opt = Optimizer::new(kind(&f, inside), &mlp.param_lens());
            // One gradient scratch for every step, as the training loop keeps it.
            let mut grads = Default::default();
            for (i, (x, t, m)) in batches(&f).iter().enumerate() {
                let stats = step(&mut mlp, &mut opt, &backend, x, t, *m, &mut grads).unwrap();
                assert!(
                    (stats.loss - losses[i]).abs() <= F32_REL * losses[i],
                    "{key} step {i}: loss {} vs {}",
                    stats.loss,
                    losses[i]
                );
            }
            for (l, layer) in mlp.layers.iter().enumerate() {
                check(&format!("{key} {} W{l}", backend.name()), &layer.w, &want[2 * l]);
                check(&format!("{key} {} b{l}", backend.name()), &layer.b, &want[2 * l + 1]);
            }
        }
    }
}

#[test]
fn rmsprop_steps_gpu() {
    let Some(Backend::Gpu(ctx)) = crate::fixtures::gpu_or_skip() else { return };
    let f = load("mlp/rmsprop_small.json");
    for (key, inside) in [("keras2", false), ("keras3", true)] {
        let want: Vec<Vec<f32>> = vec_of(&f[key]["weights"], "weights");
        let losses: Vec<f64> = vec_of(&f[key]["step_losses"], "step_losses");
        let mut mlp = model(&f);
        let mut trainer = GpuTrainer::new(ctx.clone(), &mlp, kind(&f, inside), 8).unwrap();
        for (i, (x, t, m)) in batches(&f).iter().enumerate() {
            let stats = trainer.step(x, t, *m).unwrap();
            assert!(
                (stats.loss - losses[i]).abs() <= F32_REL * losses[i],
                "gpu {key} step {i}: loss {} vs {}",
                stats.loss,
                losses[i]
            );
        }
        trainer.download_into(&mut mlp).unwrap();
        for (l, layer) in mlp.layers.iter().enumerate() {
            check(&format!("gpu {key} W{l}"), &layer.w, &want[2 * l]);
            check(&format!("gpu {key} b{l}"), &layer.b, &want[2 * l + 1]);
        }
    }
}
