//! Feature extraction at scale: a folder (or list) of posters → one float32 `.npy` row of VGG
//! features per readable image, plus an index naming the rows — streamed, resumable, and never
//! aborted by one bad file.
//!
//! ```text
//! inputs   DIR/*.{jpg,jpeg,png} sorted by name, or a list file (one path per line)
//! check    OUT and IDS are validated and their temp files created before any image is read
//! batch    stamp (size, mtime), then decode + preprocess b images in parallel; unreadable
//!          ones and non-regular files (FIFOs, sockets, folders: never opened) → warning, skipped
//!          forward (b, 224, 224, 3) → (b, 7, 7, 512) → flatten (NHWC or NCHW) → b rows of 25,088
//! append   rows to OUT.partial (raw little-endian f32), then OUT.partial.json (the checkpoint:
//!          inputs done, kept ids/paths/stamps, skipped files), both synced, after every batch
//! finish   OUT = npy header (rows, dim) + OUT.partial and IDS = the index, renamed together;
//!          the partial files are removed
//! resume   a checkpoint made with the same weights and recipe is continued from the longest
//!          prefix of the inputs it consumed whose files still have their recorded size and
//!          modification time: OUT.partial is cut back to those rows; a replaced image and
//!          everything after it is extracted again
//! ```
//! Memory is bounded by one batch: its inputs and two activations of the widest layer
//! (b·224·224·64 floats each, 12.8 MB per image), whatever the number of images.
//!
//! Reference: the tutorial's loop over `poster_movies` (`image.load_img` → `preprocess_input` →
//! `model.predict` → `np_features` rows); the ids make row order explicit where the tutorial
//! relied on list order. Cost: the network's 30.7 GFLOP per 224×224 image dominates.

mod index;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::FlattenOrder;
use super::network::Vgg;
use super::preprocess::Preprocess;
use crate::error::{Error, Result};
use crate::io::{OutputSet, npy_header};
use crate::progress::Counter;

pub use index::{FeatureIndex, FileStamp, Skipped};

/// One image to extract: its id (the file stem, a TMDB id for the bundled posters) and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInput {
    pub id: String,
    pub path: PathBuf,
}

impl ImageInput {
    pub fn new(path: PathBuf) -> ImageInput {
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        ImageInput { id, path }
    }
}

/// The images of a folder (`.jpg`, `.jpeg`, `.png`, sorted by file name) or of a list file
/// (one path per line, relative to the list's folder; blank lines and `#` comments ignored).
///
/// In a folder, an entry with an image name that is not a regular file (or a link to one) —
/// a FIFO, a socket, a device, a folder — is skipped with a warning on standard error, never
/// opened: reading a FIFO would wait for a writer forever. Entries of a list file are checked
/// the same way when they are read ([`extract_features`] skips them).
pub fn list_images(source: &Path) -> Result<Vec<ImageInput>> {
    if source.is_dir() {
        let mut paths = Vec::new();
        for entry in fs::read_dir(source).map_err(|e| Error::io(source, e))? {
            let path = entry.map_err(|e| Error::io(source, e))?.path();
            let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
            if !matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png")) {
                continue;
            }
            match regular_file(&path) {
                Ok(()) => paths.push(path),
                Err(e) => eprintln!("warning: skipping {e}"),
            }
        }
        paths.sort();
        return Ok(paths.into_iter().map(ImageInput::new).collect());
    }
    let text = fs::read_to_string(source).map_err(|e| Error::io(source, e))?;
    let base = source.parent().unwrap_or(Path::new(""));
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| ImageInput::new(base.join(l)))
        .collect())
}

/// How to extract.
#[derive(Debug, Clone)]
pub struct ExtractConfig {
    /// Images per forward pass.
    pub batch: usize,
    pub preprocess: Preprocess,
    pub flatten: FlattenOrder,
    /// A progress bar on standard error.
    pub progress: bool,
}

/// `Ok` when `path` is a regular file (links followed), else an error naming it and what it is.
pub fn regular_file(path: &Path) -> Result<()> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() { "a folder" } else { "not a regular file (a FIFO, socket or device)" };
    Err(Error::io(path, io::Error::new(io::ErrorKind::InvalidInput, format!("is {what}, not an image"))))
}

/// Stamp, check and decode one input: (the file as it was before reading, the pixels).
fn load(preprocess: &Preprocess, path: &Path) -> (Option<FileStamp>, Result<Vec<f32>>) {
    let stamp = FileStamp::of(path);
    (stamp, regular_file(path).and_then(|()| preprocess.load(path)))
}

