//! VGG layers on random small shapes: the SIMD path equals the 7-loop reference and the GPU
//! equals the CPU, within f32 rounding.

use cinegenre::backend::{Backend, Par};
use cinegenre::gpu::{GpuContext, REQUIRE_GPU_ENV};
use cinegenre::kernels::conv::{self, Shape};
use cinegenre::simd::SimdLevel;
use proptest::prelude::*;

/// f32 sums of at most 9·c ≤ 216 products of values in [−1, 1] against an f64-accumulated
/// reference: the rounding error is ~1e-6 relative; 1e-5 of ‖ref‖ leaves a margin.
const CONV_REL: f64 = 1e-5;

/// Every SIMD level this CPU has, on all cores.
fn simd_backends() -> Vec<Backend> {
    SimdLevel::supported().into_iter().map(|simd| Backend::Cpu { simd, par: Par::Rayon }).collect()
}

/// The GPU, or `None` (a failure when `CINEGENRE_REQUIRE_GPU=1`).
fn gpu() -> Option<Backend> {
    match Backend::gpu() {
        Ok(gpu) => Some(gpu),
        Err(e) if GpuContext::required() => panic!("{REQUIRE_GPU_ENV}=1 but there is no GPU: {e}"),
        Err(_) => None,
    }
}

fn rel_err(got: &[f32], want: &[f32]) -> f64 {
    let (mut d2, mut r2) = (0.0f64, 0.0f64);
    for (&g, &w) in got.iter().zip(want) {
        d2 += (f64::from(g) - f64::from(w)).powi(2);
        r2 += f64::from(w).powi(2);
    }
    if r2 > 0.0 { (d2 / r2).sqrt() } else { d2.sqrt() }
}

/// A shape, its output channels and values in [−1, 1) for x, kernel and bias.
fn case() -> impl Strategy<Value = (Shape, usize, Vec<f32>, Vec<f32>, Vec<f32>)> {
    (1usize..3, 1usize..10, 1usize..10, 1usize..25, 1usize..40).prop_flat_map(|(n, h, w, c, o)| {
        let s = Shape { n, h, w, c };
        let v = |len| prop::collection::vec(-1.0f32..1.0, len);
        (Just(s), Just(o), v(s.len()), v(9 * c * o), v(o))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn conv_simd_matches_reference_and_gpu_matches_cpu((s, o, x, kernel, bias) in case()) {
        let out_len = s.n * s.h * s.w * o;
        let mut want = vec![f32::NAN; out_len];
        conv::conv3x3_relu(&Backend::Scalar, s, &x, &kernel, &bias, o, &mut want).unwrap();
        let mut cpu = vec![f32::NAN; out_len];
        for backend in simd_backends() {
            conv::conv3x3_relu(&backend, s, &x, &kernel, &bias, o, &mut cpu).unwrap();
            let err = rel_err(&cpu, &want);
            prop_assert!(err <= CONV_REL, "{} {s:?} → {o}: relative error {err:.2e}", backend.name());
        }
        if let Some(gpu) = gpu() {
            let mut got = vec![f32::NAN; out_len];
            conv::conv3x3_relu(&gpu, s, &x, &kernel, &bias, o, &mut got).unwrap();
            let err = rel_err(&got, &cpu);
            prop_assert!(err <= CONV_REL, "gpu vs cpu {s:?} → {o}: relative error {err:.2e}");
        }
    }

    #[test]
    fn pool_is_exact_everywhere((s, _, x, _, _) in case()) {
        let mut want = vec![f32::NAN; s.n * (s.h / 2) * (s.w / 2) * s.c];
        conv::maxpool2x2(&Backend::Scalar, s, &x, &mut want).unwrap();
        for backend in simd_backends().into_iter().chain(gpu()) {
            let mut got = vec![f32::NAN; want.len()];
            conv::maxpool2x2(&backend, s, &x, &mut got).unwrap();
            prop_assert_eq!(&got, &want, "{}", backend.name());
        }
    }
}
