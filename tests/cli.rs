//! The `cinegenre` command line, end to end and on bad input.
//!
//! Every test runs the built binary in its own scratch folder (relative paths, so error messages
//! name the files as the user typed them). The real-data test uses the bundled tutorial set
//! (1,559 movies) and checks the feature matrix against scikit-learn's
//! (`fixtures/text/real_tmdb.json.gz`); the bad-input tests check that a failing command exits
//! non-zero, says `error:` and names the file with the line or field, and leaves no output (and
//! no temporary file) behind.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use cinegenre::io::{NpyData, read_npy, write_npy};

#[path = "cli/browser.rs"]
mod browser;

/// A scratch folder removed on drop (kept when the test failed, for a look).
struct Scratch {
    dir: PathBuf,
}

/// What a finished command printed.
struct Outcome {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cinegenre-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, content: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), content).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Run `cinegenre args…` inside the folder.
    fn cinegenre(&self, args: &[&str]) -> Outcome {
        let output = Command::new(env!("CARGO_BIN_EXE_cinegenre"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("the cinegenre binary runs");
        Outcome {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Run and require success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cinegenre(args);
        assert!(out.success, "cinegenre {args:?} failed:\n{}{}", out.stdout, out.stderr);
        out.stdout
    }

    /// Run a command that must fail cleanly: non-zero exit, stderr `error: …` containing every
    /// piece of `expected`, `output` not created, no temporary file left. Returns stderr.
    fn fails(&self, args: &[&str], output: &str, expected: &[&str]) -> String {
        let before = self.entries();
        let out = self.cinegenre(args);
        assert!(!out.success, "cinegenre {args:?} should fail, printed:\n{}", out.stdout);
        assert!(out.stderr.starts_with("error: "), "cinegenre {args:?}: stderr is {:?}", out.stderr);
        for piece in expected {
            assert!(out.stderr.contains(piece), "cinegenre {args:?}: {:?} lacks {piece:?}", out.stderr);
        }
        assert!(!self.path(output).exists(), "cinegenre {args:?} created {output}");
        let after = self.entries();
        assert_eq!(after, before, "cinegenre {args:?} left files behind");
        assert!(!after.iter().any(|n| n.contains(".tmp-")), "temporary file left: {after:?}");
        out.stderr
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `n` movies as JSON lines; overviews share words so that every term is in ≥ 2 documents.
fn small_movies(n: usize) -> String {
    const WORDS: [&str; 6] = ["space", "love", "war", "ghost", "heist", "family"];
    const GENRES: [u32; 4] = [28, 35, 18, 878];
    (0..n)
        .map(|i| {
            let overview = format!("{} {} story", WORDS[i % 6], WORDS[(i + 1) % 6]);
            let genres = [GENRES[i % 4], GENRES[(i + 2) % 4]];
            format!(
                "{{\"id\":{},\"title\":\"Movie {i}\",\"overview\":\"{overview}\",\"genre_ids\":{genres:?}}}\n",
                100 + i
            )
        })
        .collect()
}

fn u8_array(path: &Path) -> (Vec<usize>, Vec<u8>) {
    let array = read_npy(path).unwrap();
    match array.data {
        NpyData::U8(v) => (array.shape, v),
        other => panic!("{}: expected uint8, got {other:?}", path.display()),
    }
}

fn f64_array(path: &Path) -> (Vec<usize>, Vec<f64>) {
    let array = read_npy(path).unwrap();
    match array.data {
        NpyData::F64(v) => (array.shape, v),
        other => panic!("{}: expected float64, got {other:?}", path.display()),
    }
}

/// scikit-learn's vocabulary (column order) for the tutorial's overviews, min_df 0.005,
/// max_df 0.95, and the number of non-zero counts.
fn sklearn_tutorial_features() -> (Vec<String>, usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/text/real_tmdb.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()).read_to_string(&mut text).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
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

    let stdout = s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--model", "nb.safetensors"]);
    assert!(stdout.contains("1559 rows × 1344 features, 20 labels"), "{stdout}");
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "P.npy"]);
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "S.npy", "--proba"]);
    let (p_shape, p) = u8_array(&s.path("P.npy"));
    let (s_shape, scores) = f64_array(&s.path("S.npy"));
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
    let (_, truth) = u8_array(&s.path("Y.npy"));
    let micro = report.lines().find(|l| l.trim_start().starts_with("micro avg")).unwrap();
    let got: Vec<&str> = micro.split_whitespace().skip(2).collect();
    assert_eq!(got, micro_average_text(&truth, &p), "micro avg line: {micro:?}");
}

