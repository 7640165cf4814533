//! Truncated SVD by Golub–Kahan–Lanczos bidiagonalisation with full reorthogonalisation, the
//! Krylov alternative to the randomized range finder (what ARPACK's `svds` does, more simply).
//!
//! ```text
//! p₁ = random unit n-vector;  for j = 1..s:
//!     q_j = A p_j − β_{j−1} q_{j−1},  reorthogonalise against q₁..q_{j−1},  α_j = ‖q_j‖,  q_j /= α_j
//!     p_{j+1} = Aᵀ q_j − α_j p_j,     reorthogonalise against p₁..p_j,      β_j = ‖p_{j+1}‖, p_{j+1} /= β_j
//! A P_s = Q_s B_s with B_s upper bidiagonal (α on the diagonal, β above);
//! B_s = X Σ Yᵀ (Jacobi)  ⇒  U ≈ Q_s X,  V ≈ P_s Y;  keep the top k, svd_flip.
//! s = min(max(2k + 10, 20), min(m, n)) steps.
//! ```
//! Paper: G. Golub and W. Kahan, "Calculating the singular values and pseudo-inverse of a
//! matrix", SIAM J. Numer. Anal. B 2(2), 1965. Reference: the algorithm in Golub–Van Loan
//! §10.4; scikit-learn's `svd_method='arpack'` alternative uses ARPACK (implicitly restarted
//! Lanczos on AᵀA) instead. Full reorthogonalisation (twice) keeps it exact-arithmetic
//! faithful at `O((m + n) s²)` extra cost. Cost: `s` products with `A` and with `Aᵀ` of single
//! vectors. A breakdown (α or β = 0, invariant subspace found) ends the iteration early; after
//! α_{s+1} = 0 the last β still couples p_{s+1}, so B is then s × (s + 1).

use crate::error::{Error, Result};
use crate::linalg::{LegacyGauss, Operator, Svd, first_columns, jacobi_svd, svd_flip};
use crate::matrix::DenseMatrix;

/// Below this a new Lanczos vector is taken as zero (an invariant subspace was found).
const BREAKDOWN_TOL: f64 = 1e-13;

/// The top `k` singular triplets of `op` by `s` Lanczos steps (see the module docs), the start
/// vector drawn from numpy's legacy normal generator seeded with `seed`.
pub fn lanczos_svd(op: &Operator, k: usize, seed: u32) -> Result<Svd> {
    let (m, n) = op.shape();
    if k == 0 {
        return Err(Error::param("n_components", "must be at least 1"));
    }
    if m == 0 || n == 0 {
        return Err(Error::Shape(format!("cannot take the SVD of an empty ({m}, {n}) matrix")));
    }
    let steps = (2 * k + 10).max(20).min(m.min(n));
    let mut p_vecs: Vec<Vec<f64>> = Vec::with_capacity(steps + 1);
    let mut q_vecs: Vec<Vec<f64>> = Vec::with_capacity(steps);
    let (mut alphas, mut betas): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut p = LegacyGauss::new(seed).matrix(n, 1).into_vec();
    normalise(&mut p);
    p_vecs.push(p);
    for j in 0..steps {
        let mut q = column(op.apply(&as_column(&p_vecs[j])));
        if j > 0 {
            axpy(&mut q, -betas[j - 1], &q_vecs[j - 1]);
        }
        reorthogonalise(&mut q, &q_vecs);
        let alpha = normalise(&mut q);
        if alpha <= BREAKDOWN_TOL {
            break;
        }
        alphas.push(alpha);
        q_vecs.push(q);
        let mut p = column(op.apply_t(&as_column(&q_vecs[j])));
        axpy(&mut p, -alpha, &p_vecs[j]);
        reorthogonalise(&mut p, &p_vecs);
        let beta = normalise(&mut p);
        if beta <= BREAKDOWN_TOL || j + 1 == steps {
            break;
        }
        betas.push(beta);
        p_vecs.push(p);
    }
    // `s` left vectors; `s + 1` right ones when the iteration stopped on α = 0 after a β > 0:
    // then A p_s = β_{s−1} q_{s−1} still couples the last right vector, and B is s × (s + 1).
    let s = alphas.len();
    let cols = if betas.len() == s { s + 1 } else { s };
    let mut b = DenseMatrix::zeros(s, cols);
    for j in 0..s {
        b.data_mut()[j * cols + j] = alphas[j];
        if j + 1 < cols {
            b.data_mut()[j * cols + j + 1] = betas[j];
        }
    }
    let small = jacobi_svd(&b);
    let u = combine(&q_vecs[..s], &small.u, m);
    let v = combine(&p_vecs[..cols], &small.v, n);
    let mut svd = Svd { u, s: small.s, v };
    svd_flip(&mut svd);
    let k = k.min(s);
    svd.s.truncate(k);
    Ok(Svd { u: first_columns(&svd.u, k), s: svd.s, v: first_columns(&svd.v, k) })
}

