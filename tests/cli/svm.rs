//! `train svm` and `predict` with an SVM model: the grid search, both solvers, the constant
//! label, and the parameters and features it refuses.

use crate::common::fixtures::{npy_f64, npy_u8};
use crate::{Scratch, small_movies};

/// TF-IDF features and labels of `n` small movies in the scratch folder: X.mtx, Y.npy.
fn svm_inputs(s: &Scratch, n: usize) {
    s.write("movies.jsonl", small_movies(n));
    s.ok(&["vectorize", "--input", "movies.jsonl", "--tfidf", "--out", "X.mtx"]);
    s.ok(&["labels", "--data", "movies.jsonl", "--out", "Y.npy"]);
}

#[test]
fn svm_trains_by_grid_search_and_predicts_decision_values_or_labels() {
    let s = Scratch::new("svm");
    svm_inputs(&s, 40);
    let stdout = s.ok(&[
        "train",
        "svm",
        "--x",
        "X.mtx",
        "--y",
        "Y.npy",
        "--c",
        "0.01,0.1,1",
        "--cv",
        "3",
        "--out",
        "svm.safetensors",
    ]);
    assert!(stdout.contains("mean CV micro-F1") && stdout.contains("4 labels, 40 fits"), "{stdout}");
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "D.npy"]);
    let (shape, decision) = npy_f64(&s.path("D.npy"));
    assert_eq!(shape, vec![40, 4]);
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "P.npy", "--labels"]);
    let (_, predicted) = npy_u8(&s.path("P.npy"));
    let from_decision: Vec<u8> = decision.iter().map(|&d| u8::from(d > 0.0)).collect();
    assert_eq!(predicted, from_decision);
    let report = s.ok(&["evaluate", "--y-true", "Y.npy", "--y-pred", "P.npy"]);
    assert!(report.contains("micro avg"), "{report}");
    // The second solver writes a model `predict` reads the same way.
    s.ok(&[
        "train",
        "svm",
        "--x",
        "X.mtx",
        "--y",
        "Y.npy",
        "--solver",
        "dcd",
        "--cv",
        "3",
        "--out",
        "dcd.safetensors",
    ]);
    s.ok(&["predict", "--model", "dcd.safetensors", "--x", "X.mtx", "--out", "D2.npy"]);
}

#[test]
fn svm_rejects_bad_parameters_and_features() {
    let s = Scratch::new("svm-bad");
    svm_inputs(&s, 12);
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "svm", "--x", "X.mtx", "--y", "Y.npy", "--out", "svm.safetensors"];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str], expected: &[&str]| {
        let args = train(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        s.fails(&refs, "svm.safetensors", expected);
    };
    run(&["--c=0.1,0"], &["--c", "must be a finite number > 0", "got 0"]);
    run(&["--c="], &["--c"]);
    run(&["--cv", "1"], &["--cv", "1 is not in 2..=20"]);
    run(&["--cv", "13"], &["n_splits=13", "n_samples=12"]);
    run(&["--cv", "7"], &["n_splits=7 cannot be greater than the number of members in each class"]);
    run(&["--class-weight", "heavy"], &["heavy"]);
    run(&["--solver", "newton"], &["newton"]);
    // NaN and infinite features are named by row and column.
    s.write("nan.mtx", "%%MatrixMarket matrix coordinate real general\n12 3 2\n1 1 1.0\n4 2 nan\n");
    s.fails(
        &["train", "svm", "--x", "nan.mtx", "--y", "Y.npy", "--out", "svm.safetensors"],
        "svm.safetensors",
        &["row 3, column 1", "finite"],
    );
}

#[test]
fn svm_label_without_positives_is_a_constant_with_a_warning() {
    let s = Scratch::new("svm-constant");
    s.write("movies.jsonl", small_movies(20));
    s.write(
        "genres.json",
        r#"{"28": "Action", "35": "Comedy", "18": "Drama", "878": "Science Fiction", "37": "Western"}"#,
    );
    s.ok(&["vectorize", "--input", "movies.jsonl", "--tfidf", "--out", "X.mtx"]);
    let labels = s.ok(&["labels", "--data", "movies.jsonl", "--genres", "genres.json", "--out", "Y.npy"]);
    let columns: Vec<&str> =
        labels.trim().rsplit("(columns: ").next().unwrap().trim_end_matches(')').split(", ").collect();
    let western = columns.iter().position(|&c| c == "Western").expect("a Western column");
    let out = s.cinegenre(&[
        "train",
        "svm",
        "--x",
        "X.mtx",
        "--y",
        "Y.npy",
        "--cv",
        "3",
        "--out",
        "svm.safetensors",
    ]);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("constant"), "{}", out.stdout);
    assert!(out.stderr.contains("not Western is present in all training examples"), "{}", out.stderr);
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "P.npy", "--labels"]);
    let (shape, predicted) = npy_u8(&s.path("P.npy"));
    assert_eq!(shape, vec![20, 5]);
    assert!(predicted.chunks(5).all(|row| row[western] == 0));
}
