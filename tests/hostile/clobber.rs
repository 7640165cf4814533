//! Issue 21, classes 1 and 2: an output is never an input (device and inode: through symbolic
//! and hard links), and one `run` per output folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::scratch;

pub use crate::movies::small_movies;

/// Run the CLI in `dir`.
pub fn cinegenre(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cinegenre")).args(args).current_dir(dir).output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with movies.jsonl, X.mtx (counts) and Y.npy (labels).
fn xy(name: &str) -> PathBuf {
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
