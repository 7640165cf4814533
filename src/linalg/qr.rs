//! Normalisers for the power iterations of the randomized range finder: the thin `Q` of a
//! Householder QR, and the `P·L` factor of an LU factorisation with partial pivoting.
//!
//! ```text
//! Householder QR of Y (m × l), step j:  x = Y[j.., j],  α = −sign(x₀)·‖x‖,  v = x − α e₁,
//!     H_j = I − 2 v vᵀ / vᵀv,  Y ← H_j Y;   Q = H₀ H₁ … H_{l−1} [I_l; 0]   (m × min(m, l))
//! LU with partial pivoting:  P Y = L U,  returned P·L (m × min(m, l), unit lower trapezoidal
//!     after the row permutation), what `scipy.linalg.lu(Y, permute_l=True)[0]` returns.
//! ```
//! The sign choice for α is LAPACK's (`dlarfg`: β = −sign(α)·‖x‖), so `Q` agrees with
//! `scipy.linalg.qr(mode='economic')` column by column, not just as a subspace. Pivot ties go
//! to the first row in current order, as `idamax` does.
//!
//! Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §5.2 and
//! §3.4. Cost: `O(m l²)` time, `O(m l)` memory.

// Index loops in formula order read closer to the maths here than iterator chains.
#![allow(clippy::needless_range_loop)]

use crate::matrix::DenseMatrix;

/// Columns of a row-major `(m, l)` matrix as `l` contiguous vectors.
fn columns(y: &DenseMatrix) -> Vec<Vec<f64>> {
    let (m, l) = y.shape();
    let mut cols = vec![vec![0.0; m]; l];
    for i in 0..m {
        for (j, &x) in y.row(i).iter().enumerate() {
            cols[j][i] = x;
        }
    }
    cols
}

/// Row-major `(m, cols.len())` from columns.
fn from_columns(cols: &[Vec<f64>], m: usize) -> DenseMatrix {
    let l = cols.len();
    let mut data = vec![0.0; m * l];
    for (j, c) in cols.iter().enumerate() {
        for (i, &x) in c.iter().enumerate() {
            data[i * l + j] = x;
        }
    }
    DenseMatrix::from_vec(m, l, data).expect("m · l values")
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The thin orthonormal factor `Q` `(m, min(m, l))` of `y = Q R`.
///
/// ```
/// use cinegenre::linalg::qr::thin_q;
/// use cinegenre::matrix::DenseMatrix;
/// let y = DenseMatrix::from_vec(3, 2, vec![3.0, 1.0, 4.0, 2.0, 0.0, 5.0]).unwrap();
/// let q = thin_q(&y);
/// assert!((q.get(0, 0) + 0.6).abs() < 1e-15); // −x/‖x‖ for x = (3, 4, 0), LAPACK's sign
/// ```
pub fn thin_q(y: &DenseMatrix) -> DenseMatrix {
    let m = y.n_rows();
    let mut cols = columns(y);
    let steps = cols.len().min(m);
    let mut reflectors: Vec<Option<Vec<f64>>> = Vec::with_capacity(steps);
    for j in 0..steps {
        let x = &cols[j][j..];
        let norm = dot(x, x).sqrt();
        if norm == 0.0 {
            reflectors.push(None);
            continue;
        }
        let alpha = if x[0] >= 0.0 { -norm } else { norm };
        let mut v = x.to_vec();
        v[0] -= alpha;
        let vnorm = dot(&v, &v).sqrt();
        if vnorm == 0.0 {
            reflectors.push(None);
            continue;
        }
        v.iter_mut().for_each(|e| *e /= vnorm);
        for c in cols.iter_mut().skip(j) {
            reflect(&mut c[j..], &v);
        }
        reflectors.push(Some(v));
    }
    let mut q: Vec<Vec<f64>> = (0..steps)
        .map(|j| {
            let mut e = vec![0.0; m];
            e[j] = 1.0;
            e
        })
        .collect();
    for (j, v) in reflectors.iter().enumerate().rev() {
        if let Some(v) = v {
            for c in q.iter_mut() {
                reflect(&mut c[j..], v);
            }
        }
    }
    from_columns(&q, m)
}

/// `x ← (I − 2 v vᵀ) x` for a unit `v`.
fn reflect(x: &mut [f64], v: &[f64]) {
    let t = 2.0 * dot(x, v);
    for (e, &w) in x.iter_mut().zip(v) {
        *e -= t * w;
    }
}

/// `P·L` `(m, min(m, l))` of the LU factorisation with partial pivoting `P y = L U`.
pub fn permuted_l(y: &DenseMatrix) -> DenseMatrix {
    let m = y.n_rows();
    let mut cols = columns(y);
    let steps = cols.len().min(m);
    // order[s] = the original row in position s of the permuted matrix.
    let mut order: Vec<usize> = (0..m).collect();
    for j in 0..steps {
        let (best, _) = (j..m).fold((j, -1.0), |(b, bv), s| {
            let a = cols[j][order[s]].abs();
            if a > bv { (s, a) } else { (b, bv) }
        });
        order.swap(j, best);
        let p = order[j];
        let pivot = cols[j][p];
        for &i in &order[j + 1..] {
            let mult = if pivot != 0.0 { cols[j][i] / pivot } else { 0.0 };
            cols[j][i] = mult;
            for c in cols.iter_mut().take(steps).skip(j + 1) {
                c[i] -= mult * c[p];
            }
        }
    }
    // Column j of L: 1 at the pivot row of step j, multipliers below it, zeros above.
    for (j, c) in cols.iter_mut().enumerate().take(steps) {
        for (s, &i) in order.iter().enumerate() {
            c[i] = match s.cmp(&j) {
                std::cmp::Ordering::Less => 0.0,
                std::cmp::Ordering::Equal => 1.0,
                std::cmp::Ordering::Greater => c[i],
            };
        }
    }
    cols.truncate(steps);
    from_columns(&cols, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{matmul, transpose};

    fn sample() -> DenseMatrix {
        let v = [2.0, -1.0, 0.5, 4.0, 3.0, -2.0, 1.0, 1.0, -3.0, 0.0, 2.5, 1.5, 0.3, -0.7, 2.0];
        DenseMatrix::from_vec(5, 3, v.to_vec()).unwrap()
    }

    #[test]
    fn q_is_orthonormal_and_spans_y() {
        let y = sample();
        let q = thin_q(&y);
        let qtq = matmul(&transpose(&q), &q);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((qtq.get(i, j) - want).abs() < 1e-14);
            }
        }
        // y − Q Qᵀ y = 0
        let back = matmul(&q, &matmul(&transpose(&q), &y));
        for (a, b) in back.data().iter().zip(y.data()) {
            assert!((a - b).abs() < 1e-13);
        }
    }

    #[test]
    fn pl_times_u_gives_y() {
        let y = sample();
        let pl = permuted_l(&y);
        // scipy.linalg.lu(y, permute_l=True)[0] for this y, row by row.
        let want = [
            [0.5, 1.0, 0.0],
            [1.0, 0.0, 0.0],
            [0.25, -0.1, -0.7833333333333333],
            [0.0, -1.0, 1.0],
            [0.075, 0.37, 0.5316666666666666],
        ];
        for (i, row) in want.iter().enumerate() {
            for (j, &w) in row.iter().enumerate() {
                assert!((pl.get(i, j) - w).abs() < 1e-14, "({i}, {j}): {} vs {w}", pl.get(i, j));
            }
        }
    }
}