#[test]
fn quick_run_writes_metrics_model_and_vocabulary() {
    let s = Scratch::new("run");
    // Until the SIMD convolution lands, VGG16 at 224×224 takes ~1 min per poster: a 32×32 input and
    // 16 posters test the poster branch in seconds.
    let args = ["run", "--quick", "--quiet", "--out", "out", "--poster-size", "32", "--poster-limit", "16"];
    let stdout = s.ok(&args);
    assert!(stdout.contains("precision    recall  f1-score   support"), "{stdout}");
    assert!(stdout.contains("samples avg"), "{stdout}");
    for name in ["nb.safetensors", "vocabulary.json", "genres.json"] {
        assert!(s.path("out").join(name).exists(), "out/{name} is missing");
    }
    let metrics: serde_json::Value = serde_json::from_str(&s.read("out/metrics.json")).unwrap();
    let mean_precision = metrics["models"][0]["evaluation"]["mean_precision"].as_f64();
    assert!(mean_precision.is_some_and(|p| p > 0.0 && p < 1.0), "mean_precision = {mean_precision:?}");
    let genres: BTreeMap<String, String> = serde_json::from_str(&s.read("out/genres.json")).unwrap();
    assert_eq!(metrics["data"]["genres"].as_array().map(Vec::len), Some(genres.len()));
    let vocabulary: BTreeMap<String, usize> = serde_json::from_str(&s.read("out/vocabulary.json")).unwrap();
    assert_eq!(metrics["features"]["n_features"].as_u64(), Some(vocabulary.len() as u64));
    // The word-vector branch: its vectors, its model and a top-3 evaluation beside NB's.
    for name in ["vectors.bin", "text_mlp.safetensors"] {
        assert!(s.path("out").join(name).exists(), "out/{name} is missing");
    }
    let models = metrics["models"].as_array().unwrap();
    let text = models.iter().find(|m| m["name"].as_str().is_some_and(|n| n.starts_with("text MLP")));
    let text_precision = text.and_then(|m| m["evaluation"]["mean_precision"].as_f64());
    assert!(text_precision.is_some_and(|p| p > 0.0 && p < 1.0), "text MLP precision = {text_precision:?}");
    assert!(
        metrics["word_vectors"]["kept"].as_u64().is_some_and(|k| k > 1000),
        "{}",
        metrics["word_vectors"]
    );
    // The poster branch: features, model, a top-3 evaluation, and the plain word on its weights.
    for name in ["poster_features.npy", "poster_features.ids.json", "poster_mlp.safetensors"] {
        assert!(s.path("out").join(name).exists(), "out/{name} is missing");
    }
    assert_eq!(metrics["posters"]["posters_used"].as_u64(), Some(16), "{}", metrics["posters"]);
    assert_eq!(metrics["posters"]["meaningful"].as_bool(), Some(false));
    assert!(stdout.contains("random weights — not meaningful"), "{stdout}");
    let poster = models.iter().find(|m| m["name"].as_str().is_some_and(|n| n.starts_with("poster MLP")));
    assert!(poster.is_some_and(|m| m["evaluation"]["mean_precision"].as_f64().is_some()));
    // The HTML report: every section, the heatmap beside it.
    let html = s.read("out/report.html");
    for (_, title) in cinegenre::report::HEADINGS {
        assert!(html.contains(&format!("<h2>{title}</h2>")), "report.html lacks {title}");
    }
    assert!(html.contains("src=\"cooccurrence.svg\"") && s.path("out/cooccurrence.svg").exists());
    assert_eq!(html.matches("<table class=\"per-genre\">").count(), models.len());
    // Sample predictions show the posters of test movies that have one, copied beside the page.
    let thumbnail = html.split("<img class=\"poster\" src=\"").nth(1).and_then(|t| t.split('"').next());
    assert!(thumbnail.is_some_and(|t| s.path("out").join(t).exists()), "no poster thumbnail: {thumbnail:?}");
    // classify: every text model scores a new movie from the saved files.
    let overview = "A young wizard goes to a school of magic and fights a dark lord with his friends.";
    let stdout =
        s.ok(&["classify", "--models", "out", "--title", "The Boy <Wizard>", "--overview", overview]);
    assert!(stdout.starts_with("The Boy <Wizard>\n"), "{stdout}");
    for model in ["naive Bayes", "linear SVM", "text MLP"] {
        assert!(stdout.contains(&format!("  {model}")), "classify lacks {model}:\n{stdout}");
    }
    s.fails(&["classify", "--models", "nowhere", "--title", "t", "--overview", "o"], "nowhere", &["nowhere"]);
    // With a poster, the poster MLP scores it through the network its feature index records.
    let poster = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/posters/10009.jpg");
    let stdout =
        s.ok(&["classify", "--models", "out", "--title", "T", "--overview", overview, "--poster", poster]);
    assert!(stdout.contains("  poster MLP"), "classify lacks the poster MLP:\n{stdout}");
}

