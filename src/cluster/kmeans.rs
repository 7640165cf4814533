//! k-means: k-means++ seeding, Lloyd iterations, `n_init` restarts run in parallel, as
//! scikit-learn's `KMeans(init='k-means++', algorithm='lloyd')`.
//!
//! ```text
//! X ← X − mean(X)                              (scikit-learn centres dense data first)
//! tol' = tol · mean_j var(X[:, j])
//! k-means++ (greedy, t = 2 + ⌊ln k⌋ candidates per centre):
//!     c₁ = a uniform random point;  D(x) = min_c ‖x − c‖²
//!     repeat: draw t points with P(x) ∝ D(x), keep the one minimising Σ_x min(D(x), ‖x − cand‖²)
//! Lloyd:  labels ← nearest centre;  centres ← cluster means (an empty cluster takes the point
//!     farthest from its centre);  stop when labels repeat (strict) or Σ‖Δc‖² ≤ tol'
//! best of n_init runs = lowest inertia Σ‖x − c_label‖² (a later run wins only if strictly lower
//!     and a different partition)
//! ```
//! Papers: S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982;
//! D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007.
//! Reference: scikit-learn 1.9.1 `cluster/_kmeans.py` (`_kmeans_plusplus`,
//! `_kmeans_single_lloyd`, `_tolerance`). Deviations: the random streams are not scikit-learn's
//! (each restart gets its own MT19937 seeded from the master seed, so results do not depend on
//! the thread count); distances are computed as `Σ (x − c)²`, not `‖x‖² − 2x·c + ‖c‖²`.
//!
//! Cost: `O(n_init · iterations · n k d)` time, restarts in parallel; `O(n (d + 1))` memory per
//! running restart.

// Index loops in formula order read closer to the maths here than iterator chains.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matrix::DenseMatrix;
use crate::rng::Mt19937;

/// Parameters of [`kmeans`]; [`KMeansParams::new`] gives scikit-learn's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansParams {
    pub n_clusters: usize,
    /// Restarts; the best (lowest inertia) wins.
    pub n_init: usize,
    pub max_iter: usize,
    /// Relative tolerance on the centre shift (scaled by the mean feature variance).
    pub tol: f64,
    pub seed: u32,
}

impl KMeansParams {
    /// `k` clusters, `n_init = 10` (what `SpectralCoclustering` passes), `max_iter = 300`,
    /// `tol = 1e-4`.
    pub fn new(n_clusters: usize, seed: u32) -> Self {
        KMeansParams { n_clusters, n_init: 10, max_iter: 300, tol: 1e-4, seed }
    }
}

/// A fitted clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    /// Cluster of each row, `0..k`.
    pub labels: Vec<usize>,
    /// `(k, d)` centres in the input's coordinates.
    pub centers: DenseMatrix,
    /// Sum of squared distances to the assigned centres.
    pub inertia: f64,
    /// Lloyd iterations of the winning run.
    pub n_iter: usize,
    /// The winning run's inertia after each iteration's assignment step, `Σ‖x − c_label‖²`
    /// against the centres that step used (non-increasing: Lloyd's two steps each lower it).
    /// O(n d) per iteration beside the assignment's O(n k d).
    pub inertia_per_iter: Vec<f64>,
}

