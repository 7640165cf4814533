//! VGG layers on the GPU (`shaders/conv.wgsl`): encoders on device buffers, so a whole network
//! is recorded into one command encoder with activations resident, and slice-level wrappers
//! (upload → dispatch → readback) for one-shot calls.
//!
//! The convolution is the GEMM's tiled core ([`gemm::gpu_tile`](crate::kernels::gemm::gpu_tile): double-buffered tiles, vec4
//! loads where c or o is a multiple of 4, the adapter's tuned tile configuration) with
//! conv.wgsl's implicit-im2col operand reads in place of gemm.wgsl's.

use super::shape::Shape;
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};
use crate::kernels::gemm::gpu_tile::{self, Kernel, TileConfig, Variant};
use crate::kernels::gemm::gpu_tune;

/// Uniform parameters; keep in sync with `ConvParams` in shaders/conv.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct ConvParams {
    n: u32,
    h: u32,
    w: u32,
    c: u32,
    o: u32,
    m: u32,
    k: u32,
    groups_x: u32,
}

fn params(s: Shape, o: usize, m: usize, groups_x: u32) -> Result<ConvParams> {
    // Every index the shader forms (input element, output element) must fit a u32.
    if u32::try_from(s.len().max(m * o.max(1))).is_err() {
        return Err(Error::Shape(format!("conv {s:?} → {o} channels is too large for one GPU dispatch")));
    }
    Ok(ConvParams {
        n: s.n as u32,
        h: s.h as u32,
        w: s.w as u32,
        c: s.c as u32,
        o: o as u32,
        m: m as u32,
        k: 9 * s.c as u32,
        groups_x,
    })
}

/// Record y = relu(conv3×3(x, kernel) + bias) on device buffers.
///
/// # Shapes
/// `x`: (n, h, w, c), `kernel`: (3, 3, c, o), `bias`: o, `y`: (n, h, w, o); buffers may be larger.
#[allow(clippy::too_many_arguments)] // one argument per shader binding, plus the shape
pub fn encode_conv(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    s: Shape,
    x: &GpuBuffer,
    kernel: &GpuBuffer,
    bias: &GpuBuffer,
    out_ch: usize,
    y: &GpuBuffer,
) -> Result<()> {
    encode_conv_config(ctx, encoder, gpu_tune::chosen(ctx), s, (x, kernel, bias), out_ch, y)
}

/// As [`encode_conv`] with the tile configuration forced (tests, benches).
pub fn encode_conv_config(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    config: TileConfig,
    s: Shape,
    (x, kernel, bias): (&GpuBuffer, &GpuBuffer, &GpuBuffer),
    out_ch: usize,
    y: &GpuBuffer,
) -> Result<()> {
    let m = s.n * s.h * s.w;
    if m == 0 || out_ch == 0 {
        return Ok(());
    }
    let params = ctx.uniform(&params(s, out_ch, m, 0)?);
    // A unit of four channels never straddles a tap when c is a multiple of 4.
    let variant = Variant {
        config,
        vec_a: s.c.is_multiple_of(4) && x.len >= 4,
        vec_b: out_ch.is_multiple_of(4) && kernel.len >= 4,
    };
    gpu_tile::dispatch(
        ctx,
        encoder,
        (Kernel::Conv, variant),
        (m, out_ch),
        &[(0, &params), (1, &x.buffer), (2, &kernel.buffer), (3, &bias.buffer), (4, &y.buffer)],
    )
}

/// Record y = maxpool2×2(x) on device buffers (`x`: (n, h, w, c), `y`: (n, ⌊h/2⌋, ⌊w/2⌋, c)).
pub fn encode_pool(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    s: Shape,
    x: &GpuBuffer,
    y: &GpuBuffer,
) -> Result<()> {
    let m = s.n * (s.h / 2) * (s.w / 2) * s.c;
    if m == 0 {
        return Ok(());
    }
    let groups = grid_1d(m, 256);
    let params = ctx.uniform(&params(s, 0, m, groups.0)?);
    ctx.dispatch(
        encoder,
        Shader::Conv,
        "maxpool2x2",
        &[(0, &params), (1, &x.buffer), (4, &y.buffer)],
        groups,
    );
    Ok(())
}

/// Slice-level convolution: upload, [`encode_conv`], read back (`kernel`: HWIO, `bias.len()`
/// outputs per pixel).
pub fn conv3x3_relu(
    ctx: &GpuContext,
    s: Shape,
    x: &[f32],
    kernel: &[f32],
    bias: &[f32],
    y: &mut [f32],
) -> Result<()> {
    conv3x3_relu_config(ctx, gpu_tune::chosen(ctx), s, (x, kernel, bias), y)
}

/// As [`conv3x3_relu`] with the tile configuration forced; lengths are the caller's to check.
pub fn conv3x3_relu_config(
    ctx: &GpuContext,
    config: TileConfig,
    s: Shape,
    (x, kernel, bias): (&[f32], &[f32], &[f32]),
    y: &mut [f32],
) -> Result<()> {
    let (dx, dk, db) =
        (ctx.upload(x, "conv x")?, ctx.upload(kernel, "conv kernel")?, ctx.upload(bias, "conv bias")?);
    let dy = ctx.zeros(y.len(), "conv y")?;
    let mut encoder = ctx.encoder();
    encode_conv_config(ctx, &mut encoder, config, s, (&dx, &dk, &db), bias.len(), &dy)?;
    y.copy_from_slice(&ctx.finish_and_download(encoder, &dy)?);
    Ok(())
}

/// Slice-level max-pool: upload, [`encode_pool`], read back.
pub fn maxpool2x2(ctx: &GpuContext, s: Shape, x: &[f32], y: &mut [f32]) -> Result<()> {
    let (dx, dy) = (ctx.upload(x, "pool x")?, ctx.zeros(y.len(), "pool y")?);
    let mut encoder = ctx.encoder();
    encode_pool(ctx, &mut encoder, s, &dx, &dy)?;
    y.copy_from_slice(&ctx.finish_and_download(encoder, &dy)?);
    Ok(())
}
