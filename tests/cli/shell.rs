//! How every command behaves in a shell: a closed pipe ends it quietly with status 141, a full
//! standard output is a clear error, `--timings` prints each step and the total on stderr, the
//! hidden aliases of older flag names still work, and every command has help.

use crate::{Outcome, Scratch, SharedRun, run_command, small_movies, timings};

/// The status a shell reports for a process killed by SIGPIPE: 128 + 13.
const BROKEN_PIPE_STATUS: i32 = 141;

/// Movies, labels, counts, a naive Bayes model and its predictions in a scratch folder.
fn inputs(s: &Scratch) {
    s.write("movies.jsonl", small_movies(12));
    s.ok(&["labels", "--input", "movies.jsonl", "--out", "Y.npy"]);
    s.ok(&["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"]);
    s.ok(&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"]);
    s.ok(&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "P.npy"]);
}

/// Commands that print on standard output, on [`inputs`].
const PRINTING: [&[&str]; 4] = [
    &["evaluate", "--y-true", "Y.npy", "--y-pred", "P.npy"],
    &["labels", "--input", "movies.jsonl", "--out", "Y2.npy"],
    &["dataset", "--bundled", "tutorial", "--out", "m.jsonl"],
    &["vectorize", "--input", "movies.jsonl", "--out", "X2.mtx"],
];

#[test]
fn a_closed_pipe_ends_a_command_quietly_with_status_141() {
    let s = Scratch::new("pipe");
    inputs(&s);
    for args in PRINTING {
        // The reading end is closed before the command starts (`cinegenre … | head -c 0`), so
        // its first line meets a closed pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = s.command(args);
        command.stdout(writer);
        let out = run_command(command);
        assert_eq!(out.code, Some(BROKEN_PIPE_STATUS), "{args:?}: stderr {:?}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?} panicked: {}", out.stderr);
        assert!(out.stderr.is_empty(), "{args:?} is not quiet: {}", out.stderr);
    }
}

#[test]
fn a_full_standard_output_is_a_clear_error() {
    let s = Scratch::new("full");
    inputs(&s);
    for args in PRINTING {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full (Linux)");
        let mut command = s.command(args);
        command.stdout(full);
        let out = run_command(command);
        assert!(!out.success, "{args:?} succeeded writing to /dev/full");
        assert!(
            out.stderr.starts_with("error: cannot write to standard output"),
            "{args:?}: stderr {:?}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?} panicked: {}", out.stderr);
    }
}

/// `--timings` printed each step and the total on stderr, and nothing of it on stdout.
fn assert_timed(args: &[&str], out: &Outcome) {
    assert!(out.success, "{args:?} failed: {}", out.stderr);
    let timings = timings(&out.stderr);
    assert!(timings.len() >= 2, "{args:?}: no step timings in {:?}", out.stderr);
    assert!(timings.values().all(|s| s.is_finite() && *s >= 0.0), "{args:?}: {timings:?}");
    assert!(timings.contains_key("total"), "{args:?}: no `timing total` in {:?}", out.stderr);
    assert!(!out.stdout.contains("timing "), "{args:?}: timings on stdout");
}

