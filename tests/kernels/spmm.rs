//! CSR × dense on every backend, including empty rows.

use cinegenre::backend::Backend;
use cinegenre::kernels::spmm::{CsrRef, spmm};

use crate::common::{F32_REL, assert_rel_close, fast_backends, poisoned, values};

#[test]
fn spmm_matches_reference() {
    let (m, k, n) = (37, 50, 70);
    let mut indptr = vec![0u32];
    let mut indices = Vec::new();
    for i in 0..m {
        // Row i has (i % 5) non-zeros; rows with i % 5 == 0 are empty.
        for q in 0..i % 5 {
            indices.push(((i * 7 + q * 11) % k) as u32);
        }
        indptr.push(indices.len() as u32);
    }
    let data = values(indices.len(), 31);
    let s = CsrRef { n_rows: m, n_cols: k, indptr: &indptr, indices: &indices, data: &data };
    let b = values(k * n, 32);
    let mut want = poisoned(m * n);
    spmm(&Backend::Scalar, s, n, &b, &mut want).unwrap();
    for backend in fast_backends() {
        let mut got = poisoned(m * n);
        spmm(&backend, s, n, &b, &mut got).unwrap();
        assert_rel_close(&backend.name(), &got, &want, F32_REL);
    }
    let bad = CsrRef { indices: &[99], indptr: &[0, 1], data: &[1.0], n_rows: 1, n_cols: 2 };
    assert!(
        spmm(&Backend::Scalar, bad, 1, &[0.0; 2], &mut [0.0])
            .unwrap_err()
            .to_string()
            .contains("column index 99")
    );
}