#[test]
fn empty_inputs_are_named() {
    let s = Scratch::new("empty");
    s.write("empty.txt", "");
    s.write("empty.csv", "");
    s.fails(
        &["vectorize", "--input", "empty.txt", "--out", "X.mtx"],
        "X.mtx",
        &["empty.txt", "no documents"],
    );
    s.fails(&["dataset", "--input", "empty.csv", "--out", "m.jsonl"], "m.jsonl", &["empty.csv:1", "empty"]);
}

#[test]
fn missing_columns_are_named() {
    let s = Scratch::new("columns");
    s.write("docs.csv", "title,overview\nAlien,space horror story\nHeat,heist crime story\n");
    s.fails(
        &["vectorize", "--input", "docs.csv", "--column", "plot", "--out", "X.mtx"],
        "X.mtx",
        &["docs.csv:1", "`plot`"],
    );
    // `keywords` makes the detector take it for TMDB 5000, which needs `genres`.
    s.write("tmdb.csv", "id,title,overview,keywords\n19995,Avatar,A marine on Pandora,[]\n");
    s.fails(&["dataset", "--input", "tmdb.csv", "--out", "m.jsonl"], "m.jsonl", &["tmdb.csv:1", "`genres`"]);
}

#[test]
fn malformed_csv_rows_are_named_by_line() {
    let s = Scratch::new("csv");
    s.write("quote.csv", "title,overview\nAlien,space horror\nHeat,\"heist crime\nTen,ten\n");
    s.fails(
        &["vectorize", "--input", "quote.csv", "--out", "X.mtx"],
        "X.mtx",
        &["quote.csv:3", "unterminated"],
    );
    s.write("fields.csv", "title,overview\nAlien,space horror\nHeat,heist,crime\n");
    s.fails(
        &["vectorize", "--input", "fields.csv", "--out", "X.mtx"],
        "X.mtx",
        &["fields.csv:3", "3 fields"],
    );
    s.write(
        "tmdb.csv",
        "id,title,overview,genres,keywords\n1,A,space war,[],[]\n2,B,love story,\"[{\"\"id\"\": 18}]\"\n",
    );
    s.fails(&["dataset", "--input", "tmdb.csv", "--out", "m.jsonl"], "m.jsonl", &["tmdb.csv:3", "4 fields"]);
}

#[test]
fn invalid_utf8_is_named_by_line() {
    let s = Scratch::new("utf8");
    s.write("docs.txt", b"space war story\nlove story\nghost \xff\xfe story\n");
    s.fails(&["vectorize", "--input", "docs.txt", "--out", "X.mtx"], "X.mtx", &["docs.txt:3", "UTF-8"]);
}

