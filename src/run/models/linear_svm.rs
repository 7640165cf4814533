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
use crate::svm::{GridConfig, SvmModel};
use crate::text::{CountVectorizer, TfidfParams, TfidfTransformer, Vocabulary};

use super::naive_bayes::counter;
use super::{BranchSummary, ModelScores, NewMovie, RunData, RunModel, Scored, Scorer, Scoring, Trained};

/// What the tutorial printed: mean per-movie (precision, recall).
pub const TUTORIAL: (f64, f64) = (0.3309, 0.5710);

/// The registry entry.
pub struct LinearSvm;

impl RunModel for LinearSvm {
    fn key(&self) -> &'static str {
        "linear_svm"
    }

    fn name(&self) -> &'static str {
        "linear SVM"
    }

    fn enabled(&self, config: &super::RunConfig) -> bool {
        config.svm
    }

    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained> {
        stages.start(self.key(), "Grid-searching one-vs-rest linear SVMs on TF-IDF (C ∈ 0.01, 0.1, 1)");
        let (x_train, x_test) =
            (run.tfidf.select_rows(&run.split.train), run.tfidf.select_rows(&run.split.test));
        let (y_train, y_test) = run.split_labels();
        let grid = GridConfig { cv: run.config.svm_cv, quiet: !stages.shown(), ..GridConfig::default() };
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
        Ok(Trained {
            predictions: super::predictions_of(&run.split.test, &predicted, run.genres.len()),
            result,
            outputs: vec![path, idf],
            warnings: search.labels.iter().flat_map(|l| l.warnings.clone()).collect(),
            inputs: Vec::new(),
            devices: Vec::new(),
            summary: BranchSummary::None,
        })
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
        let mut scores =
            ModelScores::new("linear SVM", "decision value", &self.model.labels, d.row(0), &predicted);
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
