//! `train nb|mlp`, `predict` and `evaluate`: the tutorial's text pipeline end to end against
//! scikit-learn, the feature formats `predict` reads, and the inputs and flags they refuse.

use std::collections::BTreeMap;

use cinegenre::io::{read_mtx, write_npy};

use crate::common::fixtures::{self, npy_f64, npy_u8};
use crate::{Scratch, small_movies};

/// scikit-learn's vocabulary (column order) for the tutorial's overviews, min_df 0.005,
/// max_df 0.95, and the number of non-zero counts.
fn sklearn_tutorial_features() -> (Vec<String>, usize) {
    let fixture = fixtures::load("text/real_tmdb.json.gz");
    let vocabulary = serde_json::from_value(fixture["vocabulary"].clone()).unwrap();
    (vocabulary, fixture["counts"].as_array().unwrap().len())
}
/// The `micro avg` figures a report should print for these predictions, as the report formats them.
fn micro_average_text(truth: &[u8], pred: &[u8]) -> Vec<String> {
    let count = |want_t: u8, want_p: u8| {
        truth.iter().zip(pred).filter(|&(&t, &p)| t == want_t && p == want_p).count() as f64
    };
    let (tp, fp, fn_) = (count(1, 1), count(0, 1), count(1, 0));
    let (precision, recall) = (tp / (tp + fp), tp / (tp + fn_));
    let f1 = 2.0 * precision * recall / (precision + recall);
    vec![format!("{precision:.2}"), format!("{recall:.2}"), format!("{f1:.2}"), format!("{}", tp + fn_)]
}

#[test]
fn end_to_end_on_the_tutorial_movies() {
    let s = Scratch::new("e2e");
    s.ok(&["dataset", "--bundled", "tutorial", "--out", "movies.jsonl"]);
    assert_eq!(s.read("movies.jsonl").lines().count(), 1559);

    let stdout = s.ok(&["labels", "--data", "movies.jsonl", "--out", "Y.npy"]);
    assert!(s.path("Y.npy").exists() && s.path("Y.genres.json").exists(), "{:?}", s.entries());
    let columns = stdout.split("(columns: ").nth(1).and_then(|rest| rest.trim_end().strip_suffix(')'));
    let columns: Vec<&str> =
        columns.unwrap_or_else(|| panic!("no column list in {stdout:?}")).split(", ").collect();
    assert_eq!(columns.len(), 20, "{columns:?}");
    let sidecar: BTreeMap<String, String> = serde_json::from_str(&s.read("Y.genres.json")).unwrap();
    assert_eq!(sidecar.len(), 20);
    assert_eq!(sidecar["878"], "Science Fiction");

    s.ok(&[
        "vectorize",
        "--input",
        "movies.jsonl",
        "--min-df",
        "0.005",
        "--max-df",
        "0.95",
        "--out",
        "X.mtx",
        "--vocab",
        "vocab.json",
    ]);
    let (sklearn_vocabulary, sklearn_nnz) = sklearn_tutorial_features();
    let mtx = s.read("X.mtx");
    let size_line = mtx.lines().find(|l| !l.starts_with('%')).unwrap();
    assert_eq!(size_line, format!("1559 {} {sklearn_nnz}", sklearn_vocabulary.len()));
    assert_eq!(sklearn_vocabulary.len(), 1344);
    let vocab: BTreeMap<String, usize> = serde_json::from_str(&s.read("vocab.json")).unwrap();
    let mut by_column: Vec<(usize, String)> = vocab.into_iter().map(|(term, j)| (j, term)).collect();
    by_column.sort();
    let terms: Vec<String> = by_column.into_iter().map(|(_, term)| term).collect();
    assert_eq!(terms, sklearn_vocabulary);

    let stdout = s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"]);
    assert!(stdout.contains("1559 rows × 1344 features, 20 labels"), "{stdout}");
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "P.npy"]);
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "S.npy", "--proba"]);
    let (p_shape, p) = npy_u8(&s.path("P.npy"));
    let (s_shape, scores) = npy_f64(&s.path("S.npy"));
    assert_eq!((p_shape, s_shape), (vec![1559, 20], vec![1559, 20]));
    assert!(p.iter().all(|&v| v <= 1));
    assert!(scores.iter().all(|v| (0.0..=1.0).contains(v)));
    let disagree: Vec<(usize, u8, f64)> =
        (0..p.len()).filter(|&i| p[i] != u8::from(scores[i] > 0.5)).map(|i| (i, p[i], scores[i])).collect();
    assert!(
        disagree.is_empty(),
        "P != (S > 0.5) at {} entries, first (index, P, S): {:?}",
        disagree.len(),
        &disagree[..disagree.len().min(5)]
    );
    assert!(p.contains(&1) && p.contains(&0), "P should hold both 0s and 1s");

    let report = s.ok(&["evaluate", "--y-true", "Y.npy", "--y-pred", "P.npy"]);
    for piece in ["precision    recall  f1-score   support", "Science Fiction", "TV Movie", "samples avg"] {
        assert!(report.contains(piece), "report lacks {piece:?}:\n{report}");
    }
    let (_, truth) = npy_u8(&s.path("Y.npy"));
    let micro = report.lines().find(|l| l.trim_start().starts_with("micro avg")).unwrap();
    let got: Vec<&str> = micro.split_whitespace().skip(2).collect();
    assert_eq!(got, micro_average_text(&truth, &p), "micro avg line: {micro:?}");
}

