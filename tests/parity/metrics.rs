//! Multilabel metrics against scikit-learn 1.9.1 on numpy 2.4.6 (fixtures/metrics, written by
//! tools/gen_metrics.py).
//!
//! Tolerance: none. cinegenre performs the same floating-point operations in the same order as
//! scikit-learn (integer counts, one division per ratio, numpy's pairwise sums for means), so
//! every float is compared bit for bit, counts exactly and report strings character for
//! character.

use cinegenre::Error;
use cinegenre::metrics::{
    Average, averaged, classification_report, classification_report_2017, per_label, per_movie, top_k,
    top_k_indicator,
};
use serde_json::Value;

use crate::fixtures::{assert_bits_eq, float, floats, indicator, load as load_json, string, usizes};

struct Case {
    name: String,
    y_true: Vec<u8>,
    y_pred: Vec<u8>,
    n_labels: usize,
    names: Vec<String>,
    json: Value,
}

fn cases() -> Vec<Case> {
    let json = load_json("metrics/metrics.json");
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let (y_true, n_labels) = indicator(&c["y_true"]);
            let (y_pred, _) = indicator(&c["y_pred"]);
            let names = c["target_names"].as_array().unwrap().iter().map(string).collect();
            Case { name: string(&c["name"]), y_true, y_pred, n_labels, names, json: c.clone() }
        })
        .collect()
}

#[test]
fn per_label_scores_match_sklearn() {
    for c in cases() {
        let got = per_label(&c.y_true, &c.y_pred, c.n_labels).unwrap();
        let want = &c.json["per_label"];
        assert_bits_eq(&format!("{} precision", c.name), &got.precision, &floats(&want["precision"]));
        assert_bits_eq(&format!("{} recall", c.name), &got.recall, &floats(&want["recall"]));
        assert_bits_eq(&format!("{} f1", c.name), &got.f1, &floats(&want["f1"]));
        assert_eq!(got.support, usizes(&want["support"]), "{} support", c.name);
    }
}

#[test]
fn averages_match_sklearn() {
    for c in cases() {
        for average in Average::ALL {
            let (p, r, f) = averaged(&c.y_true, &c.y_pred, c.n_labels, average).unwrap();
            let want = floats(&c.json["averages"][average.name()]);
            assert_bits_eq(&format!("{} {} average (p, r, f1)", c.name, average.name()), &[p, r, f], &want);
        }
    }
}

#[test]
fn classification_reports_are_string_identical() {
    for c in cases() {
        for report in c.json["reports"].as_array().unwrap() {
            let digits = report["digits"].as_u64().unwrap() as usize;
            let got = classification_report(&c.y_true, &c.y_pred, c.n_labels, &c.names, digits).unwrap();
            assert_eq!(got, string(&report["text"]), "{} digits={digits}", c.name);
        }
    }
}

#[test]
fn classification_reports_2017_match_the_transcribed_0_19_layout() {
    for c in cases() {
        match c.json.get("reports_2017") {
            Some(reports) => {
                for report in reports.as_array().unwrap() {
                    let digits = report["digits"].as_u64().unwrap() as usize;
                    let got = classification_report_2017(&c.y_true, &c.y_pred, c.n_labels, &c.names, digits)
                        .unwrap();
                    assert_eq!(got, string(&report["text"]), "{} digits={digits}", c.name);
                }
            }
            None => {
                // No true label at all: 0.19's np.average raised ZeroDivisionError.
                let got = classification_report_2017(&c.y_true, &c.y_pred, c.n_labels, &c.names, 2);
                assert!(matches!(got, Err(Error::Param { .. })), "{}: {got:?}", c.name);
            }
        }
    }
}

#[test]
fn report_rejects_wrong_number_of_target_names() {
    let c = &cases()[0];
    let short = &c.names[..c.n_labels - 1];
    let got = classification_report(&c.y_true, &c.y_pred, c.n_labels, short, 2);
    assert!(matches!(got, Err(Error::Shape(ref m)) if m.contains("target_names")), "{got:?}");
}

#[test]
fn per_movie_matches_the_tutorial_function() {
    for c in cases() {
        let got = per_movie(&c.y_true, &c.y_pred, c.n_labels).unwrap();
        let want = &c.json["per_movie"];
        assert_bits_eq(&format!("{} precision", c.name), &got.precision, &floats(&want["precision"]));
        assert_bits_eq(&format!("{} recall", c.name), &got.recall, &floats(&want["recall"]));
        let means = [got.mean_precision(), got.mean_recall()];
        let want_means = [float(&want["mean_precision"]), float(&want["mean_recall"])];
        assert_bits_eq(&format!("{} means", c.name), &means, &want_means);
    }
}

#[test]
fn top_k_matches_stable_argsort() {
    let json = load_json("metrics/metrics.json");
    let top = &json["top_k"];
    let rows: Vec<Vec<f64>> = top["scores"].as_array().unwrap().iter().map(floats).collect();
    let n_labels = rows[0].len();
    let flat: Vec<f64> = rows.concat();
    for case in top["cases"].as_array().unwrap() {
        let k = case["k"].as_u64().unwrap() as usize;
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(top_k(row, k), usizes(&case["top"][i]), "row {i}, k={k}: {row:?}");
        }
        let (want, _) = indicator(&case["indicator"]);
        assert_eq!(top_k_indicator(&flat, n_labels, k).unwrap(), want, "indicator, k={k}");
    }
    // The tutorial's MLP evaluation: top-3 predictions, then per-movie precision/recall.
    let t = &top["top3_per_movie"];
    let (y_true, _) = indicator(&t["y_true"]);
    let y_pred = top_k_indicator(&flat, n_labels, 3).unwrap();
    let pm = per_movie(&y_true, &y_pred, n_labels).unwrap();
    let got = [pm.mean_precision(), pm.mean_recall()];
    assert_bits_eq("top-3 per-movie means", &got, &[float(&t["mean_precision"]), float(&t["mean_recall"])]);
}

#[test]
fn evaluation_bundles_the_same_numbers() {
    use cinegenre::metrics::Evaluation;
    for c in cases() {
        let want_report = &c.json["reports"][0];
        let digits = want_report["digits"].as_u64().unwrap() as usize;
        let e = Evaluation::new(&c.y_true, &c.y_pred, &c.names, digits).unwrap();
        assert_eq!(e.report, string(&want_report["text"]), "{}", c.name);
        for a in &e.averages {
            let want = floats(&c.json["averages"][a.average]);
            assert_bits_eq(&format!("{} {}", c.name, a.average), &[a.precision, a.recall, a.f1], &want);
        }
        let pm = &c.json["per_movie"];
        let want = [float(&pm["mean_precision"]), float(&pm["mean_recall"])];
        assert_bits_eq(&format!("{} means", c.name), &[e.mean_precision, e.mean_recall], &want);
        assert!(e.to_string().starts_with(&e.report));
    }
}
