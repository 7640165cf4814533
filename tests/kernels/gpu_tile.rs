//! The GPU GEMM and convolution under every tile configuration the adapter can run (portable
//! and, where the device has subgroups, the shuffle variant), forced one by one against the
//! scalar reference: whichever configuration the tuner picks, results agree within `F32_REL`.

use cinegenre::backend::Backend;
use cinegenre::gpu::GpuContext;
use cinegenre::kernels::Activation;
use cinegenre::kernels::conv::{self, Shape};
use cinegenre::kernels::gemm::gpu_tile::{self, TileConfig};
use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm, gpu, gpu_tune};
use half::{bf16, f16};
use proptest::prelude::*;

use crate::common::{F32_REL, assert_rel_close, gpu_or_skip, poisoned, values};

/// The context and its candidate configurations, or `None` after the skip notice.
fn candidates() -> Option<(std::sync::Arc<GpuContext>, Vec<TileConfig>)> {
    gpu_or_skip()?;
    let ctx = GpuContext::get().ok()?;
    let configs = TileConfig::candidates(&ctx);
    let names: Vec<String> = configs.iter().map(|c| c.name()).collect();
    eprintln!(
        "{}: subgroups {}, candidates {names:?}",
        ctx.report.name,
        if gpu_tile::subgroups_available(&ctx) { "yes" } else { "no" }
    );
    assert!(configs.contains(&TileConfig::DEFAULT), "the portable default must always run");
    Some((ctx, configs))
}

fn check_gemm(ctx: &GpuContext, configs: &[TileConfig], g: Gemm, bias: bool, activation: Activation) {
    let a = values(g.m * g.k, 11 + g.m as u64);
    let b = values(g.k * g.n, 12 + g.n as u64);
    let bias_v = values(g.n, 13);
    let epilogue = Epilogue { bias: bias.then_some(&bias_v[..]), activation };
    let mut want = poisoned(g.m * g.n);
    gemm(&Backend::Scalar, g, &a, &b, epilogue, &mut want).unwrap();
    for &config in configs {
        let mut got = poisoned(g.m * g.n);
        gpu::gemm_config(ctx, config, g, (&a, &b[..]), epilogue, &mut got).unwrap();
        assert_rel_close(&format!("gpu {} {g:?} bias={bias}", config.name()), &got, &want, F32_REL);
    }
}

#[test]
fn every_config_matches_reference_on_awkward_shapes() {
    let Some((ctx, configs)) = candidates() else { return };
    // Tile ± 1 for 64 and 128, k = 1 and k across one and two K slices (8, 16), n = 1, m = 1,
    // aligned dimensions (vec4 loads) and unaligned ones (scalar fallback) of each operand;
    // each shape under two of the four transposition pairs (lavapipe is slow).
    let shapes =
        [(1, 1, 1), (65, 63, 1), (129, 1, 17), (1, 130, 33), (64, 128, 16), (67, 132, 24), (36, 44, 0)];
    let pairs = [(false, false), (true, true), (false, true), (true, false)];
    for (s, &(m, n, k)) in shapes.iter().enumerate() {
        for (ta, tb) in [pairs[s % 4], pairs[(s + 2) % 4]] {
            let g = Gemm { m, n, k, trans_a: ta, trans_b: tb };
            check_gemm(&ctx, &configs, g, tb, Activation::Relu);
        }
    }
    check_gemm(&ctx, &configs, Gemm::nn(40, 24, 300), true, Activation::Sigmoid);
}

#[test]
fn every_config_widens_half_weights() {
    let Some((ctx, configs)) = candidates() else { return };
    for (m, n, k, trans_b) in [(33, 20, 17, false), (16, 12, 40, true)] {
        let g = Gemm { m, n, k, trans_a: false, trans_b };
        let a = values(m * k, 5);
        let wide = values(k * n, 6);
        let halves: Vec<f16> = wide.iter().map(|&x| f16::from_f32(x)).collect();
        let brains: Vec<bf16> = wide.iter().map(|&x| bf16::from_f32(x)).collect();
        for config in &configs {
            let mut want = poisoned(m * n);
            gemm(&Backend::Scalar, g, &a, &halves, Epilogue::default(), &mut want).unwrap();
            let mut got = poisoned(m * n);
            gpu::gemm_config(&ctx, *config, g, (&a, &halves[..]), Epilogue::default(), &mut got).unwrap();
            assert_rel_close(&format!("f16 {} {g:?}", config.name()), &got, &want, F32_REL);
            gemm(&Backend::Scalar, g, &a, &brains, Epilogue::default(), &mut want).unwrap();
            gpu::gemm_config(&ctx, *config, g, (&a, &brains[..]), Epilogue::default(), &mut got).unwrap();
            assert_rel_close(&format!("bf16 {} {g:?}", config.name()), &got, &want, F32_REL);
        }
    }
}

#[test]
fn every_config_runs_vgg16_first_convolutions() {
    let Some((ctx, configs)) = candidates() else { return };
    let shape = |n, h, w, c| Shape { n, h, w, c };
    // VGG16's conv1_1 (3 → 64, scalar A loads), conv1_2 (64 → 64), conv2_1 (64 → 128) at a
    // small spatial size, and odd channel counts on both sides.
    for (s, o) in [
        (shape(2, 8, 8, 3), 64),
        (shape(1, 8, 8, 64), 64),
        (shape(1, 4, 4, 64), 128),
        (shape(1, 5, 7, 5), 33),
        (shape(2, 3, 9, 8), 12),
    ] {
        let seed = (s.h * 100 + s.c) as u64;
        let (x, kernel, bias) = (values(s.len(), seed), values(9 * s.c * o, seed + 1), values(o, seed + 2));
        let mut want = poisoned(s.n * s.h * s.w * o);
        conv::conv3x3_relu(&Backend::Scalar, s, &x, &kernel, &bias, o, &mut want).unwrap();
        for config in &configs {
            let mut got = poisoned(want.len());
            conv::gpu::conv3x3_relu_config(&ctx, *config, s, (&x, &kernel, &bias), &mut got).unwrap();
            assert_rel_close(&format!("conv {} {s:?} → {o}", config.name()), &got, &want, F32_REL);
        }
    }
}

#[test]
fn tuned_choice_is_a_candidate_and_cache_name_is_keyed() {
    let Some((ctx, configs)) = candidates() else { return };
    let chosen = gpu_tune::chosen(&ctx);
    eprintln!("tuned: {} (cache {:?})", chosen.name(), gpu_tune::cache_file(&ctx));
    assert!(configs.contains(&chosen) || chosen == TileConfig::DEFAULT);
    if let Some(path) = gpu_tune::cache_file(&ctx) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("gemm-tune-") && name.ends_with(".json"), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
    #[test]
    fn random_shapes_every_config(m in 1usize..100, n in 1usize..100, k in 1usize..40, t in 0usize..4) {
        let Some((ctx, configs)) = candidates() else { return Ok(()) };
        let (trans_a, trans_b) = [(false, false), (false, true), (true, false), (true, true)][t];
        check_gemm(&ctx, &configs, Gemm { m, n, k, trans_a, trans_b }, true, Activation::Identity);
    }
}