#[test]
fn train_rejects_x_and_y_of_different_movies() {
    let s = Scratch::new("rows");
    s.write("five.jsonl", small_movies(5));
    s.write("four.jsonl", small_movies(4));
    s.ok(&["vectorize", "--input", "five.jsonl", "--out", "X5.mtx"]);
    s.ok(&["labels", "--data", "four.jsonl", "--out", "Y4.npy"]);
    s.fails(
        &["train", "nb", "--x", "X5.mtx", "--y", "Y4.npy", "--out", "nb.safetensors"],
        "nb.safetensors",
        &["X5.mtx", "Y4.npy", "5 rows", "has 4"],
    );
}

#[test]
fn predict_rejects_files_that_are_not_a_matching_model() {
    let s = Scratch::new("model");
    s.write("movies.jsonl", small_movies(6));
    s.write("other.txt", "alpha beta gamma\nalpha beta\n");
    s.ok(&["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"]);
    s.ok(&["vectorize", "--input", "other.txt", "--out", "other.mtx"]);
    s.ok(&["labels", "--data", "movies.jsonl", "--out", "Y.npy"]);
    s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"]);
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "P.npy"]);
    std::fs::remove_file(s.path("P.npy")).unwrap();

    let weights: Vec<u8> = [0.5f64, -1.0, 2.0, 0.0].iter().flat_map(|x| x.to_le_bytes()).collect();
    let view = safetensors::tensor::TensorView::new(safetensors::Dtype::F64, vec![2, 2], &weights).unwrap();
    let metadata = [("format".to_string(), "pt".to_string())].into_iter().collect();
    s.write("foreign.safetensors", safetensors::serialize([("weight", view)], Some(metadata)).unwrap());
    let args = |model| ["predict", "--model", model, "--x", "X.mtx", "--out", "P.npy"];
    s.fails(
        &args("foreign.safetensors"),
        "P.npy",
        &["foreign.safetensors", "not a cinegenre model", "cinegenre.kind"],
    );
    s.fails(&args("Y.npy"), "P.npy", &["Y.npy", "not a cinegenre model", "numpy .npy array"]);
    let x_cols =
        s.read("X.mtx").lines().find(|l| !l.starts_with('%')).unwrap().split(' ').nth(1).unwrap().to_string();
    s.fails(
        &["predict", "--model", "nb.safetensors", "--x", "other.mtx", "--out", "P.npy"],
        "P.npy",
        &["nb.safetensors", "other.mtx", "3 feature columns", &format!("trained on {x_cols}")],
    );
}

