//! Multi-layer perceptrons trained with backpropagation: the tutorial's two Keras models
//! (poster features 25088 → 1024 → 256 → 20 and mean word vectors 300 → 300 → 20).
//!
//! ```text
//! forward   A₀ = X;  Zₗ = Aₗ₋₁·Wₗ + bₗ;  Aₗ = ReLU(Zₗ) (hidden),  P = σ(Z_L) or softmax(Z_L)
//! loss      mean binary cross-entropy over the m × n cells of the batch
//! backward  ∂Z_L = (σ(Z_L) − T)/(m·n);  ∂Wₗ = Aₗ₋₁ᵀ·∂Zₗ;  ∂bₗ = Σ_rows ∂Zₗ;
//!           ∂Aₗ₋₁ = ∂Zₗ·Wₗᵀ;  ∂Zₗ₋₁ = ∂Aₗ₋₁ ⊙ [Aₗ₋₁ > 0]
//! ```
//!
//! Every product is one [`gemm`](crate::kernels::gemm) call (`nn`, `tn`, `nt`) with the bias
//! and activation fused into the forward epilogue, so CPU and GPU share the algorithm; on the
//! GPU the training set, weights and optimizer state stay resident and a whole epoch (every
//! batch's gather, forward, backward, RMSprop, loss sums) is one command buffer ([`gpu`]).
//!
//! Reference: Rumelhart, Hinton, Williams, "Learning representations by back-propagating
//! errors", Nature 323, 1986, doi:10.1038/323533a0. Matches Keras 2.0.x (ALGORITHMS.md §11) and
//! is checked against PyTorch (`tools/gen_mlp.py`). Deviations: Keras draws initial weights
//! from TensorFlow's RNG, we from a seeded MT19937; BCE is computed from logits (no clip) for
//! sigmoid outputs. Cost per step: ≈ 6·m·Σ(n_in·n_out) flops.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::Activation;
//! use cinegenre::mlp::{Mlp, Output};
//! let model = Mlp::new(&[3, 4, 2], Activation::Relu, Output::Sigmoid, 0).unwrap();
//! let p = model.predict_proba(&Backend::Scalar, &[0.1, 0.2, 0.3], 1).unwrap();
//! assert!(p.len() == 2 && p.iter().all(|&v| v > 0.0 && v < 1.0));
//! ```

pub mod backprop;
pub mod file;
#[cfg(feature = "gpu")]
pub mod gpu;
#[cfg(not(feature = "gpu"))]
#[path = "gpu_off.rs"]
pub mod gpu;
pub mod layer;
pub mod loss;
pub mod optim;
pub mod scale;
pub mod train;

pub use file::{MLP_KIND, MlpModel};
pub use layer::Dense;
pub use optim::{Optimizer, OptimizerKind, Update};
pub use scale::Standardizer;
pub use train::{EpochStats, History, TrainParams, fit, fit_watched};

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::{Activation, elementwise};
use crate::rng::Mt19937;

/// The output layer's activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Independent per-label probabilities (multi-label).
    Sigmoid,
    /// One distribution over labels per row (the tutorial's text model), CPU only in training.
    Softmax,
}

impl Output {
    pub fn name(self) -> &'static str {
        match self {
            Output::Sigmoid => "sigmoid",
            Output::Softmax => "softmax",
        }
    }
}

/// Most parameters (weights and biases) a model may have: 2²⁸, 1 GiB of f32 and about four
/// times that while training (gradients, optimizer state). The tutorial's poster model has
/// 25.9 M.
pub const MAX_PARAMETERS: usize = 1 << 28;

/// A stack of dense layers.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub layers: Vec<Dense>,
    /// Activation of every hidden layer.
    pub hidden: Activation,
    pub output: Output,
}

impl Mlp {
    /// Layers of `sizes = [n_in, h₁, …, n_out]`, Glorot-uniform weights from MT19937(`seed`).
    pub fn new(sizes: &[usize], hidden: Activation, output: Output, seed: u32) -> Result<Mlp> {
        if sizes.len() < 2 || sizes.contains(&0) {
            return Err(Error::param("layers", format!("layer sizes {sizes:?} need ≥ 2 entries, all > 0")));
        }
        let parameters = sizes
            .windows(2)
            .try_fold(0usize, |sum, w| w[0].checked_mul(w[1])?.checked_add(w[1])?.checked_add(sum));
        if parameters.is_none_or(|p| p > MAX_PARAMETERS) {
            return Err(Error::param(
                "layers",
                format!("layer sizes {sizes:?} make more than {MAX_PARAMETERS} parameters"),
            ));
        }
        let mut rng = Mt19937::new(seed);
        let layers = sizes.windows(2).map(|w| Dense::glorot(w[0], w[1], &mut rng)).collect();
        Ok(Mlp { layers, hidden, output })
    }

    pub fn n_inputs(&self) -> usize {
        self.layers[0].n_in
    }

