//! Issue 21, classes 1 and 2: an output is never an input (device and inode: through symbolic
//! and hard links), and one `run` per output folder.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{ScratchDir, scratch};

pub use crate::movies::small_movies;

/// Run the CLI in `dir`.
pub fn cinegenre(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cinegenre")).args(args).current_dir(dir).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with movies.jsonl, X.mtx (counts) and Y.npy (labels).
fn xy(name: &str) -> ScratchDir {
    let dir = scratch(name);
    std::fs::write(dir.join("movies.jsonl"), small_movies(24)).unwrap();
    for args in [
        &["labels", "--input", "movies.jsonl", "--out", "Y.npy"][..],
        &["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"],
    ] {
        let out = cinegenre(&dir, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    dir
}

#[test]
fn no_command_writes_over_one_of_its_inputs() {
    let dir = xy("clobber");
    std::os::unix::fs::symlink(dir.join("X.mtx"), dir.join("link.mtx")).unwrap();
    std::fs::hard_link(dir.join("Y.npy"), dir.join("hard.npy")).unwrap();
    let (x, y) = (std::fs::read(dir.join("X.mtx")).unwrap(), std::fs::read(dir.join("Y.npy")).unwrap());
    let ok = cinegenre(&dir, &["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let cases: [(&[&str], &str); 6] = [
        (&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "X.mtx"], "`--x`"),
        (&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "link.mtx"], "`--x`"),
        (&["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "./sub/../hard.npy"], "`--y`"),
        (&["train", "mlp", "--x", "X.mtx", "--y", "Y.npy", "--out", "Y.npy"], "`--y`"),
        (&["train", "svm", "--x", "X.mtx", "--y", "Y.npy", "--out", "link.mtx"], "`--x`"),
        (&["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "link.mtx"], "`--x`"),
    ];
    std::fs::create_dir(dir.join("sub")).unwrap();
    for (args, input) in cases {
        let out = cinegenre(&dir, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?} was accepted: {err}");
        assert!(err.contains("is the same file as the input") && err.contains(input), "{args:?}: {err}");
    }
    let model = std::fs::read(dir.join("nb.safetensors")).unwrap();
    let out =
        cinegenre(&dir, &["predict", "--model", "nb.safetensors", "--x", "X.mtx", "--out", "nb.safetensors"]);
    assert!(stderr(&out).contains("`--model`"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("X.mtx")).unwrap(), x, "X.mtx was overwritten");
    assert_eq!(std::fs::read(dir.join("Y.npy")).unwrap(), y, "Y.npy was overwritten");
    assert_eq!(std::fs::read(dir.join("nb.safetensors")).unwrap(), model, "the model was overwritten");

    // `run`: an input among the files it writes into --out.
    std::fs::create_dir(dir.join("out")).unwrap();
    std::fs::copy(dir.join("movies.jsonl"), dir.join("out/metrics.json")).unwrap();
    let out = cinegenre(&dir, &["run", "--input", "out/metrics.json", "--out", "out", "--quiet"]);
    let err = stderr(&out);
    assert!(!out.status.success() && err.contains("is the same file as the input `--input`"), "{err}");
}

#[test]
fn a_second_run_into_a_folder_in_use_refuses_and_names_the_holder() {
    let dir = scratch("lock");
    let out_dir = dir.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("metrics.json"), "{\"first\": true}").unwrap();
    // This process holds the folder, as a first `run` would.
    let lock = cinegenre::io::FolderLock::acquire(&out_dir).unwrap();
    let out = cinegenre(&dir, &["run", "--quick", "--no-svm", "--no-posters", "--out", "out", "--quiet"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is in use by another cinegenre command")
            && err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(err.contains("out"), "the folder is not named: {err}");
    assert_eq!(std::fs::read_to_string(out_dir.join("metrics.json")).unwrap(), "{\"first\": true}");
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".cinegenre.lock", "metrics.json"], "the refused run left files");
    drop(lock);

    // `fetch tmdb` into a folder in use: refused before any request (no server is needed).
    let lock = cinegenre::io::FolderLock::acquire(&out_dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cinegenre"))
        .args([
            "fetch",
            "tmdb",
            "--out",
            "out",
            "--api-key",
            "x",
            "--api-base",
            "http://127.0.0.1:9/3",
            "--quiet",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success() && err.contains("is in use by another cinegenre command"), "{err}");
    drop(lock);
}

/// Two real `run`s into one folder: the second, started while the first holds the folder,
/// refuses and names the first's pid; the first finishes as if alone (its model files are the
/// bytes a lone run writes).
#[test]
fn two_runs_at_once_into_one_folder_the_second_refuses_the_first_finishes_as_if_alone() {
    let dir = scratch("two-runs");
    let args = |out: &str| ["run", "--quick", "--no-posters", "--out", out, "--quiet"].map(String::from);
    let mut first = Command::new(env!("CARGO_BIN_EXE_cinegenre"))
        .args(args("out"))
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first holds the folder: the lock file names its pid.
    let lock_file = dir.join("out").join(".cinegenre.lock");
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&lock_file).map_or(true, |s| s.trim() != first.id().to_string()) {
        assert!(first.try_wait().unwrap().is_none(), "the first run ended before taking the lock");
        assert!(start.elapsed().as_secs() < 60, "the first run never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let second =
        Command::new(env!("CARGO_BIN_EXE_cinegenre")).args(args("out")).current_dir(&dir).output().unwrap();
    let first_was_running = first.try_wait().unwrap().is_none();
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is in use by another cinegenre command")
            && err.contains(&format!("pid {}", first.id())),
        "{err}"
    );
    assert!(first_was_running, "the first run ended while the second ran: the race was not tested");
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "the first run failed: {}", stderr(&first));

    let alone = cinegenre(&dir, &args("alone").each_ref().map(String::as_str));
    assert!(alone.status.success(), "{}", stderr(&alone));
    for file in ["nb.safetensors", "svm.safetensors", "text_mlp.safetensors", "vectors.bin"] {
        let (a, b) = (std::fs::read(dir.join("out").join(file)), std::fs::read(dir.join("alone").join(file)));
        assert!(a.is_ok() && a.ok() == b.ok(), "{file} differs from a lone run's");
    }
    assert!(!lock_file.exists(), "the first run left its lock file");
}
