//! Kernel benchmarks: one criterion group per family, one function per available backend.
//!
//! GEMM throughput is reported as elements = 2·m·n·k flops (criterion prints Gelem/s =
//! GFLOP/s). GPU timings include completion but not uploads (inputs resident; see
//! `cinegenre::bench`). For the ratio against numpy run `tools/bench_gemm_vs_numpy.py`.

use cinegenre::backend::Backend;
use cinegenre::kernels::Activation;
use cinegenre::kernels::gemm::{self, Epilogue, Gemm};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// (label, shape): square sizes and the tutorial poster MLP's first layer on one batch.
fn shapes() -> Vec<(&'static str, Gemm)> {
    vec![
        ("square_256", Gemm::nn(256, 256, 256)),
        ("square_1024", Gemm::nn(1024, 1024, 1024)),
        ("dense1_fwd_64x25088x1024", Gemm::nn(64, 1024, 25088)),
        ("dense1_grad_25088x1024x64", Gemm::tn(25088, 1024, 64)),
    ]
}

fn bench_gemm(c: &mut Criterion) {
    let mut group = c.benchmark_group("gemm");
    group.sample_size(10);
    for (label, g) in shapes() {
        let a = cinegenre::bench::random_matrix(g.m * g.k, 1);
        let b = cinegenre::bench::random_matrix(g.k * g.n, 2);
        let mut out = vec![0.0f32; g.m * g.n];
        group.throughput(Throughput::Elements(g.flops() as u64));
        for backend in Backend::available() {
            if matches!(backend, Backend::Scalar) && g.flops() > 1e9 {
                continue;
            }
            let id = format!("{label}/{}", backend.name());
            match &backend {
                Backend::Gpu(ctx) => {
                    let (da, db) = (ctx.upload(&a, "a").unwrap(), ctx.upload(&b, "b").unwrap());
                    let dc = ctx.zeros(out.len(), "c").unwrap();
                    group.bench_function(id, |bench| {
                        bench.iter(|| {
                            let mut enc = ctx.encoder();
                            gemm::gpu::encode(ctx, &mut enc, g, &da, &db, None, Activation::Identity, &dc)
                                .unwrap();
                            ctx.finish_and_wait(enc).unwrap();
                        })
                    });
                }
                _ => {
                    group.bench_function(id, |bench| {
                        bench.iter(|| gemm::gemm(&backend, g, &a, &b, Epilogue::default(), &mut out).unwrap())
                    });
                }
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench_gemm);
criterion_main!(benches);