#[test]
fn timings_print_every_step_and_the_total_on_every_command() {
    let s = Scratch::new("timings");
    inputs(&s);
    let commands: [&[&str]; 9] = [
        &["labels", "--input", "movies.jsonl", "--out", "Y2.npy"],
        &["evaluate", "--y-true", "Y.npy", "--y-pred", "P.npy"],
        &["dataset", "--bundled", "tutorial", "--out", "m.jsonl"],
        &["vectorize", "--input", "movies.jsonl", "--out", "X2.mtx"],
        &["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb2.safetensors"],
        &["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "P2.npy"],
        &["cooccur", "--out", "C.npy"],
        &["cocluster", "--x", "C.npy", "--clusters", "3", "--out", "l.json"],
        &["vectors", "train", "--input", "movies.jsonl", "--min-count", "1", "--dim", "4", "--out", "v.bin"],
    ];
    for args in commands {
        // A global flag: before the command or after it.
        assert_timed(args, &s.cinegenre(&[&["--timings"][..], args].concat()));
        assert_timed(args, &s.cinegenre(&[args, &["--timings"][..]].concat()));
    }
    let run = SharedRun::get();
    let args = ["classify", "--models", "out", "--title", "T", "--overview", "A ghost story", "--timings"];
    assert_timed(&args, &run.cinegenre(&args));
    let vectors = run.out.join("vectors.bin");
    let args = ["embed", "--vectors", vectors.to_str().unwrap(), "--input", "movies.jsonl", "--out", "E.npy"];
    assert_timed(&args, &s.cinegenre(&[&args[..], &["--timings"]].concat()));
}

/// Run `args` once per spelling of one flag (`flag` stands for it in `args`); every spelling
/// must succeed with the same stdout and the same `out` file. Returns the stdout.
fn same_for_every_spelling(s: &Scratch, args: &[&str], spellings: &[&str], out: Option<&str>) -> String {
    let mut seen: Option<(String, Option<Vec<u8>>)> = None;
    for spelling in spellings {
        let args: Vec<&str> = args.iter().map(|&a| if a == "flag" { *spelling } else { a }).collect();
        let stdout = s.ok(&args);
        let file = out.map(|name| std::fs::read(s.path(name)).unwrap());
        if let Some(first) = &seen {
            assert_eq!(first, &(stdout.clone(), file.clone()), "{args:?} differs from {}", spellings[0]);
        }
        seen = Some((stdout, file));
    }
    seen.map(|(stdout, _)| stdout).unwrap_or_default()
}

#[test]
fn hidden_aliases_of_older_flag_names_still_work() {
    let s = Scratch::new("aliases");
    inputs(&s);
    let input = ["--input", "--data"];
    same_for_every_spelling(
        &s,
        &["dataset", "flag", "movies.jsonl", "--out", "m.jsonl"],
        &input,
        Some("m.jsonl"),
    );
    let bundled = ["--bundled", "--dataset"];
    same_for_every_spelling(
        &s,
        &["dataset", "flag", "tutorial", "--out", "t.jsonl"],
        &bundled,
        Some("t.jsonl"),
    );
    same_for_every_spelling(&s, &["labels", "flag", "movies.jsonl", "--out", "L.npy"], &input, Some("L.npy"));
    same_for_every_spelling(
        &s,
        &["vectorize", "flag", "movies.jsonl", "--out", "V.mtx"],
        &input,
        Some("V.mtx"),
    );
    let top = ["--top", "--top-k", "--k"];
    let predict = ["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "T.npy", "flag", "2"];
    same_for_every_spelling(&s, &predict, &top, Some("T.npy"));
    let (_, top2) = crate::common::fixtures::npy_u8(&s.path("T.npy"));
    assert!(top2.chunks(4).all(|row| row.iter().map(|&v| usize::from(v)).sum::<usize>() == 2), "{top2:?}");

    let run = SharedRun::get();
    let vectors = run.out.join("vectors.bin");
    let vectors = vectors.to_str().unwrap();
    let embed = ["embed", "--vectors", vectors, "flag", "movies.jsonl", "--out", "E.npy"];
    same_for_every_spelling(&s, &embed, &input, Some("E.npy"));
    let neighbors = same_for_every_spelling(
        &s,
        &["vectors", "neighbors", "space", "--vectors", vectors, "flag", "3"],
        &top,
        None,
    );
    assert_eq!(neighbors.lines().count(), 3, "{neighbors}");
    let classify = ["classify", "--models", "out", "--title", "T", "--overview", "A space war", "flag", "2"];
    same_for_every_spelling(&run.scratch, &classify, &top, None);
    // `run` takes them too: the error is about the file or the other flag, not the spelling.
    s.refuses(&[
        (&["run", "--data", "nowhere.jsonl", "--out", "o"], &["nowhere.jsonl"]),
        (&["run", "--dataset", "tutorial", "--poster-limit", "3", "--out", "o"], &["--poster-limit"]),
    ]);
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
        &["classify", "--help"],
        &["features", "vgg16", "--help"],
        &["fetch", "tmdb", "--help"],
        &["bench", "--help"],
    ] {
        let stdout = s.ok(command);
        assert!(stdout.contains("Usage: cinegenre"), "{command:?}: {stdout}");
    }
}
