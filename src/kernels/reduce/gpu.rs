//! Column sums on the GPU (`shaders/reduce.wgsl`, one invocation per column): an encoder for
//! chained kernels and a slice-level wrapper.

use crate::error::Result;
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};

/// Keep in sync with `ReduceParams` in shaders/reduce.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct ReduceParams {
    m: u32,
    n: u32,
}

/// Record out = column sums of x (m × n) on the device.
pub fn encode(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    m: usize,
    n: usize,
    x: &GpuBuffer,
    out: &GpuBuffer,
) {
    if n == 0 {
        return;
    }
    let params = ctx.uniform(&ReduceParams { m: m as u32, n: n as u32 });
    ctx.dispatch(
        encoder,
        Shader::Reduce,
        "column_sums",
        &[(0, &params), (1, &x.buffer), (2, &out.buffer)],
        grid_1d(n, 256),
    );
}

/// Slice-level column sums: upload, [`encode`], read back.
pub fn column_sums(ctx: &GpuContext, m: usize, n: usize, x: &[f32], out: &mut [f32]) -> Result<()> {
    let (dx, dout) = (ctx.upload(x, "x")?, ctx.zeros(n, "out")?);
    let mut encoder = ctx.encoder();
    encode(ctx, &mut encoder, m, n, &dx, &dout);
    out.copy_from_slice(&ctx.finish_and_download(encoder, &dout)?);
    Ok(())
}
