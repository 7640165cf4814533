//! Truncated SVD by the randomized range finder with power iterations, as scikit-learn's
//! `randomized_svd` (its private `_randomized_svd`, the one `SpectralCoclustering` calls).
//!
//! ```text
//! l = k + n_oversamples;  if m < n (transpose = auto): work on Aᵀ
//! Ω ~ N(0, 1)^(n × l)                       numpy's RandomState(seed).normal(size=(n, l))
//! repeat n_iter times:  Q ← norm(A Q);  Q ← norm(Aᵀ Q)     (Q = Ω first)
//! Q ← qr(A Q)                                 orthonormal basis of the range, (m × l)
//! B = Qᵀ A  (l × n);  B = Û Σ Vᵀ (Jacobi);  U = Q Û;  svd_flip;  keep k
//! n_iter auto = 7 if k < 0.1 · min(m, n) else 4;  norm auto = none if n_iter ≤ 2 else LU
//! ```
//! Paper: N. Halko, P.-G. Martinsson and J. A. Tropp, "Finding structure with randomness:
//! probabilistic algorithms for constructing approximate matrix decompositions", SIAM Review
//! 53(2), 2011, <https://arxiv.org/abs/0909.4061> (Algorithm 4.4 with LU steps, as in
//! Szlam–Kluger–Tygert 2014). Reference: scikit-learn 1.9.1 `utils/extmath.py`. Same seed → the
//! same random matrix as scikit-learn; the QR follows LAPACK's sign convention and the LU
//! scipy's `permute_l`, so results agree to rounding. Deviation: the small SVD is one-sided
//! Jacobi instead of LAPACK `gesdd` (same values to ~1e-15 relative).
//!
//! Cost: `(2 n_iter + 2)` products with `A` or `Aᵀ` of `O(nnz · l)` each, plus `O((m + n) l²)`;
//! memory `O((m + n) l)` beside the operator.

use crate::error::{Error, Result};
use crate::linalg::{LegacyGauss, Operator, Svd, first_columns, jacobi_svd, matmul, qr, svd_flip, transpose};

/// How the power iterations re-normalise their block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalizer {
    /// scikit-learn's `'auto'`: none for `n_iter ≤ 2`, else LU.
    Auto,
    /// No normalisation (unstable for many iterations).
    None,
    /// `P·L` of a pivoted LU.
    Lu,
    /// Thin Householder `Q`.
    Qr,
}

/// Parameters of [`randomized_svd`], scikit-learn's defaults by [`RandomizedSvd::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomizedSvd {
    /// Singular triplets wanted, `k ≥ 1`.
    pub n_components: usize,
    /// Extra random vectors (`n_oversamples`, default 10).
    pub n_oversamples: usize,
    /// Power iterations; `None` = scikit-learn's `'auto'`.
    pub n_iter: Option<usize>,
    pub normalizer: Normalizer,
    /// Work on `Aᵀ`; `None` = `'auto'` (when `m < n`).
    pub transpose: Option<bool>,
    /// Seed of numpy's legacy `RandomState`.
    pub seed: u32,
}

impl RandomizedSvd {
    /// scikit-learn's defaults for `k` components.
    pub fn new(n_components: usize, seed: u32) -> Self {
        RandomizedSvd {
            n_components,
            n_oversamples: 10,
            n_iter: None,
            normalizer: Normalizer::Auto,
            transpose: None,
            seed,
        }
    }
}

/// The top `k` singular triplets of `op` (fewer if `min(m, n) < k`), signs as `svd_flip`.
///
/// ```
/// use cinegenre::linalg::{Operator, RandomizedSvd, randomized_svd};
/// use cinegenre::matrix::DenseMatrix;
/// let a = DenseMatrix::from_vec(3, 3, vec![2.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 1.0]).unwrap();
/// let svd = randomized_svd(Operator::dense(a), &RandomizedSvd::new(2, 0)).unwrap();
/// assert!((svd.s[0] - 3.0).abs() < 1e-12 && (svd.s[1] - 2.0).abs() < 1e-12);
/// ```
pub fn randomized_svd(op: Operator, params: &RandomizedSvd) -> Result<Svd> {
    let k = params.n_components;
    if k == 0 {
        return Err(Error::param("n_components", "must be at least 1"));
    }
    let (m, n) = op.shape();
    if m == 0 || n == 0 {
        return Err(Error::Shape(format!("cannot take the SVD of an empty ({m}, {n}) matrix")));
    }
    let n_iter = params.n_iter.unwrap_or(if (k as f64) < 0.1 * m.min(n) as f64 { 7 } else { 4 });
    let transpose_it = params.transpose.unwrap_or(m < n);
    let op = if transpose_it { op.transposed() } else { op };
    let (_, n_work) = op.shape();
    let normalise = match params.normalizer {
        Normalizer::Auto if n_iter <= 2 => Normalizer::None,
        Normalizer::Auto => Normalizer::Lu,
        other => other,
    };
    let apply_norm = |y: crate::matrix::DenseMatrix| match normalise {
        Normalizer::Lu => qr::permuted_l(&y),
        Normalizer::Qr => qr::thin_q(&y),
        _ => y,
    };

    let l = k + params.n_oversamples;
    let mut q = LegacyGauss::new(params.seed).matrix(n_work, l);
    for _ in 0..n_iter {
        q = apply_norm(op.apply(&q));
        q = apply_norm(op.apply_t(&q));
    }
    let q = qr::thin_q(&op.apply(&q)); // (m', l')
    let bt = op.apply_t(&q); // Bᵀ = Aᵀ Q, (n', l')
    let small = jacobi_svd(&transpose(&bt)); // B = Û Σ Wᵀ
    let u = matmul(&q, &small.u);
    let mut svd = Svd { u, s: small.s, v: small.v };
    if transpose_it {
        // The left vectors of A are the right ones of Aᵀ; flip on them.
        svd = Svd { u: svd.v, s: svd.s, v: svd.u };
    }
    svd_flip(&mut svd);
    let k = k.min(svd.s.len());
    svd.s.truncate(k);
    Ok(Svd { u: first_columns(&svd.u, k), s: svd.s, v: first_columns(&svd.v, k) })
}
