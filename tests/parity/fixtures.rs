//! Parity's comparisons against the references (bit-equal, sequence-equal, within a relative
//! tolerance; failures show the first mismatches), its scratch folders, and the shared fixture
//! loading, corpus and GPU-or-skip rule of `tests/common`, re-exported for the parity modules.

pub use crate::common::corpus::tutorial_counts;
pub use crate::common::fixtures::*;
pub use crate::common::gpu::gpu_or_skip;

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

/// A fresh, empty directory for one test's output files, removed when dropped.
pub fn temp_dir(test: &str) -> crate::common::scratch::ScratchDir {
    crate::common::scratch::ScratchDir::new("parity", test)
}
