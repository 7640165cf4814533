//! Every reader on mutated fixtures (proptest): `Ok` or an error naming the file, never a
//! panic, never slow, never an allocation above `k · input + constant`.
//!
//! `k` per reader is what one pass legitimately holds per input byte (measured on these
//! fixtures, then doubled or more for margin): the file's bytes, the parsed values and the
//! output, plus, for Matrix Market, row pointers of up to 8 rows per byte (the size limit).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::dataset::{Movie, read_jsonl, write_jsonl};
use cinegenre::embed::{Format, ReadOptions, read_vectors};
use cinegenre::io::{read_mtx, read_npy};
use cinegenre::labels::{LabelFile, LabelMatrix};
use cinegenre::matrix::CsrMatrix;
use cinegenre::mlp::file::read_features;
use cinegenre::predictor::Predictor;
use cinegenre::vgg::arch::Entry;
use cinegenre::vgg::preprocess::{MAX_DECODE_BYTES, decode_rgb};
use cinegenre::vgg::{Architecture, VggWeights};
use proptest::prelude::*;

use crate::common::{Bound, CONSTANT, ScratchDir, apply, check_reader, fixture, mutations, scratch, serial};

/// Matrix Market: the text (1×), its lines and parsed entries (≈ 16 bytes per 4-byte entry
/// line), triplets and CSR (≈ 20), and up to 8 row pointers of 8 bytes per byte of file.
const MTX: Bound = Bound::input(160);
/// `.npy`: the file, the decoded values (at most 8 bytes per input byte for `|b1` → i64 in
/// labels), a Fortran-order copy.
const NPY: Bound = Bound::input(32);
/// word2vec: the buffer grows to at most twice what arrived; stored words and vectors, the
/// word index (a hash map entry per ≥ 6-byte record).
const W2V: Bound = Bound::input(32);
/// safetensors and HDF5 weight files: the file once, the decoded tensors once (f32 → f32, or
/// f32 → OIHW copy), the parsed header.
const WEIGHTS: Bound = Bound::input(8);
/// Images are bounded by the decoder's limit, not by the file: a one-byte change to a 16 KB
/// JPEG's frame header declares a large image that decodes to 30 MB of grey (found by this
/// test). `decode_rgb` refuses any decode above `MAX_DECODE_BYTES`; the RGB8 copy made after
/// decoding is at most as large again.
const IMAGE: Bound = Bound { per_byte: 64, fixed: 2 * MAX_DECODE_BYTES as usize + CONSTANT };
/// JSON Lines: the text, serde's values and the movies (≈ 10× for short lines).
const JSONL: Bound = Bound::input(32);

/// Cases per reader: enough to cross every header field, small enough for CI's 2 cores.
const CASES: u32 = 256;

fn one_of(names: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(names)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
}

fn target(dir: &str, name: &str) -> PathBuf {
    // Shared by every case of the run, kept for its length (a static is never dropped).
    static DIR: OnceLock<ScratchDir> = OnceLock::new();
    DIR.get_or_init(|| scratch("mutate")).join(format!("{dir}-{name}"))
}

/// A naive Bayes model file (safetensors with cinegenre's metadata), trained once.
fn model_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let x = CsrMatrix::from_dense(4, 3, &[3.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 4.0]);
        let labels = LabelMatrix::from_parts(vec![12, 35], 4, vec![1, 0, 0, 1, 1, 1, 0, 0]).unwrap();
        let y = LabelFile { labels, names: vec!["Adventure".into(), "Comedy".into()], unknown: 0 };
        let model = NbModel::train(&NbParams::default(), &x, &y, None).unwrap();
        let path = target("model", "nb.safetensors");
        model.save(&path).unwrap();
        std::fs::read(&path).unwrap()
    })
}

fn jsonl_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let movie = |id, title: &str, genres: Vec<u32>| Movie {
            id,
            title: title.into(),
            overview: format!("{title}: a story in {id} words."),
            genre_ids: genres,
            poster_path: Some(format!("/{id}.jpg")),
            release_date: Some("1995-10-30".into()),
            popularity: Some(21.9),
            language: Some("en".into()),
        };
        let path = target("jsonl", "movies.jsonl");
        write_jsonl(&path, &[movie(862, "Toy Story", vec![16, 35]), movie(8844, "Jumanji", vec![12])])
            .unwrap();
        std::fs::read(&path).unwrap()
    })
}

fn tiny_arch() -> Architecture {
    Architecture::from_table("tiny", &[Entry::Conv(2), Entry::Pool, Entry::Conv(3), Entry::Pool], 3)
}

fn png_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let img = image::RgbImage::from_fn(24, 17, |x, y| image::Rgb([(x * 9) as u8, (y * 13) as u8, 77]));
        let path = target("png", "poster.png");
        img.save(&path).unwrap();
        std::fs::read(&path).unwrap()
    })
}

