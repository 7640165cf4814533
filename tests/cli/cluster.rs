//! `cooccur` and `cocluster`: the genre co-occurrence of the top-1000 movies, its biclusters and
//! heatmaps, and the matrices and names they refuse.

use cinegenre::io::write_npy;

use crate::Scratch;
use crate::common::fixtures::npy_f64;

#[test]
fn cooccur_and_cocluster_end_to_end() {
    let s = Scratch::new("cocluster");
    let out = s.ok(&["cooccur", "--out", "C.npy"]);
    assert!(out.contains("18×18") && out.contains("1000 movies"), "{out}");
    let (shape, c) = npy_f64(&s.path("C.npy"));
    assert_eq!(shape, [18, 18]);
    assert!((0..18).all(|i| (0..18).all(|j| c[i * 18 + j] == c[j * 18 + i])), "symmetric");
    assert!(s.read("C.genres.json").contains("\"18\": \"Drama\""));
    let out =
        s.ok(&["cocluster", "--x", "C.npy", "--clusters", "3", "--out", "labels.json", "--heatmap", "h.png"]);
    assert!(out.contains("bicluster 0:"), "{out}");
    let labels: serde_json::Value = serde_json::from_str(&s.read("labels.json")).unwrap();
    assert_eq!(labels["row_labels"].as_array().unwrap().len(), 18);
    assert_eq!(labels["column_labels"].as_array().unwrap().len(), 18);
    assert_eq!(labels["biclusters"].as_array().unwrap().len(), 3);
    assert!(std::fs::read(s.path("h.png")).unwrap().starts_with(b"\x89PNG"));
    s.ok(&[
        "cocluster",
        "--x",
        "C.npy",
        "--clusters",
        "3",
        "--out",
        "l2.json",
        "--heatmap",
        "h.svg",
        "--lanczos",
    ]);
    let svg = s.read("h.svg");
    assert!(svg.starts_with("<svg") && svg.contains(">Drama</text>"), "{}", &svg[..200]);
}

#[test]
fn cocluster_rejects_bad_matrices_and_names() {
    let s = Scratch::new("cocluster-bad");
    let mut zero_row = vec![1.0f64; 16];
    zero_row[4..8].fill(0.0);
    write_npy(&s.path("zero.npy"), &[4, 4], &zero_row).unwrap();
    let args = |x| ["cocluster", "--x", x, "--clusters", "2", "--out", "labels.json"];
    s.fails(&args("zero.npy"), "labels.json", &["zero.npy", "row 1 is all zeros"]);
    write_npy(&s.path("ok.npy"), &[4, 4], &[1.0f64; 16]).unwrap();
    s.fails(
        &["cocluster", "--x", "ok.npy", "--clusters", "5", "--out", "labels.json"],
        "labels.json",
        &["n_clusters", "n_samples=4", "Got 5"],
    );
    write_npy(&s.path("empty.npy"), &[0, 3], &[] as &[f64]).unwrap();
    s.fails(&args("empty.npy"), "labels.json", &["empty.npy", "empty (0, 3) matrix"]);
    write_npy(&s.path("flat.npy"), &[4], &[1.0f64; 4]).unwrap();
    s.fails(&args("flat.npy"), "labels.json", &["flat.npy", "2-D", "[4]"]);
    s.write("bad.txt", "1 2\n");
    s.fails(&args("bad.txt"), "labels.json", &["bad.txt", ".npy", ".mtx"]);
    s.write("names.json", "{\"12\": \"Adventure\", \"14\": \"Fantasy\"}\n");
    s.fails(
        &["cocluster", "--x", "ok.npy", "--clusters", "2", "--out", "labels.json", "--names", "names.json"],
        "labels.json",
        &["names.json", "names 2", "(4, 4)"],
    );
}

#[test]
fn commands_with_several_outputs_check_them_all_first_and_write_all_or_none() {
    let s = Scratch::new("outputs");
    write_npy(&s.path("ok.npy"), &[4, 4], &[1.0f64, 2.0, 0.5, 1.0].repeat(4)).unwrap();
    let cocluster = |heatmap: &'static str| {
        ["cocluster", "--x", "ok.npy", "--clusters", "2", "--out", "labels.json", "--heatmap", heatmap]
    };
    // A heatmap in a missing folder or with an unknown extension is refused before any work,
    // and labels.json does not appear.
    s.fails(&cocluster("missing/h.png"), "labels.json", &["missing/h.png"]);
    s.fails(&cocluster("h.gif"), "labels.json", &["h.gif", ".png or .svg"]);
    s.fails(
        &["cocluster", "--x", "ok.npy", "--clusters", "2", "--out", "same.svg", "--heatmap", "same.svg"],
        "same.svg",
        &["same.svg", "same file"],
    );
    s.write("movies.csv", "title,overview\nA,a quiet boat\nB,a loud train\n");
    s.fails(
        &["vectorize", "--input", "movies.csv", "--out", "X.mtx", "--vocab", "nowhere/vocab.json"],
        "X.mtx",
        &["nowhere/vocab.json"],
    );
    s.write("movies.jsonl", crate::small_movies(4));
    s.fails(
        &["labels", "--input", "movies.jsonl", "--out", "missing/Y.npy"],
        "Y.genres.json",
        &["missing/Y.npy"],
    );
    s.fails(&["cooccur", "--out", "missing/C.npy"], "C.genres.json", &["missing/C.npy"]);
}
