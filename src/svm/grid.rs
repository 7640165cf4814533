//! One-vs-rest grid search over `C`: scikit-learn's
//! `OneVsRestClassifier(GridSearchCV(SVC(kernel='linear', class_weight='balanced'),
//! {'C': grid}, cv=k, scoring=make_scorer(f1_score, average='micro')))`.
//!
//! ```text
//! for each label ℓ (not constant):
//!     folds  = StratifiedKFold(k, shuffle=False) on column ℓ
//!     score(C) = mean over folds f of  accuracy( SVC(C).fit(train_f).predict(test_f) )
//!     C*       = the first C of the grid with the highest score      (ties → first, i.e. smallest)
//!     model_ℓ  = SVC(C*).fit(all rows)
//! ```
//! Micro-F1 over both classes of a binary column is plain accuracy (ALGORITHMS §5.8). A fold
//! whose training part holds one class cannot be fitted (scikit-learn: `error_score=nan`), so
//! every candidate's mean is NaN and the first `C` wins — the one-positive column case.
//!
//! What makes it fast: the linear kernel matrix is computed once for all
//! `labels × |grid| × (k + 1)` fits ([`crate::svm::kernel`]); labels, and within a label its
//! folds, run as nested parallel tasks (rayon), a label's refit as soon as its folds are done;
//! the SMO loops are vectorised ([`crate::kernels::smo`]); optionally each `C` starts from the previous `C`'s α scaled by the ratio of the `C`s
//! (`warm_start`; feasible because every bound scales with `C`), which changes the path, not the
//! optimum. It is off by default: it gave no measurable gain on the bundled TMDB TF-IDF (3,000
//! movies: 9.7 s vs 9.4 s CPU) and the cold start keeps libsvm's exact path (parity).
//!
//! Cost: one Gram matrix (`O(Σ nnz(col)²)`, `4n²` bytes) + the SMO fits.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;
use crate::ovr::{LabelModel, OneVsRest};
use crate::progress::Counter;
use crate::svm::binary::{BinarySvm, class_counts, fit_smo};
use crate::svm::dcd::fit_dcd;
use crate::svm::folds::stratified_kfold;
use crate::svm::kernel::{GRAM_MAX_ROWS, Gram, LinearKernel};
use crate::svm::params::{SolverKind, SvmParams, check_grid};

/// The search: grid, folds, per-fit parameters (their `c` is ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct GridConfig {
    pub grid: Vec<f64>,
    /// Number of stratified folds `k ≥ 2`.
    pub cv: usize,
    pub params: SvmParams,
    /// Start each `C` from the previous one's α.
    pub warm_start: bool,
    /// No progress bar.
    pub quiet: bool,
}

impl Default for GridConfig {
    /// The tutorial's grid `[0.01, 0.1, 1]`, today's scikit-learn default of 5 folds.
    fn default() -> Self {
        GridConfig {
            grid: vec![0.01, 0.1, 1.0],
            cv: 5,
            params: SvmParams::default(),
            warm_start: false,
            quiet: true,
        }
    }
}

/// The outcome for one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSearch {
    pub model: LabelModel<BinarySvm>,
    /// The chosen `C` (`None` for a constant column).
    pub chosen_c: Option<f64>,
    /// Mean fold accuracy per grid entry (NaN where a fold could not be fitted).
    pub mean_scores: Vec<f64>,
    /// Things a user should know (constant column, small class, constant predictions).
    pub warnings: Vec<String>,
}

/// The whole search.
#[derive(Debug, Clone)]
pub struct SearchResult {
    pub labels: Vec<LabelSearch>,
    /// Kernel rows were computed on demand because `n > GRAM_MAX_ROWS`.
    pub lazy_kernel: bool,
    /// Number of binary fits run.
    pub n_fits: usize,
}

impl SearchResult {
    /// The per-label models as one-vs-rest.
    pub fn ovr(&self) -> OneVsRest<BinarySvm> {
        OneVsRest::from_models(self.labels.iter().map(|l| l.model.clone()).collect())
    }
}