#[test]
fn train_rejects_x_and_y_of_different_movies() {
    let s = Scratch::new("rows");
    s.write("five.jsonl", small_movies(5));
    s.write("four.jsonl", small_movies(4));
    s.ok(&["vectorize", "--input", "five.jsonl", "--out", "X5.mtx"]);
    s.ok(&["labels", "--data", "four.jsonl", "--out", "Y4.npy"]);
    s.fails(
        &["train", "nb", "--x", "X5.mtx", "--y", "Y4.npy", "--model", "nb.safetensors"],
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
    s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--model", "nb.safetensors"]);
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
    let (shape, truth) = u8_array(&s.path("Y.npy"));
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
fn a_failing_command_keeps_the_previous_output() {
    let s = Scratch::new("keep");
    s.write("X.mtx", "old");
    s.write("bad.txt", b"fine line\n\xc3\x28 broken\n");
    let out = s.cinegenre(&["vectorize", "--input", "bad.txt", "--out", "X.mtx"]);
    assert!(!out.success && out.stderr.starts_with("error: bad.txt:2"), "{}", out.stderr);
    assert_eq!(s.read("X.mtx"), "old");
    assert_eq!(s.entries(), ["X.mtx", "bad.txt"]);
}

#[test]
fn every_subcommand_has_help() {
    let s = Scratch::new("help");
    for command in [
        &["--help"][..],
        &["run", "--help"],
        &["dataset", "--help"],
        &["labels", "--help"],
        &["vectorize", "--help"],
        &["train", "--help"],
        &["train", "nb", "--help"],
        &["predict", "--help"],
        &["evaluate", "--help"],
        &["cooccur", "--help"],
        &["cocluster", "--help"],
    ] {
        let stdout = s.ok(command);
        assert!(stdout.contains("Usage: cinegenre"), "{command:?}: {stdout}");
    }
}

#[test]
fn cooccur_and_cocluster_end_to_end() {
    let s = Scratch::new("cocluster");
    let out = s.ok(&["cooccur", "--out", "C.npy"]);
    assert!(out.contains("18×18") && out.contains("1000 movies"), "{out}");
    let (shape, c) = f64_array(&s.path("C.npy"));
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

// ---- word vectors: `vectors train|neighbors|convert` and `embed` ----

#[test]
fn vectors_train_convert_neighbors_and_embed() {
    let s = Scratch::new("vectors");
    s.write("movies.jsonl", small_movies(60));
    let args =
        ["--input", "movies.jsonl", "--dim", "8", "--epochs", "2", "--min-count", "1", "--threads", "1"];
    let out = s.ok(&[&["vectors", "train"][..], &args, &["--out", "v.bin"]].concat());
    assert!(out.contains("trained 7 words × 8 dims on 60 documents"), "{out}");
    let neighbors = s.ok(&["vectors", "neighbors", "space", "--vectors", "v.bin", "--k", "3"]);
    assert_eq!(neighbors.lines().count(), 3, "{neighbors}");
    s.write("need.txt", "The space of a story\n");
    let out =
        s.ok(&["vectors", "convert", "--vectors", "v.bin", "--vocab-from", "need.txt", "--out", "two.txt"]);
    assert!(out.contains("read 7 records (0 repeated), wrote 2 words × 8 dims"), "{out}");
    assert_eq!(s.read("two.txt").lines().count(), 3);
    s.ok(&["vectors", "convert", "--vectors", "v.bin", "--out", "v.txt"]);
    s.ok(&[
        "embed",
        "--vectors",
        "v.txt",
        "--input",
        "movies.jsonl",
        "--out",
        "E.npy",
        "--kept",
        "kept.json",
    ]);
    let array = read_npy(&s.path("E.npy")).unwrap();
    assert_eq!(array.shape, vec![60, 8]);
    assert!(matches!(array.data, NpyData::F32(_)), "E.npy must be float32");
    let kept: serde_json::Value = serde_json::from_str(&s.read("kept.json")).unwrap();
    assert_eq!(kept["kept"].as_array().unwrap().len(), 60);
    assert_eq!(kept["dropped"].as_array().unwrap().len(), 0);
}

#[test]
fn embed_reports_dropped_documents_and_bad_vector_files() {
    let s = Scratch::new("embed-errors");
    s.write("docs.txt", "the of and\nCats purr\nzzz\n");
    let mut bin = b"2 2\n".to_vec();
    for (w, v) in [("cats", [1.0f32, 2.0]), ("purr", [3.0, 4.0])] {
        bin.extend(format!("{w} ").as_bytes());
        v.iter().for_each(|x| bin.extend(x.to_le_bytes()));
    }
    s.write("v.bin", &bin);
    let out = s.cinegenre(&[
        "embed",
        "--vectors",
        "v.bin",
        "--input",
        "docs.txt",
        "--out",
        "E.npy",
        "--kept",
        "k.json",
    ]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stderr.contains("dropped 2 of 3 documents: 1 with only stop words, 1 with no word"),
        "{}",
        out.stderr
    );
    let kept: serde_json::Value = serde_json::from_str(&s.read("k.json")).unwrap();
    assert_eq!(kept["kept"], serde_json::json!([1]));
    std::fs::remove_file(s.path("E.npy")).unwrap();
    std::fs::remove_file(s.path("k.json")).unwrap();

    s.write("cut.bin", &bin[..bin.len() - 2]);
    s.fails(
        &["embed", "--vectors", "cut.bin", "--input", "docs.txt", "--out", "E.npy"],
        "E.npy",
        &["cut.bin", "record 2 of 2", "truncated"],
    );
    s.write("bad.txt", "2 2\ncats 1 2\npurr 3\n");
    s.fails(
        &["embed", "--vectors", "bad.txt", "--input", "docs.txt", "--out", "E.npy"],
        "E.npy",
        &["bad.txt:3", "`purr` has 1 values, expected 2"],
    );
    s.write("none.txt", "zzz\n");
    s.fails(
        &["embed", "--vectors", "v.bin", "--input", "none.txt", "--out", "E.npy"],
        "E.npy",
        &["v.bin", "none of the 1 documents"],
    );
    s.fails(&["vectors", "neighbors", "dog", "--vectors", "v.bin"], "x", &["`dog` is not among the 2 words"]);
    s.fails(
        &["vectors", "train", "--input", "docs.txt", "--out", "w.bin"],
        "w.bin",
        &["min-count", "no word occurs 5 times"],
    );
    for command in
        [&["embed", "--help"][..], &["vectors", "train", "--help"], &["vectors", "convert", "--help"]]
    {
        assert!(s.ok(command).contains("Usage: cinegenre"));
    }
}

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
        "--model",
        "svm.safetensors",
    ]);
    assert!(stdout.contains("mean CV micro-F1") && stdout.contains("4 labels, 40 fits"), "{stdout}");
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "D.npy"]);
    let (shape, decision) = f64_array(&s.path("D.npy"));
    assert_eq!(shape, vec![40, 4]);
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "P.npy", "--labels"]);
    let (_, predicted) = u8_array(&s.path("P.npy"));
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
        "--model",
        "dcd.safetensors",
    ]);
    s.ok(&["predict", "--model", "dcd.safetensors", "--x", "X.mtx", "--out", "D2.npy"]);
}

