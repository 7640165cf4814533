//! Inputs that are not what they seem: FIFOs, sockets and folders named like images (skipped,
//! never opened), an explicit FIFO (read as a stream), and an image replaced between two runs
//! of a resumable extraction (recomputed, not reused).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use cinegenre::backend::Backend;
use cinegenre::io::{NpyData, read_mtx, read_npy};
use cinegenre::vgg::FlattenOrder;
use cinegenre::vgg::extract::{
    ExtractConfig, FeatureIndex, ImageInput, extract_features, list_images, partial_paths,
};
use cinegenre::vgg::network::Vgg;
use cinegenre::vgg::preprocess::{Normalization, Preprocess, Resize};
use cinegenre::vgg::{Architecture, VggWeights};

use crate::common::{scratch, serial};

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success())
}

fn poster(path: &Path, w: u32, shade: u8) {
    image::RgbImage::from_fn(w, 30, |x, y| image::Rgb([(x * 9) as u8 ^ shade, (y * 7) as u8, shade]))
        .save(path)
        .unwrap();
}

fn setup() -> (Vgg, ExtractConfig) {
    let vgg = Vgg::new(VggWeights::random(Architecture::vgg16().narrowed(16), 3), Backend::Scalar).unwrap();
    let preprocess =
        Preprocess { size: (32, 32), resize: Resize::Nearest, normalization: Normalization::Caffe };
    (vgg, ExtractConfig { batch: 2, preprocess, flatten: FlattenOrder::Nhwc, progress: false })
}

fn rows(path: &Path) -> Vec<f32> {
    match read_npy(path).unwrap().data {
        NpyData::F32(v) => v,
        other => panic!("not f32: {other:?}"),
    }
}

/// Run `f` on a thread; fail (instead of hanging the suite) if it does not finish in time.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("hung: did not finish in time")
}

#[test]
fn list_images_skips_a_fifo_a_socket_and_a_folder_named_like_images() {
    let _serial = serial();
    let dir = scratch("list");
    poster(&dir.join("1.png"), 20, 1);
    std::fs::create_dir(dir.join("2.jpg")).unwrap();
    let fifo = mkfifo(&dir.join("3.jpg"));
    #[cfg(unix)]
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("4.png")).unwrap();
    std::os::unix::fs::symlink(dir.join("1.png"), dir.join("5.png")).unwrap();
    let names = within(Duration::from_secs(10), move || {
        let inputs = list_images(&dir).unwrap();
        inputs.iter().map(|i| i.id.clone()).collect::<Vec<_>>()
    });
    assert!(fifo, "mkfifo failed");
    assert_eq!(names, ["1", "5"]);
}

#[test]
fn extract_skips_a_fifo_named_in_a_list_file_without_hanging() {
    let _serial = serial();
    let dir = scratch("list-fifo");
    poster(&dir.join("a.png"), 20, 1);
    poster(&dir.join("c.png"), 22, 2);
    assert!(mkfifo(&dir.join("b.jpg")));
    std::fs::write(dir.join("list.txt"), "a.png\nb.jpg\nc.png\n").unwrap();
    let index = within(Duration::from_secs(120), move || {
        let (vgg, config) = setup();
        let inputs = list_images(&dir.join("list.txt")).unwrap();
        extract_features(&vgg, &inputs, &config, &dir.join("f.npy"), &dir.join("f.json")).unwrap()
    });
    assert_eq!(index.ids, ["a", "c"]);
    assert_eq!(index.skipped.len(), 1);
    assert!(index.skipped[0].error.contains("not a regular file"), "{:?}", index.skipped);
}

#[test]
fn explicit_fifo_input_is_read_as_a_stream() {
    let _serial = serial();
    let dir = scratch("fifo");
    let fifo = dir.join("x.mtx");
    assert!(mkfifo(&fifo));
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::fs::write(writer_path, "%%MatrixMarket matrix coordinate real general\n2 2 1\n2 1 5\n").unwrap();
    });
    let x = within(Duration::from_secs(10), move || read_mtx(&fifo).unwrap());
    writer.join().unwrap();
    assert_eq!(x.to_dense(), [0.0, 0.0, 5.0, 0.0]);
}

#[test]
fn resume_recomputes_an_image_replaced_between_runs_and_reuses_the_others() {
    let _serial = serial();
    let dir = scratch("resume");
    for k in 0..4u8 {
        poster(&dir.join(format!("{k}.png")), 20 + u32::from(k), k * 40);
    }
    let (vgg, config) = setup();
    let inputs = list_images(&dir).unwrap();
    let (out, ids) = (dir.join("f.npy"), dir.join("f.json"));
    let full = extract_features(&vgg, &inputs, &config, &out, &ids).unwrap();
    let dim = full.dim;
    let before = rows(&out);
    // As if killed after the first batch of two, with row 0 marked to see it reused.
    let (partial, checkpoint) = partial_paths(&out);
    let mut kept: Vec<f32> = vec![7.0; dim];
    kept.extend_from_slice(&before[dim..2 * dim]);
    std::fs::write(&partial, kept.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
    let mut state: FeatureIndex = full.clone();
    state.done = 2;
    state.ids.truncate(2);
    state.paths.truncate(2);
    state.stamps.truncate(2);
    state.write(&checkpoint).unwrap();
    // Image 1 is replaced by another poster.
    poster(&dir.join("1.png"), 40, 200);
    let resumed = extract_features(&vgg, &inputs, &config, &out, &ids).unwrap();
    let after = rows(&out);
    assert_eq!(resumed.ids, full.ids);
    assert_eq!(&after[..dim], &vec![7.0; dim][..], "row 0 was not reused");
    assert_eq!(&after[2 * dim..], &before[2 * dim..], "rows 2 and 3 changed");
    let alone: Vec<ImageInput> = vec![ImageInput::new(dir.join("1.png"))];
    extract_features(&vgg, &alone, &config, &dir.join("one.npy"), &dir.join("one.json")).unwrap();
    assert_eq!(&after[dim..2 * dim], &rows(&dir.join("one.npy"))[..], "row 1 was not recomputed");
    assert_ne!(&after[dim..2 * dim], &before[dim..2 * dim]);
    // And a finished index no longer covers the changed folder.
    poster(&dir.join("3.png"), 41, 9);
    assert!(!resumed.covers_prefix_of(&inputs) && resumed.unchanged_prefix(&inputs).done == 3);
}
