//! The linear SVM in the run: one-vs-rest SVMs with balanced class weights on TF-IDF, C chosen
//! per genre from {0.01, 0.1, 1} by stratified k-fold grid search on micro-F1 (tutorial
//! section 5, `GridSearchCV(OneVsRestClassifier(SVC(kernel='linear')))`; crate::svm).
//!
//! The stage stays fast because the linear kernel matrix of the training rows is computed once
//! and shared by all 20 genres × 3 C × (k + 1) fits (crate::svm::kernel). A new movie's
//! decision value for genre g is `w_g · x + b_g`, so a word's push is its TF-IDF weight times
//! its coefficient.

use crate::dataset::tutorial_clean;
use crate::error::{Error, Result};
use crate::io::{NpyData, read_npy, write_npy};
use crate::labels::LabelFile;
use crate::layout::{self, RunLayout};
use crate::ovr::LabelModel;
use crate::progress::Stages;
use crate::results::{Chart, Curve, Trace};
use crate::svm::{GridConfig, SearchResult, SvmModel, SvmParams};
use crate::text::{CountVectorizer, TfidfParams, TfidfTransformer, Vocabulary};

use super::naive_bayes::counter;
use super::{ModelScores, NewMovie, RunData, RunModel, Scored, Scorer, Scoring, Trained, to_json};

/// What the tutorial printed: mean per-movie (precision, recall).
pub const TUTORIAL: (f64, f64) = (0.3309, 0.5710);

/// The name people read.
const NAME: &str = "linear SVM";

/// SMO steps between two checkpoints of the traced convergence (a checkpoint counts the
/// support vectors, O(l), as one step's column does: under 1% of the search).
const CHECKPOINT_EVERY: usize = 25;
/// Points kept per curve in `metrics.json`, and genres charted (the most frequent).
const CURVE_POINTS: usize = 40;
const CHARTED_GENRES: usize = 6;

/// The registry entry.
pub struct LinearSvm;

impl RunModel for LinearSvm {
    fn key(&self) -> &'static str {
        "linear_svm"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn enabled(&self, config: &super::RunConfig) -> bool {
        config.svm
    }

    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained> {
        stages.start(self.key(), "Grid-searching one-vs-rest linear SVMs on TF-IDF (C ∈ 0.01, 0.1, 1)");
        let (x_train, x_test) =
            (run.tfidf.select_rows(&run.split.train), run.tfidf.select_rows(&run.split.test));
        let (y_train, y_test) = run.split_labels();
        let params = SvmParams { checkpoint_every: Some(CHECKPOINT_EVERY), ..SvmParams::default() };
        let grid =
            GridConfig { cv: run.config.svm_cv, quiet: !stages.shown(), params, ..GridConfig::default() };
        let y_file = LabelFile { labels: y_train.clone(), names: run.genres.clone(), unknown: 0 };
        let (model, search) = SvmModel::train(&x_train, &y_file, &grid)?;
        let predicted = model.ovr.predict(&x_test)?;
        let result = Scoring {
            key: self.key(),
            name: format!("{} (C by {}-fold grid search)", self.name(), run.config.svm_cv),
            features: "TF-IDF".into(),
            tutorial: TUTORIAL,
            genres: &run.genres,
            y_train: y_train.as_slice(),
            y_test: y_test.as_slice(),
            predicted: &predicted,
        }
        .result()?;
        let (path, idf) = (run.layout.path(layout::LINEAR_SVM), run.layout.path(layout::IDF));
        model.save(&path)?;
        write_npy(&idf, &[run.idf.len()], &run.idf)?;
        stages.done(&format!(
            "{} fits; mean per-movie precision {:.4}, recall {:.4}",
            search.n_fits, result.evaluation.mean_precision, result.evaluation.mean_recall
        ));
        let trace = trace(&search, &grid, &run.genres, y_train.as_slice(), &result)?;
        let predictions = super::predictions_of(&run.split.test, &predicted, run.genres.len());
        let mut trained = Trained::new(result, predictions, vec![path, idf]);
        trained.warnings = search.labels.iter().flat_map(|l| l.warnings.clone()).collect();
        trained.trace = Some(trace);
        Ok(trained)
    }

    fn load(&self, layout: &RunLayout) -> Result<Option<Box<dyn Scorer>>> {
        let Some([model, idf, vocabulary]) =
            super::all_present(layout, [layout::LINEAR_SVM, layout::IDF, layout::VOCABULARY])
        else {
            return Ok(None);
        };
        let weights = match read_npy(&idf)?.data {
            NpyData::F64(v) => v,
            _ => return Err(Error::parse(&idf, None, "the IDF weights must be float64")),
        };
        Ok(Some(Box::new(SvmScorer {
            model: SvmModel::load(&model)?,
            counter: counter(Vocabulary::read_json(&vocabulary)?),
            tfidf: TfidfTransformer::from_idf(TfidfParams::default(), weights),
        })))
    }
}

