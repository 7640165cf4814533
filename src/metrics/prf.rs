//! Precision, recall, F1 and support: scikit-learn's `precision_recall_fscore_support` for
//! label-indicator targets, per label (`average=None`) and averaged.

use serde::Serialize;

use super::{check_indicators, numpy_mean, ratio};
use crate::error::Result;
use crate::matrix::pairwise_sum;

/// Per-label scores, one entry per label column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScores {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub f1: Vec<f64>,
    /// Number of true instances of each label.
    pub support: Vec<usize>,
}

/// How per-label (or per-sample) scores are combined into one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// Pool the counts of all labels, then compute the ratios once.
    Micro,
    /// Unweighted mean over labels.
    Macro,
    /// Mean over labels weighted by support.
    Weighted,
    /// Compute the scores per sample, then take the mean over samples.
    Samples,
}

impl Average {
    /// All four, in the order of the classification report's rows.
    pub const ALL: [Average; 4] = [Average::Micro, Average::Macro, Average::Weighted, Average::Samples];

    /// scikit-learn's name (`"micro"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Average::Micro => "micro",
            Average::Macro => "macro",
            Average::Weighted => "weighted",
            Average::Samples => "samples",
        }
    }
}

/// True positives, predicted positives and true positives+false negatives of one group
/// (a label, a sample, or everything pooled).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    tp: usize,
    pred: usize,
    truth: usize,
}

impl Counts {
    fn add(&mut self, t: u8, p: u8) {
        self.tp += usize::from(t & p);
        self.pred += usize::from(p);
        self.truth += usize::from(t);
    }

    /// (precision, recall, F1) with scikit-learn's operation order: F1 = (1+β²)·TP / (β²·true + pred).
    fn scores(self) -> (f64, f64, f64) {
        let (tp, pred, truth) = (self.tp as f64, self.pred as f64, self.truth as f64);
        (ratio(tp, pred), ratio(tp, truth), ratio(2.0 * tp, 1.0 * truth + pred))
    }
}

/// Counts per label column.
fn label_counts(y_true: &[u8], y_pred: &[u8], n_labels: usize) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); n_labels];
    for (t_row, p_row) in y_true.chunks_exact(n_labels).zip(y_pred.chunks_exact(n_labels)) {
        for ((c, &t), &p) in counts.iter_mut().zip(t_row).zip(p_row) {
            c.add(t, p);
        }
    }
    counts
}

/// `precision_recall_fscore_support(y_true, y_pred, average=None)`: scores of every label.
pub fn per_label(y_true: &[u8], y_pred: &[u8], n_labels: usize) -> Result<LabelScores> {
    check_indicators(y_true, y_pred, n_labels)?;
    let counts = label_counts(y_true, y_pred, n_labels);
    let mut out = LabelScores {
        precision: Vec::with_capacity(n_labels),
        recall: Vec::with_capacity(n_labels),
        f1: Vec::with_capacity(n_labels),
        support: Vec::with_capacity(n_labels),
    };
    for c in counts {
        let (p, r, f) = c.scores();
        out.precision.push(p);
        out.recall.push(r);
        out.f1.push(f);
        out.support.push(c.truth);
    }
    Ok(out)
}

/// `precision_recall_fscore_support(y_true, y_pred, average=…)[:3]`: averaged
/// (precision, recall, F1). With no samples, `Samples` gives NaN (as scikit-learn does).
pub fn averaged(y_true: &[u8], y_pred: &[u8], n_labels: usize, average: Average) -> Result<(f64, f64, f64)> {
    let n_samples = check_indicators(y_true, y_pred, n_labels)?;
    Ok(match average {
        Average::Micro => {
            let mut total = Counts::default();
            for c in label_counts(y_true, y_pred, n_labels) {
                total.tp += c.tp;
                total.pred += c.pred;
                total.truth += c.truth;
            }
            total.scores()
        }
        Average::Macro => {
            let s = per_label(y_true, y_pred, n_labels)?;
            (numpy_mean(&s.precision), numpy_mean(&s.recall), numpy_mean(&s.f1))
        }
        Average::Weighted => {
            let s = per_label(y_true, y_pred, n_labels)?;
            let weights: Vec<f64> = s.support.iter().map(|&w| w as f64).collect();
            let scale = pairwise_sum(&weights);
            if scale == 0.0 {
                // np.average raises ZeroDivisionError; scikit-learn then falls back to the mean.
                (numpy_mean(&s.precision), numpy_mean(&s.recall), numpy_mean(&s.f1))
            } else {
                let weighted = |v: &[f64]| {
                    let products: Vec<f64> = v.iter().zip(&weights).map(|(a, w)| a * w).collect();
                    pairwise_sum(&products) / scale
                };
                (weighted(&s.precision), weighted(&s.recall), weighted(&s.f1))
            }
        }
        Average::Samples => {
            let (mut p, mut r, mut f) = (Vec::new(), Vec::new(), Vec::new());
            for (t_row, p_row) in y_true.chunks_exact(n_labels).zip(y_pred.chunks_exact(n_labels)) {
                let mut c = Counts::default();
                for (&t, &q) in t_row.iter().zip(p_row) {
                    c.add(t, q);
                }
                let (ps, rs, fs) = c.scores();
                p.push(ps);
                r.push(rs);
                f.push(fs);
            }
            debug_assert_eq!(p.len(), n_samples);
            (numpy_mean(&p), numpy_mean(&r), numpy_mean(&f))
        }
    })
}
