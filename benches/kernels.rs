//! Kernel benchmarks: one criterion group per family, one function per available backend.
//!
//! Compute-bound families (gemm, conv) report elements = flops (criterion's Gelem/s =
//! GFLOP/s: 2·m·n·k for a GEMM, 2·n·H·W·9c·o for a conv); memory-bound ones (elementwise,
//! reduce, rmsprop, spmm, smo) report bytes read + written (GB/s: a core streams ~20–40 GB/s, so
//! these are judged against the memory, not the FMA units). GPU timings go through the
//! slice-level API, uploads and readbacks included (`cinegenre bench gemm` times the GPU GEMM on
//! resident buffers), except `gemm/square_*/gpu/<config>`: every tile configuration of the
//! GPU GEMM's autotune table on resident buffers. For the ratio
//! against numpy run `tools/bench_gemm_vs_numpy.py`; against PyTorch/onnxruntime,
//! `tools/bench_vgg_vs_torch.py`. Shapes come from the pipeline: the poster MLP's first layer,
//! VGG16's layers, the TF-IDF matrix's size.

use cinegenre::backend::Backend;
use cinegenre::bench::random_matrix;
use cinegenre::gpu::GpuContext;
use cinegenre::kernels::conv::{self, Algorithm, Shape};
use cinegenre::kernels::gemm::gpu_tile::TileConfig;
use cinegenre::kernels::gemm::{self, Epilogue, Gemm, PackedB, Precision, Strided};
use cinegenre::kernels::rmsprop::{RmspropStep, rmsprop};
use cinegenre::kernels::smo::{self, Active, Bound};
use cinegenre::kernels::spmm::{CsrRef, spmm};
use cinegenre::kernels::{Activation, elementwise, reduce};
use cinegenre::simd::SimdLevel;
use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};

/// Every backend but the scalar reference when the work is above `scalar_limit` flops or bytes.
fn backends(work: f64, scalar_limit: f64) -> Vec<Backend> {
    Backend::available()
        .into_iter()
        .filter(|b| !matches!(b, Backend::Scalar) || work <= scalar_limit)
        .collect()
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group
}

/// Square sizes and the poster MLP's first layer on one batch, f32; the same layer with B
/// prepacked in bf16 where the CPU has a bf16 unit.
fn bench_gemm(c: &mut Criterion) {
    let mut group = group(c, "gemm");
    let shapes = [
        ("square_256", Gemm::nn(256, 256, 256)),
        ("square_1024", Gemm::nn(1024, 1024, 1024)),
        ("dense1_fwd_64x25088x1024", Gemm::nn(64, 1024, 25088)),
        ("dense1_grad_25088x1024x64", Gemm::tn(25088, 1024, 64)),
    ];
    for (label, g) in shapes {
        let (a, b) = (random_matrix(g.m * g.k, 1), random_matrix(g.k * g.n, 2));
        let mut out = vec![0.0f32; g.m * g.n];
        group.throughput(Throughput::Elements(g.flops() as u64));
        for backend in backends(g.flops(), 1e9) {
            group.bench_function(format!("{label}/{}", backend.name()), |bench| {
                bench.iter(|| gemm::gemm(&backend, g, &a, &b, Epilogue::default(), &mut out).unwrap())
            });
        }
        let cpu = Backend::cpu().unwrap();
        if let Ok(packed) = PackedB::new(&cpu, Precision::Bf16, g, &b) {
            group.bench_function(format!("{label}/{}/bf16-packed", cpu.name()), |bench| {
                let source = Strided::of(g, &a[..]);
                bench.iter(|| {
                    gemm::gemm_packed(&cpu, g, &source, &packed, Epilogue::default(), &mut out).unwrap()
                })
            });
        }
        if label.starts_with("square") {
            gpu_configs(&mut group, label, g, (&a, &b));
        }
    }
    group.finish();
}

