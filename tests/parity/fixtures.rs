//! Loading reference outputs from `fixtures/` and comparing floats with useful failure output.

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;

/// The fixture layout these tests understand.
const FORMAT_VERSION: u64 = 1;

/// Absolute path of a file under `fixtures/`.
pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(relative)
}

/// Parse a fixture JSON (gzip'd if it ends in `.gz`) and check its `format_version`.
pub fn load(relative: &str) -> Value {
    let file = path(relative);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let text = if relative.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut s).expect("gzip fixture");
        s
    } else {
        String::from_utf8(bytes).expect("UTF-8 fixture")
    };
    let value: Value = serde_json::from_str(&text).expect("fixture JSON");
    let version = value["format_version"].as_u64();
    assert_eq!(
        version,
        Some(FORMAT_VERSION),
        "{relative}: format_version {version:?}, expected {FORMAT_VERSION}: re-run the generator {} (tools/regen_fixtures.sh)",
        value["generator"]
    );
    value
}

/// A JSON array of numbers as `f64`s.
pub fn f64s(value: &Value) -> Vec<f64> {
    value.as_array().expect("array").iter().map(|v| v.as_f64().expect("number")).collect()
}

/// A JSON array of arrays of numbers, flattened row-major, with the row count.
pub fn f64_rows(value: &Value) -> (usize, Vec<f64>) {
    let rows = value.as_array().expect("array of rows");
    (rows.len(), rows.iter().flat_map(|r| f64s(r)).collect())
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
        if !(err <= rel_tol) {
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
