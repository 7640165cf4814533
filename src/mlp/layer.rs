//! The dense layer: parameters, Glorot-uniform initialisation, forward pass.

use crate::backend::Backend;
use crate::error::Result;
use crate::kernels::Activation;
use crate::kernels::gemm::{Epilogue, Gemm, gemm};
use crate::rng::Mt19937;

/// y = act(x·W + b) with W: (n_in, n_out) row-major and b: (n_out) — Keras' layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub n_in: usize,
    pub n_out: usize,
    /// (n_in, n_out), row-major.
    pub w: Vec<f32>,
    /// (n_out).
    pub b: Vec<f32>,
}

impl Dense {
    /// Glorot-uniform weights U(−L, L), L = √(6/(n_in + n_out)), and zero bias (Keras'
    /// defaults), drawn in row-major order from `rng`.
    pub fn glorot(n_in: usize, n_out: usize, rng: &mut Mt19937) -> Dense {
        let limit = (6.0 / (n_in + n_out) as f64).sqrt();
        let w = (0..n_in * n_out).map(|_| ((rng.random_sample() * 2.0 - 1.0) * limit) as f32).collect();
        Dense { n_in, n_out, w, b: vec![0.0; n_out] }
    }

    /// out = act(x·W + b) for a batch `x`: (m, n_in) → `out`: (m, n_out).
    pub fn forward(
        &self,
        backend: &Backend,
        x: &[f32],
        m: usize,
        act: Activation,
        out: &mut [f32],
    ) -> Result<()> {
        let epilogue = Epilogue { bias: Some(&self.b), activation: act };
        gemm(backend, Gemm::nn(m, self.n_out, self.n_in), x, &self.w, epilogue, out)
    }
}
