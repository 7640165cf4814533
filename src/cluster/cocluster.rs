//! Spectral co-clustering (Dhillon 2001): rows and columns of a non-negative matrix partitioned
//! together, so that each bicluster is a block of rows that mostly co-occur with a block of
//! columns.
//!
//! ```text
//! A ← A − min(A) if min(A) < 0                   (make_nonnegative; dense input only)
//! r = 1/√(row sums),  c = 1/√(column sums),  Aₙ = D₁^(−1/2) A D₂^(−1/2) = r[:,None] · A · c
//! ℓ = 1 + ⌈log₂ k⌉ singular triplets of Aₙ, the first dropped (σ₁ = 1, vectors ∝ √sums)
//! Z = [ r[:,None] · U₂..ℓ ;  c[:,None] · V₂..ℓ ]   ((m + n) × (ℓ − 1))
//! k-means(Z, k, n_init = 10) → labels; rows get the first m, columns the last n
//! ```
//! Paper: I. S. Dhillon, "Co-clustering documents and words using bipartite spectral graph
//! partitioning", KDD 2001, <https://doi.org/10.1145/502512.502550>. Reference: scikit-learn
//! 1.9.1 `SpectralCoclustering` (`cluster/_bicluster.py`, ALGORITHMS.md §9) with
//! `svd_method='randomized'` (default) or, as the alternative, Lanczos in place of ARPACK.
//! Deviations: an all-zero row or column is an error naming it (scikit-learn fails later with
//! "array must not contain infs or NaNs"); k-means random streams differ (see [`kmeans`]), so
//! partitions match scikit-learn's up to relabelling only where its result is seed-stable.
//!
//! Cost: the SVD (`(2·n_iter + 2)` sparse products with an `(m, l)` or `(n, l)` block, `l = ℓ + 10`)
//! plus k-means on `m + n` points of `ℓ − 1` coordinates; memory: two normalised copies of `A`
//! (`A` and `Aᵀ`) and `O((m + n) l)`.
//!
//! ```
//! use cinegenre::cluster::{CoclusterParams, Input, cocluster};
//! use cinegenre::matrix::DenseMatrix;
//! // Two planted blocks: rows 0,2 with columns 0,1; rows 1,3 with column 2.
//! let a = DenseMatrix::from_vec(4, 3, vec![
//!     5.0, 4.0, 0.1,  0.1, 0.2, 6.0,  4.0, 5.0, 0.2,  0.1, 0.1, 5.0,
//! ]).unwrap();
//! let fit = cocluster(Input::Dense(&a), &CoclusterParams::new(2, 0)).unwrap();
//! assert_eq!(fit.row_labels[0], fit.row_labels[2]);
//! assert_ne!(fit.row_labels[0], fit.row_labels[1]);
//! assert_eq!(fit.column_labels[0], fit.row_labels[0]);
//! assert_eq!(fit.column_labels[2], fit.row_labels[1]);
//! ```
//!
//! [`kmeans`]: crate::cluster::kmeans

// Index loops in formula order read closer to the maths here than iterator chains.
#![allow(clippy::needless_range_loop)]

use crate::cluster::{KMeansParams, kmeans};
use crate::error::{Error, Result};
use crate::linalg::{Operator, RandomizedSvd, Svd, lanczos_svd, randomized_svd};
use crate::matrix::{CsrMatrix, DenseMatrix, pairwise_sum};

/// The matrix to co-cluster.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Dense(&'a DenseMatrix),
    Sparse(&'a CsrMatrix),
}

impl Input<'_> {
    /// `(rows, columns)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Input::Dense(a) => a.shape(),
            Input::Sparse(a) => a.shape(),
        }
    }
}

/// How the singular vectors are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvdMethod {
    /// scikit-learn's default randomized range finder.
    Randomized,
    /// Golub–Kahan–Lanczos (in place of scikit-learn's `'arpack'`).
    Lanczos,
}

