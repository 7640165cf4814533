//! Everything the tutorial reports about one model's test predictions, in one value: the
//! per-genre scores, the four averages, the classification report text and the per-movie means.

use std::fmt;

use serde::Serialize;

use super::{Average, LabelScores, averaged, classification_report, per_label, per_movie};
use crate::error::{Error, Result};

/// One averaged (precision, recall, F1) triple.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AveragedScores {
    /// `"micro"`, `"macro"`, `"weighted"` or `"samples"`.
    pub average: &'static str,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The evaluation of `y_pred` against `y_true` (0/1 indicator rows, one column per genre name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub genres: Vec<String>,
    pub per_label: LabelScores,
    /// Micro, macro, weighted and samples averages, in that order.
    pub averages: Vec<AveragedScores>,
    /// scikit-learn's `classification_report` text.
    pub report: String,
    /// The tutorial's mean per-movie precision and recall.
    pub mean_precision: f64,
    pub mean_recall: f64,
}

impl Evaluation {
    /// Evaluate; `genres` names the label columns (its length is the number of columns) and
    /// `digits` sets the report's decimals.
    pub fn new(y_true: &[u8], y_pred: &[u8], genres: &[String], digits: usize) -> Result<Self> {
        let n_labels = genres.len();
        if n_labels == 0 {
            return Err(Error::Shape("an evaluation needs at least one genre name".into()));
        }
        let mut averages = Vec::with_capacity(Average::ALL.len());
        for average in Average::ALL {
            let (precision, recall, f1) = averaged(y_true, y_pred, n_labels, average)?;
            averages.push(AveragedScores { average: average.name(), precision, recall, f1 });
        }
        let movies = per_movie(y_true, y_pred, n_labels)?;
        Ok(Evaluation {
            genres: genres.to_vec(),
            per_label: per_label(y_true, y_pred, n_labels)?,
            averages,
            report: classification_report(y_true, y_pred, n_labels, genres, digits)?,
            mean_precision: movies.mean_precision(),
            mean_recall: movies.mean_recall(),
        })
    }
}

impl Evaluation {
    /// The mean per-movie F1 (scikit-learn's `average="samples"`): one number to rank models
    /// and baselines by.
    pub fn samples_f1(&self) -> f64 {
        self.averages.iter().find(|a| a.average == "samples").map_or(0.0, |a| a.f1)
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.report)?;
        writeln!(f, "\nmean per-movie precision {:.4}  recall {:.4}", self.mean_precision, self.mean_recall)
    }
}
