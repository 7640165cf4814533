//! GEMM with f16/bf16 weights: every fast backend == the widening scalar reference, and the
//! storage error against f32 weights within the bound the rounding allows.

use cinegenre::backend::Backend;
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::{Epilogue, Gemm, Weight, gemm, to_weights};
use half::{bf16, f16};
use proptest::prelude::*;

use crate::common::{F32_REL, assert_rel_close, error_against_f32, fast_backends, poisoned, values};

/// bf16 unit roundoff 2⁻⁸ (8 significant bits): no stored weight is off by more, so neither is
/// the RMS error of C on data without cancellation (expected ≈ 0.4·u ≈ 1.5e-3, see the module).
const BF16_REL: f64 = 1.0 / 256.0;
/// f16 unit roundoff 2⁻¹¹ (expected ≈ 0.4·u ≈ 1.9e-4; the data stays far from f16's range limits).
const F16_REL: f64 = 1.0 / 2048.0;

fn check<W: Weight>(g: Gemm, bias: bool, backends: &[Backend]) {
    let a = values(g.m * g.k, 11 + g.m as u64);
    let b: Vec<W> = to_weights(&values(g.k * g.n, 12 + g.n as u64));
    let bias_v = values(g.n, 13);
    let epilogue = Epilogue { bias: bias.then_some(&bias_v[..]), activation: Activation::Relu };
    let mut want = poisoned(g.m * g.n);
    gemm(&Backend::Scalar, g, &a, &b, epilogue, &mut want).unwrap();
    for backend in backends {
        let mut got = poisoned(g.m * g.n);
        gemm(backend, g, &a, &b, epilogue, &mut got).unwrap();
        // Same rounded inputs, exact widening: only the order of the f32 sums differs.
        assert_rel_close(&format!("{} {} {g:?} bias={bias}", W::NAME, backend.name()), &got, &want, F32_REL);
    }
}

#[test]
fn awkward_shapes_match_reference() {
    let backends = fast_backends();
    for &(m, n, k) in &[(1, 1, 1), (63, 65, 67), (13, 33, 257), (5, 97, 300), (24, 64, 0)] {
        for (ta, tb) in [(false, false), (false, true), (true, false)] {
            let g = Gemm { m, n, k, trans_a: ta, trans_b: tb };
            check::<f16>(g, ta, &backends);
            check::<bf16>(g, tb, &backends);
        }
    }
}

/// Half activations too: A stored as `A`, B as `B`, against the scalar reference on the widened A.
fn check_stored<A: Weight, B: Weight>(g: Gemm, backends: &[Backend]) {
    let a: Vec<A> = to_weights(&values(g.m * g.k, 31 + g.m as u64));
    let b: Vec<B> = to_weights(&values(g.k * g.n, 32 + g.n as u64));
    let bias_v = values(g.n, 33);
    let epilogue = Epilogue { bias: Some(&bias_v[..]), activation: Activation::Identity };
    let wide: Vec<f32> = a.iter().map(|x| x.to_f32()).collect();
    let mut want = poisoned(g.m * g.n);
    gemm(&Backend::Scalar, g, &wide, &b, epilogue, &mut want).unwrap();
    for backend in backends {
        let mut got = poisoned(g.m * g.n);
        gemm(backend, g, &a, &b, epilogue, &mut got).unwrap();
        let what = format!("A {} B {} {} {g:?}", A::NAME, B::NAME, backend.name());
        // Widening is exact: only the order of the f32 sums differs.
        assert_rel_close(&what, &got, &want, F32_REL);
    }
}

#[test]
fn half_activations_match_reference() {
    let backends = fast_backends();
    for &(m, n, k) in &[(1, 1, 1), (29, 33, 530), (15, 70, 17)] {
        for (ta, tb) in [(false, false), (false, true), (true, false)] {
            let g = Gemm { m, n, k, trans_a: ta, trans_b: tb };
            check_stored::<f16, f16>(g, &backends);
            check_stored::<bf16, bf16>(g, &backends);
            check_stored::<bf16, f32>(g, &backends);
        }
    }
}

#[test]
fn half_activations_and_weights_storage_error() {
    // Both operands rounded: errors add in quadrature, about √2 × the weight-only error.
    let g = Gemm::nn(64, 256, 4096);
    let both = error_against_f32(g, |a, b, c| {
        let (ah, bh): (Vec<bf16>, Vec<bf16>) = (to_weights(a), to_weights(b));
        gemm(&Backend::cpu().unwrap(), g, &ah, &bh, Epilogue::default(), c).unwrap();
    });
    let weights_only = storage_error::<bf16>(g);
    eprintln!("bf16 A and B: {both:.3e} (weights only {weights_only:.3e})");
    assert!((1.2 * weights_only..=1.7 * weights_only).contains(&both), "{both:.3e} vs {weights_only:.3e}");
}

/// ‖C_half − C_f32‖/‖C_f32‖ for one shape, C_f32 from the f64-summing reference.
fn storage_error<W: Weight>(g: Gemm) -> f64 {
    error_against_f32(g, |a, b, c| {
        gemm(&Backend::cpu().unwrap(), g, a, &to_weights::<W>(b), Epilogue::default(), c).unwrap();
    })
}

#[test]
fn storage_error_within_roundoff() {
    // The poster MLP's first layer scaled down (64 × 25088 · 25088 × 1024 → 64 × 4096 · 4096 × 256)
    // and a small odd shape.
    for g in [Gemm::nn(64, 256, 4096), Gemm::nn(33, 70, 300)] {
        let (eb, eh) = (storage_error::<bf16>(g), storage_error::<f16>(g));
        eprintln!("{g:?}: bf16 {eb:.3e}, f16 {eh:.3e}");
        // Lower bounds (a tenth of the bound) prove the weights really were rounded.
        assert!((BF16_REL / 10.0..=BF16_REL).contains(&eb), "bf16 storage error {eb:.3e} for {g:?}");
        assert!((F16_REL / 10.0..=F16_REL).contains(&eh), "f16 storage error {eh:.3e} for {g:?}");
    }
}

#[test]
fn wrong_weight_length_is_shape_error() {
    let mut c = vec![0.0; 4];
    let b: Vec<f16> = to_weights(&[0.0; 3]);
    let err = gemm(&Backend::Scalar, Gemm::nn(2, 2, 2), &[0.0; 4], &b, Epilogue::default(), &mut c);
    assert!(err.unwrap_err().to_string().contains("`b` has 3 elements, expected 4"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn random_shapes_match_reference(m in 1usize..70, n in 1usize..70, k in 1usize..300, t in 0usize..3) {
        let (trans_a, trans_b) = [(false, false), (false, true), (true, false)][t];
        let g = Gemm { m, n, k, trans_a, trans_b };
        check::<bf16>(g, true, &fast_backends());
        check::<f16>(g, false, &fast_backends());
    }
}
