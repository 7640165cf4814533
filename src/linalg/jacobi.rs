//! One-sided Jacobi SVD (Hestenes) of a small dense matrix, and scikit-learn's `svd_flip`.
//!
//! ```text
//! A (m × n, m ≥ n after transposing if needed): orthogonalise the columns of W = A by plane
//! rotations, accumulating V:  for each pair (i, j):  α = ‖wᵢ‖², β = ‖wⱼ‖², γ = wᵢ·wⱼ,
//!     ζ = (β − α) / 2γ,  t = sign(ζ) / (|ζ| + √(1 + ζ²)),  c = 1/√(1 + t²),  s = c t,
//!     wᵢ ← c wᵢ − s wⱼ,  wⱼ ← s wᵢ + c wⱼ  (same on V)
//! until every |γ| ≤ ε √(αβ);  then σⱼ = ‖wⱼ‖, uⱼ = wⱼ / σⱼ, A = U Σ Vᵀ.
//! ```
//! Paper: J. Demmel and K. Veselić, "Jacobi's method is more accurate than QR", SIAM J. Matrix
//! Anal. Appl. 13(4), 1992 (relative accuracy of small singular values). Reference: LAPACK's
//! `dgesvj` (without its preconditioning). Cost: `O(sweeps · m n²)`, a handful of sweeps;
//! meant for the `l × n` projections of the randomized SVD and the Lanczos bidiagonal, where
//! `l ≤ ~40`. Vectors of zero singular values are left as zero columns.

// Index loops in formula order read closer to the maths here than iterator chains.
#![allow(clippy::needless_range_loop)]

use crate::linalg::{Svd, transpose};
use crate::matrix::DenseMatrix;

/// Rotation threshold: pairs whose cosine exceeds this are rotated (a few ulps).
const ORTHOGONALITY_TOL: f64 = 4.0 * f64::EPSILON;
/// Safety bound; convergence is quadratic and takes well under 15 sweeps in practice.
const MAX_SWEEPS: usize = 60;

/// Full thin SVD of `a` `(m, n)`: `u (m, r)`, `s (r)`, `v (n, r)`, `r = min(m, n)`, singular
/// values descending, signs as [`svd_flip`].
///
/// ```
/// use cinegenre::linalg::jacobi_svd;
/// use cinegenre::matrix::DenseMatrix;
/// let a = DenseMatrix::from_vec(2, 2, vec![3.0, 0.0, 4.0, 5.0]).unwrap();
/// let svd = jacobi_svd(&a);
/// assert!((svd.s[0] - 45f64.sqrt()).abs() < 1e-14 && (svd.s[1] - 5f64.sqrt()).abs() < 1e-14);
/// ```
pub fn jacobi_svd(a: &DenseMatrix) -> Svd {
    jacobi_svd_sweeps(a).0
}

/// [`jacobi_svd`] and how it converged: per sweep, the largest cosine `|γ| / √(αβ)` between
/// two columns it met (the off-orthogonality the rotations drive below the tolerance; the last
/// entry is the sweep that found every pair orthogonal). Free: the sweep computes it anyway.
///
/// ```
/// use cinegenre::linalg::jacobi_svd_sweeps;
/// use cinegenre::matrix::DenseMatrix;
/// let a = DenseMatrix::from_vec(3, 3, vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0]).unwrap();
/// let (_, residual) = jacobi_svd_sweeps(&a);
/// assert!(residual.len() >= 2 && residual[0] > 1e-3 && *residual.last().unwrap() < 1e-12);
/// ```
pub fn jacobi_svd_sweeps(a: &DenseMatrix) -> (Svd, Vec<f64>) {
    let (m, n) = a.shape();
    if m < n {
        let (t, residual) = jacobi_svd_tall(&transpose(a));
        let mut svd = Svd { u: t.v, s: t.s, v: t.u };
        svd_flip(&mut svd);
        return (svd, residual);
    }
    let (mut svd, residual) = jacobi_svd_tall(a);
    svd_flip(&mut svd);
    (svd, residual)
}

/// One-sided Jacobi for `m ≥ n`, unsorted signs, with the largest cosine per sweep.
fn jacobi_svd_tall(a: &DenseMatrix) -> (Svd, Vec<f64>) {
    let (m, n) = a.shape();
    let mut w: Vec<Vec<f64>> = (0..n).map(|j| (0..m).map(|i| a.get(i, j)).collect()).collect();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            e
        })
        .collect();
    let mut residual = Vec::new();
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        let mut worst = 0.0f64;
        for i in 0..n {
            for j in i + 1..n {
                let (alpha, beta, gamma) = norms_and_dot(&w[i], &w[j]);
                if alpha > 0.0 && beta > 0.0 {
                    worst = worst.max(gamma.abs() / (alpha * beta).sqrt());
                }
                if gamma == 0.0 || gamma.abs() <= ORTHOGONALITY_TOL * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(&mut w, i, j, c, s);
                rotate(&mut v, i, j, c, s);
            }
        }
        residual.push(worst);
        if !rotated {
            break;
        }
    }
    let mut order: Vec<(f64, usize)> = w.iter().enumerate().map(|(j, c)| (norm(c), j)).collect();
    order.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut u = DenseMatrix::zeros(m, n);
    let mut vv = DenseMatrix::zeros(n, n);
    let mut s = Vec::with_capacity(n);
    for (k, &(sigma, j)) in order.iter().enumerate() {
        s.push(sigma);
        if sigma > 0.0 {
            for i in 0..m {
                u.data_mut()[i * n + k] = w[j][i] / sigma;
            }
        }
        for i in 0..n {
            vv.data_mut()[i * n + k] = v[j][i];
        }
    }
    (Svd { u, s, v: vv }, residual)
}

fn norms_and_dot(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let (mut a, mut b, mut g) = (0.0, 0.0, 0.0);
    for (&p, &q) in x.iter().zip(y) {
        a += p * p;
        b += q * q;
        g += p * q;
    }
    (a, b, g)
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|e| e * e).sum::<f64>().sqrt()
}

/// Columns `i < j` of `cols` ← (c xᵢ − s xⱼ, s xᵢ + c xⱼ).
fn rotate(cols: &mut [Vec<f64>], i: usize, j: usize, c: f64, s: f64) {
    let (left, right) = cols.split_at_mut(j);
    for (p, q) in left[i].iter_mut().zip(right[0].iter_mut()) {
        let (x, y) = (*p, *q);
        *p = c * x - s * y;
        *q = s * x + c * y;
    }
}

/// scikit-learn's `svd_flip` (u-based): make the largest-magnitude entry of each column of `u`
/// positive (the first such entry on ties), flipping the matching column of `v` too.
pub fn svd_flip(svd: &mut Svd) {
    let (m, k) = svd.u.shape();
    let n = svd.v.n_rows();
    for j in 0..k {
        let (mut best, mut best_abs) = (0.0f64, -1.0f64);
        for i in 0..m {
            let x = svd.u.get(i, j);
            if x.abs() > best_abs {
                best = x;
                best_abs = x.abs();
            }
        }
        if best < 0.0 {
            for i in 0..m {
                svd.u.data_mut()[i * k + j] *= -1.0;
            }
            for i in 0..n {
                svd.v.data_mut()[i * k + j] *= -1.0;
            }
        }
    }
}
