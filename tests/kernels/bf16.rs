//! bf16 arithmetic ([`Precision::Bf16`]: both operands rounded to bf16, exact products, f32
//! sums) through the packed GEMM: the CPU's bf16 unit (AMX tiles, else AVX512-BF16 pairs)
//! against the scalar reference (rounded operands, f64 sums), every shape edge, transposes and
//! epilogues; and the cost of rounding against the f32 product. Where the CPU has neither
//! unit, the clear error instead (said on stderr, never a silent pass).

use cinegenre::backend::{Backend, Par};
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::{
    Epilogue, Gemm, PackedB, PanelSource, Precision, Strided, amx, gemm_packed, to_weights,
};
use cinegenre::simd::SimdLevel;
use half::bf16;

use crate::common::{F32_REL, assert_rel_close, error_against_f32, poisoned, values};

/// Two bf16 roundings per product, each ≤ u = 2⁻⁸ relative: the RMS error of C stays below u
/// on data without cancellation (expected ≈ √2 · 0.4 · u ≈ 2.2e-3).
const BF16_REL: f64 = 1.0 / 256.0;

/// The SIMD CPU backend with `par`, or `None` (said on stderr) where bf16 cannot run.
fn bf16_cpu(par: Par) -> Option<Backend> {
    let backend = Backend::Cpu { simd: SimdLevel::get().unwrap(), par };
    match PackedB::new(&backend, Precision::Bf16, Gemm::nn(0, 1, 1), &[0.0f32]) {
        Ok(_) => Some(backend),
        Err(e) => {
            assert!(e.to_string().contains("AMX") && e.to_string().contains("AVX512-BF16"), "{e}");
            eprintln!("no bf16 unit here, checked the error instead: {e}");
            None
        }
    }
}

/// `backend`'s bf16 result and the scalar reference for one product.
fn run(backend: &Backend, g: Gemm, activation: Activation) -> (Vec<f32>, Vec<f32>) {
    let (a, b, bias) =
        (values(g.m * g.k, 41 + g.m as u64), values(g.k * g.n, 42 + g.n as u64), values(g.n, 43));
    let epilogue = Epilogue { bias: Some(&bias), activation };
    let product = |backend: &Backend| {
        let packed = PackedB::new(backend, Precision::Bf16, g, &b).unwrap();
        let mut c = poisoned(g.m * g.n);
        gemm_packed(backend, g, &Strided::of(g, &a[..]), &packed, epilogue, &mut c).unwrap();
        c
    };
    (product(backend), product(&Backend::Scalar))
}

#[test]
fn awkward_shapes_match_the_rounded_reference() {
    eprintln!("AMX tiles here: {}", amx::available());
    // 1; the 14 × 32 and 32 × 32 tiles ± 1; odd k (a padded pair); k across the 32-deep tile
    // blocks and the 512-deep slices.
    let shapes =
        [(1, 1, 1), (13, 31, 3), (31, 33, 31), (33, 31, 33), (64, 64, 64), (45, 70, 1100), (5, 97, 2049)];
    for par in [Par::Seq, Par::Rayon] {
        let Some(backend) = bf16_cpu(par) else { return };
        for &(m, n, k) in &shapes {
            for (trans_a, trans_b) in [(false, false), (false, true), (true, false)] {
                let g = Gemm { m, n, k, trans_a, trans_b };
                let (got, want) = run(&backend, g, Activation::Relu);
                // Same rounded operands; only the order of the f32 sums differs.
                assert_rel_close(&format!("bf16 {g:?} {par:?}"), &got, &want, F32_REL);
            }
        }
        let (got, want) = run(&backend, Gemm::nn(40, 50, 300), Activation::Sigmoid);
        assert_rel_close("bf16 sigmoid", &got, &want, F32_REL);
    }
}

