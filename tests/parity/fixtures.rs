//! Loading fixtures written by `tools/gen_*.py`, decoding their values (floats may be
//! "nan"/"inf"), and comparing against them with failure messages that show the first mismatches.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The fixture format this crate reads; a mismatch means "re-run the generator".
pub const FORMAT_VERSION: u64 = 1;

/// `fixtures/<rel>` under the crate root.
pub fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// Raw text of a file, gunzipped when its name ends in `.gz`.
pub fn read_text(rel: &str) -> String {
    let p = path(rel);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if rel.ends_with(".gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        text
    } else {
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

/// A fixture JSON (optionally gzipped), with its `format_version` checked.
pub fn load(rel: &str) -> Value {
    let value: Value = serde_json::from_str(&read_text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let version = value["format_version"].as_u64();
    assert_eq!(
        version,
        Some(FORMAT_VERSION),
        "{rel}: format_version {version:?}, expected {FORMAT_VERSION}; re-run {}",
        value["generator"]
    );
    value
}

/// `value` as a vector of `T` (panics with the label on mismatch: fixtures are trusted input).
pub fn vec_of<T: serde::de::DeserializeOwned>(value: &Value, label: &str) -> Vec<T> {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{label}: {e}"))
}

/// Assert two f64 slices are equal bit for bit; on failure print the first mismatches.
pub fn assert_bits_eq(label: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{label}: length");
    let bad: Vec<usize> = (0..got.len()).filter(|&k| got[k].to_bits() != want[k].to_bits()).collect();
    if !bad.is_empty() {
        let max_err = bad.iter().map(|&k| (got[k] - want[k]).abs()).fold(0.0, f64::max);
        let first: Vec<String> =
            bad.iter().take(5).map(|&k| format!("({k}, got {:e}, want {:e})", got[k], want[k])).collect();
        panic!(
            "{label}: {} of {} values differ in bits, max error {max_err:e}; first: {}",
            bad.len(),
            got.len(),
            first.join(", ")
        );
    }
}

/// Assert two sequences are equal; on failure print the first mismatching positions.
pub fn assert_seq_eq<T: PartialEq + std::fmt::Debug>(label: &str, got: &[T], want: &[T]) {
    let bad: Vec<usize> = (0..got.len().min(want.len())).filter(|&k| got[k] != want[k]).collect();
    if !bad.is_empty() || got.len() != want.len() {
        let first: Vec<String> =
            bad.iter().take(5).map(|&k| format!("({k}, got {:?}, want {:?})", got[k], want[k])).collect();
        panic!(
            "{label}: lengths {} vs {}, {} mismatches; first: {}",
            got.len(),
            want.len(),
            bad.len(),
            first.join(", ")
        );
    }
}

/// A JSON array of numbers as `f64`s.
pub fn f64s(value: &Value) -> Vec<f64> {
    value.as_array().expect("array").iter().map(|v| v.as_f64().expect("number")).collect()
}

/// A JSON array of arrays of numbers, flattened row-major, with the row count.
pub fn f64_rows(value: &Value) -> (usize, Vec<f64>) {
    let rows = value.as_array().expect("array of rows");
    (rows.len(), rows.iter().flat_map(f64s).collect())
}

/// Assert `|got − want| ≤ tol · max(|want|, floor)` element-wise; on failure print the first
/// few `(index, got, want)` and the largest relative error.
pub fn assert_close(label: &str, got: &[f64], want: &[f64], rel_tol: f64, floor: f64) {
    assert_eq!(got.len(), want.len(), "{label}: length {} vs reference {}", got.len(), want.len());
    let mut bad = Vec::new();
    let mut max_err = 0.0f64;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = if g == w { 0.0 } else { (g - w).abs() / w.abs().max(floor) };
        max_err = max_err.max(if err.is_nan() { f64::INFINITY } else { err });
        if err.is_nan() || err > rel_tol {
            bad.push((i, g, w));
        }
    }
    assert!(
        bad.is_empty(),
        "{label}: {} of {} values differ beyond {rel_tol:e} (max relative error {max_err:e}); first: {:?}",
        bad.len(),
        got.len(),
        &bad[..bad.len().min(5)]
    );
}

/// A float written by a generator: a JSON number, or "nan" / "inf" / "-inf".
pub fn float(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("a JSON number"),
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("not a float: {other}"),
    }
}

pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("a JSON array").iter().map(float).collect()
}

pub fn ints(v: &Value) -> Vec<i64> {
    v.as_array().expect("a JSON array").iter().map(|x| x.as_i64().expect("an integer")).collect()
}

pub fn usizes(v: &Value) -> Vec<usize> {
    ints(v).into_iter().map(|x| usize::try_from(x).expect("a non-negative integer")).collect()
}

pub fn string(v: &Value) -> String {
    v.as_str().expect("a JSON string").to_owned()
}

/// A JSON matrix (array of rows) of 0/1 as a row-major `u8` vector and its column count.
pub fn indicator(v: &Value) -> (Vec<u8>, usize) {
    let rows = v.as_array().expect("an array of rows");
    let n_cols = rows.first().and_then(|r| r.as_array()).map_or(0, Vec::len);
    let flat = rows.iter().flat_map(ints).map(|x| u8::try_from(x).expect("0 or 1")).collect();
    (flat, n_cols)
}

/// A fresh, empty directory for one test's output files.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinegenre-parity-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}
/// The GPU backend, or `None` after printing why; with `CINEGENRE_REQUIRE_GPU=1` (CI) a
/// missing adapter fails the test instead.
pub fn gpu_or_skip() -> Option<cinegenre::backend::Backend> {
    match cinegenre::backend::Backend::gpu() {
        Ok(b) => Some(b),
        Err(e) if cinegenre::gpu::GpuContext::required() => {
            panic!("CINEGENRE_REQUIRE_GPU=1 but there is no GPU: {e}")
        }
        Err(e) => {
            eprintln!("skipping GPU check: {e}");
            None
        }
    }
}

/// The tutorial's text-model input, built as the tutorial builds it: the 1,559 bundled movies of
/// `paritoshgoyal_movies_with_overviews` in file order, overviews with `,` and `.` deleted,
/// `CountVectorizer(max_df=0.95, min_df=0.005)` counts, and `MultiLabelBinarizer` labels.
pub fn tutorial_counts() -> (cinegenre::matrix::CsrMatrix, cinegenre::labels::LabelMatrix) {
    use cinegenre::dataset::{load_bundled_file, tutorial_clean};
    use cinegenre::text::{CountVectorizer, CountVectorizerParams, DocFreq};
    let movies = load_bundled_file("paritoshgoyal_movies_with_overviews.json.gz").expect("bundled file");
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams {
        min_df: DocFreq::Fraction(0.005),
        max_df: DocFreq::Fraction(0.95),
        lowercase: true,
    };
    let counts = CountVectorizer::new(params).fit_transform(&docs).expect("vectorize");
    let labels = cinegenre::labels::binarize(&movies, None).expect("labels").labels;
    (counts, labels)
}
