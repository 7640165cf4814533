//! SGEMM: SIMD == scalar and GPU == scalar, all three transposition variants, with epilogues.

use cinegenre::backend::Backend;
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::{Epilogue, Gemm, PackedB, Precision, Strided, gemm, gemm_packed};
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
    // k across the CPU's KC = 512 slices, n across its NC = 4096 column blocks.
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
        (3, 4100, 20),
        (29, 33, 1030),
        // Past six row panels, ≥ 4 column panels per thread on 2 threads and k ≥ 256: a stored
        // A is cut by columns only, each thread packing its own B (two k-slices here).
        (100, 300, 530),
        // Wider than two 1024-column blocks, A stored, two threads: on a CPU with 2 MiB of L2
        // per core, blocks of 2048 columns with slices of at most 384 (three of 268 here).
        (30, 2100, 800),
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
    for (m, n, k, trans_a, trans_b) in [
        (31, 1100, 600, false, false),
        (3, 70, 1030, false, true),
        (16, 5, 1, false, false),
        (20, 40, 70, true, false),
    ] {
        let g = Gemm { m, n, k, trans_a, trans_b };
        let (a, b, bias) = (values(m * k, 4), values(k * n, 5), values(n, 6));
        let epilogue = Epilogue { bias: Some(&bias[..]), activation: Activation::Sigmoid };
        let mut want = poisoned(m * n);
        gemm(&Backend::Scalar, g, &a, &b, epilogue, &mut want).unwrap();
        for backend in std::iter::once(Backend::Scalar).chain(fast_backends()) {
            let packed = PackedB::new(&backend, Precision::F32, g, &b).unwrap();
            assert_eq!((packed.shape(), packed.precision()), ((k, n), Precision::F32));
            let mut got = poisoned(m * n);
            gemm_packed(&backend, g, &Strided::of(g, &a[..]), &packed, epilogue, &mut got).unwrap();
            assert_rel_close(&format!("packed {} {g:?}", backend.name()), &got, &want, F32_REL);
        }
    }
}

#[test]
fn packed_b_mismatches_are_errors() {
    let g = Gemm::nn(2, 3, 4);
    let (a, b, mut c) = (values(8, 1), values(12, 2), poisoned(6));
    assert!(
        PackedB::new(&Backend::Scalar, Precision::F32, g, &b[..11]).unwrap_err().to_string().contains("11")
    );
    let packed = PackedB::new(&Backend::Scalar, Precision::F32, g, &b).unwrap();
    let source = Strided::of(g, &a[..]);
    let wrong =
        gemm_packed(&Backend::Scalar, Gemm::nn(2, 4, 3), &source, &packed, Epilogue::default(), &mut c);
    assert!(wrong.unwrap_err().to_string().contains("packed as (4, 3)"));
    let short = Strided::of(g, &a[..7]);
    assert!(gemm_packed(&Backend::Scalar, g, &short, &packed, Epilogue::default(), &mut c).is_err());
    let cpu = Backend::cpu().unwrap();
    let err = gemm_packed(&cpu, g, &source, &packed, Epilogue::default(), &mut c).unwrap_err();
    assert!(err.to_string().contains("another backend"), "{err}");
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
