//! Column sums of a row-major matrix: the bias gradient of a dense layer.
//!
//! ```text
//! out[j] = Σᵢ x[i][j]        x: (m, n), out: (n)
//! ```
//!
//! Variants: `scalar.rs` sums each column in f64 in row order; the CPU path adds rows in f32
//! into the output (vectorised along j, rows split across cores in blocks whose partial sums
//! are then added); `gpu.rs` (`shaders/reduce.wgsl`) gives one invocation per column.
//! Cost: O(m·n) time.
//!
//! ```
//! use cinegenre::backend::Backend;
//! let mut out = [0.0; 2];
//! cinegenre::kernels::reduce::column_sums(&Backend::Scalar, 2, 2, &[1.0, 2.0, 3.0, 4.0], &mut out).unwrap();
//! assert_eq!(out, [4.0, 6.0]);
//! ```

use rayon::prelude::*;

use crate::backend::{Backend, Par};
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext, Shader, grid_1d};
use crate::simd::{SimdLevel, simd_fn};

/// Rows per parallel block.
const ROWS_PER_TASK: usize = 64;

/// out[j] = Σᵢ x[i][j].
pub fn column_sums(backend: &Backend, m: usize, n: usize, x: &[f32], out: &mut [f32]) -> Result<()> {
    if x.len() != m * n || out.len() != n {
        return Err(Error::Shape(format!(
            "column_sums: x has {} elements and out {}, expected {m}·{n} and {n}",
            x.len(),
            out.len()
        )));
    }
    match backend {
        Backend::Scalar => {
            for j in 0..n {
                let mut sum = 0.0f64;
                for i in 0..m {
                    sum += f64::from(x[i * n + j]);
                }
                out[j] = sum as f32;
            }
        }
        Backend::Cpu { simd, par } => cpu(*simd, *par, n, x, out),
        Backend::Gpu(ctx) => {
            let (dx, dout) = (ctx.upload(x, "x")?, ctx.zeros(n, "out")?);
            let mut encoder = ctx.encoder();
            encode(ctx, &mut encoder, m, n, &dx, &dout);
            out.copy_from_slice(&ctx.finish_and_download(encoder, &dout)?);
        }
    }
    Ok(())
}

simd_fn! {
    /// acc += each n-wide row of `rows`.
    fn add_rows(n: usize, rows: &[f32], acc: &mut [f32]) {
        for row in rows.chunks_exact(n) {
            for (a, x) in acc.iter_mut().zip(row) {
                *a += x;
            }
        }
    }
}

/// Column sums in blocks of rows (each block's loop compiled for `level`), blocks across cores.
fn cpu(level: SimdLevel, par: Par, n: usize, x: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    if n == 0 {
        return;
    }
    match par {
        Par::Seq => add_rows(level, n, x, out),
        Par::Rayon => {
            let partial = x
                .par_chunks(ROWS_PER_TASK * n)
                .map(|rows| {
                    let mut acc = vec![0.0f32; n];
                    add_rows(level, n, rows, &mut acc);
                    acc
                })
                .collect::<Vec<_>>();
            for p in &partial {
                for (o, v) in out.iter_mut().zip(p) {
                    *o += v;
                }
            }
        }
    }
}

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