/// Run the grid search on features `x` `(n, V)` and the row-major 0/1 matrix `y` `(n, K)`;
/// `names` label the warnings.
pub fn grid_search(x: &CsrMatrix, y: &[u8], names: &[String], config: &GridConfig) -> Result<SearchResult> {
    check_grid(&config.grid)?;
    config.params.validate()?;
    let (n, k) = (x.n_rows(), names.len());
    if k == 0 || y.len() != n * k {
        return Err(Error::Shape(format!(
            "X has {n} rows but the label matrix holds {} values for {k} labels",
            y.len()
        )));
    }
    let kernel = LinearKernel::new(x)?;
    let lazy_kernel = config.params.solver == SolverKind::Smo && n > GRAM_MAX_ROWS;
    let gram = (config.params.solver == SolverKind::Smo && !lazy_kernel).then(|| Gram::from_kernel(&kernel));
    let columns: Vec<Vec<u8>> =
        (0..k).map(|l| y.chunks_exact(k).map(|row| u8::from(row[l] != 0)).collect()).collect();
    let mut folds = Vec::with_capacity(k);
    for (l, column) in columns.iter().enumerate() {
        let (absent, present) = count(column);
        folds.push(if absent == 0 || present == 0 {
            None
        } else {
            Some(stratified_kfold(column, config.cv).map_err(|e| prefix(e, &names[l]))?)
        });
    }
    let n_fits = folds.iter().flatten().count() * (config.cv * config.grid.len() + 1);
    let bar = Counter::new("SVM fits", n_fits as u64, "fits", !config.quiet);
    let fitter = Fitter { kernel: &kernel, gram: gram.as_ref(), config };

    // Per label: its folds in parallel (each runs the whole grid), then the choice of C and
    // the refit on every row. One pool of nested tasks, so a label's refit starts as soon as
    // its folds are done, while other labels' folds still run: no barrier leaves a core idle
    // between the fold fits and the refits. Every fit is independent, so the results are the
    // same in any order.
    let all_rows: Vec<usize> = (0..n).collect();
    let labels = (0..k)
        .into_par_iter()
        .map(|l| {
            let column = &columns[l];
            let Some((fold_of, warning)) = &folds[l] else {
                let value = column.first().copied().unwrap_or(0);
                let which = if value == 1 { names[l].to_string() } else { format!("not {}", names[l]) };
                return Ok(LabelSearch {
                    model: LabelModel::Constant(value),
                    chosen_c: None,
                    mean_scores: vec![f64::NAN; config.grid.len()],
                    warnings: vec![format!(
                        "label {which} is present in all training examples: constant predictor"
                    )],
                });
            };
            let mut warnings: Vec<String> = warning.iter().map(|w| format!("{}: {w}", names[l])).collect();
            let scores = (0..config.cv)
                .into_par_iter()
                .map(|f| fitter.fold_scores(column, fold_of, f, &bar).map_err(|e| prefix(e, &names[l])))
                .collect::<Result<Vec<_>>>()?;
            let per_fold: Vec<&Vec<Option<f64>>> = scores.iter().collect();
            let mean_scores = mean_scores(&per_fold, config.grid.len());
            let best = best_index(&mean_scores);
            if mean_scores.iter().any(|s| s.is_nan()) {
                warnings.push(format!(
                    "{}: a training fold held a single class and could not be fitted (score NaN)",
                    names[l]
                ));
            }
            let params = SvmParams { c: config.grid[best], ..config.params };
            let (svm, _) = fitter.fit(&all_rows, column, &params, None).map_err(|e| prefix(e, &names[l]))?;
            bar.inc(1);
            if let Some(v) = svm.info.constant_prediction {
                warnings.push(format!(
                    "{}: the model with C = {} predicts {} for every training movie (ALGORITHMS §5.9)",
                    names[l],
                    params.c,
                    if v == 1 { "present" } else { "absent" }
                ));
            }
            Ok(LabelSearch {
                model: LabelModel::Fitted(svm),
                chosen_c: Some(params.c),
                mean_scores,
                warnings,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    bar.finish();
    Ok(SearchResult { labels, lazy_kernel, n_fits })
}

struct Fitter<'a> {
    kernel: &'a LinearKernel,
    gram: Option<&'a Gram>,
    config: &'a GridConfig,
}

impl Fitter<'_> {
    fn fit(
        &self,
        rows: &[usize],
        y: &[u8],
        params: &SvmParams,
        warm: Option<Vec<f64>>,
    ) -> Result<(BinarySvm, Vec<f64>)> {
        match params.solver {
            SolverKind::Smo => fit_smo(self.kernel, self.gram, rows, y, params, warm),
            SolverKind::Dcd => fit_dcd(self.kernel, rows, y, params, warm),
        }
    }

    /// Accuracy on fold `f` of each grid entry, trained on the other folds (`None`: the
    /// training part holds one class).
    fn fold_scores(
        &self,
        column: &[u8],
        fold_of: &[usize],
        f: usize,
        bar: &Counter,
    ) -> Result<Vec<Option<f64>>> {
        let train: Vec<usize> = (0..column.len()).filter(|&i| fold_of[i] != f).collect();
        let test: Vec<usize> = (0..column.len()).filter(|&i| fold_of[i] == f).collect();
        let y_train: Vec<u8> = train.iter().map(|&i| column[i]).collect();
        if class_counts(&y_train).is_err() {
            bar.inc(self.config.grid.len() as u64);
            return Ok(vec![None; self.config.grid.len()]);
        }
        let mut out = Vec::with_capacity(self.config.grid.len());
        let mut previous: Option<(f64, Vec<f64>)> = None;
        for &c in &self.config.grid {
            let warm = match previous.take() {
                Some((c_prev, alpha)) if self.config.warm_start => Some(scaled_start(alpha, c_prev, c)),
                _ => None,
            };
            let params = SvmParams { c, ..self.config.params };
            let (svm, alpha) = self.fit(&train, &y_train, &params, warm)?;
            let x = self.kernel.x();
            let correct = test
                .iter()
                .filter(|&&i| {
                    let (cols, vals) = x.row(i);
                    svm.vote(cols, vals) == column[i]
                })
                .count();
            out.push(Some(correct as f64 / test.len() as f64));
            previous = Some((c, alpha));
            bar.inc(1);
        }
        Ok(out)
    }
}

/// A feasible start for `c` from the optimum at `c_prev`: `α · c / c_prev`. Every bound scales
/// with `C` and `yᵀα = 0` is kept, so the start is feasible, and the variables at their upper
/// bound — most of them for small `C` (ALGORITHMS §5.9) — stay there.
pub fn scaled_start(alpha: Vec<f64>, c_prev: f64, c: f64) -> Vec<f64> {
    let ratio = c / c_prev;
    alpha.into_iter().map(|a| a * ratio).collect()
}

/// Mean over folds per grid entry, NaN if any fold failed; folds summed in order, as numpy does
/// for fewer than 8 values.
fn mean_scores(per_fold: &[&Vec<Option<f64>>], n_grid: usize) -> Vec<f64> {
    (0..n_grid)
        .map(|g| {
            let mut sum = 0.0;
            for scores in per_fold {
                match scores[g] {
                    Some(s) => sum += s,
                    None => return f64::NAN,
                }
            }
            sum / per_fold.len() as f64
        })
        .collect()
}

/// scikit-learn's `best_index_`: highest mean, NaN ranked last, ties and all-NaN → first.
pub fn best_index(means: &[f64]) -> usize {
    let mut best = 0;
    for (g, &m) in means.iter().enumerate() {
        if !m.is_nan() && (means[best].is_nan() || m > means[best]) {
            best = g;
        }
    }
    best
}

fn count(column: &[u8]) -> (usize, usize) {
    let present = column.iter().filter(|&&v| v != 0).count();
    (column.len() - present, present)
}

fn prefix(e: Error, label: &str) -> Error {
    match e {
        Error::Param { name, message } => Error::Param { name, message: format!("label {label}: {message}") },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 90 noisy rows of 4 features, 4 labels (one constant), 3 folds: the search on one thread
    /// (every task in order) and on four (interleaved) gives the same bits.
    #[test]
    fn the_schedule_does_not_change_the_search() {
        let mut rng = crate::rng::Mt19937::new(11);
        let (n, k) = (90, 4);
        let dense: Vec<f64> = (0..n * 4).map(|_| rng.random_sample() * 2.0 - 1.0).collect();
        let mut y = vec![0u8; n * k];
        for i in 0..n {
            let row = &dense[4 * i..4 * i + 4];
            y[i * k] = u8::from(row[0] + 0.5 * rng.random_sample() > 0.2);
            y[i * k + 1] = u8::from(row[1] - row[2] + 0.8 * rng.random_sample() > 0.5);
            y[i * k + 2] = 1;
            y[i * k + 3] = u8::from(row[3] > 0.6);
        }
        let x = CsrMatrix::from_dense(n, 4, &dense);
        let names: Vec<String> = (0..k).map(|l| format!("genre {l}")).collect();
        let config = GridConfig { cv: 3, ..GridConfig::default() };
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let search = pool.install(|| grid_search(&x, &y, &names, &config)).unwrap();
            format!("{:?} {:?}", search.labels, search.n_fits)
        };
        let sequential = run(1);
        assert!(sequential.contains("Fitted") && sequential.contains("Constant(1)"));
        assert_eq!(run(4), sequential);
    }
}