#[test]
fn evaluate_rejects_predictions_of_another_shape() {
    let s = Scratch::new("evaluate");
    s.write("movies.jsonl", small_movies(6));
    s.ok(&["labels", "--data", "movies.jsonl", "--out", "Y.npy"]);
    let (shape, truth) = npy_u8(&s.path("Y.npy"));
    let (n, k) = (shape[0], shape[1]);
    assert_eq!((n, k), (6, 4));
    // Same number of entries, transposed: must not be read as (n, k).
    let transposed: Vec<u8> = (0..k * n).map(|i| truth[(i % n) * k + i / n]).collect();
    write_npy(&s.path("T.npy"), &[k, n], &transposed).unwrap();
    write_npy(&s.path("short.npy"), &[n - 1, k], &truth[..(n - 1) * k]).unwrap();
    for (file, got) in [("T.npy", "shape (4, 6)"), ("short.npy", "shape (5, 4)")] {
        s.fails(&["evaluate", "--y-true", "Y.npy", "--y-pred", file], "none", &[file, got, "(6, 4)"]);
    }
}

#[test]
fn predict_reads_npy_counts_for_naive_bayes_and_mtx_features_for_an_mlp() {
    let s = Scratch::new("predict-formats");
    s.write("movies.jsonl", small_movies(12));
    s.ok(&["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"]);
    s.ok(&["labels", "--input", "movies.jsonl", "--out", "Y.npy"]);
    let x = read_mtx(&s.path("X.mtx")).unwrap();
    write_npy(&s.path("X.npy"), &[x.n_rows(), x.n_cols()], &x.to_dense()).unwrap();
    // The same features, sparse and dense, give the same scores bit for bit.
    s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"]);
    let mlp = ["--layers", "8", "--epochs", "3", "--batch", "4", "--device", "cpu"];
    s.ok(&[&["train", "mlp", "--x", "X.npy", "--y", "Y.npy", "--out", "mlp.safetensors"][..], &mlp].concat());
    for model in ["nb.safetensors", "mlp.safetensors"] {
        let predict = |x: &str, out: &str| {
            s.ok(&["predict", "--model", model, "--x", x, "--out", out, "--proba", "--device", "cpu"]);
            npy_f64(&s.path(out))
        };
        let (from_mtx, from_npy) = (predict("X.mtx", "S_mtx.npy"), predict("X.npy", "S_npy.npy"));
        assert_eq!(from_mtx.0, [12, 4], "{model}");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&from_mtx.1), bits(&from_npy.1), "{model}: .mtx and .npy scores differ");
        assert!(from_mtx.1.iter().all(|p| (0.0..=1.0).contains(p)), "{model}: {:?}", from_mtx.1);
    }
}

#[test]
fn evaluate_and_train_mlp_refuse_out_of_range_numbers_before_any_work() {
    let s = Scratch::new("numeric-flags");
    s.write("movies.jsonl", small_movies(6));
    s.ok(&["labels", "--input", "movies.jsonl", "--out", "Y.npy"]);
    s.ok(&["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"]);
    let mlp = |flag: &'static str, value: &'static str| {
        ["train", "mlp", "--x", "X.mtx", "--y", "Y.npy", "--out", "m.safetensors", flag, value]
    };
    s.refuses(&[
        (
            &["evaluate", "--y-true", "Y.npy", "--y-pred", "Y.npy", "--digits", "65536"],
            &["--digits", "65536"],
        ),
        (&mlp("--layers", "1000000000"), &["--layers", "1000000000"]),
        (&mlp("--layers", "0"), &["--layers", "0"]),
        (&mlp("--lr", "NaN"), &["--lr", "NaN"]),
        (&mlp("--lr", "-1"), &["--lr", "-1"]),
        (&mlp("--lr", "1e308"), &["--lr"]),
        (&mlp("--lr", "0"), &["--lr", "0"]),
        (&mlp("--batch", "0"), &["--batch", "0"]),
        (&mlp("--epochs", "1000000"), &["--epochs", "1000000"]),
        (&mlp("--decay", "inf"), &["--decay"]),
        (&mlp("--decay", "-1"), &["--decay", "-1"]),
        (&mlp("--validation-split", "1.5"), &["--validation-split", "1.5"]),
        (&mlp("--patience", "0"), &["--patience", "0"]),
        (
            &["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors", "--alpha", "-1"],
            &["--alpha", "-1"],
        ),
    ]);
}
