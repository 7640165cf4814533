//! One vocabulary of flags across the command line (ARCHITECTURE.md, "The command line's
//! vocabulary"): the new spellings work, the old ones still work for one release with one
//! deprecation line on standard error, and every command, group or leaf, shows an example in
//! its help. Also the MLP's progress, which goes through the same counter as every stage.

use std::process::Stdio;

use crate::{Scratch, small_movies};

/// A folder with 12 small movies' counts and labels.
fn text_inputs(name: &str) -> Scratch {
    let s = Scratch::new(name);
    s.write("movies.jsonl", small_movies(12));
    s.ok(&["labels", "--input", "movies.jsonl", "--out", "Y.npy"]);
    s.ok(&["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"]);
    s
}

#[test]
fn train_writes_to_out_and_names_the_output_layer_output_layer() {
    let s = text_inputs("vocabulary-train");
    let mlp =
        ["train", "mlp", "--x", "X.mtx", "--y", "Y.npy", "--layers", "4", "--epochs", "1", "--device", "cpu"];
    let new = s.cinegenre(&[&mlp[..], &["--out", "new.safetensors", "--output-layer", "softmax"]].concat());
    assert!(new.success, "{}", new.stderr);
    assert!(!new.stderr.contains("deprecated"), "the new spellings are not deprecated:\n{}", new.stderr);
    assert!(s.path("new.safetensors").is_file());

    // The old spellings: the same model, and one line per old flag naming the new one.
    let old = s.cinegenre(&[&mlp[..], &["--model", "old.safetensors", "--output=softmax"]].concat());
    assert!(old.success, "{}", old.stderr);
    let lines: Vec<&str> = old.stderr.lines().filter(|l| l.contains("deprecated")).collect();
    assert_eq!(lines.len(), 2, "{}", old.stderr);
    assert!(lines[0].starts_with("warning: `--model` is deprecated: use `--out`"), "{lines:?}");
    assert!(lines[1].starts_with("warning: `--output` is deprecated: use `--output-layer`"), "{lines:?}");
    assert_eq!(
        std::fs::read(s.path("old.safetensors")).unwrap(),
        std::fs::read(s.path("new.safetensors")).unwrap()
    );

    // `--out` of train is the model file, as of every other command; the help says so.
    let help = s.ok(&["train", "mlp", "--help"]);
    assert!(help.contains("--out <OUT>") && help.contains("--output-layer <OUTPUT_LAYER>"), "{help}");
    assert!(!help.contains("--model") && !help.contains("--output <"), "old spellings are hidden:\n{help}");
}

#[test]
fn one_spelling_per_concept_in_every_help() {
    let s = Scratch::new("vocabulary-help");
    let help = |args: &[&str]| s.ok(args);
    let run = help(&["run", "--help"]);
    for flag in ["--vgg-weights", "--precision", "--threads", "--hogwild", "--text-output-layer"] {
        assert!(run.contains(flag), "run --help lacks {flag}");
    }
    assert!(!run.contains("--poster-precision"), "{run}");
    let features = help(&["features", "vgg16", "--help"]);
    assert!(features.contains("--vgg-weights") && features.contains("--image-size"), "{features}");
    assert!(!features.contains("--weights <") && !features.contains("--size <"), "{features}");
    let gemm = help(&["bench", "gemm", "--help"]);
    assert!(gemm.contains("--precision") && !gemm.contains("--dtype"), "{gemm}");
    let vgg = help(&["bench", "vgg", "--help"]);
    assert!(vgg.contains("--image-size") && !vgg.contains("--size <"), "{vgg}");
    let vectors = help(&["vectors", "train", "--help"]);
    assert!(vectors.contains("--threads") && vectors.contains("--hogwild"), "{vectors}");
}

#[test]
fn old_spellings_of_bench_and_features_flags_still_parse_with_a_deprecation_line() {
    let s = Scratch::new("vocabulary-old");
    // Refused values fail fast, after the parser accepted the old flag as the new one.
    let out =
        s.cinegenre(&["bench", "vgg", "--size", "33", "--reps", "1", "--batch", "1", "--device", "cpu"]);
    assert!(!out.success);
    assert!(out.stderr.contains("warning: `--size` is deprecated: use `--image-size`"), "{}", out.stderr);
    assert!(out.stderr.contains("--image-size") && out.stderr.contains("33"), "{}", out.stderr);
    let gemm = ["bench", "gemm", "--dtype", "f32", "--sizes", "8", "--reps", "1", "--device", "cpu"];
    let out = s.cinegenre(&gemm);
    assert!(
        out.success && out.stderr.contains("`--dtype` is deprecated: use `--precision`"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.lines().any(|l| l.starts_with("scalar,8,")), "{}", out.stdout);
}

/// Every group shows an example as its leaves do.
#[test]
fn every_group_shows_an_example_in_its_help() {
    let s = Scratch::new("vocabulary-groups");
    for group in ["train", "vectors", "fetch", "features", "bench"] {
        let help = s.ok(&[group, "--help"]);
        let example =
            help.split("Example:").nth(1).unwrap_or_else(|| panic!("{group} --help: no example:\n{help}"));
        assert!(
            example.contains(&format!("cinegenre {group} ")),
            "{group}: the example does not use it:\n{help}"
        );
    }
}

/// The MLP's epochs go through the progress counter like every other long stage: indented
/// counter lines, never one bare `epoch N/M` line per epoch.
#[test]
fn mlp_training_progress_is_a_counter_not_a_line_per_epoch() {
    let s = text_inputs("vocabulary-progress");
    let args =
        ["train", "mlp", "--x", "X.mtx", "--y", "Y.npy", "--layers", "4", "--epochs", "40", "--batch", "2"];
    let mut command = s.command(&[&args[..], &["--out", "m.safetensors", "--device", "cpu"]].concat());
    command.env("CINEGENRE_PROGRESS", "lines").env("CINEGENRE_PROGRESS_EVERY", "0").stdin(Stdio::null());
    let out = crate::run_command(command);
    assert!(out.success, "{}", out.stderr);
    let bare: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("epoch ")).collect();
    assert!(bare.is_empty(), "{} unindented epoch lines, e.g. {:?}", bare.len(), bare.first());
    let counter: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("  MLP training: ")).collect();
    assert!(!counter.is_empty(), "no counter line:\n{}", out.stderr);
    // 12 rows in batches of 2: 6 batches per epoch, 240 in all.
    assert!(counter.iter().all(|l| l.contains("/240 batches")), "{counter:?}");
    assert!(counter.iter().any(|l| l.contains("epoch 40/40")), "{counter:?}");
}
