//! Outputs: several files checked up front and written all or none ([`OutputSet`]), stale
//! temp files of killed processes swept, and a full disk reported as such with nothing left
//! behind.

use std::io::Write;
use std::path::Path;

use cinegenre::Error;
use cinegenre::embed::{Format, WordVectors, write_vectors};
use cinegenre::io::{OutputSet, write_atomic, write_mtx, write_npy};
use cinegenre::matrix::CsrMatrix;

use crate::common::{listing, scratch, serial};

#[test]
fn output_set_refuses_a_missing_folder_a_folder_a_repeated_output_and_an_input_before_any_work() {
    let _serial = serial();
    let dir = scratch("set-check");
    let (out, heatmap, input) = (dir.join("clusters.json"), dir.join("heatmap.png"), dir.join("X.mtx"));
    std::fs::write(&input, "x").unwrap();
    let err = |outputs: &[&Path]| OutputSet::new(outputs, &[&input]).unwrap_err().to_string();
    assert!(err(&[&out, &dir.join("missing/heatmap.png")]).contains("missing/heatmap.png: its folder"));
    assert!(err(&[&out, &dir]).contains("is a folder, not a file"));
    assert!(err(&[&out, &out]).contains("is the same file as another output"));
    assert!(
        err(&[&out, &dir.join("../").join(dir.file_name().unwrap()).join("X.mtx")]).contains("the input")
    );
    assert_eq!(listing(&dir), ["X.mtx"], "a refused set left files behind");
    let set = OutputSet::new(&[&out, &heatmap], &[&input]).unwrap();
    assert_eq!(set.paths().count(), 2);
}

#[test]
fn output_set_with_a_failing_part_leaves_no_file_behind() {
    let _serial = serial();
    let dir = scratch("set-fail");
    let (vocab, x) = (dir.join("vocab.json"), dir.join("X.mtx"));
    std::fs::write(&vocab, "previous").unwrap();
    let run = || -> cinegenre::Result<()> {
        let mut set = OutputSet::new(&[&x, &vocab], &[])?;
        set.write(&x, |w| w.write_all(b"matrix").map_err(|e| Error::io(&x, e)))?;
        set.write(&vocab, |_| Err(Error::Vocabulary("empty vocabulary".into())))?;
        set.commit()
    };
    assert!(run().unwrap_err().to_string().contains("empty vocabulary"));
    assert_eq!(listing(&dir), ["vocab.json"], "a part of the failed command appeared");
    assert_eq!(std::fs::read_to_string(&vocab).unwrap(), "previous");
}

#[test]
fn stale_temp_of_a_killed_process_is_removed_by_the_next_write() {
    let _serial = serial();
    if !Path::new("/proc/self").exists() {
        return; // documented: without /proc nothing is swept
    }
    let dir = scratch("stale");
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = dir.join(format!(".x.npy.tmp-{dead}"));
    let live = dir.join(".x.npy.tmp-1"); // PID 1 always exists
    let other = dir.join(format!(".y.npy.tmp-{dead}"));
    for p in [&stale, &live, &other] {
        std::fs::write(p, "half-written").unwrap();
    }
    write_npy(&dir.join("x.npy"), &[2], &[1.0f64, 2.0]).unwrap();
    // Another output's temp of a dead process goes too (issue 21: every command sweeps the folder).
    let want = [".x.npy.tmp-1".to_string(), "x.npy".into()];
    assert_eq!(listing(&dir), want);
}

#[test]
fn writing_to_dev_full_names_the_file_and_leaves_no_temp_file() {
    let _serial = serial();
    let full = Path::new("/dev/full");
    if !full.exists() {
        return; // Linux only
    }
    let x = CsrMatrix::from_dense(2, 2, &[1.0, 0.0, 0.0, 2.0]);
    let vectors = WordVectors::from_rows(2, vec!["a".into()], &[1.0, 2.0]).unwrap();
    let errors = [
        write_npy(full, &[3], &[1.0f64, 2.0, 3.0]).unwrap_err(),
        write_mtx(full, &x).unwrap_err(),
        write_vectors(full, &vectors, Format::Binary).unwrap_err(),
    ];
    for e in errors {
        let e = e.to_string();
        assert!(e.starts_with("/dev/full: ") && e.contains("No space left on device"), "{e}");
    }
    assert!(!Path::new(&format!("/dev/.full.tmp-{}", std::process::id())).exists());
    assert!(!std::fs::metadata(full).unwrap().is_file(), "/dev/full was replaced by a file");
}

#[test]
fn a_write_failing_midway_leaves_neither_output_nor_temp_file() {
    let _serial = serial();
    let dir = scratch("midway");
    let target = dir.join("big.npy");
    let err = write_atomic(&target, |w| {
        w.write_all(&vec![0u8; 3 << 20]).map_err(|e| Error::io(&target, e))?;
        Err(Error::io(&target, std::io::Error::other("the disk filled up")))
    });
    assert!(err.unwrap_err().to_string().contains("big.npy: the disk filled up"));
    assert!(listing(&dir).is_empty(), "left behind: {:?}", listing(&dir));
}
