//! Elementwise maps on the GPU (`shaders/elementwise.wgsl`).

use crate::error::Result;
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};
use crate::kernels::Activation;

/// Entry point names.
pub const RELU_BACKWARD: &str = "relu_backward";
pub const SIGMOID_BACKWARD: &str = "sigmoid_backward";
pub const BCE_GRAD: &str = "bce_grad";
pub const BCE_LOSS: &str = "bce_loss";

/// Keep in sync with `EwParams` in shaders/elementwise.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct EwParams {
    n: u32,
    activation: u32,
    scale: f32,
    _pad: u32,
}

/// Record `entry` over `g.len` elements with inputs `y` and `t` (bound only when the entry
/// point uses them).
#[allow(clippy::too_many_arguments)] // one argument per shader binding and parameter
pub fn encode(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    entry: &'static str,
    activation: Activation,
    scale: f32,
    y: Option<&GpuBuffer>,
    t: Option<&GpuBuffer>,
    g: &GpuBuffer,
) {
    if g.len == 0 {
        return;
    }
    let params = ctx.uniform(&EwParams { n: g.len as u32, activation: activation.code(), scale, _pad: 0 });
    let mut bindings = vec![(0, &params), (3, &g.buffer)];
    if let Some(y) = y {
        bindings.push((1, &y.buffer));
    }
    if let Some(t) = t {
        bindings.push((2, &t.buffer));
    }
    ctx.dispatch(encoder, Shader::Elementwise, entry, &bindings, grid_1d(g.len, 256));
}

pub fn activate(ctx: &GpuContext, act: Activation, x: &mut [f32]) -> Result<()> {
    let dx = ctx.upload(x, "x")?;
    let mut encoder = ctx.encoder();
    encode(ctx, &mut encoder, "activate_forward", act, 1.0, None, None, &dx);
    x.copy_from_slice(&ctx.finish_and_download(encoder, &dx)?);
    Ok(())
}

pub fn unary_backward(ctx: &GpuContext, entry: &'static str, y: &[f32], g: &mut [f32]) -> Result<()> {
    let (dy, dg) = (ctx.upload(y, "y")?, ctx.upload(g, "g")?);
    let mut encoder = ctx.encoder();
    encode(ctx, &mut encoder, entry, Activation::Identity, 1.0, Some(&dy), None, &dg);
    g.copy_from_slice(&ctx.finish_and_download(encoder, &dg)?);
    Ok(())
}

pub fn bce_grad(ctx: &GpuContext, z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) -> Result<()> {
    let (dz, dt, dg) = (ctx.upload(z, "z")?, ctx.upload(t, "t")?, ctx.zeros(g.len(), "g")?);
    let mut encoder = ctx.encoder();
    encode(ctx, &mut encoder, BCE_GRAD, Activation::Identity, scale, Some(&dz), Some(&dt), &dg);
    g.copy_from_slice(&ctx.finish_and_download(encoder, &dg)?);
    Ok(())
}