/// Cluster the rows of `x` `(n, d)`.
///
/// ```
/// use cinegenre::cluster::{KMeansParams, kmeans};
/// use cinegenre::matrix::DenseMatrix;
/// let x = DenseMatrix::from_vec(4, 1, vec![0.0, 0.1, 5.0, 5.1]).unwrap();
/// let fit = kmeans(&x, &KMeansParams::new(2, 0)).unwrap();
/// assert_eq!(fit.labels[0], fit.labels[1]);
/// assert_ne!(fit.labels[0], fit.labels[2]);
/// ```
pub fn kmeans(x: &DenseMatrix, params: &KMeansParams) -> Result<KMeansFit> {
    let (n, d) = x.shape();
    let k = params.n_clusters;
    if k == 0 {
        return Err(Error::param("n_clusters", "must be at least 1"));
    }
    if n < k {
        return Err(Error::param("n_clusters", format!("n_samples={n} should be >= n_clusters={k}")));
    }
    if params.n_init == 0 {
        return Err(Error::param("n_init", "must be at least 1"));
    }
    if let Some(p) = x.data().iter().position(|v| !v.is_finite()) {
        return Err(Error::Shape(format!("k-means input has a non-finite value at row {}", p / d.max(1))));
    }
    let mean: Vec<f64> = (0..d).map(|j| (0..n).map(|i| x.get(i, j)).sum::<f64>() / n as f64).collect();
    let mut centred = x.clone();
    for i in 0..n {
        centred.row_mut(i).iter_mut().zip(&mean).for_each(|(v, m)| *v -= m);
    }
    let variance: f64 =
        (0..d).map(|j| (0..n).map(|i| centred.get(i, j).powi(2)).sum::<f64>() / n as f64).sum::<f64>()
            / d.max(1) as f64;
    let tol = params.tol * variance;
    let mut master = Mt19937::new(params.seed);
    let seeds: Vec<u32> = (0..params.n_init).map(|_| master.next_u32() >> 1).collect();
    let runs: Vec<Run> =
        seeds.par_iter().map(|&s| single_run(&centred, k, params.max_iter, tol, s)).collect();
    let mut best: Option<Run> = None;
    for run in runs {
        let better = match &best {
            None => true,
            Some(b) => run.inertia < b.inertia && !same_partition(&run.labels, &b.labels, k),
        };
        if better {
            best = Some(run);
        }
    }
    let best = best.expect("n_init ≥ 1");
    let mut centers = best.centers;
    for c in 0..k {
        centers.row_mut(c).iter_mut().zip(&mean).for_each(|(v, m)| *v += m);
    }
    Ok(KMeansFit {
        labels: best.labels,
        centers,
        inertia: best.inertia,
        n_iter: best.n_iter,
        inertia_per_iter: best.inertia_per_iter,
    })
}

