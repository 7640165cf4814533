//! The main job, `cinegenre run`: the tutorial's text pipeline end to end on the bundled data.
//!
//! ```text
//! 1. load        bundled TMDB files (or --data), de-duplicate by id, drop empty overviews
//! 2. labels      one 0/1 column per genre id, ascending (20 with 10769 "Foreign")
//! 3. features    overviews with ',' and '.' deleted → CountVectorizer(min_df, max_df) → TF-IDF
//! 4. split       msk = rand(n) < 0.8 with numpy's legacy MT19937 seeded by --seed
//! 5. train       one-vs-rest multinomial naive Bayes on the raw training counts
//! 6. evaluate    classification report, micro/macro/weighted/samples averages, per-movie P/R
//! 7. svm         one-vs-rest linear SVM on TF-IDF, C ∈ {0.01, 0.1, 1} by stratified k-fold grid
//!                search (micro-F1, --svm-cv 5), evaluated the same way (crate::svm)
//! 8. biclusters  genre co-occurrence over the top-1000 popular movies (bundled data; else the
//!                movies given), SpectralCoclustering(5) → DIR/cooccurrence.png and .svg
//! 9. vectors     own skip-gram vectors on the raw overviews (or --word-vectors FILE), mean
//!                vector per overview, movies without a usable token dropped → DIR/vectors.bin
//! 10. text MLP   tutorial_mask over the kept movies, Dense(300) ReLU → Dense(20) sigmoid,
//!                top-3 genres per test movie → DIR/text_mlp.safetensors (crate::embed::branch)
//! 11. posters    VGG16 features of the run's posters (bundled or --posters DIR; --vgg-weights FILE,
//!                else random weights: not meaningful) → DIR/poster_features.npy, reused when it
//!                matches → Dense(1024)/Dense(256)/Dense(20) MLP, top-3 genres per test movie →
//!                DIR/poster_mlp.safetensors (crate::vgg::branch; --no-posters skips it;
//!                --poster-precision bf16 runs the convolutions on AMX tiles)
//! 12. write      DIR/metrics.json, DIR/nb.safetensors, DIR/svm.safetensors, DIR/vocabulary.json,
//!                DIR/genres.json
//! ```
//! The SVM stage stays fast because the linear kernel matrix of the training rows is computed
//! once and shared by all 20 labels × 3 C × (k + 1) fits (crate::svm::kernel).
//! The tutorial fits the vectorizer on every movie before splitting; so do we.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::bayes::{BinaryNb, NbModel, NbParams};
use crate::dataset::tutorial_clean;
use crate::dataset::{self, Bundled, GenreMap, Movie, PrepareReport};
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::labels::LabelFile;
use crate::labels::binarize;
use crate::metrics::Evaluation;
use crate::ovr::OneVsRest;
use crate::progress::Stages;
use crate::split::{split_from_mask, tutorial_mask};
use crate::svm::{GridConfig, SvmModel};
use crate::text::{CountVectorizer, CountVectorizerParams, DocFreq, TfidfParams, TfidfTransformer};

/// Where the movies come from.
#[derive(Debug, Clone)]
pub enum DataChoice {
    /// Data bundled in the binary.
    Bundled(Bundled),
    /// Movie files in any format `cinegenre dataset` reads.
    Files(Vec<PathBuf>),
}

/// Everything `run` needs to know.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub data: DataChoice,
    /// Seed of the split.
    pub seed: u32,
    /// Share of movies in the training set.
    pub train_fraction: f64,
    /// Output folder.
    pub out_dir: PathBuf,
    pub min_df: DocFreq,
    pub max_df: DocFreq,
    /// Naive Bayes smoothing.
    pub alpha: f64,
    /// Only the first [`QUICK_MOVIES`] movies.
    pub quick: bool,
    /// No stage output.
    pub quiet: bool,
    /// Train the SVM stage.
    pub svm: bool,
    /// Folds of the SVM grid search.
    pub svm_cv: usize,
    /// Word vectors for the text MLP; `None` trains skip-gram vectors on the overviews.
    pub word_vectors: Option<PathBuf>,
    /// Output layer of the text MLP.
    pub text_output: crate::mlp::Output,
    /// Where the text MLP trains; `None`: `$CINEGENRE_DEVICE`, else the CPU.
    pub device: Option<crate::backend::Device>,
    /// Run the poster branch (VGG16 features → poster MLP).
    pub posters: bool,
    /// VGG16 weights (safetensors or Keras .h5); `None`: random weights, results not meaningful.
    pub vgg_weights: Option<PathBuf>,
    /// Poster folder (`<tmdb_id>.jpg`); `None`: the bundled posters.
    pub posters_dir: Option<PathBuf>,
    /// At most this many posters; `None`: all (`--quick`: 60).
    pub poster_limit: Option<usize>,
    /// Side of the VGG input in pixels (224 as the tutorial; less only to test quickly).
    pub poster_size: usize,
    /// Arithmetic of the VGG convolutions (bf16: AMX tiles on the CPU).
    pub poster_precision: crate::vgg::network::Precision,
}