/// `Σ_t basis[t] · coef[t, :]`: `(len, s) · (s, s)`.
fn combine(basis: &[Vec<f64>], coef: &DenseMatrix, len: usize) -> DenseMatrix {
    let s = coef.n_cols();
    let mut out = DenseMatrix::zeros(len, s);
    for (t, b) in basis.iter().enumerate() {
        for (i, &x) in b.iter().enumerate() {
            let row = &mut out.data_mut()[i * s..(i + 1) * s];
            for (o, &c) in row.iter_mut().zip(coef.row(t)) {
                *o += x * c;
            }
        }
    }
    out
}

fn as_column(x: &[f64]) -> DenseMatrix {
    DenseMatrix::from_vec(x.len(), 1, x.to_vec()).expect("a column")
}

fn column(x: DenseMatrix) -> Vec<f64> {
    x.into_vec()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    y.iter_mut().zip(x).for_each(|(o, &b)| *o += a * b);
}

/// Classical Gram–Schmidt against `basis`, twice ("twice is enough", Kahan–Parlett).
fn reorthogonalise(x: &mut [f64], basis: &[Vec<f64>]) {
    for _ in 0..2 {
        for b in basis {
            let c = dot(x, b);
            axpy(x, -c, b);
        }
    }
}

/// Scale to unit length, returning the old length.
fn normalise(x: &mut [f64]) -> f64 {
    let norm = dot(x, x).sqrt();
    if norm > 0.0 {
        x.iter_mut().for_each(|e| *e /= norm);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rank-deficient matrix stops the iteration on α = 0: its singular values must still be
    /// exact (they were 3.17 and 1.07 for diag(3, 4, 0) before B kept its last β).
    #[test]
    fn rank_deficient_matrices_keep_their_singular_values() {
        let diag = DenseMatrix::from_vec(3, 3, vec![3.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
        let svd = lanczos_svd(&Operator::dense(diag), 2, 0).unwrap();
        assert!((svd.s[0] - 4.0).abs() < 1e-12 && (svd.s[1] - 3.0).abs() < 1e-12, "{:?}", svd.s);

        // (8, 6) of rank 3: the outer products of seeded columns.
        let left = LegacyGauss::new(7).matrix(8, 3);
        let right = LegacyGauss::new(8).matrix(3, 6);
        let mut a = DenseMatrix::zeros(8, 6);
        for i in 0..8 {
            for j in 0..6 {
                a.data_mut()[i * 6 + j] = (0..3).map(|t| left.row(i)[t] * right.row(t)[j]).sum();
            }
        }
        let want = jacobi_svd(&a);
        for seed in 0..5 {
            let got = lanczos_svd(&Operator::dense(a.clone()), 3, seed).unwrap();
            for (g, w) in got.s.iter().zip(&want.s) {
                assert!((g - w).abs() <= 1e-10 * want.s[0], "seed {seed}: {:?} vs {:?}", got.s, want.s);
            }
        }
    }
}
