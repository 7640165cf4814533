//! VGG layers on random small shapes: the SIMD path equals the 7-loop reference and the GPU
//! equals the CPU, within f32 rounding.

use cinegenre::backend::{Backend, Par};
use cinegenre::kernels::conv::{self, Shape};
use cinegenre::simd::SimdLevel;
use proptest::prelude::*;

use crate::common::gpu::gpu_or_skip;
use crate::common::tolerance::{F32_REL, rel_error};

/// Every SIMD level this CPU has, on all cores.
fn simd_backends() -> Vec<Backend> {
    SimdLevel::supported().into_iter().map(|simd| Backend::Cpu { simd, par: Par::Rayon }).collect()
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
        // f32 sums of at most 9·c ≤ 216 products of values in [−1, 1]: within F32_REL.
        for backend in simd_backends() {
            conv::conv3x3_relu(&backend, s, &x, &kernel, &bias, o, &mut cpu).unwrap();
            let err = rel_error(&cpu, &want);
            prop_assert!(err <= F32_REL, "{} {s:?} → {o}: relative error {err:.2e}", backend.name());
        }
        if let Some(gpu) = gpu_or_skip() {
            let mut got = vec![f32::NAN; out_len];
            conv::conv3x3_relu(&gpu, s, &x, &kernel, &bias, o, &mut got).unwrap();
            let err = rel_error(&got, &cpu);
            prop_assert!(err <= F32_REL, "gpu vs cpu {s:?} → {o}: relative error {err:.2e}");
        }
    }

    #[test]
    fn pool_is_exact_everywhere((s, _, x, _, _) in case()) {
        let mut want = vec![f32::NAN; s.n * (s.h / 2) * (s.w / 2) * s.c];
        conv::maxpool2x2(&Backend::Scalar, s, &x, &mut want).unwrap();
        for backend in simd_backends().into_iter().chain(gpu_or_skip()) {
            let mut got = vec![f32::NAN; want.len()];
            conv::maxpool2x2(&backend, s, &x, &mut got).unwrap();
            prop_assert_eq!(&got, &want, "{}", backend.name());
        }
    }
}