/// Movies kept by `--quick`.
pub const QUICK_MOVIES: usize = 2000;

impl Default for RunConfig {
    /// The tutorial's settings on all bundled data.
    fn default() -> Self {
        RunConfig {
            data: DataChoice::Bundled(Bundled::All),
            seed: 42,
            train_fraction: 0.8,
            out_dir: PathBuf::from("out"),
            min_df: DocFreq::Fraction(0.005),
            max_df: DocFreq::Fraction(0.95),
            alpha: 1.0,
            quick: false,
            quiet: false,
            svm: true,
            svm_cv: 5,
            word_vectors: None,
            text_output: crate::mlp::Output::Sigmoid,
            device: None,
            posters: true,
            vgg_weights: None,
            posters_dir: None,
            poster_limit: None,
            poster_size: crate::vgg::preprocess::INPUT_SIZE,
            poster_precision: crate::vgg::network::Precision::F32,
        }
    }
}

/// What the tutorial printed for each model: mean per-movie (precision, recall).
pub const TUTORIAL_NB: (f64, f64) = (0.4889, 0.5496);
/// The tutorial's text MLP (GoogleNews mean vectors, softmax), top-3 genres per movie.
pub const TUTORIAL_TEXT_MLP: (f64, f64) = (0.5197, 0.5639);

/// The tutorial's SVM (TF-IDF, grid search over C): mean per-movie (precision, recall).
pub const TUTORIAL_SVM: (f64, f64) = (0.3309, 0.5710);

/// The results of a run, as written to `metrics.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub cinegenre_version: &'static str,
    pub data: DataSummary,
    pub seed: u32,
    pub train_rows: usize,
    pub test_rows: usize,
    pub features: FeatureSummary,
    pub models: Vec<ModelResult>,
    /// Seconds per stage.
    pub timings: Vec<(String, f64)>,
    pub outputs: Vec<PathBuf>,
    /// Genre co-occurrence biclusters (tutorial section 4).
    pub biclusters: Option<crate::cluster::GenreBiclusters>,
    /// Things to know about the models (e.g. an SVM label predicting a constant).
    pub warnings: Vec<String>,
    /// The word-vector branch (tutorial section 6).
    pub word_vectors: Option<crate::embed::branch::WordVectorSummary>,
    /// The poster branch (tutorial section 7).
    pub posters: Option<crate::vgg::branch::PosterSummary>,
    /// CPU SIMD level, threads, GPU adapter and the device of each stage (for the report).
    pub environment: crate::report::Environment,
    /// A few test movies with each model's predicted genres (for the report).
    pub samples: Vec<crate::report::Sample>,
    /// What data and weights the run used beyond the movies: (what, where from).
    pub inputs: Vec<(String, String)>,
}

/// Where the movies came from and what preparation removed.
#[derive(Debug, Clone, Serialize)]
pub struct DataSummary {
    pub source: String,
    pub prepare: PrepareReport,
    pub movies: usize,
    pub genres: Vec<String>,
    /// Movies labelled with each genre, in the order of `genres`.
    pub genre_counts: Vec<usize>,
}

/// The text features.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureSummary {
    pub min_df: String,
    pub max_df: String,
    pub n_features: usize,
    pub count_nnz: usize,
    pub tfidf_nnz: usize,
}

/// One model's evaluation on the test set, beside the tutorial's printed figures.
#[derive(Debug, Clone, Serialize)]
pub struct ModelResult {
    pub name: String,
    pub features: String,
    pub evaluation: Evaluation,
    pub tutorial_mean_precision: f64,
    pub tutorial_mean_recall: f64,
}

