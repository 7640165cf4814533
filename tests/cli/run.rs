//! `cinegenre run`: the quick run's files, report and saved models; its flags refused before
//! any work; its progress lines and timings; where it finds the bundled posters.

use std::collections::BTreeMap;

use cinegenre::run::posters::POSTERS_ENV;

use crate::{FAIL_FAST, SHARED_POSTERS, Scratch, SharedRun, run_command, timings};

#[test]
fn quick_run_writes_metrics_model_and_vocabulary() {
    let s = Scratch::new("run");
    // Until the SIMD convolution lands, VGG16 at 224×224 takes ~1 min per poster: a 32×32 input and
    // 16 posters test the poster branch in seconds.
    let args = ["run", "--quick", "--quiet", "--out", "out", "--image-size", "32", "--poster-limit", "16"];
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
    // Every model stands beside its baseline, on its own test movies.
    for m in models {
        let baseline = &m["baseline"];
        assert_eq!(baseline["k"].as_u64(), Some(3), "{m}");
        assert!(baseline["evaluation"]["mean_precision"].as_f64().is_some_and(|p| p > 0.0), "{m}");
        assert!(m["test_rows"].as_u64().is_some_and(|n| n > 0), "{m}");
    }
    // Seconds live in timings.json, not in metrics.json (which must not change between runs).
    assert!(metrics.get("timings").is_none());
    let timings: serde_json::Value = serde_json::from_str(&s.read("out/timings.json")).unwrap();
    assert!(timings["stages"].as_array().is_some_and(|t| t.len() >= 10), "{timings}");
    // The HTML report: every section; the heatmap and the posters inside the page.
    let html = s.read("out/report.html");
    for (_, title) in cinegenre::report::HEADINGS {
        assert!(html.contains(&format!("<h2>{title}</h2>")), "report.html lacks {title}");
    }
    assert!(html.contains("<figure class=\"heatmap\"><svg"), "the heatmap is not inline");
    assert_eq!(html.matches("<table class=\"per-genre\">").count(), models.len());
    assert!(html.contains("src=\"data:image/jpeg;base64,"), "no inline poster thumbnail");
    assert!(
        !html.contains("src=\"posters/") && !html.contains("src=\"cooccurrence"),
        "the page links a file"
    );
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
fn run_refuses_bad_flags_before_any_work() {
    let s = Scratch::new("run-flags");
    s.write("file.txt", "a regular file");
    let run = |flag: &'static str, value: &'static str| ["run", "--quick", "--out", "out", flag, value];
    s.refuses(&[
        (&run("--poster-limit", "3"), &["--poster-limit", "3"]),
        (&run("--image-size", "33"), &["--image-size", "33"]),
        (&run("--image-size", "0"), &["--image-size", "0"]),
        (&run("--svm-cv", "1"), &["--svm-cv", "1"]),
        (&run("--threads", "100000"), &["--threads", "100000"]),
        (&["run", "--quick", "--out", "file.txt"], &["--out", "file.txt", "not a folder"]),
    ]);
    assert_eq!(s.read("file.txt"), "a regular file");
}

/// `(done, total)` of a progress line `  LABEL: DONE/TOTAL …`.
fn progress_counts(line: &str) -> Option<(u64, u64)> {
    let (_, rest) = line.split_once(": ")?;
    let counts = rest.split_whitespace().next()?;
    let (done, total) = counts.split_once('/')?;
    Some((done.parse().ok()?, total.parse().ok()?))
}

#[test]
fn run_prints_progress_lines_when_stderr_is_not_a_terminal() {
    let run = SharedRun::get();
    let stderr = &run.outcome.stderr;
    let counts: Vec<(u64, u64)> = stderr.lines().filter_map(progress_counts).collect();
    // The SVM grid search alone runs for seconds: at one line per 0.2 s, many lines.
    assert!(counts.len() >= 2, "no periodic `LABEL: DONE/TOTAL …` progress lines on stderr:\n{stderr}");
    assert!(counts.iter().all(|&(done, total)| done <= total), "{counts:?}");
    assert!(counts.iter().any(|&(done, total)| done < total), "no line of work in progress: {counts:?}");
}

#[test]
fn run_timings_name_every_stage_and_the_total() {
    let run = SharedRun::get();
    let timings = timings(&run.outcome.stderr);
    let file: serde_json::Value = serde_json::from_str(&run.scratch.read("out/timings.json")).unwrap();
    let stages: Vec<&str> = file["stages"].as_array().unwrap().iter().filter_map(|s| s[0].as_str()).collect();
    assert!(stages.len() >= 10, "{file}");
    for stage in stages.into_iter().chain(["total"]) {
        let secs = timings.get(stage);
        assert!(secs.is_some_and(|s| s.is_finite() && *s >= 0.0), "timing {stage}: {secs:?} in {timings:?}");
    }
    assert!(!run.outcome.stdout.contains("timing "), "timings belong on stderr");
}

#[test]
fn bundled_posters_come_from_cinegenre_posters() {
    let run = SharedRun::get();
    let metrics: serde_json::Value = serde_json::from_str(&run.scratch.read("out/metrics.json")).unwrap();
    let posters = &metrics["posters"];
    assert_eq!(posters["posters_dir"].as_str(), run.posters.to_str(), "{posters}");
    assert_eq!(posters["posters_found"].as_u64(), Some(SHARED_POSTERS as u64), "{posters}");
    assert_eq!(posters["posters_used"].as_u64(), Some(SHARED_POSTERS as u64), "{posters}");
    // A wrong value is a clear error, before any work.
    let s = Scratch::new("posters-env");
    let mut command = s.command(&["run", "--quick", "--out", "out"]);
    command.env(POSTERS_ENV, "no-such-folder");
    let out = run_command(command);
    assert!(!out.success && out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains(POSTERS_ENV) && out.stderr.contains("no-such-folder"), "{}", out.stderr);
    assert!(out.elapsed < FAIL_FAST, "took {:?} to fail", out.elapsed);
    assert!(!s.path("out").exists(), "the run created its folder before failing");
}

/// `--quick` keeps the poster model small (hidden layers of `POSTER_QUICK_HIDDEN`, not the
/// tutorial's 1024/256 that made a 104 MB file of 60 posters) and reports its size.
#[test]
fn quick_run_keeps_the_poster_model_small_and_says_its_size() {
    let run = SharedRun::get();
    let file = run.out.join(cinegenre::layout::POSTER_MLP);
    let model = cinegenre::mlp::MlpModel::load(&file).unwrap();
    let hidden: Vec<usize> = model.mlp.layers.iter().map(|l| l.n_out).collect();
    let want = cinegenre::run::models::POSTER_QUICK_HIDDEN;
    assert_eq!(hidden[..hidden.len() - 1], want, "hidden layers of the quick poster MLP");
    let mb = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
    let said = format!("{} {mb:.1} MB", cinegenre::layout::POSTER_MLP);
    assert!(run.outcome.stderr.contains(&said), "the run does not say {said:?}:\n{}", run.outcome.stderr);
}

/// `run --threads N` is a thread count, deterministic as `vectors train --threads` is: two runs
/// write the same word vectors. Hogwild is asked for by name (`--hogwild`).
#[test]
fn run_threads_are_deterministic_and_hogwild_is_explicit() {
    let s = Scratch::new("run-threads");
    let args = ["run", "--quick", "--quiet", "--no-svm", "--no-posters", "--threads", "3", "--out"];
    s.ok(&[&args[..], &["a"]].concat());
    s.ok(&[&args[..], &["b"]].concat());
    let (a, b) =
        (std::fs::read(s.path("a/vectors.bin")).unwrap(), std::fs::read(s.path("b/vectors.bin")).unwrap());
    assert!(a == b, "run --threads 3 wrote different vectors twice");
    let help = s.ok(&["run", "--help"]);
    assert!(help.contains("--hogwild"), "{help}");
}
