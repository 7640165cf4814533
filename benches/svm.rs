//! Linear SVM on the bundled data: the shared Gram matrix, one SMO fit, one DCD fit, and the
//! tutorial's whole one-vs-rest grid search on a 2,000-movie subset.
//!
//! Input: the bundled overviews, `CountVectorizer(min_df=0.005, max_df=0.95)` + TF-IDF, the 20
//! TMDB genres of 2017. `tools/bench_svm_vs_python.py` times the full search (all movies or a
//! subset) against scikit-learn's `OneVsRestClassifier(GridSearchCV(SVC(kernel='linear')))` and
//! `LinearSVC` and prints the ratios.
//!
//! Run: `cargo bench --bench svm`.

use std::hint::black_box;

use cinegenre::svm::binary::fit_smo;
use cinegenre::svm::dcd::fit_dcd;
use cinegenre::svm::{Gram, GridConfig, LinearKernel, SvmParams, grid_search};
use cinegenre::text::{TfidfParams, TfidfTransformer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/common/mod.rs"]
mod common;

/// Movies in the benchmarked subset (the full grid search runs minutes; see the script).
const ROWS: usize = 2000;

fn bench_svm(c: &mut Criterion) {
    let (counts, labels) = common::corpus::bundled_counts(Some(ROWS));
    let x = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts).expect("tf-idf");
    let names: Vec<String> = (0..labels.n_cols()).map(|k| format!("genre {k}")).collect();
    let kernel = LinearKernel::new(&x).expect("kernel");
    let gram = Gram::from_kernel(&kernel);
    let rows: Vec<usize> = (0..x.n_rows()).collect();
    let drama = labels.column(3);

    let mut group = c.benchmark_group("linear_svm");
    group.sample_size(10);
    group.throughput(Throughput::Elements((ROWS * ROWS) as u64));
    group.bench_function("gram_matrix", |b| b.iter(|| Gram::from_kernel(black_box(&kernel))));
    group.throughput(Throughput::Elements(ROWS as u64));
    for c_value in [0.01, 1.0] {
        let p = SvmParams { c: c_value, ..SvmParams::default() };
        group.bench_function(format!("smo_fit_one_label_c{c_value}"), |b| {
            b.iter(|| fit_smo(&kernel, Some(&gram), &rows, black_box(&drama), &p, None).expect("fit"))
        });
        let p = SvmParams { c: c_value, ..SvmParams::linear_svc() };
        group.bench_function(format!("dcd_fit_one_label_c{c_value}"), |b| {
            b.iter(|| fit_dcd(&kernel, &rows, black_box(&drama), &p, None).expect("fit"))
        });
    }
    let config = GridConfig::default();
    group.bench_function("ovr_grid_search_20x3x5", |b| {
        b.iter(|| grid_search(black_box(&x), labels.as_slice(), &names, &config).expect("search"))
    });
    group.finish();
}

criterion_group!(benches, bench_svm);
criterion_main!(benches);