/// Run the pipeline.
pub fn run(config: &RunConfig) -> Result<RunReport> {
    let mut stages = Stages::new(10 + usize::from(config.svm) + usize::from(config.posters), config.quiet);

    stages.start("load", "Loading movies");
    let (source, mut movies, prepare) = load(&config.data)?;
    if config.quick {
        movies.truncate(QUICK_MOVIES);
    }
    if movies.len() < 10 {
        return Err(Error::Shape(format!(
            "{source} has only {} usable movies; at least 10 are needed",
            movies.len()
        )));
    }
    stages.done(&format!("{} movies from {source} ({prepare})", movies.len()));

    stages.start("labels", "Binarizing genres");
    let genre_map = GenreMap::tmdb_2017();
    let binarized = binarize(&movies, Some(genre_map.ids()))?;
    let labels = binarized.labels;
    let genre_names = genre_map.names_for(labels.genre_ids());
    stages.done(&format!(
        "{} genres, {} labels in all",
        labels.n_cols(),
        labels.as_slice().iter().filter(|&&v| v != 0).count()
    ));

    stages.start("features", "Vectorizing overviews (counts and TF-IDF)");
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let mut vectorizer = CountVectorizer::new(CountVectorizerParams {
        min_df: config.min_df,
        max_df: config.max_df,
        lowercase: true,
    });
    let counts = vectorizer.fit_transform(&docs)?;
    let mut idf = TfidfTransformer::new(TfidfParams::default());
    let tfidf = idf.fit_transform(&counts)?;
    let features = FeatureSummary {
        min_df: config.min_df.to_string(),
        max_df: config.max_df.to_string(),
        n_features: counts.n_cols(),
        count_nnz: counts.nnz(),
        tfidf_nnz: tfidf.nnz(),
    };
    stages.done(&format!("{} × {} counts, {} non-zeros", counts.n_rows(), counts.n_cols(), counts.nnz()));

    stages.start("split", "Splitting into training and test movies");
    let split = split_from_mask(&tutorial_mask(movies.len(), config.seed, config.train_fraction));
    let (x_train, x_test) = (counts.select_rows(&split.train), counts.select_rows(&split.test));
    let (y_train, y_test) = (labels.select_rows(&split.train), labels.select_rows(&split.test));
    stages.done(&format!(
        "{} training, {} test movies (seed {})",
        split.train.len(),
        split.test.len(),
        config.seed
    ));

    stages.start("train_nb", "Training one-vs-rest multinomial naive Bayes");
    let params = NbParams { alpha: config.alpha, fit_prior: true };
    let ovr = OneVsRest::<BinaryNb>::fit(&params, &x_train, y_train.as_slice(), y_train.n_cols())?;
    stages.done(&format!("{} binary models", ovr.n_labels()));

    stages.start("evaluate", "Evaluating on the test movies");
    let predicted = ovr.predict(&x_test)?;
    let evaluation = Evaluation::new(y_test.as_slice(), &predicted, &genre_names, 2)?;
    stages.done(&format!(
        "mean per-movie precision {:.4}, recall {:.4}",
        evaluation.mean_precision, evaluation.mean_recall
    ));

    let svm = if config.svm {
        stages.start("train_svm", "Grid-searching one-vs-rest linear SVMs on TF-IDF (C ∈ 0.01, 0.1, 1)");
        let (x_train, x_test) = (tfidf.select_rows(&split.train), tfidf.select_rows(&split.test));
        let grid = GridConfig { cv: config.svm_cv, quiet: config.quiet, ..GridConfig::default() };
        let y_file = LabelFile { labels: y_train.clone(), names: genre_names.clone(), unknown: 0 };
        let (model, search) = SvmModel::train(&x_train, &y_file, &grid)?;
        let predicted = model.ovr.predict(&x_test)?;
        let evaluation = Evaluation::new(y_test.as_slice(), &predicted, &genre_names, 2)?;
        let warnings: Vec<String> = search.labels.iter().flat_map(|l| l.warnings.clone()).collect();
        stages.done(&format!(
            "{} fits; mean per-movie precision {:.4}, recall {:.4}",
            search.n_fits, evaluation.mean_precision, evaluation.mean_recall
        ));
        Some((model, evaluation, warnings, predicted))
    } else {
        None
    };

    std::fs::create_dir_all(&config.out_dir).map_err(|e| Error::io(&config.out_dir, e))?;
    stages.start("biclusters", "Co-clustering genres by co-occurrence");
    let top_movies = match &config.data {
        DataChoice::Bundled(_) => dataset::load_bundled_file(crate::cluster::TOP_MOVIES_FILE)?,
        DataChoice::Files(_) => movies.clone(),
    };
    let biclusters = crate::cluster::genre_biclusters(&top_movies, config.seed, &config.out_dir)?;
    stages.done(&format!("{} biclusters of {} genres", biclusters.n_clusters, biclusters.genres.len()));

    let out = |name: &str| config.out_dir.join(name);
    let text = word_vector_branch(config, &movies, &labels, &genre_names, &mut stages)?;
    let posters = if config.posters {
        Some(poster_branch(config, &movies, &labels, &genre_names, &mut stages)?)
    } else {
        None
    };

    stages.start("write", "Writing outputs");
    let vocabulary =
        vectorizer.vocabulary().ok_or_else(|| Error::Shape("the vectorizer was not fitted".into()))?;
    vocabulary.write_json(&out("vocabulary.json"))?;
    genre_map.subset(labels.genre_ids()).write_json(&out("genres.json"))?;
    let model = NbModel {
        ovr,
        params,
        n_features: counts.n_cols(),
        labels: genre_names.clone(),
        vocabulary: Some("vocabulary.json".into()),
    };
    model.save(&out("nb.safetensors"))?;
    let mut sample_predictions = vec![("naive Bayes", predicted.as_slice())];
    if let Some((_, _, _, svm_predicted)) = &svm {
        sample_predictions.push(("linear SVM", svm_predicted.as_slice()));
    }
    let mut samples =
        crate::report::facts::samples(&movies, &split.test, &y_test, &genre_names, &sample_predictions);
    if config.posters {
        let dir = config.effective_posters_dir();
        let ids = split.test.iter().map(|&m| movies[m].id.to_string());
        crate::report::facts::attach_posters(&mut samples, ids, &dir, &config.out_dir)?;
    }
    let genre_counts = labels.column_sums();
    let backend = crate::backend::Backend::for_device(crate::backend::Device::resolve(config.device)?)?;
    let mut report = RunReport {
        cinegenre_version: env!("CARGO_PKG_VERSION"),
        data: DataSummary { source, prepare, movies: movies.len(), genres: genre_names, genre_counts },
        seed: config.seed,
        train_rows: split.train.len(),
        test_rows: split.test.len(),
        features,
        models: vec![
            ModelResult {
                name: "naive Bayes".into(),
                features: "counts".into(),
                evaluation,
                tutorial_mean_precision: TUTORIAL_NB.0,
                tutorial_mean_recall: TUTORIAL_NB.1,
            },
            ModelResult {
                name: format!("text MLP ({} output, top 3 genres)", text.summary.output),
                features: format!("mean word vectors: {}", text.summary.vectors),
                evaluation: text.evaluation,
                tutorial_mean_precision: TUTORIAL_TEXT_MLP.0,
                tutorial_mean_recall: TUTORIAL_TEXT_MLP.1,
            },
        ],
        timings: Vec::new(),
        outputs: ["metrics.json", "nb.safetensors", "vocabulary.json", "genres.json"]
            .iter()
            .map(|n| out(n))
            .chain(biclusters.heatmaps.iter().cloned())
            .chain([out(VECTORS_FILE), out(TEXT_MLP_FILE)])
            .collect(),
        biclusters: Some(biclusters),
        warnings: Vec::new(),
        word_vectors: Some(text.summary),
        posters: None,
        environment: crate::report::Environment::detect(&[("text_mlp", &backend)]),
        samples,
        inputs: Vec::new(),
    };
    if let Some(p) = posters {
        report.outputs.extend([out(POSTER_FEATURES_FILE), out(POSTER_MLP_FILE)]);
        if !p.summary.meaningful {
            report.warnings.push(format!(
                "poster MLP: {} uses {}; its scores say nothing about posters (pass --vgg-weights FILE)",
                p.summary.network, p.summary.weights
            ));
        }
        report.models.push(ModelResult {
            name: "poster MLP (sigmoid output, top 3 genres)".into(),
            features: format!("{} features, {}", p.summary.network, p.summary.weights),
            evaluation: p.evaluation,
            tutorial_mean_precision: crate::vgg::branch::TUTORIAL_POSTER_MLP.0,
            tutorial_mean_recall: crate::vgg::branch::TUTORIAL_POSTER_MLP.1,
        });
        report.inputs.push(("VGG16 weights".into(), p.summary.weights.clone()));
        report.posters = Some(p.summary);
    }
    if let Some((model, evaluation, warnings, _)) = svm {
        model.save(&out("svm.safetensors"))?;
        report.outputs.push(out("svm.safetensors"));
        // `classify` rebuilds the SVM's TF-IDF features of a new overview with these weights.
        let weights = idf.idf().unwrap_or_default();
        crate::io::write_npy(&out(crate::classify::IDF_FILE), &[weights.len()], weights)?;
        report.outputs.push(out(crate::classify::IDF_FILE));
        report.models.push(ModelResult {
            name: "linear SVM (C by 5-fold grid search)".replace('5', &config.svm_cv.to_string()),
            features: "TF-IDF".into(),
            evaluation,
            tutorial_mean_precision: TUTORIAL_SVM.0,
            tutorial_mean_recall: TUTORIAL_SVM.1,
        });
        report.warnings.extend(warnings);
    }
    stages.done(&format!("{}", config.out_dir.display()));
    report.timings = stages.timings().iter().map(|(k, d)| (k.clone(), secs(*d))).collect();
    report.outputs.push(out(crate::report::REPORT_FILE));
    write_json(&out("metrics.json"), &report)?;
    crate::report::write(&report, &config.out_dir)?;
    Ok(report)
}

