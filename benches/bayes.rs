//! One-vs-rest multinomial naive Bayes on the bundled data: fit and predict, 20 genres.
//!
//! Input: every bundled overview (≈10k movies), `CountVectorizer(min_df=0.005, max_df=0.95)`
//! counts, the 20 TMDB genres of 2017 — the tutorial's naive Bayes at the size `cinegenre run`
//! uses. Throughput is in movies per second; `tools/bench_vs_python.py` times the same work
//! against scikit-learn's `OneVsRestClassifier(MultinomialNB())`.
//!
//! Run: `cargo bench --bench bayes`.

use std::hint::black_box;

use cinegenre::bayes::{BinaryNb, NbParams};
use cinegenre::ovr::OneVsRest;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/common/mod.rs"]
mod common;

fn bench_bayes(c: &mut Criterion) {
    let (x, y) = common::corpus::bundled_counts(None);
    let nb = NbParams::default();

    let mut group = c.benchmark_group("naive_bayes");
    group.sample_size(20);
    group.throughput(Throughput::Elements(x.n_rows() as u64));
    group.bench_function("fit_ovr_20_genres", |b| {
        b.iter(|| OneVsRest::<BinaryNb>::fit(&nb, black_box(&x), y.as_slice(), y.n_cols()).expect("fit"))
    });
    let model = OneVsRest::<BinaryNb>::fit(&nb, &x, y.as_slice(), y.n_cols()).expect("fit");
    group.bench_function("predict_ovr_20_genres", |b| {
        b.iter(|| model.predict(black_box(&x)).expect("predict"))
    });
    group.finish();
}

criterion_group!(benches, bench_bayes);
criterion_main!(benches);
