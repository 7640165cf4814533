//! The fused RMSprop update, in place over a parameter tensor.
//!
//! ```text
//! a ← ρ·a + (1 − ρ)·g²
//! Keras 2.0 / PyTorch:  p ← p − lr_t · g / (√a + ε)      (ε outside the square root)
//! Keras 3 / tf fused:   p ← p − lr_t · g / √(a + ε)      (ε inside)
//! ```
//!
//! `lr_t` is the learning rate of this step (Keras 2.0 decays it as lr/(1 + decay·t); that
//! schedule lives in `mlp::optim`). Reference: T. Tieleman, G. Hinton, "Lecture 6.5 — RMSProp",
//! COURSERA: Neural Networks for Machine Learning, 2012; Keras 2.0.8 `optimizers.py`.
//! Variants: [`scalar`] loop, [`simd`] chunked loop (vectorised, rayon), [`gpu`]
//! (`shaders/rmsprop.wgsl`).
//! Cost: O(len) time; the accumulator `a` is one extra float per parameter.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::rmsprop::{rmsprop, RmspropStep};
//! let (mut p, mut a) = ([1.0f32], [0.0f32]);
//! let step = RmspropStep { lr: 0.1, rho: 0.9, eps: 0.0, eps_inside_sqrt: false };
//! rmsprop(&Backend::Scalar, step, &mut p, &[2.0], &mut a).unwrap();
//! assert!((a[0] - 0.4).abs() < 1e-6 && (p[0] - (1.0 - 0.1 * 2.0 / 0.4f32.sqrt())).abs() < 1e-6);
//! ```

#[cfg(feature = "gpu")]
pub mod gpu;
pub mod scalar;
pub mod simd;

/// The GPU encoder, for chained kernels (the MLP's resident training step).
#[cfg(feature = "gpu")]
pub use gpu::encode;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::on_gpu;

/// The constants of one update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmspropStep {
    pub lr: f32,
    pub rho: f32,
    pub eps: f32,
    /// ε inside the square root (Keras 3) instead of outside (Keras 2.0, PyTorch).
    pub eps_inside_sqrt: bool,
}

impl RmspropStep {
    /// The update of one parameter `p` with gradient `g` and accumulator `a`.
    #[inline(always)]
    pub(crate) fn update(&self, p: &mut f32, g: f32, a: &mut f32) {
        *a = self.rho * *a + (1.0 - self.rho) * (g * g);
        let denom = if self.eps_inside_sqrt { (*a + self.eps).sqrt() } else { a.sqrt() + self.eps };
        *p -= self.lr * g / denom;
    }
}

/// Apply one RMSprop step to `p` with gradient `g` and accumulator `a` (all the same length).
pub fn rmsprop(backend: &Backend, step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) -> Result<()> {
    if g.len() != p.len() || a.len() != p.len() {
        return Err(Error::Shape(format!(
            "rmsprop: parameter, gradient and accumulator have {}, {} and {} elements",
            p.len(),
            g.len(),
            a.len()
        )));
    }
    match backend {
        Backend::Scalar => scalar::rmsprop(step, p, g, a),
        Backend::Cpu { simd, par } => simd::rmsprop(*simd, *par, step, p, g, a),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::rmsprop(ctx, step, p, g, a)?),
    }
    Ok(())
}
