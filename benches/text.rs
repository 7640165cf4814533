//! Text features on the bundled TMDB tutorial overviews: tokenize, CountVectorizer, TF-IDF.
//!
//! Reads every `fixtures/data/tmdb_tutorial/*.json.gz` (JSON arrays of TMDB objects), keeps the
//! `overview` strings cleaned the tutorial's way, and reports documents per second (criterion's
//! element throughput, plus one direct timing printed up front).
//!
//! Run: `cargo bench --bench text`.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use cinegenre::text::{
    CountVectorizer, CountVectorizerParams, DocFreq, TfidfParams, TfidfTransformer, python_lower, tokens,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Overviews of all bundled tutorial files, in file-name then file order, cleaned like the tutorial.
fn overviews() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/data/tmdb_tutorial");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/data/tmdb_tutorial")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&file).expect("data file"))
            .read_to_string(&mut text)
            .expect("gzip");
        let movies: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON array");
        docs.extend(movies.iter().filter_map(|m| m["overview"].as_str()).map(|o| o.replace([',', '.'], "")));
    }
    docs
}

fn tutorial_params() -> CountVectorizerParams {
    CountVectorizerParams {
        min_df: DocFreq::Fraction(0.005),
        max_df: DocFreq::Fraction(0.95),
        lowercase: true,
    }
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
