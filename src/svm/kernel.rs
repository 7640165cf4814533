//! The linear kernel `K(x, z) = x·z` and where the solver gets its columns from.
//!
//! ```text
//! K_ij  = Σ_k x_ik x_jk          summed in increasing k, in f64, then rounded to f32
//! QD_i  = K(x_i, x_i)            kept in f64
//! Q_ij  = y_i y_j K_ij           (a sign flip: exact in f32)
//! ```
//! Why a linear kernel can be fast: `K` depends on neither the label, nor `C`, nor the fold, so
//! [`Gram`] computes it **once** (sparse × sparseᵀ, rows in parallel) and every one of the
//! `labels × C values × (folds + 1)` fits reads it through an index map (a fold uses a sub-matrix:
//! `K[map[i]][map[j]]`). libsvm instead recomputes kernel columns in every fit, behind a 200 MB LRU
//! cache.
//!
//! Entries are stored as `f32` exactly as libsvm stores `Q` (`Qfloat`): the dot product is
//! computed in `f64` in libsvm's order (sorted sparse indices, a running sum from 0), then
//! rounded. That keeps the SMO path — every working-set choice — the same as libsvm's, and halves
//! the memory (`4n²` bytes: 256 MB for 8,000 rows).
//!
//! When `n > GRAM_MAX_ROWS` the square does not fit comfortably; [`Rows::Lazy`] then computes a
//! row when the solver asks for it and keeps the most recently used rows in an LRU cache
//! ([`LAZY_CACHE_BYTES`]), as libsvm does. Both give identical values.
//!
//! Cost: `Σ_k nnz(column k)²` multiply-adds for the Gram matrix (`O(n²)` memory); a lazy row
//! costs `Σ_{k ∈ x_i} nnz(column k)`.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::svm::Gram;
//! let x = CsrMatrix::from_dense(2, 2, &[1.0, 2.0, 0.0, 3.0]);
//! let gram = Gram::new(&x).unwrap();
//! assert_eq!(gram.row(0), &[5.0, 6.0]);
//! assert_eq!(gram.diag(1), 9.0);
//! ```

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;

/// Above this many rows the full Gram matrix is not built (4·n² bytes: 3.6 GB at 30,000).
pub const GRAM_MAX_ROWS: usize = 30_000;

/// Memory of the LRU row cache of [`Rows::Lazy`], per fit (libsvm's default `cache_size`).
pub const LAZY_CACHE_BYTES: usize = 200 << 20;

/// Reject NaN and infinite features with the position of the first one.
pub fn check_finite(x: &CsrMatrix) -> Result<()> {
    for (i, (cols, vals)) in x.rows().enumerate() {
        if let Some(k) = vals.iter().position(|v| !v.is_finite()) {
            return Err(Error::param(
                "X",
                format!("row {i}, column {} holds {}: features must be finite numbers", cols[k], vals[k]),
            ));
        }
    }
    Ok(())
}

/// The features with sorted column indices, their transpose and squared norms: what any kernel
/// row needs.
#[derive(Debug, Clone)]
pub struct LinearKernel {
    x: CsrMatrix,
    xt: CsrMatrix,
    diag: Vec<f64>,
}

impl LinearKernel {
    /// Check `x` is finite and prepare it.
    pub fn new(x: &CsrMatrix) -> Result<Self> {
        check_finite(x)?;
        let mut x = x.clone();
        x.sort_indices();
        let xt = x.transpose();
        let diag = x.rows().map(|(_, v)| v.iter().fold(0.0, |s, &a| s + a * a)).collect();
        Ok(LinearKernel { x, xt, diag })
    }

    /// Number of rows `n`.
    pub fn n(&self) -> usize {
        self.x.n_rows()
    }

    /// The features, indices sorted.
    pub fn x(&self) -> &CsrMatrix {
        &self.x
    }

    /// `K_ii` in f64.
    pub fn diag(&self, i: usize) -> f64 {
        self.diag[i]
    }

