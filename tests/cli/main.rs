//! The `cinegenre` command line, end to end and on bad input, one file per command group.
//!
//! Every test runs the built binary in its own scratch folder (relative paths, so error messages
//! name the files as the user typed them). The bad-input tests check that a failing command exits
//! non-zero, says `error:` and names the file with the line or field (or the flag), leaves no
//! output (and no temporary file) behind and, for a flag, fails before any work. The tests of
//! `classify`, progress, `run --timings` and the bundled posters share one quick run
//! ([`SharedRun`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::scratch::ScratchDir;

#[path = "../common/mod.rs"]
mod common;

pub use common::movies::small_movies;

mod bench;
mod browser;
mod classify;
mod cluster;
mod data;
mod features;
mod fetch;
mod run;
mod shell;
mod skips;
mod svm;
mod train_predict;
mod vocabulary;
mod words;

/// A refused flag is refused by the parser or the first check, in milliseconds; the least
/// work any command does (loading the bundled movies) takes about half a second.
const FAIL_FAST: Duration = Duration::from_secs(1);

/// A scratch folder removed on drop (kept when the test failed, for a look), with the
/// helpers that run the binary inside it.
pub struct Scratch {
    pub dir: ScratchDir,
}

/// What a finished command printed.
pub struct Outcome {
    pub success: bool,
    /// The exit status (`None`: killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Wall-clock time from spawn to exit.
    pub elapsed: Duration,
}

impl Scratch {
    pub fn new(name: &str) -> Self {
        Scratch { dir: ScratchDir::new("cli", name) }
    }

    fn at(dir: PathBuf) -> Self {
        Scratch { dir: ScratchDir::at(dir) }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), content).unwrap();
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// `cinegenre args…` to run inside the folder (for custom streams or environment).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cinegenre"));
        command.args(args).current_dir(&self.dir);
        command
    }

    /// Run `cinegenre args…` inside the folder.
    pub fn cinegenre(&self, args: &[&str]) -> Outcome {
        run_command(self.command(args))
    }

    /// Run and require success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cinegenre(args);
        assert!(out.success, "cinegenre {args:?} failed:\n{}{}", out.stdout, out.stderr);
        out.stdout
    }

    /// Run a command that must fail cleanly: non-zero exit, stderr `error: …` containing every
    /// piece of `expected`, `output` not created, no temporary file left. Returns stderr.
    pub fn fails(&self, args: &[&str], output: &str, expected: &[&str]) -> String {
        let (out, problems) = self.failure_problems(args, expected);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(!self.path(output).exists(), "cinegenre {args:?} created {output}");
        out.stderr
    }

    /// Every case (arguments, pieces the error must contain — the flag and its value) fails
    /// cleanly as [`Scratch::fails`] and within [`FAIL_FAST`]: a refused flag stops its
    /// command before any work. Every case runs; the failure lists them all.
    pub fn refuses(&self, cases: &[(&[&str], &[&str])]) {
        let mut problems = Vec::new();
        for &(args, expected) in cases {
            let (out, mut found) = self.failure_problems(args, expected);
            if out.elapsed >= FAIL_FAST {
                found.push(format!("cinegenre {args:?} took {:?} to fail", out.elapsed));
            }
            problems.extend(found);
        }
        assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    }

    /// Run `args`; what is wrong with it as a clean failure naming `expected`.
    fn failure_problems(&self, args: &[&str], expected: &[&str]) -> (Outcome, Vec<String>) {
        let before = self.entries();
        let out = self.cinegenre(args);
        let mut problems = Vec::new();
        if out.success {
            problems.push(format!("cinegenre {args:?} should fail, printed:\n{}", out.stdout));
        }
        if !out.stderr.starts_with("error: ") {
            problems.push(format!("cinegenre {args:?}: stderr is {:?}", out.stderr));
        }
        for piece in expected {
            if !out.stderr.contains(piece) {
                problems.push(format!("cinegenre {args:?}: {:?} lacks {piece:?}", out.stderr));
            }
        }
        let after = self.entries();
        if after != before {
            problems.push(format!("cinegenre {args:?} left files behind: {before:?} → {after:?}"));
        }
        if after.iter().any(|n| n.contains(".tmp-")) {
            problems.push(format!("temporary file left: {after:?}"));
        }
        (out, problems)
    }

    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Run a prepared command to its end, capturing what it printed unless told otherwise.
