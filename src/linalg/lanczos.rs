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
//! vectors. A breakdown (β = 0, invariant subspace found) ends the iteration early.

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
    let s = alphas.len();
    let mut b = DenseMatrix::zeros(s, s);
    for j in 0..s {
        b.data_mut()[j * s + j] = alphas[j];
        if j + 1 < s {
            b.data_mut()[j * s + j + 1] = betas[j];
        }
    }
    let small = jacobi_svd(&b);
    let u = combine(&q_vecs[..s], &small.u, m);
    let v = combine(&p_vecs[..s], &small.v, n);
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