/// Parameters; [`CoclusterParams::new`] gives scikit-learn's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoclusterParams {
    pub n_clusters: usize,
    pub svd_method: SvdMethod,
    /// scikit-learn's `n_svd_vecs`, passed to the randomized SVD as `n_oversamples` (default 10).
    pub n_svd_vecs: Option<usize>,
    /// k-means restarts.
    pub n_init: usize,
    pub seed: u32,
}

impl CoclusterParams {
    /// `k` biclusters with scikit-learn's defaults (randomized SVD, `n_init = 10`).
    pub fn new(n_clusters: usize, seed: u32) -> Self {
        CoclusterParams { n_clusters, svd_method: SvdMethod::Randomized, n_svd_vecs: None, n_init: 10, seed }
    }
}

/// The result of [`cocluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cocluster {
    /// Bicluster of each row, `0..k`.
    pub row_labels: Vec<usize>,
    /// Bicluster of each column, `0..k`.
    pub column_labels: Vec<usize>,
    /// The `ℓ` singular values of `Aₙ` found (the first, ≈ 1, included).
    pub singular_values: Vec<f64>,
    /// The winning k-means run's inertia per iteration ([`crate::cluster::KMeansFit::inertia_per_iter`]).
    pub kmeans_inertia: Vec<f64>,
}

/// The normalised matrix `Aₙ = D₁^(−1/2) A D₂^(−1/2)` and the scalings `r`, `c`.
pub struct Normalised {
    pub op: Operator,
    pub r: Vec<f64>,
    pub c: Vec<f64>,
}

/// Check the input and build `Aₙ` (see the module docs).
pub fn normalise(x: Input<'_>) -> Result<Normalised> {
    let (m, n) = x.shape();
    if m == 0 || n == 0 {
        return Err(Error::Shape(format!(
            "cannot co-cluster an empty ({m}, {n}) matrix: it needs at least one row and one column"
        )));
    }
    match x {
        Input::Dense(a) => {
            check_finite(a.data())?;
            let min = a.data().iter().copied().fold(f64::INFINITY, f64::min);
            let shift = if min < 0.0 { -min } else { 0.0 };
            // Row sums in numpy's pairwise order, column sums row after row (numpy's axis-0
            // order), so Aₙ matches scikit-learn's bit for bit.
            let shifted = |row: &[f64]| -> Vec<f64> { row.iter().map(|v| v + shift).collect() };
            let rs: Vec<f64> = a.rows().map(|row| pairwise_sum(&shifted(row))).collect();
            let mut cs = vec![0.0; n];
            for row in a.rows() {
                cs.iter_mut().zip(row).for_each(|(c, v)| *c += v + shift);
            }
            let (r, c) = (scaling(&rs, "row")?, scaling(&cs, "column")?);
            let mut an = DenseMatrix::zeros(m, n);
            for i in 0..m {
                for (j, (o, &v)) in an.row_mut(i).iter_mut().zip(a.row(i)).enumerate() {
                    *o = r[i] * (v + shift) * c[j];
                }
            }
            Ok(Normalised { op: Operator::dense(an), r, c })
        }
        Input::Sparse(a) => {
            check_finite(a.data())?;
            if let Some(&v) = a.data().iter().find(|&&v| v < 0.0) {
                return Err(Error::Shape(format!(
                    "a sparse matrix must be non-negative to co-cluster (found {v}); a dense one is \
                     shifted by its minimum, as scikit-learn's make_nonnegative does"
                )));
            }
            let rs: Vec<f64> = a.rows().map(|(_, vals)| vals.iter().sum()).collect();
            let (r, c) = (scaling(&rs, "row")?, scaling(&a.column_sums(), "column")?);
            let mut an = a.clone();
            for i in 0..m {
                let (idx, vals) = an.row_mut(i);
                for (&j, v) in idx.iter().zip(vals) {
                    *v = r[i] * *v * c[j as usize];
                }
            }
            Ok(Normalised { op: Operator::sparse(an), r, c })
        }
    }
}

fn check_finite(values: &[f64]) -> Result<()> {
    match values.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(Error::Shape(format!("the matrix holds a non-finite value ({v})"))),
        None => Ok(()),
    }
}

