//! VGG layers: SIMD and GPU conv3×3+bias+ReLU and max-pool against the 7-loop reference, and a
//! whole narrowed VGG16 agreeing across backends.

use cinegenre::backend::Backend;
use cinegenre::kernels::conv::{self, Algorithm, Shape};
use cinegenre::kernels::gemm::Precision;
use cinegenre::vgg::{Architecture, VggWeights, network::Vgg};

use crate::common::{self, F32_REL, assert_rel_close, fast_backends, poisoned, values};

/// A whole network: 13 f32 layers in a row, each ~1e-6 relative from the f64 reference, and
/// ReLU/max can only keep or zero an error, so 1e-4 leaves a wide margin.
const NETWORK_REL: f64 = 1e-4;
/// Winograd in f32: the transforms add and halve values of a 4 × 4 tile before and after the
/// sums, a few more f32 roundings than the direct sum (measured ≤ 1e-6): 1e-5 as for f32.
const WINOGRAD_F32_REL: f64 = 1e-5;
/// Winograd in bf16 against f32: each transformed input and kernel value is rounded once to
/// bf16 (u = 2⁻⁸), and the output transform adds and subtracts the 16 products of a tile, so
/// an output carries up to twice the rounding of a direct bf16 sum (≈ u/2): 2u.
const WINOGRAD_BF16_REL: f64 = 2.0 / 256.0;

fn check_conv(s: Shape, out_ch: usize, backends: &[Backend]) {
    let seed = (s.n * 1000 + s.h * 100 + s.w * 10 + s.c) as u64;
    let x = values(s.len(), seed);
    let kernel = values(9 * s.c * out_ch, seed + 1);
    let bias = values(out_ch, seed + 2);
    let mut want = poisoned(s.n * s.h * s.w * out_ch);
    conv::conv3x3_relu(&Backend::Scalar, s, &x, &kernel, &bias, out_ch, &mut want).unwrap();
    for backend in backends {
        let mut got = poisoned(want.len());
        conv::conv3x3_relu(backend, s, &x, &kernel, &bias, out_ch, &mut got).unwrap();
        assert_rel_close(&format!("conv {} {s:?} → {out_ch}", backend.name()), &got, &want, F32_REL);
        // The network's path: the same GEMM with the kernel packed once beforehand.
        let packed = conv::pack_kernel(backend, Precision::F32, &kernel, s.c, out_ch).unwrap();
        let mut got = poisoned(want.len());
        conv::conv3x3_relu_packed(backend, s, &x, &packed, &bias, &mut got).unwrap();
        assert_rel_close(&format!("packed conv {} {s:?} → {out_ch}", backend.name()), &got, &want, F32_REL);
        if let Backend::Cpu { .. } = backend {
            check_cpu_algorithms(backend, s, (&x, &kernel, &bias), &want);
        }
    }
}

/// On a SIMD CPU backend: bf16 direct against the scalar bf16 reference (same rounded
/// operands), and Winograd in f32 and bf16 against the f32 reference `want`.
fn check_cpu_algorithms(
    backend: &Backend,
    s: Shape,
    (x, kernel, bias): (&[f32], &[f32], &[f32]),
    want: &[f32],
) {
    let out_ch = bias.len();
    let run = |backend: &Backend, algorithm, precision| {
        let packed = conv::pack_kernel_with(algorithm, backend, precision, kernel, (s.c, out_ch)).ok()?;
        let mut y = poisoned(want.len());
        conv::conv3x3_relu_packed(backend, s, x, &packed, bias, &mut y).unwrap();
        Some(y)
    };
    let label = |what: &str| format!("{what} conv {} {s:?} → {out_ch}", backend.name());
    let winograd = run(backend, Algorithm::Winograd, Precision::F32).unwrap();
    assert_rel_close(&label("winograd f32"), &winograd, want, WINOGRAD_F32_REL);
    let Some(got) = run(backend, Algorithm::Direct, Precision::Bf16) else { return };
    let reference = run(&Backend::Scalar, Algorithm::Direct, Precision::Bf16).unwrap();
    assert_rel_close(&label("bf16"), &got, &reference, F32_REL);
    let winograd = run(backend, Algorithm::Winograd, Precision::Bf16).unwrap();
    eprintln!("{}: {:.2e}", label("winograd bf16"), common::rel_error(&winograd, want));
    assert_rel_close(&label("winograd bf16"), &winograd, want, WINOGRAD_BF16_REL);
}

