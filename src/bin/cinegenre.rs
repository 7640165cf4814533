//! `cinegenre`: the command line. Parse (clap) → call the library → print.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::classifier::Classifier;
use cinegenre::dataset::{self, Bundled, GenreMap};
use cinegenre::labels::{self, LabelFile};
use cinegenre::run::{DataChoice, RunConfig};
use cinegenre::text::{self, Cleaning, DocFreq, VectorizeOptions};
use cinegenre::{Result, io, metrics};

#[derive(Parser)]
#[command(
    name = "cinegenre",
    version,
    about = "Movie-genre classification from scratch: the CS209 pipeline in Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print how long each step took (read, compute, write) to standard error.
    #[arg(long, global = true)]
    timings: bool,
}

/// Times steps when `--timings` is on: `timing <step> <seconds>` on standard error.
struct Timer(bool);

impl Timer {
    fn step<T>(&self, name: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = std::time::Instant::now();
        let out = work()?;
        if self.0 {
            eprintln!("timing {name} {:.6}", start.elapsed().as_secs_f64());
        }
        Ok(out)
    }
}

#[derive(Subcommand)]
enum Command {
    /// The main job: bundled data → labels → counts/TF-IDF → naive Bayes and linear SVM → reports
    /// and metrics.json.
    Run(RunArgs),
    /// Load movie files (TMDB 5000 CSV, The Movies Dataset CSV, TMDB API JSON, movies.jsonl),
    /// de-duplicate by id, drop empty overviews, write normalised JSON lines.
    Dataset(DatasetArgs),
    /// Write the multi-label indicator matrix (one column per genre id, ascending) as .npy.
    Labels(LabelsArgs),
    /// Turn documents into a count or TF-IDF matrix (Matrix Market), scikit-learn compatible.
    Vectorize(VectorizeArgs),
    /// Train a model on features X and labels Y.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Apply a saved model to features X.
    Predict(PredictArgs),
    /// Compare predicted and true labels: classification report and per-movie precision/recall.
    Evaluate(EvaluateArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum BundledArg {
    /// Every bundled file, de-duplicated (about 10,000 movies).
    All,
    /// The tutorial's own 1,559 movies with overviews.
    Tutorial,
}

impl From<BundledArg> for Bundled {
    fn from(b: BundledArg) -> Self {
        match b {
            BundledArg::All => Bundled::All,
            BundledArg::Tutorial => Bundled::Tutorial,
        }
    }
}

#[derive(Args)]
struct RunArgs {
    /// Bundled data set to use when no --data is given.
    #[arg(long, value_enum, default_value = "all")]
    dataset: BundledArg,
    /// Movie files to use instead of the bundled data (any format `dataset` reads).
    #[arg(long, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Seed of the 80/20 split (numpy's legacy `np.random.seed(s); np.random.rand(n) < 0.8`).
    #[arg(long, default_value_t = 42)]
    seed: u32,
    /// Output folder (metrics.json, models, vocabulary).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Ignore terms in fewer documents than this (integer count or fraction).
    #[arg(long, default_value = "0.005")]
    min_df: DocFreq,
    /// Ignore terms in more documents than this (integer count or fraction).
    #[arg(long, default_value = "0.95")]
    max_df: DocFreq,
    /// A small subset (the first 2,000 movies) for a fast look.
    #[arg(long)]
    quick: bool,
    /// Print only the results, not the stages.
    #[arg(long)]
    quiet: bool,
    /// Skip the SVM stage.
    #[arg(long)]
    no_svm: bool,
    /// Folds of the SVM grid search over C (scikit-learn today: 5; the 2017 tutorial: 3).
    #[arg(long, default_value_t = 5)]
    svm_cv: usize,
}

#[derive(Args)]
struct DatasetArgs {
    /// Movie files; without any, the bundled data.
    #[arg(long, num_args = 1..)]
    input: Vec<PathBuf>,
    /// Bundled data set to use when no --input is given.
    #[arg(long, value_enum, default_value = "all")]
    bundled: BundledArg,
    /// Output JSON lines, one normalised movie per line.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct LabelsArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads).
    #[arg(long)]
    data: PathBuf,
    /// Output indicator matrix (uint8, rows = movies, columns = genres).
    #[arg(long)]
    out: PathBuf,
    /// Genre map fixing the columns ({"28": "Action", …} or TMDB's {"genres": […]});
    /// default: the genre ids present, ascending.
    #[arg(long)]
    genres: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CleanArg {
    /// Delete ',' and '.' first, as the tutorial does.
    Tutorial,
    /// Leave the text as it is.
    None,
}

#[derive(Args)]
struct VectorizeArgs {
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long)]
    input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    column: String,
    /// Ignore terms in fewer documents than this: an integer count or a fraction (scikit-learn's min_df).
    #[arg(long, default_value = "1")]
    min_df: DocFreq,
    /// Ignore terms in more documents than this: an integer count or a fraction (scikit-learn's max_df).
    #[arg(long, default_value = "1.0")]
    max_df: DocFreq,
    /// TF-IDF (smooth idf, l2 rows) instead of raw counts.
    #[arg(long)]
    tfidf: bool,
    /// With --tfidf: 1 + ln(tf) instead of tf.
    #[arg(long, requires = "tfidf")]
    sublinear_tf: bool,
    /// Text cleaning before tokenizing.
    #[arg(long, value_enum, default_value = "tutorial")]
    clean: CleanArg,
    /// Output matrix (Matrix Market coordinate format).
    #[arg(long)]
    out: PathBuf,
    /// Also write the vocabulary ({term: column}) here.
    #[arg(long)]
    vocab: Option<PathBuf>,
}

#[derive(Subcommand)]
enum TrainCommand {
    /// One-vs-rest multinomial naive Bayes on counts.
    Nb(TrainNbArgs),
    /// One-vs-rest linear SVM, C chosen per label by stratified k-fold grid search (micro-F1).
    Svm(TrainSvmArgs),
}

#[derive(Args)]
struct TrainSvmArgs {
    /// Features (Matrix Market), e.g. TF-IDF.
    #[arg(long)]
    x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    y: PathBuf,
    /// Grid of C values (comma-separated); ties go to the first.
    #[arg(long, value_delimiter = ',', default_value = "0.01,0.1,1")]
    c: Vec<f64>,
    /// Number of stratified folds (scikit-learn today: 5; the 2017 tutorial ran 3).
    #[arg(long, default_value_t = 5)]
    cv: usize,
    /// `balanced`, `none`, or two weights `W0,W1` (label absent, present).
    #[arg(long, default_value = "balanced")]
    class_weight: cinegenre::svm::ClassWeight,
    /// `smo` (libsvm, SVC(kernel='linear')) or `dcd` (liblinear, LinearSVC).
    #[arg(long, default_value = "smo")]
    solver: cinegenre::svm::SolverKind,
    /// Stopping tolerance (default: 1e-3 for smo, 1e-4 for dcd, as scikit-learn).
    #[arg(long)]
    tol: Option<f64>,
    /// Turn libsvm's shrinking heuristic off.
    #[arg(long)]
    no_shrinking: bool,
    /// Start each C from the previous C's solution (faster; same optimum, different path).
    #[arg(long)]
    warm_start: bool,
    /// Output model (safetensors).
    #[arg(long)]
    model: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct TrainNbArgs {
    /// Features (Matrix Market), non-negative counts.
    #[arg(long)]
    x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    y: PathBuf,
    /// Additive smoothing.
    #[arg(long, default_value_t = 1.0)]
    alpha: f64,
    /// Uniform class priors instead of learned ones.
    #[arg(long)]
    no_fit_prior: bool,
    /// The vocabulary file X was made with (recorded in the model).
    #[arg(long)]
    vocab: Option<PathBuf>,
    /// Output model (safetensors).
    #[arg(long)]
    model: PathBuf,
}

#[derive(Args)]
struct PredictArgs {
    /// A model written by `train`.
    #[arg(long)]
    model: PathBuf,
    /// Features (Matrix Market) with the model's columns.
    #[arg(long)]
    x: PathBuf,
    /// Output .npy: uint8 0/1 predictions, or float64 scores with --proba (an SVM model
    /// writes its decision values unless --labels is given).
    #[arg(long)]
    out: PathBuf,
    /// Write per-label probabilities (scores) instead of 0/1 predictions.
    #[arg(long)]
    proba: bool,
    /// Write 0/1 predictions whatever the model (an SVM writes decision values otherwise).
    #[arg(long, conflicts_with = "proba")]
    labels: bool,
}

#[derive(Args)]
struct EvaluateArgs {
    /// True labels (.npy indicator matrix).
    #[arg(long)]
    y_true: PathBuf,
    /// Predicted labels (.npy indicator matrix, same shape).
    #[arg(long)]
    y_pred: PathBuf,
    /// Genre names for the report rows (default: the sidecar written by `labels`).
    #[arg(long)]
    genres: Option<PathBuf>,
    /// Decimal digits in the report.
    #[arg(long, default_value_t = 2)]
    digits: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command, &Timer(cli.timings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command, timer: &Timer) -> Result<()> {
    match command {
        Command::Run(a) => {
            let data = if a.data.is_empty() {
                DataChoice::Bundled(a.dataset.into())
            } else {
                DataChoice::Files(a.data)
            };
            let config = RunConfig {
                data,
                seed: a.seed,
                out_dir: a.out,
                min_df: a.min_df,
                max_df: a.max_df,
                quick: a.quick,
                quiet: a.quiet,
                svm: !a.no_svm,
                svm_cv: a.svm_cv,
                ..RunConfig::default()
            };
            let report = cinegenre::run::run(&config)?;
            print!("{}", report.summary());
        }
        Command::Dataset(a) => {
            let (movies, report) = if a.input.is_empty() {
                dataset::load_bundled(a.bundled.into())?
            } else {
                dataset::load_prepared(&a.input)?
            };
            dataset::write_jsonl(&a.out, &movies)?;
            println!("{report}");
            println!("wrote {} movies to {}", movies.len(), a.out.display());
        }
        Command::Labels(a) => {
            let (movies, _) = dataset::load_prepared(std::slice::from_ref(&a.data))?;
            let map = match &a.genres {
                Some(path) => Some(GenreMap::from_json_file(path)?),
                None => None,
            };
            let file = LabelFile::from_movies(&movies, map.as_ref())?;
            file.write(&a.out)?;
            let shape = (file.labels.n_rows(), file.labels.n_cols());
            println!(
                "wrote {}×{} labels to {} (columns: {})",
                shape.0,
                shape.1,
                a.out.display(),
                file.names.join(", ")
            );
            if file.unknown > 0 {
                eprintln!("warning: {} genre ids are not in the genre map and were ignored", file.unknown);
            }
        }
        Command::Vectorize(a) => {
            let options = VectorizeOptions {
                column: a.column,
                min_df: a.min_df,
                max_df: a.max_df,
                tfidf: a.tfidf,
                sublinear_tf: a.sublinear_tf,
                cleaning: match a.clean {
                    CleanArg::Tutorial => Cleaning::Tutorial,
                    CleanArg::None => Cleaning::None,
                },
            };
            let docs =
                timer.step("read", || text::read_documents(&a.input, &options.column, options.cleaning))?;
            let features = timer.step("vectorize", || text::vectorize_documents(&docs, &options))?;
            timer.step("write", || {
                io::write_mtx(&a.out, &features.matrix)?;
                match &a.vocab {
                    Some(vocab) => features.vocabulary.write_json(vocab),
                    None => Ok(()),
                }
            })?;
            let (rows, cols) = features.matrix.shape();
            println!(
                "wrote a {rows}×{cols} matrix ({} non-zeros) to {}",
                features.matrix.nnz(),
                a.out.display()
            );
        }
        Command::Train(TrainCommand::Nb(a)) => {
            let (x, y) = timer.step("read", || Ok((io::read_mtx(&a.x)?, LabelFile::read(&a.y)?)))?;
            let params = NbParams { alpha: a.alpha, fit_prior: !a.no_fit_prior };
            let vocab = a.vocab.as_ref().map(|p| p.display().to_string());
            let model = timer.step("fit", || {
                NbModel::train(&params, &x, &y, vocab).map_err(|e| e.for_inputs(&[&a.x, &a.y]))
            })?;
            timer.step("write", || model.save(&a.model))?;
            println!(
                "trained naive Bayes on {} rows × {} features, {} labels → {}",
                x.n_rows(),
                x.n_cols(),
                y.names.len(),
                a.model.display()
            );
        }
        Command::Train(TrainCommand::Svm(a)) => train_svm(a, timer)?,
        Command::Predict(a) => {
            let (classifier, x) =
                timer.step("read", || Ok((Classifier::load(&a.model)?, io::read_mtx(&a.x)?)))?;
            let (n, k) = (x.n_rows(), classifier.labels().len());
            let inputs = |e: cinegenre::Error| e.for_inputs(&[&a.model, &a.x]);
            let scores = a.proba || (classifier.scores_by_default() && !a.labels);
            if scores {
                let scores = timer.step("predict", || classifier.scores(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], scores.data()))?;
            } else {
                let predicted = timer.step("predict", || classifier.predict(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], &predicted))?;
            }
            println!(
                "wrote {n}×{k} {} to {}",
                if scores { "scores" } else { "predictions" },
                a.out.display()
            );
        }
        Command::Evaluate(a) => {
            let truth = LabelFile::read(&a.y_true)?;
            let pred = labels::read_predictions(&a.y_pred, &truth.labels)?;
            let names = match &a.genres {
                Some(path) => GenreMap::from_json_file(path)?.names_for(truth.labels.genre_ids()),
                None => truth.names.clone(),
            };
            let evaluation =
                metrics::Evaluation::new(truth.labels.as_slice(), pred.as_slice(), &names, a.digits)?;
            print!("{evaluation}");
        }
    }
    Ok(())
}

fn train_svm(a: TrainSvmArgs, timer: &Timer) -> Result<()> {
    use cinegenre::svm::{GridConfig, SolverKind, SvmModel, SvmParams};
    let (x, y) = timer.step("read", || Ok((io::read_mtx(&a.x)?, LabelFile::read(&a.y)?)))?;
    let base = if a.solver == SolverKind::Dcd { SvmParams::linear_svc() } else { SvmParams::default() };
    let params = SvmParams {
        class_weight: a.class_weight,
        tol: a.tol.unwrap_or(base.tol),
        shrinking: !a.no_shrinking,
        ..base
    };
    let config = GridConfig { grid: a.c, cv: a.cv, params, warm_start: a.warm_start, quiet: a.quiet };
    let (model, search) =
        timer.step("fit", || SvmModel::train(&x, &y, &config).map_err(|e| e.for_inputs(&[&a.x, &a.y])))?;
    timer.step("write", || model.save(&a.model))?;
    if search.lazy_kernel {
        eprintln!(
            "note: {} rows > {}: kernel rows computed on demand with an LRU cache instead of one shared Gram matrix",
            x.n_rows(),
            cinegenre::svm::kernel::GRAM_MAX_ROWS
        );
    }
    println!(
        "{:<18} {:>8} {:>22} {:>9} {:>7} {:>14}",
        "label", "C", "mean CV micro-F1", "iter", "SVs", "dual objective"
    );
    for (name, label) in model.labels.iter().zip(&search.labels) {
        let scores: Vec<String> = label.mean_scores.iter().map(|s| format!("{s:.4}")).collect();
        match (&label.model, label.chosen_c) {
            (cinegenre::ovr::LabelModel::Fitted(svm), Some(c)) => println!(
                "{name:<18} {c:>8} {:>22} {:>9} {:>7} {:>14.6}",
                scores.join("/"),
                svm.info.n_iter,
                svm.info.support.len(),
                svm.info.objective
            ),
            _ => println!("{name:<18} {:>8}", "constant"),
        }
        for warning in &label.warnings {
            eprintln!("warning: {warning}");
        }
    }
    println!(
        "trained a linear SVM ({}) on {} rows × {} features, {} labels, {} fits → {}",
        model.solver,
        x.n_rows(),
        x.n_cols(),
        model.labels.len(),
        search.n_fits,
        a.model.display()
    );
    Ok(())
}
