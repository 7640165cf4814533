//! Column sums on every backend.

use cinegenre::backend::Backend;
use cinegenre::kernels::reduce::column_sums;

use crate::common::{F32_REL, assert_rel_close, fast_backends, poisoned, values};

#[test]
fn column_sums_match_reference() {
    for (m, n) in [(1, 1), (129, 3), (300, 257)] {
        let x = values(m * n, 11);
        let mut want = poisoned(n);
        column_sums(&Backend::Scalar, m, n, &x, &mut want).unwrap();
        for backend in fast_backends() {
            let mut got = poisoned(n);
            column_sums(&backend, m, n, &x, &mut got).unwrap();
            assert_rel_close(&format!("{} {m}×{n}", backend.name()), &got, &want, F32_REL);
        }
    }
}
