//! A matrix seen only through products with tall thin dense blocks: `A · X` and `Aᵀ · X`.
//!
//! The operator keeps the matrix and its transpose, both row-major (dense) or CSR (sparse), so
//! each product runs over contiguous output rows, one rayon task per block of rows, and gives the
//! same bits for any number of threads. Cost per product: `O(nnz · l)` time, `O(m · l)` memory
//! for the output; the stored transpose doubles the matrix's memory.

use rayon::prelude::*;

use crate::linalg::transpose;
use crate::matrix::{CsrMatrix, DenseMatrix};

/// `A` of shape `(m, n)` with its transpose.
#[derive(Debug, Clone)]
pub enum Operator {
    /// Row-major `A` and `Aᵀ`.
    Dense { a: DenseMatrix, at: DenseMatrix },
    /// CSR `A` and `Aᵀ`.
    Sparse { a: CsrMatrix, at: CsrMatrix },
}

/// Rows of output per rayon task.
const ROWS_PER_TASK: usize = 64;

impl Operator {
    /// Wrap a dense matrix (its transpose is computed once).
    pub fn dense(a: DenseMatrix) -> Self {
        let at = transpose(&a);
        Operator::Dense { a, at }
    }

    /// Wrap a sparse matrix (its transpose is computed once).
    pub fn sparse(a: CsrMatrix) -> Self {
        let at = a.transpose();
        Operator::Sparse { a, at }
    }

    /// `(m, n)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Operator::Dense { a, .. } => a.shape(),
            Operator::Sparse { a, .. } => a.shape(),
        }
    }

    /// The operator of `Aᵀ` (no copy: the two stored matrices swap roles).
    pub fn transposed(self) -> Self {
        match self {
            Operator::Dense { a, at } => Operator::Dense { a: at, at: a },
            Operator::Sparse { a, at } => Operator::Sparse { a: at, at: a },
        }
    }

    /// `A · x`: `(m, n) · (n, l) → (m, l)`.
    pub fn apply(&self, x: &DenseMatrix) -> DenseMatrix {
        match self {
            Operator::Dense { a, .. } => dense_product(a, x),
            Operator::Sparse { a, .. } => sparse_product(a, x),
        }
    }

    /// `Aᵀ · x`: `(n, m) · (m, l) → (n, l)`.
    pub fn apply_t(&self, x: &DenseMatrix) -> DenseMatrix {
        match self {
            Operator::Dense { at, .. } => dense_product(at, x),
            Operator::Sparse { at, .. } => sparse_product(at, x),
        }
    }
}

/// a: (m, p) row-major, x: (p, l) row-major → (m, l).
fn dense_product(a: &DenseMatrix, x: &DenseMatrix) -> DenseMatrix {
    rowwise_product(a.n_rows(), x, |i, row| {
        for (p, &v) in a.row(i).iter().enumerate() {
            axpy(row, v, x.row(p));
        }
    })
}

/// a: (m, p) CSR, x: (p, l) row-major → (m, l).
fn sparse_product(a: &CsrMatrix, x: &DenseMatrix) -> DenseMatrix {
    rowwise_product(a.n_rows(), x, |i, row| {
        let (idx, vals) = a.row(i);
        for (&j, &v) in idx.iter().zip(vals) {
            axpy(row, v, x.row(j as usize));
        }
    })
}

/// An (m, l) product whose output row `i` is filled by `fill_row(i, row)`, in parallel blocks of
/// [`ROWS_PER_TASK`] rows.
fn rowwise_product(m: usize, x: &DenseMatrix, fill_row: impl Fn(usize, &mut [f64]) + Sync) -> DenseMatrix {
    let l = x.n_cols();
    let mut out = DenseMatrix::zeros(m, l);
    if l == 0 {
        return out;
    }
    out.data_mut().par_chunks_mut(l * ROWS_PER_TASK).enumerate().for_each(|(t, block)| {
        for (r, row) in block.chunks_mut(l).enumerate() {
            fill_row(t * ROWS_PER_TASK + r, row);
        }
    });
    out
}

/// `y += alpha · x`.
#[inline]
fn axpy(y: &mut [f64], alpha: f64, x: &[f64]) {
    for (o, &b) in y.iter_mut().zip(x) {
        *o += alpha * b;
    }
}