fn check_pool(s: Shape, backends: &[Backend]) {
    let x = values(s.len(), 7 + s.len() as u64);
    let mut want = poisoned(s.n * (s.h / 2) * (s.w / 2) * s.c);
    conv::maxpool2x2(&Backend::Scalar, s, &x, &mut want).unwrap();
    for backend in backends {
        let mut got = poisoned(want.len());
        conv::maxpool2x2(backend, s, &x, &mut got).unwrap();
        // A max selects one input: exact on every backend.
        assert_eq!(got, want, "pool {} {s:?}", backend.name());
    }
}

fn shape(n: usize, h: usize, w: usize, c: usize) -> Shape {
    Shape { n, h, w, c }
}

#[test]
fn conv_awkward_shapes() {
    let backends = fast_backends();
    // 1×1 images, odd sizes, micro-tile (12×32, 6×16) and GPU tile (64) ± 1 in pixels and channels.
    // Below 8 channels the im2col matrix is written into a buffer the thread keeps between
    // calls: a large batch first, smaller ones after it (the buffer still holds its values past
    // their end and where they pad), then a larger one.
    for (s, o) in [
        (shape(3, 30, 40, 3), 16),
        (shape(1, 5, 7, 3), 4),
        (shape(2, 9, 8, 17), 33),
        (shape(1, 1, 1, 1), 1),
        (shape(3, 1, 13, 2), 65),
        (shape(1, 8, 8, 64), 63),
        (shape(2, 3, 21, 5), 31),
        (shape(4, 31, 41, 3), 8),
    ] {
        check_conv(s, o, &backends);
    }
}

#[test]
fn conv_panels_cross_images_taps_and_slices() {
    // 15 pixels per image against 14-row (AVX-512) panels: panels straddle images. c = 20 cuts
    // a tap's channels into runs of 16 and 4; c = 100 makes k = 900, so the KC = 512 k-slice
    // boundary falls inside a tap.
    let backends: Vec<Backend> = fast_backends().into_iter().filter(|b| !b.is_gpu()).collect();
    check_conv(shape(3, 5, 3, 20), 7, &backends);
    check_conv(shape(2, 3, 5, 100), 40, &backends);
    // Winograd's chunks hold as many tile rows as fit 512 KiB of products: with o = 600 that
    // is two rows of 6 tiles, so chunks straddle the images, end on an odd image's one-pixel
    // last row, and outnumber the threads (one chunk per task).
    check_conv(shape(2, 13, 11, 9), 600, &backends);
}

/// A conv and the pool after it in one call: the bits of the conv then the pool on every
/// backend and precision — one pass where `fuses_maxpool` holds (Winograd on the SIMD CPU,
/// even sizes), two elsewhere (odd sizes, direct, scalar, GPU). o = 600 makes chunks of two
/// tile rows that straddle the images and outnumber the threads.
#[test]
fn conv_then_pool_in_one_pass_gives_the_same_bits() {
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
    let mut fused_somewhere = false;
    for (s, o) in
        [(shape(2, 6, 8, 16), 24), (shape(3, 7, 9, 9), 5), (shape(2, 10, 10, 9), 600), (shape(1, 2, 2, 8), 3)]
    {
        let seed = (s.h * 100 + s.w * 10 + s.c) as u64;
        let (x, kernel, bias) = (values(s.len(), seed), values(9 * s.c * o, seed + 1), values(o, seed + 2));
        for backend in fast_backends() {
            for precision in [Precision::F32, Precision::Bf16] {
                let Ok(packed) = conv::pack_kernel(&backend, precision, &kernel, s.c, o) else { continue };
                let label = format!("{} {precision} {s:?} → {o}", backend.name());
                let mut full = poisoned(s.n * s.h * s.w * o);
                conv::conv3x3_relu_packed(&backend, s, &x, &packed, &bias, &mut full).unwrap();
                let mut want = poisoned(s.n * (s.h / 2) * (s.w / 2) * o);
                conv::maxpool2x2(&backend, Shape { c: o, ..s }, &full, &mut want).unwrap();
                let mut got = poisoned(want.len());
                conv::conv3x3_relu_maxpool_packed(&backend, s, &x, &packed, &bias, &mut got).unwrap();
                assert_eq!(bits(&got), bits(&want), "{label}");
                let fused = conv::fuses_maxpool(&backend, &packed, s);
                assert_eq!(
                    fused,
                    packed.algorithm() == Algorithm::Winograd
                        && s.h.is_multiple_of(2)
                        && s.w.is_multiple_of(2),
                    "{label}"
                );
                fused_somewhere |= fused;
            }
        }
    }
    assert!(fused_somewhere, "no backend ran the fused pass: the test compared nothing new");
}

