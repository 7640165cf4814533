//! Sparse × dense: C = S·B with S in CSR (f32 values), for scoring sparse features (TF-IDF)
//! against dense weights.
//!
//! ```text
//! C[i][j] = Σ_{q ∈ indptr[i]..indptr[i+1]} data[q] · B[indices[q]][j]     S: (m, k), B: (k, n)
//! ```
//!
//! CSR storage of a 2 × 3 example:
//!
//! ```text
//! S = [5 0 7]    indptr  = [0, 2, 3]
//!     [0 9 0]    indices = [0, 2, 1]
//!                data    = [5, 7, 9]
//! ```
//!
//! Variants: scalar (f64 accumulation per output), CPU (rows across cores, each row an axpy of
//! B's rows into C's row, f32), GPU (`shaders/spmm.wgsl`, one invocation per output element).
//! Cost: O(nnz·n) time.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::spmm::{spmm, CsrRef};
//! let s = CsrRef { n_rows: 1, n_cols: 2, indptr: &[0, 1], indices: &[1], data: &[2.0] };
//! let mut c = [f32::NAN; 2];
//! spmm(&Backend::Scalar, s, 2, &[1.0, 2.0, 3.0, 4.0], &mut c).unwrap();
//! assert_eq!(c, [6.0, 8.0]);
//! ```

use rayon::prelude::*;

use crate::backend::{Backend, Par};
use crate::error::{Error, Result};
use crate::gpu::{GpuContext, MAX_GROUPS_PER_DIM, Shader};
use crate::simd::simd_fn;

/// A borrowed CSR matrix with f32 values and u32 offsets (the GPU's integer width).
#[derive(Debug, Clone, Copy)]
pub struct CsrRef<'a> {
    pub n_rows: usize,
    pub n_cols: usize,
    pub indptr: &'a [u32],
    pub indices: &'a [u32],
    pub data: &'a [f32],
}

impl CsrRef<'_> {
    fn check(&self) -> Result<()> {
        let bad = |why: String| Err(Error::Shape(format!("spmm: invalid CSR matrix: {why}")));
        if self.indptr.len() != self.n_rows + 1 || self.indptr.first() != Some(&0) {
            return bad(format!("indptr has {} entries for {} rows", self.indptr.len(), self.n_rows));
        }
        let nnz = self.indptr[self.n_rows] as usize;
        if self.indices.len() != nnz || self.data.len() != nnz {
            return bad(format!(
                "{nnz} non-zeros but {} indices, {} values",
                self.indices.len(),
                self.data.len()
            ));
        }
        if self.indptr.windows(2).any(|w| w[0] > w[1]) {
            return bad("indptr decreases".into());
        }
        if let Some(col) = self.indices.iter().find(|&&c| c as usize >= self.n_cols) {
            return bad(format!("column index {col} ≥ {} columns", self.n_cols));
        }
        Ok(())
    }
}

/// C = S·B. `b`: (S.n_cols, n), `c`: (S.n_rows, n).
pub fn spmm(backend: &Backend, s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) -> Result<()> {
    s.check()?;
    if b.len() != s.n_cols * n || c.len() != s.n_rows * n {
        return Err(Error::Shape(format!(
            "spmm: S is {}×{}, B has {} elements, C {}; expected {}·{n} and {}·{n}",
            s.n_rows,
            s.n_cols,
            b.len(),
            c.len(),
            s.n_cols,
            s.n_rows
        )));
    }
    if n == 0 {
        return Ok(());
    }
    let row = |i: usize| (s.indptr[i] as usize)..(s.indptr[i + 1] as usize);
    match backend {
        Backend::Scalar => {
            for i in 0..s.n_rows {
                for j in 0..n {
                    let mut sum = 0.0f64;
                    for q in row(i) {
                        sum += f64::from(s.data[q]) * f64::from(b[s.indices[q] as usize * n + j]);
                    }
                    c[i * n + j] = sum as f32;
                }
            }
        }
        Backend::Cpu { simd, par } => {
            // One output row per task: a sum of scaled rows of B, compiled for the SIMD level.
            let f = |(i, out): (usize, &mut [f32])| {
                let q = row(i);
                sum_of_rows(*simd, &s.data[q.clone()], &s.indices[q], b, out);
            };
            match par {
                Par::Seq => c.chunks_mut(n).enumerate().for_each(f),
                Par::Rayon => c.par_chunks_mut(n).enumerate().for_each(f),
            }
        }
        Backend::Gpu(ctx) => gpu(ctx, s, n, b, c)?,
    }
    Ok(())
}

/// Keep in sync with `SpmmParams` in shaders/spmm.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct SpmmParams {
    m: u32,
    n: u32,
}

simd_fn! {
    /// out = Σ_q values[q] · B[columns[q]] (rows of B of out's width).
    fn sum_of_rows(values: &[f32], columns: &[u32], b: &[f32], out: &mut [f32]) {
        let n = out.len();
        out.fill(0.0);
        for (&v, &col) in values.iter().zip(columns) {
            for (o, x) in out.iter_mut().zip(&b[col as usize * n..][..n]) {
                *o += v * x;
            }
        }
    }
}

fn gpu(ctx: &GpuContext, s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) -> Result<()> {
    if s.n_rows == 0 {
        return Ok(());
    }
    if s.n_rows > MAX_GROUPS_PER_DIM as usize {
        return Err(Error::Shape(format!("spmm: {} rows exceed one GPU dispatch", s.n_rows)));
    }
    let params = ctx.uniform(&SpmmParams { m: s.n_rows as u32, n: n as u32 });
    let indptr = ctx.upload(s.indptr, "indptr")?;
    let indices = ctx.upload(s.indices, "indices")?;
    let data = ctx.upload(s.data, "data")?;
    let db = ctx.upload(b, "b")?;
    let dc = ctx.zeros(c.len(), "c")?;
    let mut encoder = ctx.encoder();
    ctx.dispatch(
        &mut encoder,
        Shader::Spmm,
        "spmm_csr",
        &[
            (0, &params),
            (1, &indptr.buffer),
            (2, &indices.buffer),
            (3, &data.buffer),
            (4, &db.buffer),
            (5, &dc.buffer),
        ],
        (n.div_ceil(64) as u32, s.n_rows as u32, 1),
    );
    c.copy_from_slice(&ctx.finish_and_download(encoder, &dc)?);
    Ok(())
}