/// The word vectors of the run, in word2vec binary format.
pub const VECTORS_FILE: &str = "vectors.bin";
/// The text MLP of the run.
pub const TEXT_MLP_FILE: &str = "text_mlp.safetensors";

/// Stages 8 and 9: vectors and mean vectors, then the text MLP (see [`crate::embed::branch`]).
fn word_vector_branch(
    config: &RunConfig,
    movies: &[Movie],
    labels: &crate::labels::LabelMatrix,
    genres: &[String],
    stages: &mut Stages,
) -> Result<crate::embed::branch::TextResult> {
    use crate::embed::branch::{VectorSource, document_vectors, run_skipgram_params, train_and_evaluate};
    let source = match &config.word_vectors {
        Some(path) => VectorSource::File(path.clone()),
        None => VectorSource::Train(run_skipgram_params(config.seed, config.quick)),
    };
    stages.start("word_vectors", "Word vectors and mean vectors of the overviews");
    let docs: Vec<String> = movies.iter().map(|m| m.overview.clone()).collect();
    let vectors = document_vectors(&docs, &source, &config.out_dir.join(VECTORS_FILE), false)?;
    stages.done(&format!(
        "{}; {} movies kept, {} without a usable token dropped",
        vectors.description,
        vectors.means.kept.len(),
        vectors.means.dropped.len()
    ));

    stages.start("text_mlp", "Training the text MLP on mean word vectors");
    let backend = crate::backend::Backend::for_device(crate::backend::Device::resolve(config.device)?)?;
    let params = crate::embed::text_model::TextMlpParams {
        output: config.text_output,
        seed: config.seed,
        ..Default::default()
    };
    let text = train_and_evaluate(
        &vectors,
        labels,
        genres,
        config.seed,
        config.train_fraction,
        &params,
        &backend,
        &config.out_dir.join(TEXT_MLP_FILE),
    )?;
    stages.done(&format!(
        "{} epochs on {} ({} train, {} test): top-3 mean precision {:.4}, recall {:.4}",
        text.summary.epochs,
        text.summary.device,
        text.summary.train_rows,
        text.summary.test_rows,
        text.evaluation.mean_precision,
        text.evaluation.mean_recall
    ));
    Ok(text)
}