/// Empty shapes — no image, no pixel along a side, no input or no output channel — give the
/// reference's output (relu(bias) everywhere when c = 0) by both algorithms, with and
/// without the pool, rather than a panic.
#[test]
fn empty_shapes_give_the_references_output() {
    for (n, h, w, c, o) in
        [(1, 4, 0, 8, 3), (1, 0, 4, 8, 3), (0, 4, 4, 8, 3), (1, 4, 4, 8, 0), (1, 4, 4, 0, 3)]
    {
        let s = shape(n, h, w, c);
        let (x, kernel, bias) = (values(s.len(), 1), values(9 * c * o, 2), values(o, 3));
        let mut want = poisoned(n * h * w * o);
        conv::conv3x3_relu(&Backend::Scalar, s, &x, &kernel, &bias, o, &mut want).unwrap();
        let mut want_pooled = poisoned(n * (h / 2) * (w / 2) * o);
        conv::maxpool2x2(&Backend::Scalar, Shape { c: o, ..s }, &want, &mut want_pooled).unwrap();
        for backend in fast_backends().into_iter().filter(|b| !b.is_gpu()) {
            let runs = [Algorithm::Direct, Algorithm::Winograd]
                .into_iter()
                .flat_map(|a| [(a, Precision::F32), (a, Precision::Bf16)]);
            for (algorithm, precision) in runs {
                let Ok(packed) = conv::pack_kernel_with(algorithm, &backend, precision, &kernel, (c, o))
                else {
                    continue;
                };
                // The only values: relu(bias) when c = 0, exact in any precision.
                let label = format!("{} {algorithm:?} {precision} {s:?} → {o}", backend.name());
                let mut got = poisoned(want.len());
                conv::conv3x3_relu_packed(&backend, s, &x, &packed, &bias, &mut got).unwrap();
                assert_rel_close(&label, &got, &want, F32_REL);
                let mut got = poisoned(want_pooled.len());
                conv::conv3x3_relu_maxpool_packed(&backend, s, &x, &packed, &bias, &mut got).unwrap();
                assert_rel_close(&format!("pooled {label}"), &got, &want_pooled, F32_REL);
            }
        }
    }
}

#[test]
fn pool_odd_sizes() {
    let backends = fast_backends();
    for s in [shape(1, 4, 4, 1), shape(2, 5, 7, 3), shape(1, 1, 6, 2), shape(3, 9, 11, 17)] {
        check_pool(s, &backends);
    }
}

#[test]
fn wrong_lengths_are_shape_errors() {
    let mut y = vec![0.0; 4];
    let err =
        conv::conv3x3_relu(&Backend::Scalar, shape(1, 2, 2, 1), &[0.0; 3], &[0.0; 9], &[0.0], 1, &mut y);
    assert!(err.unwrap_err().to_string().contains("x has 3 numbers but needs 4"));
}

#[test]
fn narrowed_vgg16_agrees_across_backends() {
    let (n, hw) = (2, (64, 64));
    let weights = VggWeights::random(Architecture::vgg16().narrowed(16), 7);
    let x = values(n * hw.0 * hw.1 * 3, 11);
    let want = Vgg::new(weights.clone(), Backend::Scalar).unwrap().forward(&x, n, hw).unwrap();
    assert_eq!(want.len(), n * 2 * 2 * 32);
    assert!(want.iter().any(|&v| v > 0.0), "the reference output is all zeros: a useless check");
    for backend in fast_backends() {
        let got = Vgg::new(weights.clone(), backend.clone()).unwrap().forward(&x, n, hw).unwrap();
        assert_rel_close(&format!("narrowed vgg16 {}", backend.name()), &got, &want, NETWORK_REL);
    }
}
