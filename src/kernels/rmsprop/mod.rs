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
//! Variants: scalar loop, chunked (vectorised, rayon) loop, `shaders/rmsprop.wgsl`.
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

use rayon::prelude::*;

use crate::backend::{Backend, Par};
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};
use crate::simd::simd_fn;

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
    #[inline(always)]
    fn update(&self, p: &mut f32, g: f32, a: &mut f32) {
        *a = self.rho * *a + (1.0 - self.rho) * (g * g);
        let denom = if self.eps_inside_sqrt { (*a + self.eps).sqrt() } else { a.sqrt() + self.eps };
        *p -= self.lr * g / denom;
    }
}

simd_fn! {
    fn update_chunk(step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) {
        for ((p, g), a) in p.iter_mut().zip(g).zip(a.iter_mut()) {
            step.update(p, *g, a);
        }
    }
}

/// Elements per parallel task.
const CHUNK: usize = 4096;

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
        Backend::Scalar => {
            for i in 0..p.len() {
                step.update(&mut p[i], g[i], &mut a[i]);
            }
        }
        Backend::Cpu { simd, par } => {
            // Each chunk's loop compiled for the SIMD level (sqrt and divide vectorise).
            let f = |((p, g), a): ((&mut [f32], &[f32]), &mut [f32])| update_chunk(*simd, step, p, g, a);
            match par {
                Par::Seq => p.chunks_mut(CHUNK).zip(g.chunks(CHUNK)).zip(a.chunks_mut(CHUNK)).for_each(f),
                Par::Rayon => {
                    p.par_chunks_mut(CHUNK).zip(g.par_chunks(CHUNK)).zip(a.par_chunks_mut(CHUNK)).for_each(f)
                }
            }
        }
        Backend::Gpu(ctx) => {
            let (dp, dg, da) = (ctx.upload(p, "p")?, ctx.upload(g, "g")?, ctx.upload(a, "a")?);
            let mut encoder = ctx.encoder();
            encode(ctx, &mut encoder, step, &dp, &dg, &da);
            ctx.queue.submit([encoder.finish()]);
            p.copy_from_slice(&ctx.download(&dp)?);
            a.copy_from_slice(&ctx.download(&da)?);
        }
    }
    Ok(())
}

/// Keep in sync with `RmspropParams` in shaders/rmsprop.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct RmspropParams {
    n: u32,
    eps_inside_sqrt: u32,
    lr: f32,
    rho: f32,
    eps: f32,
    _pad: [u32; 3],
}

/// Record one update of device tensors.
pub fn encode(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    step: RmspropStep,
    p: &GpuBuffer,
    g: &GpuBuffer,
    a: &GpuBuffer,
) {
    if p.len == 0 {
        return;
    }
    let params = ctx.uniform(&RmspropParams {
        n: p.len as u32,
        eps_inside_sqrt: step.eps_inside_sqrt.into(),
        lr: step.lr,
        rho: step.rho,
        eps: step.eps,
        _pad: [0; 3],
    });
    ctx.dispatch(
        encoder,
        Shader::Rmsprop,
        "rmsprop_update",
        &[(0, &params), (1, &p.buffer), (2, &g.buffer), (3, &a.buffer)],
        grid_1d(p.len, 256),
    );
}
