//! `cinegenre bench` with no subcommand: every kernel and model stage on each backend this
//! machine has, beside scikit-learn/numpy/PyTorch on the same data in the same run.
//!
//! ```text
//! stage             size (full / --quick)                 ours                     Python
//! gemm              n×n×n f32, n = 512 / 256              scalar, SIMD, +rayon, GPU numpy, torch
//! spmm              TF-IDF (movies × terms) · (terms × 64) scalar, SIMD, +rayon, GPU scipy
//! sigmoid           2²² / 2²⁰ floats                       scalar, SIMD, +rayon, GPU numpy, torch
//! vectorize+tfidf   bundled overviews (all / 2,000)       CPU                      scikit-learn
//! nb fit            one-vs-rest MultinomialNB on counts   CPU                      scikit-learn
//! svm fit           one-vs-rest linear SVC(C=1, balanced) CPU                      scikit-learn
//!                   on the first 1,500 / 400 TF-IDF rows
//! mlp epoch         300→300→20 RMSprop, batch 64, random  SIMD+rayon, GPU          torch
//! vgg16 features    conv base, 1 image 64² / 32², random  scalar, SIMD+rayon, GPU torchvision
//! cocluster         SpectralCoclustering(5) of the counts CPU                      scikit-learn
//! ```
//! The Rust side writes the data (`DIR/data/`: cleaned overviews, counts, labels) and runs
//! `tools/bench_suite.py` on it; that script prints JSON with one time per (stage, library).
//! Times are the best of a few repetitions after a warm-up; GPU times include completion. GPU
//! GEMM keeps its operands on the device; SpMM, sigmoid and the MLP epoch go through the
//! host-slice API, so their GPU times include the uploads and downloads.
//! Timing is for this command only: tests never time anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::best_of;
use crate::backend::Backend;
use crate::dataset::{Bundled, GenreMap, load_bundled, tutorial_clean};
use crate::error::{Error, Result};
use crate::kernels::spmm::{CsrRef, spmm};
use crate::kernels::{Activation, elementwise};
use crate::labels::binarize;
use crate::matrix::CsrMatrix;
use crate::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer};

/// What to run.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    pub quick: bool,
    /// Python with the pinned packages; `None` skips the reference side.
    pub python: Option<String>,
    /// Where bench.json, bench.md and data/ go.
    pub out: PathBuf,
    /// `tools/bench_suite.py`.
    pub script: PathBuf,
}

/// One timed (stage, implementation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measure {
    pub stage: String,
    pub size: String,
    /// `scalar`, `avx2+rayon`, `gpu`, `cpu`, or a Python library (`numpy`, `scikit-learn`, …).
    pub implementation: String,
    pub seconds: f64,
}

/// The whole suite, as written to bench.json.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    pub machine: crate::results::Environment,
    /// Python packages and versions, or why the reference side did not run.
    pub python: String,
    pub ours: Vec<Measure>,
    pub reference: Vec<Measure>,
}

/// How [`SuiteReport::python`] starts when the given Python could not run the reference side.
const PYTHON_NOT_RUN: &str = "not run: ";

impl SuiteReport {
    /// Why the reference side did not run with the Python the user gave (`None`: it ran, or
    /// `--python none` skipped it on purpose).
    pub fn python_failure(&self) -> Option<&str> {
        self.python.strip_prefix(PYTHON_NOT_RUN)
    }
}