/// The GPU GEMM under each tile configuration the adapter can run (the autotuner's
/// candidates), on resident buffers, timed to completion: `<label>/gpu/<config>`.
fn gpu_configs(group: &mut BenchmarkGroup<'_, WallTime>, label: &str, g: Gemm, (a, b): (&[f32], &[f32])) {
    let Ok(ctx) = GpuContext::get() else { return };
    let (Ok(da), Ok(db), Ok(dc)) = (ctx.upload(a, "a"), ctx.upload(b, "b"), ctx.zeros(g.m * g.n, "c")) else {
        return;
    };
    for config in TileConfig::candidates(&ctx) {
        group.bench_function(format!("{label}/gpu/{}", config.name()), |bench| {
            bench.iter(|| {
                let mut encoder = ctx.encoder();
                let (b, id) = ((&db, 0), Activation::Identity);
                gemm::gpu::encode_config(&ctx, &mut encoder, config, g, &da, b, None, id, &dc).unwrap();
                ctx.finish_and_wait(encoder).unwrap()
            })
        });
    }
}

/// Two VGG16 layers at 224² (a 64-channel one and a 256-channel one), kernel prepacked as the
/// network runs them, by both algorithms where the backend has them (`…/f32/winograd` is what
/// the network runs in f32), and the first pool.
fn bench_conv(c: &mut Criterion) {
    let mut group = group(c, "conv");
    for (label, s, out_ch) in [
        ("block1_conv2", Shape::nhwc((1, 224, 224, 64)), 64),
        ("block3_conv2", Shape::nhwc((1, 56, 56, 256)), 256),
    ] {
        let (x, kernel, bias) =
            (random_matrix(s.len(), 3), random_matrix(9 * s.c * out_ch, 4), random_matrix(out_ch, 5));
        let mut y = vec![0.0f32; s.n * s.h * s.w * out_ch];
        let flops = 2.0 * (s.n * s.h * s.w * 9 * s.c * out_ch) as f64;
        group.throughput(Throughput::Elements(flops as u64));
        for backend in backends(flops, 0.0) {
            for precision in [Precision::F32, Precision::Bf16] {
                for (name, algorithm) in [("direct", Algorithm::Direct), ("winograd", Algorithm::Winograd)] {
                    let Ok(packed) =
                        conv::pack_kernel_with(algorithm, &backend, precision, &kernel, (s.c, out_ch))
                    else {
                        continue;
                    };
                    group.bench_function(format!("{label}/{}/{precision}/{name}", backend.name()), |bench| {
                        bench.iter(|| {
                            conv::conv3x3_relu_packed(&backend, s, &x, &packed, &bias, &mut y).unwrap()
                        })
                    });
                }
            }
        }
    }
    let s = Shape::nhwc((1, 224, 224, 64));
    let x = random_matrix(s.len(), 6);
    let mut y = vec![0.0f32; s.len() / 4];
    group.throughput(Throughput::Bytes((4 * (s.len() + y.len())) as u64));
    for backend in backends(0.0, 0.0) {
        group.bench_function(format!("block1_pool/{}", backend.name()), |bench| {
            bench.iter(|| conv::maxpool2x2(&backend, s, &x, &mut y).unwrap())
        });
    }
    group.finish();
}

/// The sigmoid and the BCE gradient over a batch of the poster MLP's outputs ×1024.
fn bench_elementwise(c: &mut Criterion) {
    let mut group = group(c, "elementwise");
    let len = 1 << 22;
    let (z, t) = (random_matrix(len, 7), random_matrix(len, 8));
    let mut g = vec![0.0f32; len];
    group.throughput(Throughput::Bytes((8 * len) as u64));
    for backend in backends(0.0, 0.0) {
        let mut x = z.clone();
        group.bench_function(format!("sigmoid/{}", backend.name()), |bench| {
            bench.iter(|| elementwise::activate(&backend, Activation::Sigmoid, &mut x).unwrap())
        });
        group.bench_function(format!("bce_grad/{}", backend.name()), |bench| {
            bench.iter(|| elementwise::bce_grad(&backend, &z, &t, 1.0 / len as f32, &mut g).unwrap())
        });
    }
    group.finish();
}

/// The bias gradient of the poster MLP's first layer: column sums of a 64 × 1024 batch, and of
/// a 4096-row one.
fn bench_reduce(c: &mut Criterion) {
    let mut group = group(c, "reduce");
    for (m, n) in [(64, 1024), (4096, 1024)] {
        let x = random_matrix(m * n, 9);
        let mut out = vec![0.0f32; n];
        group.throughput(Throughput::Bytes((4 * m * n) as u64));
        for backend in backends(0.0, 0.0) {
            group.bench_function(format!("column_sums_{m}x{n}/{}", backend.name()), |bench| {
                bench.iter(|| reduce::column_sums(&backend, m, n, &x, &mut out).unwrap())
            });
        }
    }
    group.finish();
}

