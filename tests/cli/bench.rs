//! `bench` (the suite, `--quick`) as a new user first runs it: with the default `--python
//! python3` lacking the pinned packages it says in one line what it skipped and how to get the
//! Python side, and its table lines up whatever the length of a cell.

use crate::Scratch;

#[test]
fn bench_quick_without_numpy_says_how_to_get_the_python_side_and_aligns_its_table() {
    let s = Scratch::new("bench-quick");
    // A `python3` first on PATH that has none of the pinned packages, as a fresh machine's.
    let bin = s.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let python = bin.join("python3");
    std::fs::write(
        &python,
        "#!/bin/sh\necho \"missing reference package: No module named 'numpy'\" >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = s.command(&["bench", "--quick", "--out", "bench"]);
    command.env("PATH", path).env("CINEGENRE_DEVICE", "cpu");
    let out = crate::run_command(command);
    assert!(out.success, "{}{}", out.stdout, out.stderr);

    let notes: Vec<&str> = out.stderr.lines().filter(|l| l.contains("Python side")).collect();
    assert_eq!(notes.len(), 1, "one line about the Python side:\n{}", out.stderr);
    for piece in ["skipped", "No module named 'numpy'", "tools/make_venv.sh", "--python"] {
        assert!(notes[0].contains(piece), "{piece:?} missing from {:?}", notes[0]);
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/make_venv.sh");
    assert!(script.is_file(), "the line names a script that does not exist");

    // The table: every `|` of every row at the same character column as the header's.
    let table: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() > 5, "{}", out.stdout);
    let bars = |line: &str| -> Vec<usize> {
        line.chars().enumerate().filter(|&(_, c)| c == '|').map(|(i, _)| i).collect()
    };
    for line in &table {
        assert_eq!(bars(line), bars(table[0]), "misaligned row {line:?} in:\n{}", table.join("\n"));
    }
    assert_eq!(s.read("bench/bench.md").lines().filter(|l| l.starts_with('|')).count(), table.len());
}

/// `bench vgg --layers` prints each conv layer once per requested precision, its precision
/// named on the row (it printed f32 rows whatever `--precision` said).
#[test]
fn bench_vgg_layers_are_timed_in_each_requested_precision() {
    let s = Scratch::new("bench-vgg-layers");
    #[cfg(target_arch = "x86_64")]
    let bf16 = std::arch::is_x86_feature_detected!("avx512bf16");
    #[cfg(not(target_arch = "x86_64"))]
    let bf16 = false;
    let precisions: &[&str] = if bf16 { &["f32", "bf16"] } else { &["f32"] };
    let list = precisions.join(",");
    let args = ["bench", "vgg", "--image-size", "32", "--reps", "1", "--batch", "1", "--device", "cpu"];
    let out = s.ok(&[&args[..], &["--layers", "--precision", &list]].concat());
    let header = out.lines().position(|l| l == "layer,precision,seconds,gflops").expect(&out);
    let rows: Vec<Vec<&str>> = out.lines().skip(header + 1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 13 * precisions.len(), "{out}");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 4, "{out}");
        assert_eq!(row[1], precisions[i / 13], "{out}");
        let (seconds, gflops): (f64, f64) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        assert!(seconds > 0.0 && gflops > 0.0, "{out}");
    }
    assert_eq!(rows[0][0], "block1_conv1");
    assert_eq!(rows[12][0], "block5_conv3");
}