pub fn run_command(mut command: Command) -> Outcome {
    let start = Instant::now();
    let output = command.output().expect("the cinegenre binary runs");
    Outcome {
        success: output.status.success(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// The `timing NAME SECONDS` lines `--timings` printed on stderr, by name.
pub fn timings(stderr: &str) -> BTreeMap<String, f64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timing "))
        .filter_map(|l| l.rsplit_once(' '))
        .map(|(name, secs)| (name.to_string(), secs.parse().unwrap_or(f64::NAN)))
        .collect()
}

/// Posters in the shared run's own poster folder: fewer than the bundled posters of the quick
/// run's movies, so its metrics show which folder it used.
pub const SHARED_POSTERS: usize = 12;

/// One quick run shared by the tests of `classify`, progress lines, `--timings` and the bundled
/// posters: `run --quick --poster-size 32 --poster-limit 16 --timings`, stderr not a terminal,
/// with `CINEGENRE_PROGRESS=lines CINEGENRE_PROGRESS_EVERY=0.2` and `CINEGENRE_POSTERS`
/// naming a folder of [`SHARED_POSTERS`] of the bundled posters. It lives in Cargo's
/// per-target temporary folder, replaced by the next test run.
pub struct SharedRun {
    pub scratch: Scratch,
    /// The run's output folder.
    pub out: PathBuf,
    /// The folder `CINEGENRE_POSTERS` named.
    pub posters: PathBuf,
    pub outcome: Outcome,
}

impl SharedRun {
    /// The run, started by the first test that asks and required to have succeeded.
    pub fn get() -> &'static SharedRun {
        static RUN: OnceLock<SharedRun> = OnceLock::new();
        let run = RUN.get_or_init(SharedRun::start);
        assert!(run.outcome.success, "the shared run failed:\n{}{}", run.outcome.stdout, run.outcome.stderr);
        run
    }

    /// Run `cinegenre args…` in the run's scratch folder (the run's output is `out`).
    pub fn cinegenre(&self, args: &[&str]) -> Outcome {
        self.scratch.cinegenre(args)
    }

    fn start() -> SharedRun {
        let scratch = Scratch::at(Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-shared-run"));
        let posters = scratch.path("posters");
        std::fs::create_dir_all(&posters).unwrap();
        for id in quick_run_poster_ids(SHARED_POSTERS) {
            let name = format!("{id}.jpg");
            std::fs::copy(common::fixtures::path("posters").join(&name), posters.join(&name)).unwrap();
        }
        let mut command = scratch.command(&[
            "run",
            "--quick",
            "--out",
            "out",
            "--image-size",
            "32",
            "--poster-limit",
            "16",
            "--timings",
        ]);
        command
            .env("CINEGENRE_PROGRESS", "lines")
            .env("CINEGENRE_PROGRESS_EVERY", "0.2")
            .env(cinegenre::run::posters::POSTERS_ENV, &posters)
            .stdin(Stdio::null());
        let outcome = run_command(command);
        SharedRun { out: scratch.path("out"), posters, outcome, scratch }
    }
}

/// The ids of the first `n` bundled posters among the movies of `run --quick`, in run order.
fn quick_run_poster_ids(n: usize) -> Vec<u64> {
    let (movies, _) = cinegenre::dataset::load_bundled(cinegenre::dataset::Bundled::All).unwrap();
    let dir = common::fixtures::path("posters");
    let ids: Vec<u64> = movies
        .iter()
        .take(cinegenre::run::QUICK_MOVIES)
        .map(|m| m.id)
        .filter(|id| dir.join(format!("{id}.jpg")).is_file())
        .take(n)
        .collect();
    assert_eq!(ids.len(), n, "the quick run's movies have fewer than {n} bundled posters");
    ids
}
