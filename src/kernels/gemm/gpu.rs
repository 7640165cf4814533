//! SGEMM on the GPU (`shaders/gemm.wgsl` + `shaders/gemm_tile.wgsl`, see [`super::gpu_tile`]):
//! a resident encoder for chained kernels, and a slice-level wrapper (upload → dispatch →
//! readback) for one-shot calls. The tile configuration is the adapter's tuned one
//! ([`super::gpu_tune::chosen`]) unless a caller forces one ([`encode_config`], [`gemm_config`]);
//! operands are read as vec4 wherever their contiguous dimension is a multiple of 4.

use super::gpu_tile::{self, Kernel, TileConfig, Variant};
use super::gpu_tune;
use super::problem::{Epilogue, Gemm};
use super::weight::Weight;
use crate::error::Result;
use crate::gpu::{GpuBuffer, GpuContext};
use crate::kernels::Activation;

/// Uniform parameters; keep in sync with `GemmParams` in shaders/gemm.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct GemmParams {
    m: u32,
    n: u32,
    k: u32,
    trans_a: u32,
    trans_b: u32,
    has_bias: u32,
    activation: u32,
    b_format: u32,
}

/// Record C = act(op(A)·op(B) + bias) on device buffers into `encoder`.
///
/// # Shapes
/// `a`: m·k, `b`: k·n, `bias`: n (or `None`), `c`: m·n.
#[allow(clippy::too_many_arguments)] // one argument per shader binding, plus shape and epilogue
pub fn encode(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    g: Gemm,
    a: &GpuBuffer,
    b: &GpuBuffer,
    bias: Option<&GpuBuffer>,
    activation: Activation,
    c: &GpuBuffer,
) -> Result<()> {
    encode_with_b_format(ctx, encoder, g, a, (b, 0), bias, activation, c)
}

/// As [`encode`], with B's storage format: 0 f32, 1 f16, 2 bf16 (see [`Weight::GPU_FORMAT`];
/// halves packed two per 32-bit word by [`Weight::gpu_words`]).
///
#[allow(clippy::too_many_arguments)] // one argument per shader binding, plus shape and epilogue
pub fn encode_with_b_format(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    g: Gemm,
    a: &GpuBuffer,
    b: (&GpuBuffer, u32),
    bias: Option<&GpuBuffer>,
    activation: Activation,
    c: &GpuBuffer,
) -> Result<()> {
    encode_config(ctx, encoder, gpu_tune::chosen(ctx), g, a, b, bias, activation, c)
}

/// Whether an operand stored with contiguous dimension `inner` (and `len` ≥ the elements the
/// product reads) can be bound as vec4: whole, aligned units of four, at least one of them.
fn vec4_ok(inner: usize, len: usize) -> bool {
    inner > 0 && inner.is_multiple_of(4) && len >= 4
}

/// As [`encode_with_b_format`], with the tile configuration `config` forced (tests, benches,
/// the tuner).
#[allow(clippy::too_many_arguments)] // one argument per shader binding, plus shape and epilogue
pub fn encode_config(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    config: TileConfig,
    g: Gemm,
    a: &GpuBuffer,
    (b, b_format): (&GpuBuffer, u32),
    bias: Option<&GpuBuffer>,
    activation: Activation,
    c: &GpuBuffer,
) -> Result<()> {
    let variant = Variant {
        config,
        vec_a: vec4_ok(if g.trans_a { g.m } else { g.k }, a.len),
        vec_b: b_format == 0 && vec4_ok(if g.trans_b { g.k } else { g.n }, b.len),
    };
    let params = ctx.uniform(&GemmParams {
        m: g.m as u32,
        n: g.n as u32,
        k: g.k as u32,
        trans_a: g.trans_a.into(),
        trans_b: g.trans_b.into(),
        has_bias: bias.is_some().into(),
        activation: activation.code(),
        b_format,
    });
    // An unused bias slot still needs a buffer: bind C's input `a`, never read.
    let bias = bias.unwrap_or(a);
    gpu_tile::dispatch(
        ctx,
        encoder,
        (Kernel::Gemm, variant),
        (g.m, g.n),
        &[(0, &params), (1, &a.buffer), (2, &b.buffer), (3, &bias.buffer), (4, &c.buffer)],
    )
}

/// Slice-level SGEMM: upload the inputs, run [`encode`], read C back. B may be stored as f16
/// or bf16 ([`Weight`]): it is uploaded as it is stored and widened in the shader.
pub fn gemm<W: Weight>(
    ctx: &GpuContext,
    g: Gemm,
    (a, b): (&[f32], &[W]),
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    gemm_config(ctx, gpu_tune::chosen(ctx), g, (a, b), epilogue, c)
}

/// As [`gemm`] with the tile configuration forced; lengths are the caller's to check (the
/// family's [`super::gemm`] does). Tests run every [`TileConfig::candidates`] through this.
pub fn gemm_config<W: Weight>(
    ctx: &GpuContext,
    config: TileConfig,
    g: Gemm,
    (a, b): (&[f32], &[W]),
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    let da = ctx.upload(a, "gemm a")?;
    let db = ctx.upload(&W::gpu_words(b), "gemm b")?;
    let dbias = epilogue.bias.map(|bias| ctx.upload(bias, "gemm bias")).transpose()?;
    let dc = ctx.zeros(c.len(), "gemm c")?;
    let mut encoder = ctx.encoder();
    encode_config(
        ctx,
        &mut encoder,
        config,
        g,
        &da,
        (&db, W::GPU_FORMAT),
        dbias.as_ref(),
        epilogue.activation,
        &dc,
    )?;
    let out = ctx.finish_and_download(encoder, &dc)?;
    c.copy_from_slice(&out);
    Ok(())
}
