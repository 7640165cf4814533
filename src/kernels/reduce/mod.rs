//! Column sums of a row-major matrix: the bias gradient of a dense layer.
//!
//! ```text
//! out[j] = Σᵢ x[i][j]        x: (m, n), out: (n)
//! ```
//!
//! Variants: [`scalar`] sums each column in f64 in row order; [`simd`] adds rows in f32 into
//! the output (vectorised along j, rows split across cores in blocks whose partial sums are
//! then added); [`gpu`] (`shaders/reduce.wgsl`) gives one invocation per column.
//! Cost: O(m·n) time.
//!
//! ```
//! use cinegenre::backend::Backend;
//! let mut out = [0.0; 2];
//! cinegenre::kernels::reduce::column_sums(&Backend::Scalar, 2, 2, &[1.0, 2.0, 3.0, 4.0], &mut out).unwrap();
//! assert_eq!(out, [4.0, 6.0]);
//! ```

#[cfg(feature = "gpu")]
pub mod gpu;
pub mod scalar;
pub mod simd;

/// The GPU encoder, for chained kernels (the MLP's resident training step).
#[cfg(feature = "gpu")]
pub use gpu::encode;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::on_gpu;

/// `out[j] = Σᵢ x[i][j]`.
pub fn column_sums(backend: &Backend, m: usize, n: usize, x: &[f32], out: &mut [f32]) -> Result<()> {
    if x.len() != m * n || out.len() != n {
        return Err(Error::Shape(format!(
            "column_sums: x has {} elements and out {}, expected {m}·{n} and {n}",
            x.len(),
            out.len()
        )));
    }
    match backend {
        Backend::Scalar => scalar::column_sums(n, x, out),
        Backend::Cpu { simd, par } => simd::column_sums(*simd, *par, n, x, out),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::column_sums(ctx, m, n, x, out)?),
    }
    Ok(())
}
