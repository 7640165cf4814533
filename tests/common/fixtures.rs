//! Reading `fixtures/`: files written by `tools/gen_*.py` (JSON, optionally gzipped, with a
//! `format_version`), `.npy` arrays of a known dtype, and the generators' values (floats may be
//! "nan"/"inf"). Fixtures are trusted input: a mismatch panics with the file and the field.

use std::io::Read;
use std::path::{Path, PathBuf};

use cinegenre::io::{NpyArray, NpyData, read_npy};
use serde_json::Value;

/// The fixture format this crate reads; a mismatch means "re-run the generator".
pub const FORMAT_VERSION: u64 = 1;

/// `fixtures/<rel>` under the crate root.
pub fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// Raw text of `fixtures/<rel>`, gunzipped when its name ends in `.gz`.
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

/// A `uint8` array: (shape, values).
pub fn npy_u8(path: &Path) -> (Vec<usize>, Vec<u8>) {
    match read_npy(path).unwrap_or_else(|e| panic!("{e}")) {
        NpyArray { shape, data: NpyData::U8(v) } => (shape, v),
        other => panic!("{}: expected uint8, got {:?}", path.display(), other.data),
    }
}

/// A `float32` array: (shape, values).
pub fn npy_f32(path: &Path) -> (Vec<usize>, Vec<f32>) {
    match read_npy(path).unwrap_or_else(|e| panic!("{e}")) {
        NpyArray { shape, data: NpyData::F32(v) } => (shape, v),
        other => panic!("{}: expected float32, got {:?}", path.display(), other.data),
    }
}

/// A `float64` array: (shape, values).
pub fn npy_f64(path: &Path) -> (Vec<usize>, Vec<f64>) {
    match read_npy(path).unwrap_or_else(|e| panic!("{e}")) {
        NpyArray { shape, data: NpyData::F64(v) } => (shape, v),
        other => panic!("{}: expected float64, got {:?}", path.display(), other.data),
    }
}

/// `value` as a vector of `T`.
pub fn vec_of<T: serde::de::DeserializeOwned>(value: &Value, label: &str) -> Vec<T> {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{label}: {e}"))
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
