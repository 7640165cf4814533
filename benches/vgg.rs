//! VGG forward-pass benchmarks: one criterion group, one function per fast backend and batch.
//!
//! Throughput is reported as elements = 2·MACs flops per batch (criterion's Gelem/s = GFLOP/s);
//! 30.7 GFLOP per 224×224 VGG16 image. For images/s and the comparison with PyTorch use
//! `cinegenre bench vgg`.

use cinegenre::backend::Backend;
use cinegenre::vgg::network::Vgg;
use cinegenre::vgg::{Architecture, VggWeights};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_vgg16(c: &mut Criterion) {
    let mut group = c.benchmark_group("vgg16_224");
    group.sample_size(10);
    let (arch, hw) = (Architecture::vgg16(), (224, 224));
    let weights = VggWeights::random(arch.clone(), 0);
    for backend in Backend::available() {
        if matches!(backend, Backend::Scalar | Backend::Cpu { par: cinegenre::backend::Par::Seq, .. }) {
            continue;
        }
        let net = Vgg::new(weights.clone(), backend.clone()).unwrap();
        for batch in [1usize, 8] {
            let x = cinegenre::bench::random_matrix(batch * hw.0 * hw.1 * 3, 5);
            group.throughput(Throughput::Elements(2 * arch.macs(hw) * batch as u64));
            group.bench_function(format!("batch{batch}/{}", backend.name()), |b| {
                b.iter(|| net.forward(&x, batch, hw).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_vgg16);
criterion_main!(benches);
