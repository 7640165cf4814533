//! Issue 21, classes 6 and 7: a file-size limit (`ulimit -f`) is a clear error with no temp
//! file left (SIGXFSZ ignored: the write fails with EFBIG); temp files of dead processes are
//! swept by the next write into the folder, nested names included; a truncated image is an
//! error, or a named skip where a command skips unreadable images.

use std::path::Path;

use cinegenre::vgg::preprocess::{check_image_file, decode_rgb};

use crate::clobber::{cinegenre, stderr};
use crate::common::{listing, scratch};

#[test]
fn a_file_size_limit_is_an_error_and_leaves_no_temp_file() {
    let dir = scratch("ulimit");
    let out = cinegenre(&dir, &["dataset", "--bundled", "tutorial", "--out", "movies.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // 64 blocks: 32 KiB (sh) or 64 KiB (bash) — far below the ~1 MB the commands write.
    let limited = |args: &[&str]| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -f 64 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_cinegenre"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    for args in [
        &["vectorize", "--input", "movies.jsonl", "--out", "X.mtx", "--vocab", "vocab.json"][..],
        &["dataset", "--bundled", "tutorial", "--out", "again.jsonl"],
    ] {
        let out = limited(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: killed or accepted ({:?}): {err}", out.status);
        assert!(err.contains("File too large"), "{args:?}: {err}");
        assert_eq!(listing(&dir), ["movies.jsonl"], "{args:?} left files");
    }
}

#[test]
fn temp_files_of_dead_processes_are_swept_by_the_next_write_nested_ones_too() {
    let dir = scratch("sweep");
    std::fs::write(dir.join("movies.jsonl"), crate::clobber::small_movies(12)).unwrap();
    let dead = 4_194_304 + 21; // above the kernel's largest pid
    let stale = [
        format!("..X.mtx.tmp-{dead}.mtx.tmp-{dead}"),
        format!(".F.npy.tmp-{dead}.npy"),
        format!(".F.ids.json.tmp-{dead}.json"),
        format!(".movies.jsonl.tmp-{dead}"),
    ];
    for name in &stale {
        std::fs::write(dir.join(name), "left by a killed run").unwrap();
    }
    std::fs::write(dir.join(".notes.tmp-1"), "a live process's temp file").unwrap();
    let out =
        cinegenre(&dir, &["vectorize", "--input", "movies.jsonl", "--out", "X.mtx", "--vocab", "vocab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(listing(&dir), [".notes.tmp-1", "X.mtx", "movies.jsonl", "vocab.json"]);
}

/// A 320×240 pattern as JPEG and PNG bytes (large enough that a third of the JPEG ends inside
/// its scan, where decoders fill the rest with grey).
fn images() -> (Vec<u8>, Vec<u8>) {
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x * y % 251) as u8, (y * 3) as u8, (x ^ y) as u8])
    });
    let mut jpeg = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    (jpeg, png)
}

#[test]
fn truncated_images_are_errors_and_named_skips() {
    let dir = scratch("truncated");
    let posters = dir.join("posters");
    std::fs::create_dir(&posters).unwrap();
    let (jpeg, png) = images();
    std::fs::write(posters.join("1.jpg"), &jpeg).unwrap();
    std::fs::write(posters.join("2.jpg"), &jpeg[..jpeg.len() / 3]).unwrap();
    std::fs::write(posters.join("3.png"), &png[..png.len() * 2 / 3]).unwrap();
    assert_eq!(decode_rgb(&posters.join("1.jpg")).unwrap().dimensions(), (320, 240));
    let lenient = image::load_from_memory(&jpeg[..jpeg.len() / 3]).is_ok();
    eprintln!("the image crate alone decodes a third of this JPEG: {lenient}");
    let err = decode_rgb(&posters.join("2.jpg")).unwrap_err().to_string();
    assert!(err.contains("2.jpg") && err.contains("JPEG is truncated"), "{err}");
    let err = decode_rgb(&posters.join("3.png")).unwrap_err().to_string();
    assert!(err.contains("3.png") && err.contains("truncated"), "{err}");

    // Not files: each is named for what it is, nothing is read.
    let fifo = dir.join("fifo.jpg");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (path, what) in
        [(&*dir, "a folder"), (fifo.as_path(), "a FIFO"), (Path::new("/dev/zero"), "a device")]
    {
        let err = check_image_file(path).unwrap_err().to_string();
        assert!(err.contains(&format!("is {what}, not an image file")), "{err}");
        let err = decode_rgb(path).unwrap_err().to_string();
        assert!(err.contains(what), "{err}");
    }
    std::fs::remove_file(&fifo).unwrap();

    // `features vgg16` counts and names them as skipped.
    let args = [
        "features",
        "vgg16",
        "--images",
        "posters",
        "--out",
        "F.npy",
        "--image-size",
        "32",
        "--narrow",
        "16",
        "--quiet",
    ];
    let out = cinegenre(&dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("of 3 images (2 skipped)"), "{stdout}");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("F.ids.json")).unwrap()).unwrap();
    let skipped = index["skipped"].to_string();
    assert!(
        skipped.contains("2.jpg") && skipped.contains("3.png") && skipped.contains("truncated"),
        "{skipped}"
    );
}