/// `OUT.partial` and `OUT.partial.json`.
pub fn partial_paths(out: &Path) -> (PathBuf, PathBuf) {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    (out.with_file_name(format!("{name}.partial")), out.with_file_name(format!("{name}.partial.json")))
}

/// Extract features of every readable image of `inputs` into `out` (float32 `.npy`, one row per
/// kept image) and its index into `ids_out`, continuing a matching checkpoint if one exists.
///
/// Both outputs are checked before the first image is read ([`OutputSet`]) and appear together
/// at the end. A checkpoint is continued from the longest prefix of `inputs` whose files are
/// unchanged since they were read ([`FeatureIndex::unchanged_prefix`]).
pub fn extract_features(
    vgg: &Vgg,
    inputs: &[ImageInput],
    config: &ExtractConfig,
    out: &Path,
    ids_out: &Path,
) -> Result<FeatureIndex> {
    let mut outputs = OutputSet::new(&[out, ids_out], &[])?;
    let (partial, checkpoint) = partial_paths(out);
    let fresh = FeatureIndex::new(vgg, config);
    let dim = fresh.dim;
    let row_bytes = (dim * 4) as u64;
    let mut state = match FeatureIndex::read(&checkpoint) {
        Ok(old) if old.same_recipe(&fresh) && partial.exists() => old.unchanged_prefix(inputs),
        _ => fresh,
    };
    let rows_file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(state.done == 0)
        .open(&partial)
        .map_err(|e| Error::io(&partial, e))?;
    let have = rows_file.metadata().map_err(|e| Error::io(&partial, e))?.len();
    let want = state.ids.len() as u64 * row_bytes;
    if have < want {
        // The checkpoint claims rows the file lost: start over.
        state = FeatureIndex::new(vgg, config);
        rows_file.set_len(0).map_err(|e| Error::io(&partial, e))?;
    } else {
        rows_file.set_len(want).map_err(|e| Error::io(&partial, e))?;
    }
    let mut rows_file = OpenOptions::new().append(true).open(&partial).map_err(|e| Error::io(&partial, e))?;

    let bar = Counter::new("VGG features", inputs.len() as u64, "images", config.progress);
    bar.resume_at(state.done as u64);
    let (h, w) = config.preprocess.size;
    let out_shape = vgg.output_shape((h, w));
    let mut row = vec![0.0f32; dim];
    for chunk in inputs[state.done..].chunks(config.batch.max(1)) {
        let decoded: Vec<(Option<FileStamp>, Result<Vec<f32>>)> =
            chunk.par_iter().map(|input| load(&config.preprocess, &input.path)).collect();
        let mut x = Vec::with_capacity(chunk.len() * h * w * 3);
        let mut kept = Vec::new();
        for (input, (stamp, result)) in chunk.iter().zip(decoded) {
            match result {
                Ok(pixels) => {
                    x.extend_from_slice(&pixels);
                    kept.push((input, stamp));
                }
                Err(e) => {
                    bar.println(&format!("warning: skipping {}: {e}", input.path.display()));
                    state.skipped.push(Skipped { path: input.path.clone(), error: e.to_string(), stamp });
                }
            }
        }
        if !kept.is_empty() {
            let y = vgg.forward(&x, kept.len(), (h, w))?;
            let mut bytes = Vec::with_capacity(kept.len() * dim * 4);
            for image in y.chunks_exact(dim) {
                config.flatten.flatten(image, out_shape, &mut row);
                bytes.extend(row.iter().flat_map(|v| v.to_le_bytes()));
            }
            rows_file.write_all(&bytes).map_err(|e| Error::io(&partial, e))?;
            rows_file.sync_data().map_err(|e| Error::io(&partial, e))?;
            for (input, stamp) in kept {
                state.push_kept(input, stamp);
            }
        }
        state.done += chunk.len();
        state.write(&checkpoint)?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    drop(rows_file);
    if state.ids.is_empty() {
        let _ = fs::remove_file(&partial);
        let _ = fs::remove_file(&checkpoint);
        return Err(Error::Shape(format!(
            "none of the {} images could be read (first: {})",
            inputs.len(),
            state.skipped.first().map_or("none given".into(), |s| format!(
                "{}: {}",
                s.path.display(),
                s.error
            ))
        )));
    }
    finish(&mut outputs, out, &partial, state.ids.len(), dim)?;
    outputs.write(ids_out, |w| state.write_to(ids_out, w))?;
    outputs.commit()?;
    let _ = fs::remove_file(&partial);
    let _ = fs::remove_file(&checkpoint);
    Ok(state)
}

/// OUT = npy header + the raw rows, into its part of `outputs`.
fn finish(outputs: &mut OutputSet, out: &Path, partial: &Path, rows: usize, dim: usize) -> Result<()> {
    outputs.write(out, |w| {
        w.write_all(&npy_header::<f32>(&[rows, dim])).map_err(|e| Error::io(out, e))?;
        let mut src = File::open(partial).map_err(|e| Error::io(partial, e))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = src.read(&mut buf).map_err(|e| Error::io(partial, e))?;
            if n == 0 {
                return Ok(());
            }
            w.write_all(&buf[..n]).map_err(|e| Error::io(out, e))?;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Backend;
    use crate::io::{NpyData, read_npy};
    use crate::vgg::preprocess::{Normalization, Resize};
    use crate::vgg::{Architecture, VggWeights};

    fn setup(name: &str) -> (PathBuf, Vec<ImageInput>, Vgg, ExtractConfig) {
        let dir = std::env::temp_dir().join(format!("cinegenre-extract-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for k in 0..4u8 {
            let img = image::RgbImage::from_fn(20 + u32::from(k), 30, |x, y| {
                image::Rgb([(x * 9) as u8 ^ k, (y * 7) as u8, k * 40])
            });
            img.save(dir.join(format!("{k}.png"))).unwrap();
        }
        fs::write(dir.join("2b.jpg"), b"truncated").unwrap();
        let inputs = list_images(&dir).unwrap();
        let vgg =
            Vgg::new(VggWeights::random(Architecture::vgg16().narrowed(16), 3), Backend::Scalar).unwrap();
        let preprocess =
            Preprocess { size: (32, 32), resize: Resize::Nearest, normalization: Normalization::Caffe };
        let config = ExtractConfig { batch: 2, preprocess, flatten: FlattenOrder::Nhwc, progress: false };
        (dir, inputs, vgg, config)
    }

    fn f32s(path: &Path) -> (Vec<usize>, Vec<f32>) {
        let a = read_npy(path).unwrap();
        match a.data {
            NpyData::F32(v) => (a.shape, v),
            other => panic!("not f32: {other:?}"),
        }
    }

    #[test]
    fn bad_files_are_skipped_and_rows_follow_the_ids() {
        let (dir, inputs, vgg, config) = setup("skip");
        assert_eq!(inputs.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["0", "1", "2", "2b", "3"]);
        let (out, ids) = (dir.join("f.npy"), dir.join("f.ids.json"));
        let index = extract_features(&vgg, &inputs, &config, &out, &ids).unwrap();
        assert_eq!(index.ids, ["0", "1", "2", "3"]);
        assert_eq!(index.skipped.len(), 1);
        assert!(index.skipped[0].path.ends_with("2b.jpg"));
        let (shape, rows) = f32s(&out);
        assert_eq!(shape, [4, index.dim]);
        // Row 3 is image "3" on its own.
        let alone =
            extract_features(&vgg, &inputs[4..], &config, &dir.join("g.npy"), &dir.join("g.json")).unwrap();
        assert_eq!(alone.ids, ["3"]);
        assert_eq!(f32s(&dir.join("g.npy")).1, rows[3 * index.dim..]);
        assert_eq!(FeatureIndex::read(&ids).unwrap(), index);
        assert!(!partial_paths(&out).0.exists() && !partial_paths(&out).1.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_interrupted_extraction_resumes_to_the_same_file() {
        let (dir, inputs, vgg, config) = setup("resume");
        let (out, ids) = (dir.join("f.npy"), dir.join("f.ids.json"));
        let full = extract_features(&vgg, &inputs, &config, &out, &ids).unwrap();
        let want = fs::read(&out).unwrap();
        // As if killed after the first batch, in the middle of writing the second.
        let (partial, checkpoint) = partial_paths(&out);
        let header = npy_header::<f32>(&[4, full.dim]).len();
        let mut rows = want[header..header + 2 * full.dim * 4].to_vec();
        rows.extend_from_slice(&[1, 2, 3]);
        fs::write(&partial, rows).unwrap();
        let mut state = full.clone();
        (state.done, state.ids, state.paths, state.skipped) =
            (2, full.ids[..2].to_vec(), full.paths[..2].to_vec(), Vec::new());
        state.write(&checkpoint).unwrap();
        fs::remove_file(&out).unwrap();
        let resumed = extract_features(&vgg, &inputs, &config, &out, &ids).unwrap();
        assert_eq!(resumed, full);
        assert_eq!(fs::read(&out).unwrap(), want);
        fs::remove_dir_all(&dir).unwrap();
    }
}