#[test]
fn svm_rejects_bad_parameters_and_features() {
    let s = Scratch::new("svm-bad");
    svm_inputs(&s, 12);
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "svm", "--x", "X.mtx", "--y", "Y.npy", "--model", "svm.safetensors"];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str], expected: &[&str]| {
        let args = train(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        s.fails(&refs, "svm.safetensors", expected);
    };
    run(&["--c=0.1,0"], &["C must be a finite number > 0", "got 0"]);
    run(&["--c="], &["--c"]);
    run(&["--cv", "1"], &["at least 2 folds"]);
    run(&["--cv", "13"], &["n_splits=13", "n_samples=12"]);
    run(&["--cv", "7"], &["n_splits=7 cannot be greater than the number of members in each class"]);
    run(&["--class-weight", "heavy"], &["heavy"]);
    run(&["--solver", "newton"], &["newton"]);
    // NaN and infinite features are named by row and column.
    s.write("nan.mtx", "%%MatrixMarket matrix coordinate real general\n12 3 2\n1 1 1.0\n4 2 nan\n");
    s.fails(
        &["train", "svm", "--x", "nan.mtx", "--y", "Y.npy", "--model", "svm.safetensors"],
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
        "--model",
        "svm.safetensors",
    ]);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("constant"), "{}", out.stdout);
    assert!(out.stderr.contains("not Western is present in all training examples"), "{}", out.stderr);
    s.ok(&["predict", "--model", "svm.safetensors", "--x", "X.mtx", "--out", "P.npy", "--labels"]);
    let (shape, predicted) = u8_array(&s.path("P.npy"));
    assert_eq!(shape, vec![20, 5]);
    assert!(predicted.chunks(5).all(|row| row[western] == 0));
}

