//! Helpers of the exact parity tests (io, split, metrics): fixture loading, decoding of
//! generator values (floats may be "nan"/"inf"), and bit-for-bit comparisons that report the
//! first mismatches.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The format version every fixture JSON must carry.
pub const FORMAT_VERSION: u64 = 1;

/// `fixtures/` of this crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Load `fixtures/<rel>` and check its format version.
pub fn load_json(rel: &str) -> Value {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let version = json["format_version"].as_u64();
    assert_eq!(
        version,
        Some(FORMAT_VERSION),
        "{}: format_version {version:?}, expected {FORMAT_VERSION}: re-run the generator {}",
        path.display(),
        json["generator"]
    );
    json
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

/// Bit-for-bit equality of floats (NaN equals NaN, 0.0 differs from -0.0), reporting the first
/// few mismatches and the largest absolute difference.
pub fn assert_bits_eq(label: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{label}: {} values, expected {}", got.len(), want.len());
    let bad: Vec<usize> = (0..got.len()).filter(|&i| got[i].to_bits() != want[i].to_bits()).collect();
    if !bad.is_empty() {
        let max_err = bad.iter().map(|&i| (got[i] - want[i]).abs()).fold(0.0, f64::max);
        let first: Vec<String> =
            bad.iter().take(5).map(|&i| format!("({i}, got {:e}, want {:e})", got[i], want[i])).collect();
        panic!(
            "{label}: {} of {} values differ, first {}; max abs error {max_err:e}",
            bad.len(),
            got.len(),
            first.join(" ")
        );
    }
}

/// A fresh, empty directory for one test's output files.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinegenre-parity-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}
