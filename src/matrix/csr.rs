//! Compressed sparse row (CSR) matrices with `f64` values.
//!
//! ```text
//! row i holds the entries  (indices[k], data[k])  for k in indptr[i] .. indptr[i+1]
//! ```
//! This is exactly scipy's `csr_matrix` layout (`indptr`, `indices`, `data`), so matrices
//! move between cinegenre and Python without reshuffling. Column indices inside a row may be
//! unsorted (scikit-learn's `CountVectorizer` output is), [`CsrMatrix::sort_indices`] sorts them.
//!
//! Cost: memory `O(nnz + rows)`; row access `O(1)`; transpose and column sums `O(nnz + cols)`.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! let x = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 3.0, 0.0]);
//! assert_eq!(x.nnz(), 3);
//! assert_eq!(x.column_sums(), vec![1.0, 3.0, 2.0]);
//! assert_eq!(x.transpose().to_dense(), vec![1.0, 0.0, 0.0, 3.0, 2.0, 0.0]);
//! ```

use crate::error::{Error, Result};
use crate::matrix::DenseMatrix;

/// A sparse `(n_rows, n_cols)` matrix in CSR form.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrMatrix {
    n_rows: usize,
    n_cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    data: Vec<f64>,
}

impl CsrMatrix {
    /// Build from raw parts, checking every structural invariant (monotone `indptr` starting at
    /// 0 and ending at `nnz`, indices below `n_cols`, equal lengths of `indices` and `data`).
    pub fn from_parts(
        n_rows: usize,
        n_cols: usize,
        indptr: Vec<usize>,
        indices: Vec<u32>,
        data: Vec<f64>,
    ) -> Result<Self> {
        if indptr.len() != n_rows + 1 {
            return Err(Error::Shape(format!(
                "CSR indptr has {} entries, expected rows + 1 = {}",
                indptr.len(),
                n_rows + 1
            )));
        }
        if indices.len() != data.len() {
            return Err(Error::Shape(format!(
                "CSR has {} column indices but {} values",
                indices.len(),
                data.len()
            )));
        }
        if indptr[0] != 0 || indptr[n_rows] != data.len() {
            return Err(Error::Shape(format!(
                "CSR indptr must run from 0 to nnz = {}, it runs from {} to {}",
                data.len(),
                indptr[0],
                indptr[n_rows]
            )));
        }
        if let Some(i) = indptr.windows(2).position(|w| w[0] > w[1]) {
            return Err(Error::Shape(format!("CSR indptr decreases at row {i}")));
        }
        if let Some(&j) = indices.iter().find(|&&j| j as usize >= n_cols) {
            return Err(Error::Shape(format!("CSR column index {j} is out of range for {n_cols} columns")));
        }
        Ok(CsrMatrix { n_rows, n_cols, indptr, indices, data })
    }

    /// An all-zero matrix.
    pub fn zeros(n_rows: usize, n_cols: usize) -> Self {
        CsrMatrix { n_rows, n_cols, indptr: vec![0; n_rows + 1], indices: Vec::new(), data: Vec::new() }
    }

