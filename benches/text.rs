//! Text features on the bundled TMDB tutorial overviews: tokenize, CountVectorizer, TF-IDF.
//!
//! Uses every bundled overview (≈10k movies after de-duplication, the input of `cinegenre run`),
//! cleaned the tutorial's way, and reports documents per second (criterion's element
//! throughput, plus one direct timing printed up front). `tools/bench_vs_python.py` times the
//! same work against scikit-learn.
//!
//! Run: `cargo bench --bench text`.

use std::hint::black_box;
use std::time::Instant;

use cinegenre::dataset::{Bundled, load_bundled, tutorial_clean};
use cinegenre::text::{
    CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer, python_lower, tokens,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Every bundled overview (≈10k movies, de-duplicated), cleaned like the tutorial.
fn overviews() -> Vec<String> {
    let (movies, _) = load_bundled(Bundled::All).expect("bundled data");
    movies.iter().map(|m| tutorial_clean(&m.overview)).collect()
}

fn tutorial_params() -> CountVectorizerParams {
    CountVectorizerParams::tutorial()
}

fn bench_text(c: &mut Criterion) {
    let docs = overviews();
    let n = docs.len() as u64;

    let start = Instant::now();
    let reps = 10;
    for _ in 0..reps {
        let x = CountVectorizer::new(tutorial_params()).fit_transform(&docs).expect("vectorize");
        black_box(TfidfTransformer::new(TfidfParams::default()).fit_transform(&x).expect("tfidf"));
    }
    let secs = start.elapsed().as_secs_f64() / reps as f64;
    println!(
        "text: {} overviews, vectorize + tfidf {:.2} ms = {:.0} docs/s ({} rayon threads)",
        n,
        secs * 1e3,
        n as f64 / secs,
        rayon::current_num_threads()
    );

    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Elements(n));
    group.bench_function("tokenize", |b| {
        b.iter(|| docs.iter().map(|d| tokens(&python_lower(d)).count()).sum::<usize>())
    });
    group.bench_function("count_fit_transform", |b| {
        b.iter(|| CountVectorizer::new(tutorial_params()).fit_transform(&docs).expect("vectorize"))
    });
    let counts = CountVectorizer::new(tutorial_params()).fit_transform(&docs).expect("vectorize");
    group.bench_function("tfidf_fit_transform", |b| {
        b.iter(|| TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts).expect("tfidf"))
    });
    group.finish();
}

criterion_group!(benches, bench_text);
criterion_main!(benches);