    /// Row `i` of `K` into `out` (`n` entries), through the `f64` scratch `acc` (`n` zeros,
    /// left zeroed).
    fn row_into(&self, i: usize, acc: &mut [f64], out: &mut [f32]) {
        let (cols, vals) = self.x.row(i);
        for (&k, &v) in cols.iter().zip(vals) {
            let (rows, us) = self.xt.row(k as usize);
            for (&j, &u) in rows.iter().zip(us) {
                acc[j as usize] += v * u;
            }
        }
        for (o, a) in out.iter_mut().zip(acc.iter_mut()) {
            *o = *a as f32;
            *a = 0.0;
        }
    }
}

/// The full `(n, n)` Gram matrix `K = X·Xᵀ`, entries rounded to f32, diagonal in f64.
#[derive(Debug, Clone)]
pub struct Gram {
    n: usize,
    values: Vec<f32>,
    diag: Vec<f64>,
}

impl Gram {
    /// Compute `X·Xᵀ`, rows in parallel.
    pub fn new(x: &CsrMatrix) -> Result<Self> {
        Ok(Self::from_kernel(&LinearKernel::new(x)?))
    }

    /// Compute from a prepared kernel.
    pub fn from_kernel(kernel: &LinearKernel) -> Self {
        let n = kernel.n();
        let mut values = vec![0.0f32; n * n];
        if n > 0 {
            values
                .par_chunks_mut(n)
                .enumerate()
                .for_each_init(|| vec![0.0f64; n], |acc, (i, out)| kernel.row_into(i, acc, out));
        }
        Gram { n, values, diag: kernel.diag.clone() }
    }

    /// Number of rows `n`.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Row `i`: `K_i·` as f32.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.n..(i + 1) * self.n]
    }

    /// `K_ii` in f64.
    pub fn diag(&self, i: usize) -> f64 {
        self.diag[i]
    }
}

/// Where a fit reads kernel rows: the shared Gram matrix, or rows computed on demand.
pub enum Rows<'a> {
    Full(&'a Gram),
    Lazy(LazyRows<'a>),
}

impl Rows<'_> {
    /// Row `i` of `K` (all `n` columns).
    pub fn row(&mut self, i: usize) -> &[f32] {
        match self {
            Rows::Full(gram) => gram.row(i),
            Rows::Lazy(lazy) => lazy.row(i),
        }
    }

    /// `K_ii` in f64.
    pub fn diag(&self, i: usize) -> f64 {
        match self {
            Rows::Full(gram) => gram.diag(i),
            Rows::Lazy(lazy) => lazy.kernel.diag(i),
        }
    }
}

/// Kernel rows computed on demand, the most recently used kept up to a byte budget.
pub struct LazyRows<'a> {
    kernel: &'a LinearKernel,
    acc: Vec<f64>,
    cache: HashMap<usize, (u64, Vec<f32>)>,
    capacity: usize,
    clock: u64,
}

impl<'a> LazyRows<'a> {
    /// A cache of at most `bytes` of rows (at least two rows: the working pair).
    pub fn new(kernel: &'a LinearKernel, bytes: usize) -> Self {
        let row_bytes = 4 * kernel.n().max(1);
        LazyRows {
            kernel,
            acc: vec![0.0; kernel.n()],
            cache: HashMap::new(),
            capacity: (bytes / row_bytes).max(2),
            clock: 0,
        }
    }

    fn row(&mut self, i: usize) -> &[f32] {
        self.clock += 1;
        if !self.cache.contains_key(&i) {
            let mut out = if self.cache.len() >= self.capacity {
                let oldest = *self.cache.iter().min_by_key(|(_, (t, _))| *t).map(|(k, _)| k).expect("full");
                self.cache.remove(&oldest).expect("present").1
            } else {
                vec![0.0; self.kernel.n()]
            };
            self.kernel.row_into(i, &mut self.acc, &mut out);
            self.cache.insert(i, (0, out));
        }
        let entry = self.cache.get_mut(&i).expect("inserted");
        entry.0 = self.clock;
        &entry.1
    }
}
