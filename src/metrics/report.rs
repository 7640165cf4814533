//! The text classification report of scikit-learn, today's layout and the 2017 one the
//! tutorial printed.
//!
//! ```text
//!               precision    recall  f1-score   support      ← header: names right-aligned in
//!                                                              `width`, then 4 columns of 9
//!    Adventure       0.43      0.46      0.44        13      ← one row per label
//!    …
//!                                                            ← blank line
//!    micro avg       0.52      0.53      0.52        83      ← today: micro, macro, weighted,
//! weighted avg       …                                         samples (multilabel)
//! ```
//!
//! `width = max(longest name, len("weighted avg") = 12, digits)` today and
//! `max(longest name, len("avg / total") = 11, digits)` in 2017; names are padded by Unicode
//! code points (Python's `len`), numbers with `{:>9.{digits}f}` (round-half-even on the exact
//! binary value, which Rust's formatter matches).

use std::fmt::Write as _;

use super::check_indicators;
use super::prf::{Average, averaged, per_label};
use crate::error::{Error, Result};
use crate::matrix::pairwise_sum;

const HEADERS: [&str; 4] = ["precision", "recall", "f1-score", "support"];

/// `classification_report(y_true, y_pred, target_names=…, digits=…)` of scikit-learn 1.9.1 for
/// label-indicator targets, string-identical. `target_names` must name every label column
/// (scikit-learn raises `ValueError` otherwise; here [`Error::Shape`]).
pub fn classification_report(
    y_true: &[u8],
    y_pred: &[u8],
    n_labels: usize,
    target_names: &[String],
    digits: usize,
) -> Result<String> {
    check_names(y_true, y_pred, n_labels, target_names)?;
    let scores = per_label(y_true, y_pred, n_labels)?;
    let width = column_width(target_names, "weighted avg", digits);
    let mut out = header(width);
    for (k, name) in target_names.iter().enumerate() {
        let (p, r, f) = (scores.precision[k], scores.recall[k], scores.f1[k]);
        row(&mut out, name, [p, r, f], scores.support[k], width, digits);
    }
    out.push('\n');
    let total: usize = scores.support.iter().sum();
    for average in Average::ALL {
        let (p, r, f) = averaged(y_true, y_pred, n_labels, average)?;
        row(&mut out, &format!("{} avg", average.name()), [p, r, f], total, width, digits);
    }
    Ok(out)
}

/// The report as scikit-learn 0.19.1 printed it in the tutorial: the label rows, then one
/// `avg / total` row of support-weighted means (today's `weighted avg`).
///
/// Two 2017 details are kept: F1 is computed as `2·P·R / (P + R)` (0 where TP = 0), which can
/// differ from today's `2·TP / (2·TP + FP + FN)` in the last bit; and with no true labels at
/// all the weighted mean is undefined — 0.19 raised `ZeroDivisionError`, here
/// [`Error::Param`] for `y_true`. A `target_names` length mismatch only warned in 0.19 (rows
/// were truncated by `zip`); here it is [`Error::Shape`] as today.
pub fn classification_report_2017(
    y_true: &[u8],
    y_pred: &[u8],
    n_labels: usize,
    target_names: &[String],
    digits: usize,
) -> Result<String> {
    check_names(y_true, y_pred, n_labels, target_names)?;
    let scores = per_label(y_true, y_pred, n_labels)?;
    let f1_2017: Vec<f64> = (0..n_labels)
        .map(|k| {
            // (1 + β²)·P·R / (β²·P + R), left to right; P = 0 exactly when TP = 0.
            let (p, r) = (scores.precision[k], scores.recall[k]);
            if p == 0.0 { 0.0 } else { 2.0 * p * r / (1.0 * p + r) }
        })
        .collect();
    let weights: Vec<f64> = scores.support.iter().map(|&s| s as f64).collect();
    let scale = pairwise_sum(&weights);
    if scale == 0.0 {
        return Err(Error::param(
            "y_true",
            "no sample has any true label, so the support-weighted 'avg / total' is undefined \
             (scikit-learn 0.19 raised ZeroDivisionError)",
        ));
    }
    let weighted = |v: &[f64]| {
        let products: Vec<f64> = v.iter().zip(&weights).map(|(a, w)| a * w).collect();
        pairwise_sum(&products) / scale
    };
    let width = column_width(target_names, "avg / total", digits);
    let mut out = header(width);
    for (k, name) in target_names.iter().enumerate() {
        let values = [scores.precision[k], scores.recall[k], f1_2017[k]];
        row(&mut out, name, values, scores.support[k], width, digits);
    }
    out.push('\n');
    let averages = [weighted(&scores.precision), weighted(&scores.recall), weighted(&f1_2017)];
    row(&mut out, "avg / total", averages, scores.support.iter().sum(), width, digits);
    Ok(out)
}

fn check_names(y_true: &[u8], y_pred: &[u8], n_labels: usize, target_names: &[String]) -> Result<()> {
    check_indicators(y_true, y_pred, n_labels)?;
    if target_names.len() != n_labels {
        return Err(Error::Shape(format!(
            "Number of classes, {n_labels}, does not match size of target_names, {}",
            target_names.len()
        )));
    }
    Ok(())
}

/// `max(longest name, len(last heading), digits)`, lengths in code points.
fn column_width(names: &[String], last_heading: &str, digits: usize) -> usize {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    longest.max(last_heading.len()).max(digits)
}

/// `"{:>{width}s} " + " {:>9}" * 4`, then a blank line.
fn header(width: usize) -> String {
    let mut out = format!("{:>width$} ", "");
    for h in HEADERS {
        let _ = write!(out, " {h:>9}");
    }
    out.push_str("\n\n");
    out
}

/// `"{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"`.
fn row(out: &mut String, name: &str, values: [f64; 3], support: usize, width: usize, digits: usize) {
    let _ = write!(out, "{name:>width$} ");
    for v in values {
        let _ = write!(out, " {v:>9.digits$}");
    }
    let _ = writeln!(out, " {support:>9}");
}