    /// Keep the non-zeros of a dense row-major `(n_rows, n_cols)` slice.
    ///
    /// # Panics
    /// If `values.len() != n_rows * n_cols` (a programming error, not an input error).
    pub fn from_dense(n_rows: usize, n_cols: usize, values: &[f64]) -> Self {
        assert_eq!(values.len(), n_rows * n_cols, "dense slice does not match the shape");
        let mut indptr = Vec::with_capacity(n_rows + 1);
        let mut indices = Vec::new();
        let mut data = Vec::new();
        indptr.push(0);
        for row in values.chunks(n_cols.max(1)).take(n_rows) {
            for (j, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    indices.push(j as u32);
                    data.push(v);
                }
            }
            indptr.push(data.len());
        }
        if n_cols == 0 {
            indptr.resize(n_rows + 1, 0);
        }
        CsrMatrix { n_rows, n_cols, indptr, indices, data }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.n_rows, self.n_cols)
    }

    /// Number of stored entries (explicit zeros included).
    pub fn nnz(&self) -> usize {
        self.data.len()
    }

    /// Row pointer array, `rows + 1` entries.
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// Column index of each stored entry.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// Value of each stored entry.
    pub fn data(&self) -> &[f64] {
        &self.data
    }

    /// Mutable values (the sparsity pattern stays fixed).
    pub fn data_mut(&mut self) -> &mut [f64] {
        &mut self.data
    }

    /// Row `i` as `(column indices, values)`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let range = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[range.clone()], &self.data[range])
    }

    /// Row `i` with mutable values.
    pub fn row_mut(&mut self, i: usize) -> (&[u32], &mut [f64]) {
        let range = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[range.clone()], &mut self.data[range])
    }

    /// Iterate rows as `(column indices, values)`.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = (&[u32], &[f64])> + '_ {
        (0..self.n_rows).map(move |i| self.row(i))
    }

    /// Whether the indices of every row are strictly ascending.
    pub fn has_sorted_indices(&self) -> bool {
        self.rows().all(|(idx, _)| idx.windows(2).all(|w| w[0] < w[1]))
    }

    /// Sort the entries of every row by column index (stable, so duplicates keep their order).
    pub fn sort_indices(&mut self) {
        let mut scratch: Vec<(u32, f64)> = Vec::new();
        for i in 0..self.n_rows {
            let range = self.indptr[i]..self.indptr[i + 1];
            let idx = &mut self.indices[range.clone()];
            if idx.windows(2).all(|w| w[0] <= w[1]) {
                continue;
            }
            scratch.clear();
            scratch.extend(idx.iter().copied().zip(self.data[range.clone()].iter().copied()));
            scratch.sort_by_key(|&(j, _)| j);
            for (k, (j, v)) in range.zip(scratch.iter().copied()) {
                self.indices[k] = j;
                self.data[k] = v;
            }
        }
    }

    /// `Σ_i X[i, j]` for every column `j`, summed in row order.
    pub fn column_sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.n_cols];
        for (&j, &v) in self.indices.iter().zip(&self.data) {
            sums[j as usize] += v;
        }
        sums
    }

    /// Number of stored entries in every column (scikit-learn's document frequency,
    /// `np.bincount(X.indices)`).
    pub fn column_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_cols];
        for &j in &self.indices {
            counts[j as usize] += 1;
        }
        counts
    }

    /// The transpose, in CSR form (equivalently: this matrix in CSC form). Rows of the result
    /// have ascending indices.
    pub fn transpose(&self) -> CsrMatrix {
        let counts = self.column_counts();
        let mut indptr = Vec::with_capacity(self.n_cols + 1);
        indptr.push(0);
        for c in &counts {
            indptr.push(indptr.last().unwrap() + c);
        }
        let mut next = indptr[..self.n_cols].to_vec();
        let mut indices = vec![0u32; self.nnz()];
        let mut data = vec![0.0; self.nnz()];
        for (i, (idx, vals)) in self.rows().enumerate() {
            for (&j, &v) in idx.iter().zip(vals) {
                let slot = &mut next[j as usize];
                indices[*slot] = i as u32;
                data[*slot] = v;
                *slot += 1;
            }
        }
        CsrMatrix { n_rows: self.n_cols, n_cols: self.n_rows, indptr, indices, data }
    }

    /// Rows `rows` (in that order, repeats allowed) as a new matrix.
    pub fn select_rows(&self, rows: &[usize]) -> CsrMatrix {
        let mut indptr = Vec::with_capacity(rows.len() + 1);
        indptr.push(0);
        let mut indices = Vec::new();
        let mut data = Vec::new();
        for &i in rows {
            let (idx, vals) = self.row(i);
            indices.extend_from_slice(idx);
            data.extend_from_slice(vals);
            indptr.push(data.len());
        }
        CsrMatrix { n_rows: rows.len(), n_cols: self.n_cols, indptr, indices, data }
    }

    /// `X · B` for a dense `B` of shape `(n_cols, k)`: result `(n_rows, k)`, each output
    /// entry accumulated in stored-entry order.
    pub fn mul_dense(&self, b: &DenseMatrix) -> Result<DenseMatrix> {
        if b.n_rows() != self.n_cols {
            return Err(Error::Shape(format!(
                "cannot multiply a sparse ({}, {}) matrix by a dense ({}, {}) one",
                self.n_rows,
                self.n_cols,
                b.n_rows(),
                b.n_cols()
            )));
        }
        let k = b.n_cols();
        let mut out = DenseMatrix::zeros(self.n_rows, k);
        for (i, (idx, vals)) in self.rows().enumerate() {
            let out_row = out.row_mut(i);
            for (&j, &v) in idx.iter().zip(vals) {
                for (o, &bv) in out_row.iter_mut().zip(b.row(j as usize)) {
                    *o += v * bv;
                }
            }
        }
        Ok(out)
    }

    /// Dense row-major copy.
    pub fn to_dense(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.n_rows * self.n_cols];
        for (i, (idx, vals)) in self.rows().enumerate() {
            for (&j, &v) in idx.iter().zip(vals) {
                out[i * self.n_cols + j as usize] += v;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_parts_rejects_bad_structure() {
        assert!(CsrMatrix::from_parts(1, 2, vec![0, 1], vec![2], vec![1.0]).is_err());
        assert!(CsrMatrix::from_parts(2, 2, vec![0, 1], vec![0], vec![1.0]).is_err());
        assert!(CsrMatrix::from_parts(2, 2, vec![0, 2, 1], vec![0, 1], vec![1.0, 2.0]).is_err());
        assert!(CsrMatrix::from_parts(1, 2, vec![0, 1], vec![0], vec![1.0]).is_ok());
    }

    #[test]
    fn sort_indices_keeps_values_with_their_columns() {
        let mut x = CsrMatrix::from_parts(1, 3, vec![0, 3], vec![2, 0, 1], vec![3.0, 1.0, 2.0]).unwrap();
        assert!(!x.has_sorted_indices());
        x.sort_indices();
        assert_eq!(x.indices(), &[0, 1, 2]);
        assert_eq!(x.data(), &[1.0, 2.0, 3.0]);
    }

    #[test]
    fn mul_dense_matches_dense_product() {
        let x = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 3.0, 0.0]);
        let b = DenseMatrix::from_vec(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let p = x.mul_dense(&b).unwrap();
        assert_eq!(p.data(), &[11.0, 14.0, 9.0, 12.0]);
    }
}