pub use crate::vgg::branch::{FEATURES_FILE as POSTER_FEATURES_FILE, POSTER_MLP_FILE};

impl RunConfig {
    /// Where the posters are: `--posters`, else the `posters/` folder of a `--data` folder
    /// (what `fetch tmdb` writes), else the bundled posters.
    pub fn effective_posters_dir(&self) -> PathBuf {
        if let Some(dir) = &self.posters_dir {
            return dir.clone();
        }
        if let DataChoice::Files(paths) = &self.data
            && let Some(fetched) = paths.iter().map(|p| p.join("posters")).find(|p| p.is_dir())
        {
            return fetched;
        }
        crate::vgg::branch::bundled_posters_dir()
    }
}

/// The poster branch: VGG16 features of the run's posters → the poster MLP
/// (see [`crate::vgg::branch`]).
fn poster_branch(
    config: &RunConfig,
    movies: &[Movie],
    labels: &crate::labels::LabelMatrix,
    genres: &[String],
    stages: &mut Stages,
) -> Result<crate::vgg::branch::PosterResult> {
    use crate::vgg::branch::{PosterOptions, run_poster_branch};
    let mut options = PosterOptions::tutorial(config.quick);
    options.weights = config.vgg_weights.clone();
    options.dir = Some(config.effective_posters_dir());
    options.limit = config.poster_limit.or(options.limit);
    options.input_size = config.poster_size;
    options.precision = config.poster_precision;
    stages.start("posters", "VGG16 poster features and the poster MLP");
    let backend = crate::backend::Backend::for_device(crate::backend::Device::resolve(config.device)?)?;
    let p = run_poster_branch(
        movies,
        labels,
        genres,
        config.seed,
        config.train_fraction,
        &options,
        &backend,
        &config.out_dir,
        !config.quiet,
    )?;
    stages.done(&format!(
        "{} posters ({}, {}{}), {} epochs on {}: top-3 mean precision {:.4}, recall {:.4}",
        p.summary.posters_used,
        p.summary.weights,
        p.summary.precision,
        if p.summary.features_cached { ", cached features" } else { "" },
        p.summary.epochs,
        p.summary.device,
        p.evaluation.mean_precision,
        p.evaluation.mean_recall
    ));
    Ok(p)
}