/// One RMSprop step over the poster MLP's first weight matrix (25088 × 1024).
fn bench_rmsprop(c: &mut Criterion) {
    let mut group = group(c, "rmsprop");
    let len = 25088 * 1024;
    let (mut p, grad, mut acc) = (random_matrix(len, 10), random_matrix(len, 11), vec![0.0f32; len]);
    let step = RmspropStep { lr: 1e-4, rho: 0.9, eps: 1e-7, eps_inside_sqrt: false };
    group.throughput(Throughput::Bytes((5 * 4 * len) as u64));
    for backend in backends(0.0, 0.0) {
        group.bench_function(format!("dense1_step/{}", backend.name()), |bench| {
            bench.iter(|| rmsprop(&backend, step, &mut p, &grad, &mut acc).unwrap())
        });
    }
    group.finish();
}

/// A TF-IDF-shaped CSR matrix (4,800 × 20,000, 1% dense) times 64 columns.
fn bench_spmm(c: &mut Criterion) {
    let mut group = group(c, "spmm");
    let (m, k, n, per_row) = (4800usize, 20_000usize, 64usize, 200usize);
    let indptr: Vec<u32> = (0..=m).map(|i| (i * per_row) as u32).collect();
    let indices: Vec<u32> = (0..m * per_row).map(|q| ((q * 7919) % k) as u32).collect();
    let data = random_matrix(m * per_row, 12);
    let s = CsrRef { n_rows: m, n_cols: k, indptr: &indptr, indices: &indices, data: &data };
    let b = random_matrix(k * n, 13);
    let mut out = vec![0.0f32; m * n];
    group.throughput(Throughput::Bytes((4 * (m * per_row * (2 + n) + m * n)) as u64));
    for backend in backends(0.0, 0.0) {
        group.bench_function(format!("tfidf_x64/{}", backend.name()), |bench| {
            bench.iter(|| spmm(&backend, s, n, &b, &mut out).unwrap())
        });
    }
    group.finish();
}

/// The SMO loops of `run`'s SVM stage: a fold's 5,534 active variables gathered from a
/// Gram row of the 8,301 training movies in a scrambled order (as after shrinking); one
/// function per SIMD level (the scalar loop is `portable`).
fn bench_smo(c: &mut Criterion) {
    let mut group = group(c, "smo");
    let (n, a) = (8301usize, 5534usize);
    let row = random_matrix(n, 14);
    let index: Vec<u32> = (0..a).map(|t| ((t * 7919) % n) as u32).collect();
    let ys: Vec<f32> = (0..a).map(|t| if t % 3 == 0 { -1.0 } else { 1.0 }).collect();
    let status: Vec<Bound> = (0..a).map(|t| [Bound::Lower, Bound::Upper, Bound::Free][t % 3]).collect();
    let active = Active { index: &index, ys: &ys, status: &status };
    let g0: Vec<f64> = random_matrix(a, 15).iter().map(|&v| f64::from(v)).collect();
    let qd = vec![1.0f64; a];
    let (mut g, mut col) = (g0.clone(), random_matrix(a, 16));
    // Per element: the gathered value, index, y and status, then g and the Q column.
    group.throughput(Throughput::Bytes((a * (4 + 4 + 4 + 1 + 8 + 4)) as u64));
    for level in SimdLevel::supported() {
        group.bench_function(format!("step/{level}"), |bench| {
            bench.iter(|| smo::step(level, &row, 1.0, active, &col, 1e-9, -1e-9, &mut g))
        });
        group.bench_function(format!("select/{level}"), |bench| {
            bench.iter(|| smo::select(level, &row, 1.0, 1.0, 0.5, active, &qd, &g0, &mut col))
        });
        group.bench_function(format!("add_column/{level}"), |bench| {
            bench.iter(|| smo::add_column(level, &row, -1.0, &index, &ys, 1e-9, &mut g))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_gemm,
    bench_conv,
    bench_elementwise,
    bench_reduce,
    bench_rmsprop,
    bench_spmm,
    bench_smo
);
criterion_main!(benches);