    pub fn n_outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].n_out
    }

    /// Lengths of the parameter tensors in optimizer order: W₁, b₁, W₂, b₂, ….
    pub fn param_lens(&self) -> Vec<usize> {
        self.layers.iter().flat_map(|l| [l.w.len(), l.b.len()]).collect()
    }

    /// Logits Z_L and the hidden activations: `acts[l]` is layer l's output, the last the logits.
    pub fn forward(&self, backend: &Backend, x: &[f32], m: usize) -> Result<Vec<Vec<f32>>> {
        if x.len() != m * self.n_inputs() {
            return Err(Error::Shape(format!(
                "X has {} values for {m} rows, the model takes {} features per row",
                x.len(),
                self.n_inputs()
            )));
        }
        let mut acts: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for (l, layer) in self.layers.iter().enumerate() {
            let last = l + 1 == self.layers.len();
            let act = if last { Activation::Identity } else { self.hidden };
            let mut out = vec![0.0; m * layer.n_out];
            let input = if l == 0 { x } else { &acts[l - 1] };
            layer.forward(backend, input, m, act, &mut out)?;
            acts.push(out);
        }
        Ok(acts)
    }

    /// Output probabilities (m, n_out); `x` must be finite (see [`check_finite_rows`]).
    pub fn predict_proba(&self, backend: &Backend, x: &[f32], m: usize) -> Result<Vec<f32>> {
        check_finite_rows(x, self.n_inputs(), "X")?;
        let mut z = self.forward(backend, x, m)?.pop().unwrap_or_default();
        self.probabilities(backend, &mut z)?;
        Ok(z)
    }

    /// The `k` best outputs of every row of `x` (m, n_in) as a 0/1 matrix (m, n_out): the
    /// tutorial's `np.argsort(p)[-k:]` (ties: [`crate::metrics::top_k`]).
    pub fn top_k(&self, backend: &Backend, x: &[f32], m: usize, k: usize) -> Result<Vec<u8>> {
        let p = self.predict_proba(backend, x, m)?;
        let scores: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
        crate::metrics::top_k_indicator(&scores, self.n_outputs(), k)
    }

    /// Turn logits into probabilities in place.
    pub fn probabilities(&self, backend: &Backend, z: &mut [f32]) -> Result<()> {
        match self.output {
            Output::Sigmoid => elementwise::activate(backend, Activation::Sigmoid, z),
            Output::Softmax => {
                softmax_rows(z, self.n_outputs());
                Ok(())
            }
        }
    }
}

/// Refuse a NaN or infinite value of the row-major matrix `values` (`n_cols` per row), naming
/// its row and column (0-based) under `what`: one such input makes its row's outputs NaN.
/// O(values), a small fraction of any layer's product.
pub fn check_finite_rows(values: &[f32], n_cols: usize, what: &str) -> Result<()> {
    if all_finite(values) {
        return Ok(());
    }
    let k = values.iter().position(|v| !v.is_finite()).unwrap_or(0);
    let n = n_cols.max(1);
    Err(Error::param(
        what,
        format!("row {}, column {} holds {}: values must be finite numbers", k / n, k % n, values[k]),
    ))
}

/// Whether every value is finite: the largest magnitude's bit pattern is below infinity's.
/// Written as a max over bit patterns, with no early exit, so it vectorises (several times
/// faster than `iter().all(is_finite)`).
pub fn all_finite(values: &[f32]) -> bool {
    const INF: u32 = 0x7f80_0000;
    values.iter().fold(0u32, |m, v| m.max(v.to_bits() & 0x7fff_ffff)) < INF
}

/// Row-wise softmax, max-subtracted for stability.
pub fn softmax_rows(z: &mut [f32], n: usize) {
    for row in z.chunks_mut(n.max(1)) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        row.iter_mut().for_each(|v| *v /= sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Watching a held-out set records its loss per epoch and changes nothing in training.
    #[test]
    fn fit_watched_records_the_held_out_loss_and_trains_the_same() {
        let backend = Backend::cpu().unwrap();
        let x: Vec<f32> = (0..40).map(|i| ((i * 7 % 11) as f32) / 11.0 - 0.5).collect();
        let y: Vec<f32> = x.chunks(2).map(|r| f32::from(u8::from(r[0] > r[1]))).collect();
        let (x_train, y_train, x_test, y_test) = (&x[..30], &y[..15], &x[30..], &y[15..]);
        let mlp = || Mlp::new(&[2, 4, 1], Activation::Relu, Output::Sigmoid, 3).unwrap();
        let params = TrainParams { epochs: 4, batch: 5, ..TrainParams::default() };
        let (plain, h0) = fit(&backend, mlp(), x_train, y_train, &params).unwrap();
        let (watched, h1) =
            fit_watched(&backend, mlp(), x_train, y_train, &params, Some((x_test, y_test))).unwrap();
        assert_eq!(plain.layers[0].w, watched.layers[0].w);
        assert_eq!(h1.epochs.len(), 4);
        assert!(h0.epochs.iter().all(|e| e.val_loss.is_none()));
        let last = h1.epochs.last().unwrap();
        let p = watched.predict_proba(&backend, x_test, 5).unwrap();
        assert!((last.val_loss.unwrap() - loss::bce_clipped(&p, y_test)).abs() < 1e-12);
        assert!((0.0..=1.0).contains(&last.val_accuracy.unwrap()));
        assert!(
            fit_watched(&backend, mlp(), x_train, y_train, &params, Some((&x_test[..3], y_test))).is_err()
        );
    }
}
