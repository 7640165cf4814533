//! Naive Bayes in the run: one-vs-rest multinomial naive Bayes on the overviews' raw counts
//! (tutorial section 5, `OneVsRestClassifier(MultinomialNB())`), predicting each genre whose
//! probability exceeds 0.5.
//!
//! Explanation of a new movie's score for genre g: naive Bayes' log-odds are a sum over the
//! overview's words,
//!
//! ```text
//! log P(g | x) − log P(¬g | x) = log P(g)/P(¬g) + Σ_w x_w · (log θ_{g,w} − log θ_{¬g,w})
//! ```
//! so a word's push is its count times its log-likelihood ratio.

use crate::bayes::{BinaryNb, NbModel, NbParams};
use crate::dataset::tutorial_clean;
use crate::error::Result;
use crate::layout::{self, RunLayout};
use crate::ovr::{LabelModel, OneVsRest};
use crate::progress::Stages;
use crate::text::{CountVectorizer, CountVectorizerParams, Vocabulary};

use super::{ModelScores, NewMovie, RunData, RunModel, Scored, Scorer, Scoring, Trained};

/// The name people read.
const NAME: &str = "naive Bayes";

/// What the tutorial printed: mean per-movie (precision, recall).
pub const TUTORIAL: (f64, f64) = (0.4889, 0.5496);

/// The registry entry.
pub struct NaiveBayes;

impl RunModel for NaiveBayes {
    fn key(&self) -> &'static str {
        "naive_bayes"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn train(&self, run: &RunData, stages: &mut Stages) -> Result<Trained> {
        stages.start(self.key(), "Training one-vs-rest multinomial naive Bayes on counts");
        let (x_train, x_test) =
            (run.counts.select_rows(&run.split.train), run.counts.select_rows(&run.split.test));
        let (y_train, y_test) = run.split_labels();
        let params = NbParams { alpha: run.config.alpha, fit_prior: true };
        let ovr = OneVsRest::<BinaryNb>::fit(&params, &x_train, y_train.as_slice(), y_train.n_cols())?;
        let predicted = ovr.predict(&x_test)?;
        let result = Scoring {
            key: self.key(),
            name: self.name().into(),
            features: "counts".into(),
            tutorial: TUTORIAL,
            genres: &run.genres,
            y_train: y_train.as_slice(),
            y_test: y_test.as_slice(),
            predicted: &predicted,
        }
        .result()?;
        let path = run.layout.path(layout::NAIVE_BAYES);
        let model = NbModel {
            ovr,
            params,
            n_features: run.counts.n_cols(),
            labels: run.genres.clone(),
            vocabulary: Some(layout::VOCABULARY.into()),
        };
        model.save(&path)?;
        stages.done(&format!(
            "mean per-movie precision {:.4}, recall {:.4}",
            result.evaluation.mean_precision, result.evaluation.mean_recall
        ));
        let predictions = super::predictions_of(&run.split.test, &predicted, run.genres.len());
        Ok(Trained::new(result, predictions, vec![path]))
    }

    fn load(&self, layout: &RunLayout) -> Result<Option<Box<dyn Scorer>>> {
        let Some([model, vocabulary]) = super::all_present(layout, [layout::NAIVE_BAYES, layout::VOCABULARY])
        else {
            return Ok(None);
        };
        let vocabulary = Vocabulary::read_json(&vocabulary)?;
        Ok(Some(Box::new(NbScorer { model: NbModel::load(&model)?, counter: counter(vocabulary) })))
    }
}

/// The run's count vectorizer, rebuilt from its vocabulary.
pub fn counter(vocabulary: Vocabulary) -> CountVectorizer {
    CountVectorizer::from_vocabulary(
        CountVectorizerParams { lowercase: true, ..Default::default() },
        vocabulary,
    )
}

struct NbScorer {
    model: NbModel,
    counter: CountVectorizer,
}

impl Scorer for NbScorer {
    fn score(&self, movie: &NewMovie, explain: usize) -> Result<Scored> {
        let x = self.counter.transform(&[tutorial_clean(&movie.overview)])?;
        let p = self.model.ovr.scores(&x)?;
        let predicted: Vec<bool> = p.row(0).iter().map(|&v| v > 0.5).collect();
        let mut scores = ModelScores::new(NAME, "probability", &self.model.labels, p.row(0), &predicted);
        if x.nnz() == 0 {
            scores.caveat = Some(super::NO_KNOWN_WORD.into());
        }
        if explain > 0 {
            let terms = self.counter.vocabulary().map_or(&[][..], Vocabulary::terms);
            let (cols, counts) = x.row(0);
            scores.explanations = super::explain_all(&self.model.labels, explain, |g| {
                let LabelModel::Fitted(BinaryNb(nb)) = &self.model.ovr.models()[g] else { return Vec::new() };
                let (absent, present) = (nb.feature_log_prob().row(0), nb.feature_log_prob().row(1));
                super::pushes(terms, cols, counts, |j| present[j] - absent[j])
            });
        }
        Ok(Scored::Scores(scores))
    }
}