struct Run {
    labels: Vec<usize>,
    centers: DenseMatrix,
    inertia: f64,
    n_iter: usize,
    inertia_per_iter: Vec<f64>,
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn single_run(x: &DenseMatrix, k: usize, max_iter: usize, tol: f64, seed: u32) -> Run {
    let mut rng = Mt19937::new(seed);
    let mut centers = plus_plus(x, k, &mut rng);
    let n = x.n_rows();
    let mut labels = vec![0usize; n];
    let mut old = vec![usize::MAX; n];
    let mut strict = false;
    let mut iterations = 0;
    let mut inertia_per_iter = Vec::new();
    for it in 0..max_iter {
        iterations = it + 1;
        assign(x, &centers, &mut labels);
        inertia_per_iter.push((0..n).map(|i| dist2(x.row(i), centers.row(labels[i]))).sum());
        let new_centers = update(x, &centers, &labels, k);
        let shift: f64 = (0..k).map(|c| dist2(centers.row(c), new_centers.row(c))).sum();
        centers = new_centers;
        if labels == old {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
        old.clone_from(&labels);
    }
    if !strict {
        assign(x, &centers, &mut labels);
    }
    let inertia = (0..n).map(|i| dist2(x.row(i), centers.row(labels[i]))).sum();
    Run { labels, centers, inertia, n_iter: iterations, inertia_per_iter }
}

/// Greedy k-means++ seeding with `2 + ⌊ln k⌋` candidates per centre.
fn plus_plus(x: &DenseMatrix, k: usize, rng: &mut Mt19937) -> DenseMatrix {
    let (n, d) = x.shape();
    let trials = 2 + (k as f64).ln() as usize;
    let mut centers = DenseMatrix::zeros(k, d);
    let first = ((rng.random_sample() * n as f64) as usize).min(n - 1);
    centers.row_mut(0).copy_from_slice(x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| dist2(x.row(i), x.row(first))).collect();
    let mut potential: f64 = closest.iter().sum();
    let mut cumsum = vec![0.0; n];
    for c in 1..k {
        let mut acc = 0.0;
        for (s, &v) in cumsum.iter_mut().zip(&closest) {
            acc += v;
            *s = acc;
        }
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let r = rng.random_sample() * potential;
            let cand = cumsum.partition_point(|&s| s < r).min(n - 1);
            let dists: Vec<f64> = (0..n).map(|i| closest[i].min(dist2(x.row(i), x.row(cand)))).collect();
            let pot: f64 = dists.iter().sum();
            if best.as_ref().is_none_or(|b| pot < b.0) {
                best = Some((pot, cand, dists));
            }
        }
        let (pot, cand, dists) = best.expect("at least two trials");
        centers.row_mut(c).copy_from_slice(x.row(cand));
        closest = dists;
        potential = pot;
    }
    centers
}

/// Nearest centre of every row (lowest index on ties).
fn assign(x: &DenseMatrix, centers: &DenseMatrix, labels: &mut [usize]) {
    let k = centers.n_rows();
    for (i, label) in labels.iter_mut().enumerate() {
        let row = x.row(i);
        let (mut best, mut best_d) = (0, f64::INFINITY);
        for c in 0..k {
            let dd = dist2(row, centers.row(c));
            if dd < best_d {
                best = c;
                best_d = dd;
            }
        }
        *label = best;
    }
}

/// Cluster means; an empty cluster takes the points farthest from their current centres.
fn update(x: &DenseMatrix, old: &DenseMatrix, labels: &[usize], k: usize) -> DenseMatrix {
    let (n, d) = x.shape();
    let mut sums = DenseMatrix::zeros(k, d);
    let mut counts = vec![0.0f64; k];
    for i in 0..n {
        counts[labels[i]] += 1.0;
        sums.row_mut(labels[i]).iter_mut().zip(x.row(i)).for_each(|(s, v)| *s += v);
    }
    let empty: Vec<usize> = (0..k).filter(|&c| counts[c] == 0.0).collect();
    if !empty.is_empty() {
        let mut far: Vec<(f64, usize)> = (0..n).map(|i| (dist2(x.row(i), old.row(labels[i])), i)).collect();
        far.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (&c, &(_, i)) in empty.iter().zip(&far) {
            let from = labels[i];
            if counts[from] > 1.0 {
                counts[from] -= 1.0;
                sums.row_mut(from).iter_mut().zip(x.row(i)).for_each(|(s, v)| *s -= v);
            }
            counts[c] = 1.0;
            sums.row_mut(c).copy_from_slice(x.row(i));
        }
    }
    for c in 0..k {
        let w = counts[c];
        sums.row_mut(c).iter_mut().for_each(|s| *s /= w);
    }
    sums
}

/// Whether two labelings are the same partition (scikit-learn's `_is_same_clustering`).
fn same_partition(a: &[usize], b: &[usize], k: usize) -> bool {
    let mut map = vec![usize::MAX; k];
    for (&x, &y) in a.iter().zip(b) {
        if map[x] == usize::MAX {
            map[x] = y;
        } else if map[x] != y {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertia_per_iteration_never_rises_and_ends_above_the_final() {
        let mut rng = Mt19937::new(5);
        let data: Vec<f64> = (0..120).map(|i| (i % 3) as f64 * 4.0 + rng.random_sample() * 3.0).collect();
        let x = DenseMatrix::from_vec(60, 2, data).unwrap();
        let fit = kmeans(&x, &KMeansParams { n_init: 1, ..KMeansParams::new(3, 1) }).unwrap();
        let per = &fit.inertia_per_iter;
        assert_eq!(per.len(), fit.n_iter);
        assert!(per.windows(2).all(|w| w[1] <= w[0] + 1e-12), "{per:?}");
        assert!(fit.inertia <= per[per.len() - 1] + 1e-12, "{} after {per:?}", fit.inertia);
    }
}
