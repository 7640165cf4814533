//! SGEMM on the GPU (`shaders/gemm.wgsl`, entry `gemm_tiled`): a resident encoder for chained
//! kernels, and a slice-level wrapper (upload → dispatch → readback) for one-shot calls.

use super::problem::{Epilogue, Gemm};
use super::weight::Weight;
use crate::error::Result;
use crate::gpu::{GpuBuffer, GpuContext, MAX_GROUPS_PER_DIM, Shader};
use crate::kernels::Activation;

/// Edge of the C tile one workgroup computes (keep in sync with `BM`/`BN` in gemm.wgsl).
const TILE: usize = 128;

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
    (b, b_format): (&GpuBuffer, u32),
    bias: Option<&GpuBuffer>,
    activation: Activation,
    c: &GpuBuffer,
) -> Result<()> {
    let groups = (g.n.div_ceil(TILE), g.m.div_ceil(TILE));
    if groups.0 > MAX_GROUPS_PER_DIM as usize || groups.1 > MAX_GROUPS_PER_DIM as usize {
        return Err(crate::Error::Shape(format!("gemm {g:?} is too large for one GPU dispatch")));
    }
    if g.m == 0 || g.n == 0 {
        return Ok(());
    }
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
    ctx.dispatch(
        encoder,
        Shader::Gemm,
        "gemm_tiled",
        &[(0, &params), (1, &a.buffer), (2, &b.buffer), (3, &bias.buffer), (4, &c.buffer)],
        (groups.0 as u32, groups.1 as u32, 1),
    );
    Ok(())
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
    let da = ctx.upload(a, "gemm a")?;
    let db = ctx.upload(&W::gpu_words(b), "gemm b")?;
    let dbias = epilogue.bias.map(|bias| ctx.upload(bias, "gemm bias")).transpose()?;
    let dc = ctx.zeros(c.len(), "gemm c")?;
    let mut encoder = ctx.encoder();
    encode_with_b_format(
        ctx,
        &mut encoder,
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
