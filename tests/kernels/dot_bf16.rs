//! GEMM on bf16 pairs (`vdpbf16ps`): every backend == the rounding f64 reference, and the cost
//! of rounding both operands measured against the f32 product.

use cinegenre::backend::Backend;
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::dot_bf16::{available, gemm_dot_bf16, reference};
use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm};
use proptest::prelude::*;

use crate::common::{F32_REL, assert_rel_close, fast_backends, poisoned, rel_error, values};

/// Two bf16 roundings per product, each ≤ u = 2⁻⁸ relative: the RMS error of C stays below u
/// on data without cancellation (expected ≈ √2 · 0.4 · u ≈ 2.2e-3).
const DOT_BF16_REL: f64 = 1.0 / 256.0;

fn check(g: Gemm, bias: bool, backends: &[Backend]) {
    let (a, b, bias_v) =
        (values(g.m * g.k, 31 + g.m as u64), values(g.k * g.n, 32 + g.n as u64), values(g.n, 33));
    let epilogue = Epilogue { bias: bias.then_some(&bias_v[..]), activation: Activation::Relu };
    let mut want = poisoned(g.m * g.n);
    reference(g, &a, &b, epilogue, &mut want);
    for backend in backends {
        let mut got = poisoned(g.m * g.n);
        gemm_dot_bf16(backend, g, &a, &b, epilogue, &mut got).unwrap();
        // Same rounded operands and exact products: only the order of the f32 sums differs.
        assert_rel_close(&format!("dot-bf16 {} {g:?} bias={bias}", backend.name()), &got, &want, F32_REL);
    }
}

#[test]
fn awkward_shapes_match_reference() {
    eprintln!("AVX512-BF16 kernel on this CPU: {}", available());
    let backends = fast_backends();
    // 1, tile ± 1 of the 12 × 32 tile, odd k (a padded pair), k across two 512-slices.
    for &(m, n, k) in &[(1, 1, 1), (11, 31, 3), (13, 33, 257), (25, 65, 1025), (5, 97, 300), (24, 64, 0)] {
        for (ta, tb) in [(false, false), (false, true), (true, false)] {
            check(Gemm { m, n, k, trans_a: ta, trans_b: tb }, ta || tb, &backends);
        }
    }
}

#[test]
fn rounding_error_within_roundoff() {
    let g = Gemm::nn(64, 256, 4096);
    let (a, b) = (values(g.m * g.k, 41), values(g.k * g.n, 42));
    let mut exact = vec![0.0; g.m * g.n];
    gemm(&Backend::Scalar, g, &a, &b, Epilogue::default(), &mut exact).unwrap();
    let mut got = poisoned(g.m * g.n);
    gemm_dot_bf16(&Backend::cpu().unwrap(), g, &a, &b, Epilogue::default(), &mut got).unwrap();
    let err = rel_error(&got, &exact);
    eprintln!("{g:?}: dot-bf16 relative error {err:.3e}");
    // A lower bound (a tenth of the bound) proves both operands really were rounded.
    assert!((DOT_BF16_REL / 10.0..=DOT_BF16_REL).contains(&err), "dot-bf16 error {err:.3e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn random_shapes_match_reference(m in 1usize..40, n in 1usize..70, k in 1usize..600, t in 0usize..3) {
        let (trans_a, trans_b) = [(false, false), (false, true), (true, false)][t];
        check(Gemm { m, n, k, trans_a, trans_b }, true, &fast_backends());
    }
}
