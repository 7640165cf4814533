//! SGEMM: SIMD == scalar and GPU == scalar, all three transposition variants, with epilogues.

use cinegenre::backend::Backend;
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm};
use proptest::prelude::*;

use crate::common::{F32_REL, assert_rel_close, fast_backends, poisoned, values};

fn check(g: Gemm, bias: bool, activation: Activation, backends: &[Backend]) {
    let a = values(g.m * g.k, 1 + g.m as u64);
    let b = values(g.k * g.n, 2 + g.n as u64);
    let bias_v = values(g.n, 3);
    let epilogue = Epilogue { bias: bias.then_some(&bias_v[..]), activation };
    let mut want = poisoned(g.m * g.n);
    gemm(&Backend::Scalar, g, &a, &b, epilogue, &mut want).unwrap();
    for backend in backends {
        let mut got = poisoned(g.m * g.n);
        gemm(backend, g, &a, &b, epilogue, &mut got).unwrap();
        assert_rel_close(
            &format!("{} {g:?} bias={bias} {activation:?}", backend.name()),
            &got,
            &want,
            F32_REL,
        );
    }
}

#[test]
fn awkward_shapes_all_variants() {
    let backends = fast_backends();
    // 1, tile ± 1 for every micro-tile (4×8, 6×16, 14×32) and the GPU's 128×128, odd sizes;
    // k across the CPU's KC = 512 slices, n across its NC = 1024 column blocks.
    let shapes = [
        (1, 1, 1),
        (63, 65, 67),
        (127, 129, 9),
        (129, 127, 17),
        (13, 33, 257),
        (65, 31, 5),
        (5, 97, 300),
        (1, 3, 1100),
        (24, 64, 0),
        (15, 1057, 530),
        (29, 33, 1030),
    ];
    for &(m, n, k) in &shapes {
        for (ta, tb) in [(false, false), (false, true), (true, false)] {
            check(Gemm { m, n, k, trans_a: ta, trans_b: tb }, ta, Activation::Relu, &backends);
        }
    }
    check(Gemm::nn(17, 40, 33), true, Activation::Sigmoid, &backends);
    check(Gemm::nn(14, 32, 520), false, Activation::Identity, &backends);
}

#[test]
fn prepacked_b_matches_reference() {
    use cinegenre::kernels::gemm::simd::{PackedB, Strided, gemm_packed};
    for (m, n, k, trans_b) in [(31, 1100, 600, false), (3, 70, 1030, true), (16, 5, 1, false)] {
        let g = Gemm { m, n, k, trans_a: false, trans_b };
        let (a, b, bias) = (values(m * k, 4), values(k * n, 5), values(n, 6));
        let epilogue = Epilogue { bias: Some(&bias[..]), activation: Activation::Sigmoid };
        let mut want = poisoned(m * n);
        gemm(&Backend::Scalar, g, &a, &b, epilogue, &mut want).unwrap();
        for backend in fast_backends() {
            let Backend::Cpu { simd, par } = backend else { continue };
            let packed = PackedB::new(simd, g, &b);
            assert_eq!(packed.shape(), (k, n));
            let mut got = poisoned(m * n);
            gemm_packed(simd, par, g, &Strided::row_major(&a, k, simd), &packed, epilogue, &mut got);
            assert_rel_close(&format!("packed {simd:?} {par:?} {g:?}"), &got, &want, F32_REL);
        }
    }
}

#[test]
fn wrong_lengths_are_shape_errors() {
    let mut c = vec![0.0; 4];
    let err = gemm(&Backend::Scalar, Gemm::nn(2, 2, 2), &[0.0; 3], &[0.0; 4], Epilogue::default(), &mut c);
    assert!(err.unwrap_err().to_string().contains("`a` has 3 elements, expected 4"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn random_shapes_match_reference(m in 1usize..70, n in 1usize..70, k in 1usize..300, t in 0usize..3, bias: bool) {
        let (trans_a, trans_b) = [(false, false), (false, true), (true, false)][t];
        check(Gemm { m, n, k, trans_a, trans_b }, bias, Activation::Identity, &fast_backends());
    }
}