fn load(choice: &DataChoice) -> Result<(String, Vec<Movie>, PrepareReport)> {
    match choice {
        DataChoice::Bundled(which) => {
            let (movies, report) = dataset::load_bundled(*which)?;
            Ok((format!("the bundled data ({which})"), movies, report))
        }
        DataChoice::Files(paths) => {
            let (movies, report) = dataset::load_prepared(paths)?;
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            Ok((names.join(", "), movies, report))
        }
    }
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 1e4
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(|e| Error::io(path, e.into()))?;
        w.write_all(b"\n").map_err(|e| Error::io(path, e))
    })
}

impl RunReport {
    /// The results as a person reads them: per-model report and the tutorial comparison.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for m in &self.models {
            // The text MLP is tested on its own split of the movies that have a mean vector.
            let tested = match (&self.word_vectors, &self.posters) {
                (Some(w), _) if m.name.starts_with("text MLP") => w.test_rows,
                (_, Some(p)) if m.name.starts_with("poster MLP") => p.test_rows,
                _ => self.test_rows,
            };
            let _ = writeln!(s, "\n== {} on {} ({tested} test movies)\n", m.name, m.features);
            let _ = write!(s, "{}", m.evaluation.report);
            let _ = writeln!(
                s,
                "\nmean per-movie precision {:.4}  recall {:.4}   (tutorial: {:.4} / {:.4})",
                m.evaluation.mean_precision,
                m.evaluation.mean_recall,
                m.tutorial_mean_precision,
                m.tutorial_mean_recall
            );
        }
        if let Some(b) = &self.biclusters {
            let _ = writeln!(s, "\n== genre biclusters ({} movies, {} biclusters)\n", b.movies, b.n_clusters);
            for (i, g) in b.groups.iter().enumerate() {
                let _ = writeln!(s, "  {i}: {}", g.join(", "));
            }
            let _ = writeln!(s, "\n  the tutorial's suggested grouping:");
            for (name, g) in &b.tutorial_grouping {
                let _ = writeln!(s, "  {name}: {}", g.join(", "));
            }
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        let _ = writeln!(
            s,
            "\nwrote {}",
            self.outputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posters_come_from_the_flag_then_a_fetched_folder_then_the_bundle() {
        let fetched = std::env::temp_dir().join(format!("cinegenre-posters-{}", std::process::id()));
        std::fs::create_dir_all(fetched.join("posters")).unwrap();
        let mut config = RunConfig { data: DataChoice::Files(vec![fetched.clone()]), ..RunConfig::default() };
        assert_eq!(config.effective_posters_dir(), fetched.join("posters"));
        config.posters_dir = Some(PathBuf::from("mine"));
        assert_eq!(config.effective_posters_dir(), PathBuf::from("mine"));
        let bundled = RunConfig::default();
        assert_eq!(bundled.effective_posters_dir(), crate::vgg::branch::bundled_posters_dir());
        std::fs::remove_dir_all(&fetched).unwrap();
    }
}