/// Run the suite: Rust stages on every available backend, then the Python reference.
pub fn run_suite(config: &SuiteConfig) -> Result<SuiteReport> {
    let data_dir = config.out.join("data");
    std::fs::create_dir_all(&data_dir).map_err(|e| Error::io(&data_dir, e))?;
    let reps = if config.quick { 2 } else { 3 };
    let backends = Backend::available();
    let mut ours = Vec::new();
    let mut push = |stage: &str, size: &str, implementation: String, seconds: f64| {
        eprintln!("  {stage:<16} {size:<22} {implementation:<14} {seconds:>10.5} s");
        ours.push(Measure { stage: stage.into(), size: size.into(), implementation, seconds });
    };

    let n = if config.quick { 256 } else { 512 };
    for b in &backends {
        let t = super::gemm_square(b, n, reps)?;
        push("gemm", &format!("{n}×{n}×{n}"), b.name(), t.seconds);
    }

    // The movies: counts, TF-IDF and labels, written for the Python side.
    let (mut movies, _) = load_bundled(Bundled::All)?;
    if config.quick {
        movies.truncate(crate::run::QUICK_MOVIES);
    }
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let vec_params = CountVectorizerParams::tutorial();
    let size = format!("{} overviews", docs.len());
    let seconds = best_of(reps, || {
        let counts = CountVectorizer::new(vec_params).fit_transform(&docs)?;
        TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts).map(|_| ())
    })?;
    push("vectorize+tfidf", &size, "cpu".into(), seconds);
    let counts = CountVectorizer::new(vec_params).fit_transform(&docs)?;
    let tfidf = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts)?;
    let labels = binarize(&movies, Some(GenreMap::tmdb_2017().ids()))?.labels;
    crate::io::write_mtx(&data_dir.join("counts.mtx"), &counts)?;
    crate::io::write_npy(&data_dir.join("Y.npy"), &[labels.n_rows(), labels.n_cols()], labels.as_slice())?;
    let docs_path = data_dir.join("docs.json");
    crate::io::write_atomic(&docs_path, |w| {
        serde_json::to_writer(w, &docs).map_err(|e| Error::io(&docs_path, e.into()))
    })?;

    let (m, k) = tfidf.shape();
    let cols = 64;
    let dense = super::random_matrix(k * cols, 5);
    let (indptr, indices, values) = csr_f32(&tfidf);
    let s = CsrRef { n_rows: m, n_cols: k, indptr: &indptr, indices: &indices, data: &values };
    let mut c = vec![0.0f32; m * cols];
    for b in &backends {
        let t = best_of(reps, || spmm(b, s, cols, &dense, &mut c))?;
        push("spmm", &format!("({m}×{k}, {} nnz)·{cols}", tfidf.nnz()), b.name(), t);
    }

    let len = if config.quick { 1 << 20 } else { 1 << 22 };
    let x = super::random_matrix(len, 6);
    for b in &backends {
        let mut y = x.clone();
        let t = best_of(reps, || elementwise::activate(b, Activation::Sigmoid, &mut y))?;
        push("sigmoid", &format!("{len} floats"), b.name(), t);
    }

    let nb = crate::bayes::NbParams { alpha: 1.0, fit_prior: true };
    let (y, g) = (labels.as_slice(), labels.n_cols());
    let t = best_of(reps, || {
        crate::ovr::OneVsRest::<crate::bayes::BinaryNb>::fit(&nb, &counts, y, g).map(|_| ())
    })?;
    push("nb fit", &format!("{m}×{k} counts, {g} labels"), "cpu".into(), t);

    let svm_rows = m.min(if config.quick { 400 } else { 1500 });
    let rows: Vec<usize> = (0..svm_rows).collect();
    let (xs, ys) = (tfidf.select_rows(&rows), labels.select_rows(&rows));
    let params = crate::svm::SvmParams::default();
    let t = best_of(1, || {
        crate::ovr::OneVsRest::<crate::svm::BinarySvm>::fit(&params, &xs, ys.as_slice(), g).map(|_| ())
    })?;
    push("svm fit", &format!("{svm_rows}×{k} TF-IDF, {g} labels"), "cpu".into(), t);

    let mlp_rows = if config.quick { 2048 } else { 8192 };
    for b in backends
        .iter()
        .filter(|b| !matches!(b, Backend::Scalar | Backend::Cpu { par: crate::backend::Par::Seq, .. }))
    {
        let t = super::mlp_epoch(b, &[300, 300, 20], mlp_rows, 64)?;
        push("mlp epoch", &format!("{mlp_rows} rows 300→300→20"), b.name(), t);
    }

    // VGG16 convolutional base on one random image, random weights (the poster branch's stage).
    let side = if config.quick { 32 } else { 64 };
    let image = super::random_matrix(side * side * 3, 7);
    let weights = crate::vgg::weights::VggWeights::random(crate::vgg::arch::Architecture::vgg16(), 0);
    let cpu = backends.iter().filter(|b| {
        matches!(b, Backend::Scalar | Backend::Cpu { par: crate::backend::Par::Rayon, .. }) || b.is_gpu()
    });
    for b in cpu {
        let net = crate::vgg::network::Vgg::new(weights.clone(), b.clone())?;
        match best_of(1, || net.forward(&image, 1, (side, side)).map(|_| ())) {
            Ok(t) => push("vgg16 features", &format!("1 image {side}×{side}"), b.name(), t),
            Err(e) => eprintln!("  vgg16 features on {}: not timed ({e})", b.name()),
        }
    }

    let co = crate::cluster::CoclusterParams::new(5, 0);
    let t =
        best_of(1, || crate::cluster::cocluster(crate::cluster::Input::Sparse(&counts), &co).map(|_| ()))?;
    push("cocluster", &format!("{m}×{k} counts, 5 biclusters"), "cpu".into(), t);

    let (python, reference) = match &config.python {
        Some(py) => match python_side(py, &config.script, &data_dir, config.quick, svm_rows, mlp_rows) {
            Ok(r) => r,
            Err(e) => (format!("{PYTHON_NOT_RUN}{e}"), Vec::new()),
        },
        None => ("not run (--python none)".into(), Vec::new()),
    };
    let gpu = backends.iter().find(|b| b.is_gpu());
    let machine = crate::results::Environment::detect(
        &gpu.map(|b| ("gpu".to_string(), b.clone())).into_iter().collect::<Vec<_>>(),
    );
    Ok(SuiteReport { machine, python, ours, reference })
}

/// The CSR arrays of `x` as the spmm kernel takes them (u32 indices, f32 values).
fn csr_f32(x: &CsrMatrix) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut indptr = vec![0u32];
    let (mut indices, mut values) = (Vec::new(), Vec::new());
    for i in 0..x.n_rows() {
        let (cols, vals) = x.row(i);
        indices.extend_from_slice(cols);
        values.extend(vals.iter().map(|&v| v as f32));
        indptr.push(indices.len() as u32);
    }
    (indptr, indices, values)
}

#[derive(Deserialize)]
struct PythonOutput {
    versions: std::collections::BTreeMap<String, String>,
    measures: Vec<Measure>,
}

/// Run `tools/bench_suite.py` with `python` on the data folder and read its JSON.
fn python_side(
    python: &str,
    script: &Path,
    data: &Path,
    quick: bool,
    svm_rows: usize,
    mlp_rows: usize,
) -> Result<(String, Vec<Measure>)> {
    let mut cmd = Command::new(python);
    cmd.arg(script).arg("--data").arg(data);
    cmd.args(["--svm-rows", &svm_rows.to_string(), "--mlp-rows", &mlp_rows.to_string()]);
    if quick {
        cmd.arg("--quick");
    }
    let out = cmd.output().map_err(|e| Error::param("python", format!("{python}: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").to_string();
        return Err(Error::param("python", format!("{} failed: {last}", script.display())));
    }
    let parsed: PythonOutput = serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::parse(script, None, format!("its output is not the expected JSON: {e}")))?;
    let versions: Vec<String> = parsed.versions.iter().map(|(k, v)| format!("{k} {v}")).collect();
    Ok((versions.join(", "), parsed.measures))
}
