//! The update on the GPU (`shaders/rmsprop.wgsl`, one invocation per parameter): an encoder
//! for chained kernels and a slice-level wrapper.

use super::RmspropStep;
use crate::error::Result;
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};

/// Uniform parameters: `sizes` = (n, ε inside √, 0, 0), `step` = (lr, ρ, ε, 0); the shader
/// reads the same two vectors (`RmspropParams` in shaders/rmsprop.wgsl).
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct RmspropParams {
    sizes: [u32; 4],
    step: [f32; 4],
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
        sizes: [p.len as u32, step.eps_inside_sqrt.into(), 0, 0],
        step: [step.lr, step.rho, step.eps, 0.0],
    });
    ctx.dispatch(
        encoder,
        Shader::Rmsprop,
        "rmsprop_update",
        &[(0, &params), (1, &p.buffer), (2, &g.buffer), (3, &a.buffer)],
        grid_1d(p.len, 256),
    );
}

/// Slice-level update: upload, [`encode`], read `p` and `a` back.
pub fn rmsprop(ctx: &GpuContext, step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) -> Result<()> {
    let (dp, dg, da) = (ctx.upload(p, "p")?, ctx.upload(g, "g")?, ctx.upload(a, "a")?);
    let mut encoder = ctx.encoder();
    encode(ctx, &mut encoder, step, &dp, &dg, &da);
    ctx.submit(encoder.finish());
    p.copy_from_slice(&ctx.download(&dp)?);
    a.copy_from_slice(&ctx.download(&da)?);
    Ok(())
}