/// Products that cut into several tasks, column groups of the tile kernel (512 columns) and
/// k-chunks (256 deep), without an epilogue (whole 32 × 32 blocks then go from the tiles
/// straight to C) and with one: both match the rounded reference.
#[test]
fn large_products_with_and_without_an_epilogue_match_the_rounded_reference() {
    for par in [Par::Seq, Par::Rayon] {
        let Some(backend) = bf16_cpu(par) else { return };
        for (m, n, k) in [(320, 1056, 544), (301, 577, 545), (96, 2048, 64)] {
            for trans_a in [false, true] {
                let g = Gemm { m, n, k, trans_a, trans_b: false };
                let (a, b, bias) = (values(m * k, 61), values(k * n, 62), values(n, 63));
                for epilogue in
                    [Epilogue::default(), Epilogue { bias: Some(&bias), activation: Activation::Relu }]
                {
                    let product = |backend: &Backend| {
                        let packed = PackedB::new(backend, Precision::Bf16, g, &b).unwrap();
                        let mut c = poisoned(m * n);
                        gemm_packed(backend, g, &Strided::of(g, &a[..]), &packed, epilogue, &mut c).unwrap();
                        c
                    };
                    let case = format!("bf16 {g:?} {par:?} bias {}", epilogue.bias.is_some());
                    assert_rel_close(&case, &product(&backend), &product(&Backend::Scalar), F32_REL);
                }
            }
        }
    }
}

/// An A stored in bf16 (`Strided<bf16>`, copied into the bf16 unit's panels as it is, the path
/// Winograd's pre-rounded V takes) gives the same bits as the same values widened to f32 and
/// rounded again: every tail (rows below 14, an odd k, the 512-deep slices), both plans; and so
/// does a B stored in bf16 (copied into the AMX tiles' pairs, or widened for the pairs unit).
#[test]
fn a_stored_in_bf16_gives_the_bits_of_its_widened_values() {
    for par in [Par::Seq, Par::Rayon] {
        let Some(backend) = bf16_cpu(par) else { return };
        for (m, n, k) in [(1, 1, 1), (13, 40, 7), (29, 300, 513), (100, 64, 1100), (300, 577, 545)] {
            let g = Gemm::nn(m, n, k);
            let a: Vec<bf16> = to_weights(&values(m * k, 51 + m as u64));
            let widened: Vec<f32> = a.iter().map(|x| x.to_f32()).collect();
            let packed = PackedB::new(&backend, Precision::Bf16, g, &values(k * n, 52)).unwrap();
            let product = |source: &dyn PanelSource| {
                let mut c = poisoned(m * n);
                gemm_packed(&backend, g, source, &packed, Epilogue::default(), &mut c).unwrap();
                c.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            };
            let stored = product(&Strided::row_major(&a, k));
            assert_eq!(stored, product(&Strided::row_major(&widened, k)), "{g:?} {par:?}");
            // B stored in bf16 too (both operands as PyTorch's bf16 matmul takes them): the
            // bits of B's widened values, packed from f32.
            let b: Vec<bf16> = to_weights(&values(k * n, 53));
            let b_wide: Vec<f32> = b.iter().map(|x| x.to_f32()).collect();
            let both = |b_packed: &PackedB| {
                let mut c = poisoned(m * n);
                gemm_packed(&backend, g, &Strided::row_major(&a, k), b_packed, Epilogue::default(), &mut c)
                    .unwrap();
                c.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            };
            let from_bits = both(&PackedB::new(&backend, Precision::Bf16, g, &b).unwrap());
            let from_wide = both(&PackedB::new(&backend, Precision::Bf16, g, &b_wide).unwrap());
            assert_eq!(from_bits, from_wide, "B in bf16 {g:?} {par:?}");
        }
    }
}

#[test]
fn rounding_error_against_f32_is_that_of_two_bf16_operands() {
    let g = Gemm::nn(64, 256, 4096);
    let Some(backend) = bf16_cpu(Par::Rayon) else { return };
    let err = error_against_f32(g, |a, b, c| {
        let packed = PackedB::new(&backend, Precision::Bf16, g, b).unwrap();
        gemm_packed(&backend, g, &Strided::of(g, a), &packed, Epilogue::default(), c).unwrap();
    });
    eprintln!("bf16 vs f32: {err:.3e}");
    // √2 × the weight-only bf16 error (1.47e-3 on this shape, tests/kernels/half.rs); the
    // lower bound proves both operands really were rounded.
    assert!((1.8e-3..=2.4e-3).contains(&err) && err <= BF16_REL, "{err:.3e}");
}

#[test]
fn bf16_on_the_gpu_is_an_error() {
    let Some(gpu) = crate::common::gpu_or_skip() else { return };
    let err = PackedB::new(&gpu, Precision::Bf16, Gemm::nn(1, 1, 1), &[1.0f32]).unwrap_err();
    assert!(err.to_string().contains("not on the GPU"), "{err}");
}
