//! Dispatchers of `shaders/batch.wgsl`, the minibatch plumbing of resident training:
//!
//! ```text
//! gather_rows     dst[i][c] = src[order[offset + i]][c]      (m, cols) from (n, cols)
//! bce_stats       stats[slot] = (Σ ℓ(z, t), #hits, #non-finite z) over m·n_out cells
//! flag_nonfinite  flags[slot] = 1 if some value is NaN or ±∞
//! ```
//!
//! `ℓ(z, t) = max(z, 0) − z·t + ln(1 + e^(−|z|))` is [`bce_from_logits`]'s cell loss and a
//! hit is `σ(z) > ½ ⇔ t > ½` ([`binary_accuracy`]); the sums are f32 (a tree over one
//! workgroup of 256), the host's are f64: they agree to ~1e-6 relative, and the hit count is
//! exact below 2²⁴ cells per batch. Non-finite logits are counted apart, so a diverged batch
//! is seen even where the device's `max` or `exp` would hide a NaN. Every dispatch gets its
//! own uniform buffer, so many of them can share one command encoder.
//!
//! [`bce_from_logits`]: crate::mlp::loss::bce_from_logits
//! [`binary_accuracy`]: crate::mlp::loss::binary_accuracy

use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};

/// Values per batch in the stats buffer: loss sum, hits, non-finite logits.
pub const STATS_PER_BATCH: usize = 3;

/// Keep in sync with `GatherParams` in shaders/batch.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct GatherParams {
    rows: u32,
    cols: u32,
    offset: u32,
    _pad: u32,
}

/// Keep in sync with `StatsParams` and `FlagParams` in shaders/batch.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct SlotParams {
    n: u32,
    slot: u32,
    _pad: [u32; 2],
}

/// Record `dst` (rows, cols) ← the rows `order[offset..offset + rows]` of `src` (·, cols).
#[allow(clippy::too_many_arguments)] // one argument per shader binding and parameter
pub fn gather_rows(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    order: &GpuBuffer,
    offset: usize,
    rows: usize,
    cols: usize,
    src: &GpuBuffer,
    dst: &GpuBuffer,
) {
    if rows * cols == 0 {
        return;
    }
    let params =
        ctx.uniform(&GatherParams { rows: rows as u32, cols: cols as u32, offset: offset as u32, _pad: 0 });
    ctx.dispatch(
        encoder,
        Shader::Batch,
        "gather_rows",
        &[(0, &params), (1, &order.buffer), (2, &src.buffer), (3, &dst.buffer)],
        grid_1d(rows * cols, 256),
    );
}

/// Record the loss sum, hit count and non-finite count of the first `cells` logits against
/// `targets` into `stats[STATS_PER_BATCH·slot ..]`.
pub fn bce_stats(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    cells: usize,
    logits: &GpuBuffer,
    targets: &GpuBuffer,
    stats: &GpuBuffer,
    slot: usize,
) {
    let params = ctx.uniform(&SlotParams { n: cells as u32, slot: slot as u32, _pad: [0; 2] });
    ctx.dispatch(
        encoder,
        Shader::Batch,
        "bce_stats",
        &[(4, &params), (5, &logits.buffer), (6, &targets.buffer), (7, &stats.buffer)],
        (1, 1, 1),
    );
}

/// Record `flags[slot] |= 1` if some value of `values` is not finite (flags start cleared).
pub fn flag_nonfinite(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    values: &GpuBuffer,
    flags: &GpuBuffer,
    slot: usize,
) {
    if values.len == 0 {
        return;
    }
    let params = ctx.uniform(&SlotParams { n: values.len as u32, slot: slot as u32, _pad: [0; 2] });
    ctx.dispatch(
        encoder,
        Shader::Batch,
        "flag_nonfinite",
        &[(8, &params), (9, &values.buffer), (10, &flags.buffer)],
        grid_1d(values.len, 256),
    );
}
