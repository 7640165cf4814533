//! `cinegenre`: the command line. Parse (clap) → call the library → print.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use cinegenre::backend::{Backend, Device};
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
    /// The main job: bundled data → labels → counts/TF-IDF → naive Bayes → report and metrics.json.
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
    /// Time kernels and models on this machine's backends.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Square SGEMM GFLOP/s per size for the scalar reference, SIMD (1 thread and all) and GPU.
    Gemm(BenchGemmArgs),
    /// Seconds per training epoch of an MLP on random data (default: the tutorial poster model).
    Mlp(BenchMlpArgs),
}

#[derive(Args)]
struct BenchGemmArgs {
    /// Matrix sizes (n for n×n×n).
    #[arg(long, value_delimiter = ',', default_values_t = [512usize, 1024, 2048])]
    sizes: Vec<usize>,
    /// Which device to time: cpu (scalar up to 512, SIMD), gpu, or auto (all).
    #[arg(long, default_value = "auto")]
    device: Device,
    /// Timed repetitions per size (best is reported).
    #[arg(long, default_value_t = 3)]
    reps: usize,
}

#[derive(Args)]
struct BenchMlpArgs {
    /// Layer sizes, input to output.
    #[arg(long, value_delimiter = ',', default_values_t = [25088usize, 1024, 256, 20])]
    sizes: Vec<usize>,
    #[arg(long, default_value_t = 1300)]
    rows: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value = "cpu")]
    device: Device,
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
    /// A multi-layer perceptron (Keras 2.0 semantics) on dense features.
    Mlp(TrainMlpArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputArg {
    Sigmoid,
    Softmax,
}

#[derive(Args)]
struct TrainMlpArgs {
    /// Features (.npy, 2-D, any numeric dtype; used as float32).
    #[arg(long)]
    x: PathBuf,
    /// Labels (.npy 0/1 indicator matrix, one row per row of X).
    #[arg(long)]
    y: PathBuf,
    /// Hidden layer sizes.
    #[arg(long, value_delimiter = ',', default_values_t = [1024usize, 256])]
    layers: Vec<usize>,
    /// Hidden activation: relu or identity.
    #[arg(long, default_value = "relu")]
    activation: String,
    #[arg(long, value_enum, default_value = "sigmoid")]
    output: OutputArg,
    /// Epochs; 0 writes the freshly initialised model.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// rmsprop (Keras 2.0: ε outside √), rmsprop-keras3 (ε inside), sgd (momentum 0.9), adam.
    #[arg(long, default_value = "rmsprop")]
    optimizer: String,
    #[arg(long, default_value_t = 1e-4)]
    lr: f32,
    /// Keras 2.0 learning-rate decay: lr / (1 + decay·t).
    #[arg(long, default_value_t = 1e-6)]
    decay: f32,
    /// Seeds the initial weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    #[arg(long)]
    no_shuffle: bool,
    /// Hold out this fraction of rows (the last ones) for validation.
    #[arg(long, default_value_t = 0.0)]
    validation_split: f64,
    /// Stop after this many epochs without a better validation loss.
    #[arg(long)]
    patience: Option<usize>,
    /// cpu, gpu or auto (default: $CINEGENRE_DEVICE, else cpu).
    #[arg(long)]
    device: Option<Device>,
    /// Output model (safetensors).
    #[arg(long)]
    model: PathBuf,
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
    /// Output .npy: uint8 0/1 predictions, or float64 scores with --proba.
    #[arg(long)]
    out: PathBuf,
    /// Write per-label probabilities (scores) instead of 0/1 predictions.
    #[arg(long)]
    proba: bool,
    /// MLP models: predict each row's k best labels instead of thresholding at 0.5.
    #[arg(long)]
    top_k: Option<usize>,
    /// MLP models: cpu, gpu or auto.
    #[arg(long)]
    device: Option<Device>,
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
        Command::Predict(a) if is_mlp(&a.model) => predict_mlp(&a, timer)?,
        Command::Train(TrainCommand::Mlp(a)) => train_mlp(&a, timer)?,
        Command::Bench(BenchCommand::Gemm(a)) => bench_gemm(&a)?,
        Command::Bench(BenchCommand::Mlp(a)) => {
            let backend = Backend::for_device(a.device)?;
            let seconds = cinegenre::bench::mlp_epoch(&backend, &a.sizes, a.rows, a.batch)?;
            let sizes: Vec<String> = a.sizes.iter().map(|s| s.to_string()).collect();
            println!(
                "mlp {} rows {} batch {} on {}: {seconds:.3} s/epoch",
                sizes.join("→"),
                a.rows,
                a.batch,
                describe_backend(&backend)
            );
        }
        Command::Predict(a) => {
            let (classifier, x) =
                timer.step("read", || Ok((Classifier::load(&a.model)?, io::read_mtx(&a.x)?)))?;
            let (n, k) = (x.n_rows(), classifier.labels().len());
            let inputs = |e: cinegenre::Error| e.for_inputs(&[&a.model, &a.x]);
            if a.proba {
                let scores = timer.step("predict", || classifier.scores(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], scores.data()))?;
            } else {
                let predicted = timer.step("predict", || classifier.predict(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], &predicted))?;
            }
            println!(
                "wrote {n}×{k} {} to {}",
                if a.proba { "scores" } else { "predictions" },
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

fn describe_backend(backend: &Backend) -> String {
    match backend {
        Backend::Gpu(ctx) => format!("gpu: {}", ctx.report),
        other => other.name(),
    }
}

fn is_mlp(model: &std::path::Path) -> bool {
    cinegenre::model_file::ModelFile::load_any(model).is_ok_and(|f| f.kind() == cinegenre::mlp::MLP_KIND)
}

fn train_mlp(a: &TrainMlpArgs, timer: &Timer) -> Result<()> {
    use cinegenre::kernels::Activation;
    use cinegenre::mlp::{Mlp, MlpModel, OptimizerKind, Output, TrainParams, file::read_features, fit};
    let ((x, n, d), y) = timer.step("read", || Ok((read_features(&a.x)?, LabelFile::read(&a.y)?)))?;
    if y.labels.n_rows() != n {
        return Err(cinegenre::Error::Shape(format!("X has {n} rows but Y has {}", y.labels.n_rows()))
            .for_inputs(&[&a.x, &a.y]));
    }
    let hidden = match a.activation.as_str() {
        "relu" => Activation::Relu,
        "identity" | "linear" => Activation::Identity,
        other => {
            return Err(cinegenre::Error::param("activation", format!("`{other}` is not relu or identity")));
        }
    };
    let output = match a.output {
        OutputArg::Sigmoid => Output::Sigmoid,
        OutputArg::Softmax => Output::Softmax,
    };
    let mut sizes = vec![d];
    sizes.extend(&a.layers);
    sizes.push(y.labels.n_cols());
    let model = Mlp::new(&sizes, hidden, output, a.seed)?;
    let params = TrainParams {
        epochs: a.epochs,
        batch: a.batch,
        shuffle: !a.no_shuffle,
        seed: a.seed,
        optimizer: OptimizerKind::from_name(&a.optimizer, a.lr, a.decay)?,
        validation_split: a.validation_split,
        patience: a.patience,
        quiet: false,
    };
    let backend = Backend::for_device(Device::resolve(a.device)?)?;
    let t: Vec<f32> = y.labels.as_slice().iter().map(|&v| f32::from(v)).collect();
    let (mlp, history) = timer.step("fit", || fit(&backend, model, &x, &t, &params))?;
    timer.step("write", || MlpModel { mlp, labels: y.names.clone() }.save(&a.model))?;
    let last = history
        .epochs
        .last()
        .map(cinegenre::mlp::train::describe)
        .unwrap_or_else(|| "initial weights".into());
    println!(
        "trained an MLP {sizes:?} on {n} rows for {} epochs on {}: {last} → {}",
        history.epochs.len(),
        describe_backend(&backend),
        a.model.display()
    );
    Ok(())
}

fn predict_mlp(a: &PredictArgs, timer: &Timer) -> Result<()> {
    use cinegenre::mlp::{MlpModel, file::read_features};
    let (model, (x, n, d)) = timer.step("read", || Ok((MlpModel::load(&a.model)?, read_features(&a.x)?)))?;
    if d != model.mlp.n_inputs() {
        return Err(cinegenre::Error::Shape(format!(
            "X has {d} feature columns but the model takes {}",
            model.mlp.n_inputs()
        ))
        .for_inputs(&[&a.model, &a.x]));
    }
    let backend = Backend::for_device(Device::resolve(a.device)?)?;
    let k = model.labels.len();
    let p = timer.step("predict", || model.mlp.predict_proba(&backend, &x, n))?;
    let scores: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    timer.step("write", || {
        if a.proba {
            io::write_npy(&a.out, &[n, k], &scores)
        } else if let Some(top) = a.top_k {
            io::write_npy(&a.out, &[n, k], &metrics::top_k_indicator(&scores, k, top)?)
        } else {
            let hits: Vec<u8> = scores.iter().map(|&s| u8::from(s > 0.5)).collect();
            io::write_npy(&a.out, &[n, k], &hits)
        }
    })?;
    println!("wrote {n}×{k} {} to {}", if a.proba { "scores" } else { "predictions" }, a.out.display());
    Ok(())
}

fn bench_gemm(a: &BenchGemmArgs) -> Result<()> {
    use cinegenre::backend::Par;
    let simd = cinegenre::simd::SimdLevel::get()?;
    let mut backends = Vec::new();
    if a.device != Device::Gpu {
        backends.extend([
            Backend::Scalar,
            Backend::Cpu { simd, par: Par::Seq },
            Backend::Cpu { simd, par: Par::Rayon },
        ]);
    }
    if a.device != Device::Cpu {
        match Backend::gpu() {
            Ok(gpu) => backends.push(gpu),
            Err(e) if a.device == Device::Gpu => return Err(e),
            Err(e) => eprintln!("no GPU figures: {e}"),
        }
    }
    for backend in &backends {
        eprintln!("backend {}", describe_backend(backend));
    }
    println!("backend,size,seconds,gflops");
    for &size in &a.sizes {
        for backend in &backends {
            // The scalar reference is O(n³) with no blocking: only small sizes are worth timing.
            if matches!(backend, Backend::Scalar) && size > 512 {
                continue;
            }
            let reps = if matches!(backend, Backend::Scalar) { 0 } else { a.reps };
            let t = cinegenre::bench::gemm_square(backend, size, reps)?;
            println!("{},{},{:.6},{:.2}", t.backend, t.size, t.seconds, t.gflops);
        }
    }
    Ok(())
}