/// `1/√sum` per line; a zero sum is an error naming the line.
fn scaling(sums: &[f64], what: &str) -> Result<Vec<f64>> {
    if let Some(i) = sums.iter().position(|&s| s <= 0.0) {
        return Err(Error::Shape(format!(
            "{what} {i} is all zeros; spectral co-clustering divides by the square root of each \
             {what} sum, so every {what} needs a non-zero entry (drop it first)"
        )));
    }
    Ok(sums.iter().map(|s| 1.0 / s.sqrt()).collect())
}

/// Number of singular vectors: `1 + ⌈log₂ k⌉`.
pub fn n_singular_vectors(k: usize) -> usize {
    1 + (k as f64).log2().ceil() as usize
}

/// Check `params` against a matrix of `shape` (scikit-learn's parameter constraints).
pub fn check_params(params: &CoclusterParams, shape: (usize, usize)) -> Result<()> {
    let (m, n) = shape;
    if m == 0 || n == 0 {
        return Err(Error::Shape(format!(
            "cannot co-cluster an empty ({m}, {n}) matrix: it needs at least one row and one column"
        )));
    }
    let k = params.n_clusters;
    if k < 2 {
        return Err(Error::param(
            "n_clusters",
            format!("must be at least 2 (got {k}): one cluster leaves no singular vector to cluster on"),
        ));
    }
    if k > shape.0 {
        return Err(Error::param(
            "n_clusters",
            format!("n_clusters should be <= n_samples={}. Got {k} instead", shape.0),
        ));
    }
    if params.n_init == 0 {
        return Err(Error::param("n_init", "must be at least 1"));
    }
    Ok(())
}

/// The singular triplets of the normalised matrix.
pub fn singular_triplets(op: Operator, params: &CoclusterParams) -> Result<Svd> {
    let n_sv = n_singular_vectors(params.n_clusters);
    match params.svd_method {
        SvdMethod::Randomized => {
            let mut p = RandomizedSvd::new(n_sv, params.seed);
            if let Some(v) = params.n_svd_vecs {
                p.n_oversamples = v;
            }
            randomized_svd(op, &p)
        }
        SvdMethod::Lanczos => lanczos_svd(&op, n_sv, params.seed),
    }
}

/// Co-cluster the rows and columns of `x` into `params.n_clusters` biclusters.
pub fn cocluster(x: Input<'_>, params: &CoclusterParams) -> Result<Cocluster> {
    check_params(params, x.shape())?;
    let (m, n) = x.shape();
    let Normalised { op, r, c } = normalise(x)?;
    let svd = singular_triplets(op, params)?;
    let kept = svd.s.len().saturating_sub(1);
    if kept == 0 {
        return Err(Error::Shape(format!(
            "a ({m}, {n}) matrix has only one singular vector; co-clustering needs at least two"
        )));
    }
    let mut z = DenseMatrix::zeros(m + n, kept);
    for i in 0..m {
        for t in 0..kept {
            z.row_mut(i)[t] = r[i] * svd.u.get(i, t + 1);
        }
    }
    for j in 0..n {
        for t in 0..kept {
            z.row_mut(m + j)[t] = c[j] * svd.v.get(j, t + 1);
        }
    }
    let km = KMeansParams { n_init: params.n_init, ..KMeansParams::new(params.n_clusters, params.seed) };
    let fit = kmeans(&z, &km)?;
    let column_labels = fit.labels[m..].to_vec();
    let mut row_labels = fit.labels;
    row_labels.truncate(m);
    Ok(Cocluster { row_labels, column_labels, singular_values: svd.s, kmeans_inertia: fit.inertia_per_iter })
}

impl Cocluster {
    /// Row order grouping rows by bicluster (stable within a bicluster), like
    /// `np.argsort(row_labels, kind='stable')`.
    pub fn row_order(&self) -> Vec<usize> {
        stable_order(&self.row_labels)
    }

    /// Column order grouping columns by bicluster.
    pub fn column_order(&self) -> Vec<usize> {
        stable_order(&self.column_labels)
    }
}

fn stable_order(labels: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| labels[i]);
    order
}