const MTX_FILES: &[&str] = &[
    "io/mtx/square_general.mtx",
    "io/mtx/pattern_symmetric.mtx",
    "io/mtx/skew_symmetric_3x3.mtx",
    "io/mtx/array_2x3.mtx",
    "io/mtx/special_values.mtx",
    "io/mtx/awkward_reals.mtx.gz",
];
const NPY_FILES: &[&str] = &[
    "io/npy/f64_2d.npy",
    "io/npy/f64_fortran_2x3.npy",
    "io/npy/f64_v3.npy",
    "io/npy/i64_bigendian_3.npy",
    "io/npy/u8_indicator_2d.npy",
    "io/npy/bool_2d.npy",
];
const W2V_FILES: &[&str] =
    &["word2vec/vectors.bin", "word2vec/c_tool.bin", "word2vec/vectors.txt", "word2vec/glove.txt"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn mutated_mtx_files_read_or_fail_cleanly(name in one_of(MTX_FILES), m in mutations()) {
        let _serial = serial();
        let bytes = apply(&read(name), &m);
        let file = if name.ends_with(".gz") { "x.mtx.gz" } else { "x.mtx" };
        check_reader(name, &target("mtx", file), &bytes, MTX, read_mtx)?;
    }

    #[test]
    fn mutated_npy_files_read_or_fail_cleanly_as_arrays_labels_and_features(
        name in one_of(NPY_FILES), m in mutations()
    ) {
        let _serial = serial();
        let bytes = apply(&read(name), &m);
        check_reader(name, &target("npy", "a.npy"), &bytes, NPY, read_npy)?;
        check_reader(name, &target("npy", "y.npy"), &bytes, NPY, LabelFile::read)?;
        check_reader(name, &target("npy", "x.npy"), &bytes, NPY, read_features)?;
    }

    #[test]
    fn mutated_word2vec_files_read_or_fail_cleanly(name in one_of(W2V_FILES), m in mutations()) {
        let _serial = serial();
        let bytes = apply(&read(name), &m);
        let format = if name.ends_with(".bin") { Format::Binary } else { Format::Text };
        let file = Path::new(name).file_name().unwrap().to_string_lossy().into_owned();
        check_reader(name, &target("w2v", &file), &bytes, W2V, |p| {
            read_vectors(p, Some(format), &ReadOptions::default())
        })?;
    }

    #[test]
    fn mutated_model_files_load_or_fail_cleanly(m in mutations()) {
        let _serial = serial();
        let bytes = apply(model_bytes(), &m);
        check_reader("nb model", &target("model", "m.safetensors"), &bytes, WEIGHTS, Predictor::load)?;
    }

    #[test]
    fn mutated_vgg_safetensors_load_or_fail_cleanly(
        name in one_of(&["vgg/narrow_keras.safetensors", "vgg/narrow_torchvision.safetensors"]),
        m in mutations()
    ) {
        let _serial = serial();
        let bytes = apply(&read(name), &m);
        check_reader(name, &target("vgg", "w.safetensors"), &bytes, WEIGHTS, |p| {
            VggWeights::load(p, Architecture::vgg16().narrowed(16))
        })?;
    }

    #[test]
    fn mutated_vgg_hdf5_load_or_fail_cleanly(tiny in any::<bool>(), m in mutations()) {
        let _serial = serial();
        let (name, arch) = if tiny {
            ("vgg/tiny_keras2.h5", tiny_arch())
        } else {
            ("vgg/narrow_keras.h5", Architecture::vgg16().narrowed(16))
        };
        let bytes = apply(&read(name), &m);
        check_reader(name, &target("vgg", "w.h5"), &bytes, WEIGHTS, |p| VggWeights::load(p, arch))?;
    }

    #[test]
    fn mutated_jpeg_and_png_headers_decode_or_fail_cleanly(jpeg in any::<bool>(), m in mutations()) {
        let _serial = serial();
        let (name, bytes) = if jpeg {
            ("posters/100042.jpg", read("posters/100042.jpg"))
        } else {
            ("generated png", png_bytes().to_vec())
        };
        let file = if jpeg { "p.jpg" } else { "p.png" };
        check_reader(name, &target("img", file), &apply(&bytes, &m), IMAGE, decode_rgb)?;
    }

    #[test]
    fn mutated_jsonl_files_read_or_fail_cleanly(m in mutations()) {
        let _serial = serial();
        let bytes = apply(jsonl_bytes(), &m);
        check_reader("movies.jsonl", &target("jsonl", "m.jsonl"), &bytes, JSONL, read_jsonl)?;
    }
}