/// How the search went: the C chosen per genre (`chosen_c`), the final fits' SMO steps and
/// support vectors, and the convergence of the most frequent genres' final fits.
fn trace(
    search: &SearchResult,
    grid: &GridConfig,
    genres: &[String],
    y_train: &[u8],
    result: &crate::results::ModelResult,
) -> Result<Trace> {
    let g = genres.len().max(1);
    let fits: Vec<Option<&crate::svm::BinarySvm>> = search
        .labels
        .iter()
        .map(|l| match &l.model {
            LabelModel::Fitted(svm) => Some(svm),
            LabelModel::Constant(_) => None,
        })
        .collect();
    let per_genre = |f: &dyn Fn(usize) -> serde_json::Value| -> serde_json::Value {
        genres.iter().enumerate().map(|(i, name)| (name.clone(), f(i))).collect()
    };
    let mut trace = Trace::default();
    trace.details.push("chosen_c", per_genre(&|i| to_json_or_null(search.labels[i].chosen_c)));
    trace.details.push("grid", to_json("grid", &grid.grid)?);
    trace.details.push(
        "cv_micro_f1",
        per_genre(&|i| {
            serde_json::Value::from(
                search.labels[i].mean_scores.iter().map(|&v| to_json_or_null(Some(v))).collect::<Vec<_>>(),
            )
        }),
    );
    trace.details.push("smo_steps", per_genre(&|i| to_json_or_null(fits[i].map(|s| s.info.n_iter as f64))));
    trace.details.push(
        "support_vectors",
        per_genre(&|i| to_json_or_null(fits[i].map(|s| s.info.support.len() as f64))),
    );
    // The most frequent training genres, charted.
    let mut order: Vec<usize> = (0..genres.len()).filter(|&i| fits[i].is_some()).collect();
    let count = |i: usize| y_train.iter().skip(i).step_by(g).filter(|&&v| v != 0).count();
    order.sort_by_key(|&i| std::cmp::Reverse(count(i)));
    order.truncate(CHARTED_GENRES);
    let curves = |f: &dyn Fn(&crate::svm::smo::Checkpoint, f64) -> f64| -> Vec<Curve> {
        order
            .iter()
            .filter_map(|&i| fits[i].map(|s| (i, s)))
            .map(|(i, s)| {
                let best = s.info.objective;
                let points = s.info.checkpoints.iter().map(|c| (c.step as f64, f(c, best))).collect();
                Curve { name: genres[i].clone(), points }.thinned(CURVE_POINTS)
            })
            .collect()
    };
    trace.charts.push(Chart {
        title: "SMO: distance to the optimum f(α) − f(α*)".into(),
        x: "SMO step".into(),
        y: "f(α) − f(α*)".into(),
        log_y: true,
        curves: curves(&|c, best| c.objective - best),
    });
    trace.charts.push(Chart {
        title: "SMO: largest KKT violation m(α) − M(α)".into(),
        x: "SMO step".into(),
        y: "violation".into(),
        log_y: true,
        curves: curves(&|c, _| c.violation),
    });
    let chosen: Vec<String> =
        search.labels.iter().map(|l| l.chosen_c.map_or("-".into(), |c| format!("{c}"))).collect();
    trace.per_genre.push(("C".into(), chosen));
    trace.per_genre.push((
        "SMO steps".into(),
        fits.iter().map(|s| s.map_or("-".into(), |s| s.info.n_iter.to_string())).collect(),
    ));
    trace.notes.push(format!(
        "C is chosen per genre from {:?} by {}-fold grid search on micro-F1; the curves are the final \
         fits of the {} most frequent genres (f(α*): the objective at the end; the solver stops \
         once the violation falls below {}, and a curve ends where the log scale cannot show 0).",
        grid.grid,
        grid.cv,
        order.len(),
        grid.params.tol
    ));
    let recall = &result.evaluation.per_label.recall;
    if let Some(worst) = (0..genres.len().min(recall.len()))
        .filter(|&i| recall[i].is_finite())
        .min_by(|&a, &b| recall[a].total_cmp(&recall[b]))
    {
        let l = &search.labels[worst];
        let scores: Vec<String> =
            grid.grid.iter().zip(&l.mean_scores).map(|(c, s)| format!("C {c}: {s:.3}")).collect();
        trace.notes.push(format!(
            "Lowest test recall: {} at {:.2}, with C = {} (mean cross-validated micro-F1 per C: {}). \
             For one genre micro-F1 is the accuracy over all movies, which a C that seldom \
             predicts a rare genre can win.",
            genres[worst],
            recall[worst],
            l.chosen_c.map_or("-".into(), |c| format!("{c}")),
            scores.join(", ")
        ));
    }
    Ok(trace)
}

/// A finite number as JSON, else null.
fn to_json_or_null(v: Option<f64>) -> serde_json::Value {
    v.filter(|v| v.is_finite()).map_or(serde_json::Value::Null, serde_json::Value::from)
}

struct SvmScorer {
    model: SvmModel,
    counter: CountVectorizer,
    tfidf: TfidfTransformer,
}

impl Scorer for SvmScorer {
    fn score(&self, movie: &NewMovie, explain: usize) -> Result<Scored> {
        let x = self.tfidf.transform(&self.counter.transform(&[tutorial_clean(&movie.overview)])?)?;
        let d = self.model.ovr.scores(&x)?;
        let predicted: Vec<bool> = d.row(0).iter().map(|&v| v > 0.0).collect();
        let mut scores = ModelScores::new(NAME, "decision value", &self.model.labels, d.row(0), &predicted);
        if x.nnz() == 0 {
            scores.caveat = Some(super::NO_KNOWN_WORD.into());
        }
        if explain > 0 {
            let terms = self.counter.vocabulary().map_or(&[][..], Vocabulary::terms);
            let (cols, weights) = x.row(0);
            scores.explanations = super::explain_all(&self.model.labels, explain, |g| {
                let LabelModel::Fitted(svm) = &self.model.ovr.models()[g] else { return Vec::new() };
                super::pushes(terms, cols, weights, |j| svm.coef.get(j).copied().unwrap_or(0.0))
            });
        }
        Ok(Scored::Scores(scores))
    }
}
