//! Elementwise maps of the MLP: activations, their gradients, and the gradient of binary
//! cross-entropy taken from logits.
//!
//! ```text
//! activate:          y = act(x)                    (in place)
//! relu_backward:     g ← g · [y > 0]               (y = ReLU output)
//! sigmoid_backward:  g ← g · y · (1 − y)           (y = sigmoid output)
//! bce_grad:          g = scale · (σ(z) − t)        (∂ mean BCE / ∂z with scale = 1/(m·n))
//! ```
//!
//! Variants: `scalar.rs` (one loop each), `simd.rs` (the same loops in 4096-element chunks, each
//! compiled per SIMD level and chosen at run time (`simd_fn!`), spread over rayon with
//! `Par::Rayon`; the sigmoid uses a branch-free `exp` so it vectorises too), `gpu.rs`
//! (`shaders/elementwise.wgsl`, one invocation per element).
//! Cost: O(len) time, no extra memory.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::{elementwise, Activation};
//! let mut x = [-1.0, 2.0];
//! elementwise::activate(&Backend::Scalar, Activation::Relu, &mut x).unwrap();
//! assert_eq!(x, [0.0, 2.0]);
//! ```

#[cfg(feature = "gpu")]
pub mod gpu;
pub mod scalar;
pub mod simd;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::on_gpu;
use crate::kernels::Activation;

fn same_len(op: &str, a: usize, b: usize) -> Result<()> {
    if a == b {
        Ok(())
    } else {
        Err(Error::Shape(format!("{op}: inputs have {a} and {b} elements, they must match")))
    }
}

/// x ← act(x).
pub fn activate(backend: &Backend, act: Activation, x: &mut [f32]) -> Result<()> {
    match backend {
        Backend::Scalar => scalar::activate(act, x),
        Backend::Cpu { simd: level, par } => simd::activate(*level, *par, act, x),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::activate(ctx, act, x)?),
    }
    Ok(())
}

/// g ← g · \[y > 0\].
pub fn relu_backward(backend: &Backend, y: &[f32], g: &mut [f32]) -> Result<()> {
    same_len("relu_backward", y.len(), g.len())?;
    match backend {
        Backend::Scalar => scalar::relu_backward(y, g),
        Backend::Cpu { simd: level, par } => simd::relu_backward(*level, *par, y, g),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::unary_backward(ctx, gpu::RELU_BACKWARD, y, g)?),
    }
    Ok(())
}

/// g ← g · y · (1 − y).
pub fn sigmoid_backward(backend: &Backend, y: &[f32], g: &mut [f32]) -> Result<()> {
    same_len("sigmoid_backward", y.len(), g.len())?;
    match backend {
        Backend::Scalar => scalar::sigmoid_backward(y, g),
        Backend::Cpu { simd: level, par } => simd::sigmoid_backward(*level, *par, y, g),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::unary_backward(ctx, gpu::SIGMOID_BACKWARD, y, g)?),
    }
    Ok(())
}

/// g = scale · (σ(z) − t).
pub fn bce_grad(backend: &Backend, z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) -> Result<()> {
    same_len("bce_grad", z.len(), t.len())?;
    same_len("bce_grad", z.len(), g.len())?;
    match backend {
        Backend::Scalar => scalar::bce_grad(z, t, scale, g),
        Backend::Cpu { simd: level, par } => simd::bce_grad(*level, *par, z, t, scale, g),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::bce_grad(ctx, z, t, scale, g)?),
    }
    Ok(())
}
