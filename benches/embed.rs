//! Word vectors: a filtered read of a word2vec binary file, the tutorial's mean vectors, and
//! one skip-gram epoch.
//!
//! * `read_binary_filtered`: a generated 100,000 × 300 file (120 MB, in the temp folder) read
//!   keeping 2,000 words — throughput in bytes of file per second.
//! * `mean_vectors_bundled`: every bundled overview (≈10k) against 300-d vectors of the words
//!   they need — movies per second.
//! * `skipgram_epoch_tutorial`: one epoch, dim 100, one thread, on the tutorial's 1,559
//!   overviews — corpus words per second.
//!
//! `tools/bench_word2vec.py` compares reading (1M words) and training with gensim 4.4.
//! Run: `cargo bench --bench embed`.

use std::collections::HashSet;
use std::hint::black_box;

use cinegenre::dataset::{Bundled, load_bundled};
use cinegenre::embed::{
    Format, ReadOptions, SkipGramParams, WordVectors, mean_vectors, needed_words, read_vectors,
    train_skipgram, write_vectors,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A deterministic pseudo-random value in [-1, 1).
fn value(i: usize) -> f32 {
    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    x as f32 / (1u64 << 23) as f32 - 1.0
}

fn bench_embed(c: &mut Criterion) {
    let mut group = c.benchmark_group("embed");
    group.sample_size(10);

    let (words, dim) = (100_000, 300);
    let path = std::env::temp_dir().join(format!("cinegenre-bench-embed-{}.bin", std::process::id()));
    let names: Vec<String> = (0..words).map(|i| format!("w{i}")).collect();
    let data: Vec<f32> = (0..words * dim).map(value).collect();
    write_vectors(&path, &WordVectors::from_rows(dim, names, &data).unwrap(), Format::Binary).unwrap();
    let keep: HashSet<String> = (0..words).step_by(50).map(|i| format!("w{i}")).collect();
    group.throughput(Throughput::Bytes(std::fs::metadata(&path).unwrap().len()));
    group.bench_function("read_binary_filtered", |b| {
        b.iter(|| {
            let options = ReadOptions { keep: Some(&keep), ..Default::default() };
            read_vectors(black_box(&path), None, &options).unwrap()
        })
    });
    let _ = std::fs::remove_file(&path);

    let (movies, _) = load_bundled(Bundled::All).expect("bundled data");
    let docs: Vec<String> = movies.into_iter().map(|m| m.overview).collect();
    let needed: Vec<String> = needed_words(&docs).into_iter().collect();
    let data: Vec<f32> = (0..needed.len() * 300).map(value).collect();
    let vectors = WordVectors::from_rows(300, needed, &data).unwrap();
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("mean_vectors_bundled", |b| b.iter(|| mean_vectors(black_box(&docs), &vectors)));

    let (tutorial, _) = load_bundled(Bundled::Tutorial).expect("bundled data");
    let docs: Vec<String> = tutorial.into_iter().map(|m| m.overview).collect();
    let params = SkipGramParams { dim: 100, epochs: 1, threads: 1, ..SkipGramParams::default() };
    let (_, report) = train_skipgram(&docs, &params, false).unwrap();
    group.throughput(Throughput::Elements(report.raw_words));
    group.bench_function("skipgram_epoch_tutorial", |b| {
        b.iter(|| train_skipgram(black_box(&docs), &params, false))
    });
    group.finish();
}

criterion_group!(benches, bench_embed);
criterion_main!(benches);