/// Three bundled posters and a broken file, listed in `list.txt`.
fn poster_list(s: &Scratch) {
    let posters = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters");
    let line = |id: &str| posters.join(format!("{id}.jpg")).display().to_string();
    s.write("broken.jpg", b"not a jpeg");
    s.write("list.txt", format!("{}\n{}\nbroken.jpg\n{}\n", line("862"), line("19995"), line("293660")));
}

#[test]
fn features_vgg16_writes_rows_and_ids_and_skips_unreadable_images() {
    let s = Scratch::new("features-vgg16");
    poster_list(&s);
    // A narrowed network at 32×32 keeps the test fast: the pipeline is the same.
    let args =
        ["features", "vgg16", "--images", "list.txt", "--out", "f.npy", "--size", "32", "--narrow", "16"];
    let out = s.cinegenre(&[&args[..], &["--batch", "2", "--quiet"]].concat());
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("RANDOM weights") && out.stderr.contains("NOT meaningful"), "{}", out.stderr);
    assert!(out.stderr.contains("warning: skipping broken.jpg"), "{}", out.stderr);
    let features = read_npy(&s.path("f.npy")).unwrap();
    assert_eq!(features.shape, [3, 32]);
    assert!(matches!(features.data, NpyData::F32(ref v) if v.iter().all(|x| x.is_finite())));
    let ids: serde_json::Value = serde_json::from_str(&s.read("f.ids.json")).unwrap();
    assert_eq!(ids["ids"], serde_json::json!(["862", "19995", "293660"]));
    assert_eq!(ids["skipped"][0]["path"], "broken.jpg");
    assert_eq!(ids["normalization"], "caffe");
    assert!(!s.path("f.npy.partial").exists() && !s.path("f.npy.partial.json").exists());
}

#[test]
fn features_vgg16_in_bf16_agree_with_f32_within_rounding() {
    let s = Scratch::new("features-bf16");
    poster_list(&s);
    let args = ["features", "vgg16", "--images", "list.txt", "--size", "64", "--narrow", "8", "--quiet"];
    s.ok(&[&args[..], &["--out", "f32.npy"]].concat());
    let out = s.cinegenre(&[&args[..], &["--out", "bf16.npy", "--precision", "bf16"]].concat());
    let cpu = cinegenre::backend::Backend::cpu().unwrap();
    if cinegenre::kernels::gemm::Precision::Bf16.supported_on(&cpu).is_err() {
        // No bf16 unit (AMX or AVX512-BF16) here: the command must say so and write nothing.
        assert!(!out.success && out.stderr.contains("AMX"), "{}", out.stderr);
        assert!(!s.path("bf16.npy").exists());
        eprintln!("no bf16 unit here, checked the error instead");
        return;
    }
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    let (NpyData::F32(f), NpyData::F32(h)) =
        (read_npy(&s.path("f32.npy")).unwrap().data, read_npy(&s.path("bf16.npy")).unwrap().data)
    else {
        panic!("expected float32 features")
    };
    let d2: f64 = f.iter().zip(&h).map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2)).sum();
    let r2: f64 = f.iter().map(|&a| f64::from(a).powi(2)).sum();
    let err = (d2 / r2).sqrt();
    // bf16 keeps 8 significant bits through 13 layers (7e-3 on the full-width network).
    assert!((1e-5..=1.0 / 64.0).contains(&err), "bf16 vs f32 features: {err:.3e}");
}

#[test]
fn features_vgg16_with_an_unreadable_weight_file_fails_cleanly() {
    let s = Scratch::new("features-weights");
    poster_list(&s);
    let args =
        ["features", "vgg16", "--weights", "missing.safetensors", "--images", "list.txt", "--out", "f.npy"];
    s.fails(&args, "f.npy", &["missing.safetensors"]);
    s.fails(&["features", "vgg16", "--images", "nowhere", "--out", "f.npy"], "f.npy", &["nowhere"]);
}
