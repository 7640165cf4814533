//! What the text and the poster MLP share: rows of features for some of the run's movies →
//! a seeded 80/20 split of those rows → (standardise) → train → the three best genres per test
//! movie → evaluation beside the baseline → the model file.
//!
//! ```text
//! split     tutorial_mask(rows, seed, 0.8): a fresh draw over the branch's rows, as the
//!           tutorial draws a new msk over the movies each branch keeps
//! scale     optional StandardScaler fitted on the training rows (saved with the model)
//! train     crate::mlp::fit_watched on the training rows, the test rows watched per epoch
//! evaluate  top-3 genres per test movie (np.argsort(p)[-3:]) → per-genre and per-movie scores
//! write     the model (f32, with its scaler) as safetensors
//! ```

use std::path::Path;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::Activation;
use crate::labels::LabelMatrix;
use crate::mlp::{History, Mlp, MlpModel, Output, Standardizer, TrainParams, fit_watched};
use crate::results::{Chart, Curve, ModelResult, Trace};
use crate::split::{Split, split_from_mask, tutorial_mask};

use super::Scoring;

/// Genres predicted per movie by the MLPs (the tutorial's `argsort(row)[-3:]`).
pub const TOP_K: usize = 3;

/// One MLP branch: its rows, its network and how it trains.
pub struct MlpBranch<'a> {
    pub key: &'static str,
    pub name: String,
    pub features: String,
    pub tutorial: (f64, f64),
    /// Feature rows (n, dim), row-major.
    pub rows: &'a [f32],
    pub dim: usize,
    /// The run's movie row behind each feature row.
    pub movie_rows: &'a [usize],
    /// Hidden layer sizes.
    pub hidden: Vec<usize>,
    pub output: Output,
    pub train: TrainParams,
    /// Standardise the features with the training rows' statistics.
    pub standardize: bool,
}

/// The trained branch.
pub struct MlpOutcome {
    pub model: MlpModel,
    pub history: History,
    pub split: Split,
    pub result: ModelResult,
    /// (movie row, 0/1 top-3 genres) per test row.
    pub predictions: Vec<(usize, Vec<u8>)>,
}

/// Split, train, evaluate and save to `model_out`.
pub fn train_and_evaluate(
    branch: &MlpBranch,
    labels: &LabelMatrix,
    genres: &[String],
    seed: u32,
    train_fraction: f64,
    backend: &Backend,
    model_out: &Path,
) -> Result<MlpOutcome> {
    let (dim, g, n) = (branch.dim, labels.n_cols(), branch.movie_rows.len());
    if dim == 0 || branch.rows.len() != n * dim {
        return Err(Error::Shape(format!(
            "{}: {} feature values do not form {n} rows of {dim}",
            branch.name,
            branch.rows.len()
        )));
    }
    let y = labels.select_rows(branch.movie_rows);
    let split = split_from_mask(&tutorial_mask(n, seed, train_fraction));
    if split.train.is_empty() || split.test.is_empty() {
        return Err(Error::Shape(format!(
            "{}: {n} movies leave {} training and {} test movies; both need some",
            branch.name,
            split.train.len(),
            split.test.len()
        )));
    }
    let take = |idx: &[usize]| -> Vec<f32> {
        idx.iter().flat_map(|&i| branch.rows[i * dim..(i + 1) * dim].iter().copied()).collect()
    };
    let (mut x_train, x_test) = (take(&split.train), take(&split.test));
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let scaler = if branch.standardize { Some(Standardizer::fit(&x_train, dim)?) } else { None };
    if let Some(s) = &scaler {
        s.apply(&mut x_train);
    }
    let mut sizes = vec![dim];
    sizes.extend(&branch.hidden);
    sizes.push(g);
    let mlp = Mlp::new(&sizes, Activation::Relu, branch.output, seed)?;
    let targets: Vec<f32> = y_train.as_slice().iter().map(|&v| f32::from(v)).collect();
    // The test rows, scaled as the network sees them, watched after every epoch (never trained on).
    let mut x_watch = x_test.clone();
    if let Some(s) = &scaler {
        s.apply(&mut x_watch);
    }
    let y_watch: Vec<f32> = y_test.as_slice().iter().map(|&v| f32::from(v)).collect();
    let watch = Some((x_watch.as_slice(), y_watch.as_slice()));
    let (mlp, history) = fit_watched(backend, mlp, &x_train, &targets, &branch.train, watch)?;
    drop((x_train, x_watch));
    let model = MlpModel { mlp, labels: genres.to_vec(), scaler };
    let p = model.predict_proba(backend, &x_test, split.test.len())?;
    let scores: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    let predicted = crate::metrics::top_k_indicator(&scores, g, TOP_K)?;
    let result = Scoring {
        key: branch.key,
        name: branch.name.clone(),
        features: branch.features.clone(),
        tutorial: branch.tutorial,
        genres,
        y_train: y_train.as_slice(),
        y_test: y_test.as_slice(),
        predicted: &predicted,
    }
    .result()?;
    model.save(model_out)?;
    let test_movies: Vec<usize> = split.test.iter().map(|&i| branch.movie_rows[i]).collect();
    let predictions = super::predictions_of(&test_movies, &predicted, g);
    Ok(MlpOutcome { model, history, split, result, predictions })
}

/// Loss and binary accuracy per epoch, on the training rows (the epoch's running mean, as Keras
/// prints it) and on the watched test rows (after the epoch).
pub fn trace(history: &History) -> Trace {
    let pick = |f: fn(&crate::mlp::EpochStats) -> Option<f64>| {
        Curve::counted("", history.epochs.iter().map(|e| f(e).unwrap_or(f64::NAN)))
    };
    let chart = |title: &str, y: &str, train: Curve, test: Curve| Chart {
        title: title.into(),
        x: "epoch".into(),
        y: y.into(),
        log_y: false,
        curves: vec![
            Curve { name: "training".into(), ..train },
            Curve { name: "test (watched)".into(), ..test },
        ],
    };
    let mut trace = Trace::default();
    trace.details.push("epochs", serde_json::Value::from(history.epochs.len()));
    trace.charts.push(chart("Loss per epoch", "loss", pick(|e| Some(e.loss)), pick(|e| e.val_loss)));
    trace.charts.push(chart(
        "Binary accuracy per epoch",
        "accuracy",
        pick(|e| Some(e.accuracy)),
        pick(|e| e.val_accuracy),
    ));
    trace.notes.push(
        "The test movies are watched after each epoch, never trained on: a test loss that rises while \
         the training loss falls is the network learning its training movies by heart."
            .into(),
    );
    trace
}
