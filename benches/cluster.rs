//! Genre co-occurrence and spectral co-clustering.
//!
//! * `cooccurrence_top1000` + `cocluster_genres_k5`: the tutorial's section 4 (18×18, k = 5).
//! * `randomized_svd_doc_term` / `cocluster_doc_term_k20`: the TF-IDF document–term matrix of
//!   every bundled overview (≈10k × 33k, sparse), the size `tools/bench_cocluster_vs_python.py`
//!   times against scikit-learn's `SpectralCoclustering(n_clusters=20)`.
//!
//! Run: `cargo bench --bench cluster`. CPU only (rayon over output rows and k-means restarts).

use std::hint::black_box;

use cinegenre::cluster::{
    CoclusterParams, Input, TOP_MOVIES_FILE, cocluster, cooccurrence, n_singular_vectors, normalise,
};
use cinegenre::dataset::{Bundled, load_bundled, load_bundled_file, tutorial_clean};
use cinegenre::linalg::{RandomizedSvd, randomized_svd};
use cinegenre::matrix::CsrMatrix;
use cinegenre::text::{CountVectorizer, CountVectorizerParams, DocFreq, TfidfParams, TfidfTransformer};
use criterion::{Criterion, criterion_group, criterion_main};

/// TF-IDF of every bundled overview without the all-zero rows.
fn doc_term() -> CsrMatrix {
    let (movies, _) = load_bundled(Bundled::All).expect("bundled data");
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params =
        CountVectorizerParams { min_df: DocFreq::Count(1), max_df: DocFreq::Fraction(1.0), lowercase: true };
    let counts = CountVectorizer::new(params).fit_transform(&docs).expect("vectorize");
    let x = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts).expect("tfidf");
    let keep: Vec<usize> = (0..x.n_rows()).filter(|&i| !x.row(i).0.is_empty()).collect();
    x.select_rows(&keep)
}

fn bench_cluster(c: &mut Criterion) {
    let top = load_bundled_file(TOP_MOVIES_FILE).expect("bundled top movies");
    let mut group = c.benchmark_group("cocluster");
    group.bench_function("cooccurrence_top1000", |b| b.iter(|| cooccurrence(black_box(&top), None)));
    let genres = cooccurrence(&top, None).counts;
    group.bench_function("cocluster_genres_k5", |b| {
        b.iter(|| cocluster(Input::Dense(black_box(&genres)), &CoclusterParams::new(5, 0)).expect("fit"))
    });
    let x = doc_term();
    group.sample_size(10);
    let op = normalise(Input::Sparse(&x)).expect("normalise").op;
    group.bench_function("randomized_svd_doc_term", |b| {
        b.iter(|| randomized_svd(op.clone(), &RandomizedSvd::new(n_singular_vectors(20), 0)).expect("svd"))
    });
    group.bench_function("cocluster_doc_term_k20", |b| {
        b.iter(|| cocluster(Input::Sparse(black_box(&x)), &CoclusterParams::new(20, 0)).expect("fit"))
    });
    group.finish();
}

criterion_group!(benches, bench_cluster);
criterion_main!(benches);
