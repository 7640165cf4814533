//! bf16 GEMM on AMX tiles: against a reference that rounds both operands to bf16 and sums in
//! f64, every shape edge, transposes and epilogues; where the CPU or OS lacks AMX, the clear
//! error instead (said on stderr, never a silent pass).

use cinegenre::backend::{Backend, Par};
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::amx::{PackedBf16, available, gemm_packed};
use cinegenre::kernels::gemm::simd::Strided;
use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm};
use cinegenre::simd::SimdLevel;
use half::bf16;

use crate::common::{F32_REL, assert_rel_close, poisoned, rel_error, values};

fn rounded(x: &[f32]) -> Vec<f32> {
    x.iter().map(|&v| bf16::from_f32(v).to_f32()).collect()
}

/// AMX result and the reference for one product (both operands rounded to bf16 first).
fn run(g: Gemm, activation: Activation, par: Par) -> Option<(Vec<f32>, Vec<f32>)> {
    let (a, b, bias) =
        (values(g.m * g.k, 41 + g.m as u64), values(g.k * g.n, 42 + g.n as u64), values(g.n, 43));
    let epilogue = Epilogue { bias: Some(&bias), activation };
    let mut want = poisoned(g.m * g.n);
    let plain = Gemm { trans_a: false, ..g };
    gemm(&Backend::Scalar, g, &rounded(&a), &rounded(&b), epilogue, &mut want).unwrap();
    let mut got = poisoned(g.m * g.n);
    let packed = PackedBf16::new(g, &b).unwrap();
    let (rs, cs) = if g.trans_a { (1, g.m) } else { (g.k, 1) };
    let source = Strided::new(&a, rs, cs, SimdLevel::detected());
    match gemm_packed(par, plain, &source, &packed, epilogue, &mut got) {
        Ok(()) => Some((got, want)),
        Err(e) => {
            assert!(!available() && e.to_string().contains("AMX"), "{e}");
            eprintln!("AMX not available here, checked the error instead: {e}");
            None
        }
    }
}

#[test]
fn awkward_shapes_match_the_rounded_reference() {
    // 1; the 32 × 32 block ± 1; k across the 32-deep tile blocks and the 1024-deep slices.
    let shapes = [(1, 1, 1), (31, 33, 31), (33, 31, 33), (64, 64, 64), (45, 70, 1100), (5, 97, 2049)];
    for &(m, n, k) in &shapes {
        for (trans_a, trans_b) in [(false, false), (false, true), (true, false)] {
            for par in [Par::Seq, Par::Rayon] {
                let g = Gemm { m, n, k, trans_a, trans_b };
                let Some((got, want)) = run(g, Activation::Relu, par) else { return };
                // Same rounded operands; only the order of the f32 sums differs.
                assert_rel_close(&format!("amx {g:?} {par:?}"), &got, &want, F32_REL);
            }
        }
    }
    if let Some((got, want)) = run(Gemm::nn(40, 50, 300), Activation::Sigmoid, Par::Rayon) {
        assert_rel_close("amx sigmoid", &got, &want, F32_REL);
    }
}

#[test]
fn rounding_error_against_f32_is_that_of_two_bf16_operands() {
    let g = Gemm::nn(64, 256, 4096);
    let (a, b) = (values(g.m * g.k, 21), values(g.k * g.n, 22));
    let mut exact = vec![0.0; g.m * g.n];
    gemm(&Backend::Scalar, g, &a, &b, Epilogue::default(), &mut exact).unwrap();
    let packed = PackedBf16::new(g, &b).unwrap();
    let mut got = poisoned(g.m * g.n);
    let source = Strided::row_major(&a, g.k, SimdLevel::detected());
    if let Err(e) = gemm_packed(Par::Rayon, g, &source, &packed, Epilogue::default(), &mut got) {
        assert!(!available(), "{e}");
        eprintln!("AMX not available here: {e}");
        return;
    }
    let err = rel_error(&got, &exact);
    eprintln!("AMX bf16 vs f32: {err:.3e}");
    // √2 × the weight-only bf16 error (1.47e-3 on this shape, tests/kernels/half.rs).
    assert!((1.8e-3..=2.4e-3).contains(&err), "{err:.3e}");
}

#[test]
fn mismatched_shapes_are_errors() {
    let packed = PackedBf16::new(Gemm::nn(0, 4, 3), &[0.0; 12]).unwrap();
    let mut c = vec![0.0; 8];
    let a = [0.0f32; 6];
    let source = Strided::row_major(&a, 3, SimdLevel::detected());
    let err = gemm_packed(Par::Seq, Gemm::nn(2, 5, 3), &source, &packed, Epilogue::default(), &mut c);
    assert!(err.is_err());
    assert!(PackedBf16::new(Gemm::nn(0, 4, 3), &[0.0; 11]).unwrap_err().to_string().contains("11"));
}
