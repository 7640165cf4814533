//! `cinegenre`: the command line. Parse (clap) → call the library → print.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use cinegenre::backend::{Backend, Device};
use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::classifier::Classifier;
use cinegenre::cluster;
use cinegenre::dataset::{self, Bundled, GenreMap};
use cinegenre::labels::{self, LabelFile};
use cinegenre::run::{DataChoice, RunConfig};
use cinegenre::text::{self, Cleaning, DocFreq, VectorizeOptions};
use cinegenre::{Result, embed, io, metrics, tmdb};

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
    /// Count how often two genres share a movie (the tutorial's list2pairs / visGrid), as .npy
    /// with a `.genres.json` sidecar naming the rows and columns.
    Cooccur(CooccurArgs),
    /// Spectral co-clustering (Dhillon 2001) of a non-negative matrix: row and column labels,
    /// optionally a heatmap before and after reordering by bicluster.
    Cocluster(CoclusterArgs),
    /// Mean word vector of each document (the tutorial's text features): float32 .npy, one row
    /// per document with a known content word.
    Embed(EmbedArgs),
    /// Word vectors: train skip-gram, look up neighbours, convert or filter a vector file.
    #[command(subcommand)]
    Vectors(VectorsCommand),
    /// Collect a fresh dataset from an online source.
    #[command(subcommand)]
    Fetch(FetchCommand),
    /// Time kernels and models on this machine's backends.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Args)]
struct CooccurArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads); default: the tutorial's
    /// top-1000 popular movies (bundled `paritoshgoyal_movie_list123`).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Output co-occurrence matrix (.npy, float64, genres × genres).
    #[arg(long)]
    out: PathBuf,
    /// Genre map fixing rows/columns and names; default: the genre ids present, ascending.
    #[arg(long)]
    genres: Option<PathBuf>,
}

#[derive(Args)]
struct CoclusterArgs {
    /// Matrix to co-cluster: .npy (dense) or .mtx (sparse), non-negative.
    #[arg(long)]
    x: PathBuf,
    /// Number of biclusters.
    #[arg(long, default_value_t = 5)]
    clusters: usize,
    /// Seed of the random SVD start and of k-means.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// k-means restarts.
    #[arg(long, default_value_t = 10)]
    n_init: usize,
    /// Use Lanczos bidiagonalisation instead of the randomized SVD.
    #[arg(long)]
    lanczos: bool,
    /// Output labels (JSON: row_labels, column_labels, named biclusters).
    #[arg(long)]
    out: PathBuf,
    /// Also draw the matrix before/after reordering: .png or .svg (by extension).
    #[arg(long)]
    heatmap: Option<PathBuf>,
    /// Names of the rows and columns of a square matrix (genre map JSON); default: the
    /// `.genres.json` sidecar written by `cooccur`, if present.
    #[arg(long)]
    names: Option<PathBuf>,
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
    /// Skip the SVM stage.
    #[arg(long)]
    no_svm: bool,
    /// Folds of the SVM grid search over C (scikit-learn today: 5; the 2017 tutorial: 3).
    #[arg(long, default_value_t = 5)]
    svm_cv: usize,
    /// Word vectors for the text MLP (word2vec .bin / text / GloVe, read filtered to the
    /// overviews' words); default: skip-gram vectors trained on the overviews.
    #[arg(long)]
    word_vectors: Option<PathBuf>,
    /// Output layer of the text MLP: sigmoid, or the tutorial's softmax.
    #[arg(long, value_enum, default_value = "sigmoid")]
    text_output: OutputArg,
    /// Where the text MLP trains: cpu, gpu or auto (default: $CINEGENRE_DEVICE, else cpu).
    #[arg(long)]
    device: Option<Device>,
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
    /// One-vs-rest linear SVM, C chosen per label by stratified k-fold grid search (micro-F1).
    Svm(TrainSvmArgs),
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
    /// MLP models: predict each row's k best labels instead of thresholding at 0.5.
    #[arg(long)]
    top_k: Option<usize>,
    /// MLP models: cpu, gpu or auto.
    #[arg(long)]
    device: Option<Device>,
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

#[derive(Subcommand)]
enum FetchCommand {
    /// TMDB: genres → discover pages → posters, rate-limited, retried, cached and resumable.
    /// Writes DIR/movies.jsonl, DIR/posters/<id>.jpg, DIR/summary.json (and DIR/cache/).
    Tmdb(FetchTmdbArgs),
}

#[derive(Args)]
struct FetchTmdbArgs {
    /// Output folder; rerunning with the same folder resumes.
    #[arg(long)]
    out: PathBuf,
    /// Discover pages (20 movies each) per genre, and per year with --years.
    #[arg(long, default_value_t = 5)]
    pages: u32,
    /// `all`, or a comma-separated list of genre ids or names (28,Comedy).
    #[arg(long, default_value = "all")]
    genres: tmdb::GenreChoice,
    /// Release years, `2000-2017` or `2015`: one discover query per genre and year.
    #[arg(long)]
    years: Option<String>,
    /// Poster size (w92, w154, w185, w342, w500, w780, original) or `none`.
    #[arg(long, default_value = "w185")]
    posters: String,
    /// Keep at most this many movies (after de-duplication, in plan order).
    #[arg(long)]
    max_movies: Option<usize>,
    /// Request limit as N/DURATION, never exceeded in any window.
    #[arg(long, default_value = "40/10s")]
    rate: tmdb::RateLimit,
    /// Parallel workers sharing the rate limit.
    #[arg(long, default_value_t = 8)]
    threads: usize,
    /// Per-attempt timeout (30s, 500ms).
    #[arg(long, default_value = "30s")]
    timeout: String,
    /// Attempts per request before it is recorded as failed.
    #[arg(long, default_value_t = 6)]
    attempts: u32,
    /// First backoff delay, doubled per retry (with jitter).
    #[arg(long, default_value = "500ms")]
    backoff: String,
    /// TMDB v3 API key (default: $TMDB_API_KEY).
    #[arg(long)]
    api_key: Option<String>,
    /// TMDB v4 read access token (default: $TMDB_BEARER_TOKEN).
    #[arg(long)]
    bearer_token: Option<String>,
    /// API base URL (default: $TMDB_API_BASE or https://api.themoviedb.org/3).
    #[arg(long)]
    api_base: Option<String>,
    /// Image base URL (default: $TMDB_IMAGE_BASE or https://image.tmdb.org/t/p).
    #[arg(long)]
    image_base: Option<String>,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

fn fetch_tmdb(a: FetchTmdbArgs) -> Result<()> {
    let duration = |flag: &str, value: &str| {
        tmdb::parse_duration(value)
            .ok_or_else(|| cinegenre::Error::param(flag, format!("`{value}` is not a duration (30s, 500ms)")))
    };
    let poster_size = match a.posters.as_str() {
        "none" => None,
        size if tmdb::POSTER_SIZES.contains(&size) => Some(size.to_string()),
        other => {
            let sizes = tmdb::POSTER_SIZES.join(", ");
            return Err(cinegenre::Error::param(
                "--posters",
                format!("`{other}` is not one of {sizes}, none"),
            ));
        }
    };
    let years = a.years.as_deref().map(tmdb::parse_years).transpose()?;
    let credentials = tmdb::Credentials::resolve(a.api_key, a.bearer_token)?;
    let config = tmdb::ClientConfig {
        rate: a.rate,
        retry: tmdb::RetryPolicy {
            max_attempts: a.attempts.max(1),
            base_delay: duration("--backoff", &a.backoff)?,
            ..tmdb::RetryPolicy::default()
        },
        timeout: duration("--timeout", &a.timeout)?,
        ..tmdb::ClientConfig::default()
    }
    .with_bases(a.api_base, a.image_base);
    let cache = tmdb::Cache::open(&a.out.join("cache"))?;
    let client = tmdb::Client::new(config, credentials, Some(cache))?;
    let plan = tmdb::FetchPlan {
        out_dir: a.out.clone(),
        pages: a.pages,
        genres: a.genres,
        years,
        poster_size,
        max_movies: a.max_movies,
        threads: a.threads,
        quiet: a.quiet,
    };
    let summary = tmdb::fetch_dataset(&plan, &client)?;
    println!("{summary}");
    println!("wrote movies.jsonl and summary.json to {}", a.out.display());
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
enum VectorFormatArg {
    /// word2vec binary (.bin).
    Bin,
    /// word2vec text, or GloVe without a header (.txt, .vec).
    Text,
}

impl From<VectorFormatArg> for embed::Format {
    fn from(f: VectorFormatArg) -> Self {
        match f {
            VectorFormatArg::Bin => embed::Format::Binary,
            VectorFormatArg::Text => embed::Format::Text,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum UnicodeErrorsArg {
    /// Refuse a word that is not valid UTF-8.
    Strict,
    /// Replace invalid bytes by U+FFFD (gensim's unicode_errors='replace').
    Replace,
}

/// How to read a word-vector file.
#[derive(Args)]
struct VectorFileArgs {
    /// Word vectors: word2vec binary (.bin), word2vec text or GloVe (.txt, .vec); .gz allowed.
    #[arg(long)]
    vectors: PathBuf,
    /// The file's format, when its name does not say (default: from the name, else detected).
    #[arg(long, value_enum)]
    format: Option<VectorFormatArg>,
    /// What to do with words that are not valid UTF-8.
    #[arg(long, value_enum, default_value = "strict")]
    unicode_errors: UnicodeErrorsArg,
}

impl VectorFileArgs {
    fn utf8(&self) -> embed::Utf8Errors {
        match self.unicode_errors {
            UnicodeErrorsArg::Strict => embed::Utf8Errors::Strict,
            UnicodeErrorsArg::Replace => embed::Utf8Errors::Replace,
        }
    }
}

#[derive(Args)]
struct EmbedArgs {
    #[command(flatten)]
    file: VectorFileArgs,
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long)]
    input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    column: String,
    /// Text cleaning before tokenizing (the tutorial's word-vector branch does none).
    #[arg(long, value_enum, default_value = "none")]
    clean: CleanArg,
    /// Output matrix: float32 .npy of shape (kept documents, dim).
    #[arg(long)]
    out: PathBuf,
    /// Also write which documents the rows are, and which were dropped and why (JSON).
    #[arg(long)]
    kept: Option<PathBuf>,
}

#[derive(Subcommand)]
enum VectorsCommand {
    /// Train skip-gram vectors with negative sampling on documents (default: all bundled overviews).
    Train(VectorsTrainArgs),
    /// Print the nearest words of WORD by cosine similarity.
    Neighbors(VectorsNeighborsArgs),
    /// Rewrite a vector file in another format, optionally keeping only the words a corpus needs.
    Convert(VectorsConvertArgs),
}

#[derive(Args)]
struct VectorsTrainArgs {
    /// Documents (as for `vectorize`); without it, every bundled overview.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    column: String,
    /// Vector dimension.
    #[arg(long, default_value_t = 300)]
    dim: usize,
    /// Maximum distance between center and context word.
    #[arg(long, default_value_t = 5)]
    window: usize,
    /// Noise words per pair.
    #[arg(long, default_value_t = 5)]
    negative: usize,
    /// Passes over the corpus.
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Ignore words seen fewer times.
    #[arg(long, default_value_t = 5)]
    min_count: usize,
    /// Sub-sampling threshold of frequent words (0 disables).
    #[arg(long, default_value_t = 1e-3)]
    sample: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (0: all cores); 1 gives the same vectors for the same seed.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output vectors (.bin: word2vec binary, .txt: text).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct VectorsNeighborsArgs {
    /// The word (exact, case-sensitive).
    word: String,
    #[command(flatten)]
    file: VectorFileArgs,
    /// How many neighbours.
    #[arg(long, default_value_t = 10)]
    k: usize,
}

#[derive(Args)]
struct VectorsConvertArgs {
    #[command(flatten)]
    file: VectorFileArgs,
    /// Keep only the words these documents need (lowercased non-stop-word tokens).
    #[arg(long)]
    vocab_from: Option<PathBuf>,
    /// Column or field of --vocab-from holding the text.
    #[arg(long, default_value = "overview")]
    column: String,
    /// Output vectors.
    #[arg(long)]
    out: PathBuf,
    /// Output format (default: from the output name, else binary).
    #[arg(long, value_enum)]
    out_format: Option<VectorFormatArg>,
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
                word_vectors: a.word_vectors,
                text_output: match a.text_output {
                    OutputArg::Sigmoid => cinegenre::mlp::Output::Sigmoid,
                    OutputArg::Softmax => cinegenre::mlp::Output::Softmax,
                },
                device: a.device,
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
        Command::Cooccur(a) => cooccur_command(&a)?,
        Command::Cocluster(a) => cocluster_command(&a, timer)?,
        Command::Embed(a) => embed_command(a, timer)?,
        Command::Vectors(c) => vectors_command(c, timer)?,
        Command::Fetch(FetchCommand::Tmdb(a)) => fetch_tmdb(a)?,
    }
    Ok(())
}

fn cooccur_command(a: &CooccurArgs) -> Result<()> {
    let (movies, source) = match &a.data {
        Some(path) => (dataset::load_prepared(std::slice::from_ref(path))?.0, path.display().to_string()),
        None => (dataset::load_bundled_file(cluster::TOP_MOVIES_FILE)?, "the top-1000 popular movies".into()),
    };
    let map = match &a.genres {
        Some(path) => GenreMap::from_json_file(path)?,
        None => GenreMap::tmdb_2017(),
    };
    let c = cluster::cooccurrence(&movies, a.genres.as_ref().map(|_| map.ids()));
    cluster::write_cooccurrence(&a.out, &c, &map)?;
    let g = c.ids.len();
    println!(
        "wrote a {g}×{g} genre co-occurrence matrix of {} movies from {source} to {}",
        movies.len(),
        a.out.display()
    );
    if c.unknown > 0 {
        eprintln!("warning: {} genre ids are not in the genre map and were ignored", c.unknown);
    }
    Ok(())
}

fn cocluster_command(a: &CoclusterArgs, timer: &Timer) -> Result<()> {
    let x = timer.step("read", || cluster::read_matrix(&a.x))?;
    let (m, n) = x.input().shape();
    let sidecar = labels::sidecar_path(&a.x);
    let names_path = a.names.clone().or_else(|| sidecar.exists().then_some(sidecar));
    let names = match &names_path {
        Some(path) => Some(cluster::read_names(path, (m, n))?),
        None => None,
    };
    let mut params = cluster::CoclusterParams::new(a.clusters, a.seed);
    params.n_init = a.n_init;
    if a.lanczos {
        params.svd_method = cluster::SvdMethod::Lanczos;
    }
    let fit = timer
        .step("cocluster", || cluster::cocluster(x.input(), &params).map_err(|e| e.for_inputs(&[&a.x])))?;
    let named = names.as_deref().map(|v| (v, v));
    timer.step("write", || {
        cluster::LabelsJson::new(&fit, a.clusters, named).write(&a.out)?;
        match &a.heatmap {
            Some(path) => {
                let title = format!("{} ({m} x {n}), {} biclusters", a.x.display(), a.clusters);
                let spec = cluster::heatmap::HeatmapSpec {
                    title: &title,
                    row_names: names.as_deref(),
                    column_names: names.as_deref(),
                };
                cluster::heatmap::write_heatmap(path, x.input(), &fit, &spec)
            }
            None => Ok(()),
        }
    })?;
    println!("co-clustered a {m}×{n} matrix into {} biclusters → {}", a.clusters, a.out.display());
    if let Some(names) = &names {
        for c in 0..a.clusters {
            let group: Vec<&str> =
                fit.row_labels.iter().zip(names).filter(|&(&l, _)| l == c).map(|(_, s)| s.as_str()).collect();
            println!("  bicluster {c}: {}", group.join(", "));
        }
    }
    Ok(())
}

fn cleaning(c: CleanArg) -> Cleaning {
    match c {
        CleanArg::Tutorial => Cleaning::Tutorial,
        CleanArg::None => Cleaning::None,
    }
}

fn embed_command(a: EmbedArgs, timer: &Timer) -> Result<()> {
    let docs = timer.step("read", || text::read_documents(&a.input, &a.column, cleaning(a.clean)))?;
    let options = embed::EmbedOptions { format: a.file.format.map(Into::into), utf8_errors: a.file.utf8() };
    let (means, report) = timer.step("embed", || embed::embed_documents(&docs, &a.file.vectors, &options))?;
    timer.step("write", || {
        embed::write_means(&a.out, &means)?;
        match &a.kept {
            Some(kept) => embed::write_kept(kept, &means, docs.len()),
            None => Ok(()),
        }
    })?;
    println!(
        "read {} word-vector records; wrote {}×{} mean vectors to {}",
        report.records,
        means.kept.len(),
        means.dim,
        a.out.display()
    );
    if !means.dropped.is_empty() {
        let only_stop = means.dropped.iter().filter(|d| d.1 == embed::DropReason::OnlyStopWords).count();
        eprintln!(
            "dropped {} of {} documents: {} with only stop words, {} with no word in the vectors",
            means.dropped.len(),
            docs.len(),
            only_stop,
            means.dropped.len() - only_stop
        );
    }
    Ok(())
}

fn vectors_command(c: VectorsCommand, timer: &Timer) -> Result<()> {
    match c {
        VectorsCommand::Train(a) => {
            let docs = timer.step("read", || match &a.input {
                Some(path) => text::read_documents(path, &a.column, Cleaning::None),
                None => Ok(dataset::load_bundled(Bundled::All)?.0.into_iter().map(|m| m.overview).collect()),
            })?;
            let params = embed::SkipGramParams {
                dim: a.dim,
                window: a.window,
                negative: a.negative,
                epochs: a.epochs,
                min_count: a.min_count,
                sample: a.sample,
                seed: a.seed,
                threads: a.threads,
                ..embed::SkipGramParams::default()
            };
            let (vectors, report) = timer.step("train", || embed::train_skipgram(&docs, &params, true))?;
            let format = embed::Format::from_path(&a.out).unwrap_or(embed::Format::Binary);
            timer.step("write", || embed::write_vectors(&a.out, &vectors, format))?;
            println!(
                "trained {} words × {} dims on {} documents: {} raw words ({} after sub-sampling) in {:.2} s, \
                 {:.0} words/s; wrote {}",
                report.vocabulary,
                vectors.dim(),
                docs.len(),
                report.raw_words,
                report.effective_words,
                report.seconds,
                report.words_per_second(),
                a.out.display()
            );
        }
        VectorsCommand::Neighbors(a) => {
            let options = embed::ReadOptions { utf8_errors: a.file.utf8(), ..Default::default() };
            let (vectors, _) = timer.step("read", || {
                embed::read_vectors(&a.file.vectors, a.file.format.map(Into::into), &options)
            })?;
            for (word, sim) in embed::nearest(&vectors, &a.word, a.k)? {
                println!("{word}\t{sim:.4}");
            }
        }
        VectorsCommand::Convert(a) => {
            let needed = match &a.vocab_from {
                Some(path) => {
                    Some(embed::needed_words(&text::read_documents(path, &a.column, Cleaning::None)?))
                }
                None => None,
            };
            let options = embed::ReadOptions {
                keep: needed.as_ref(),
                utf8_errors: a.file.utf8(),
                ..Default::default()
            };
            let (vectors, report) = timer.step("read", || {
                embed::read_vectors(&a.file.vectors, a.file.format.map(Into::into), &options)
            })?;
            let format = a
                .out_format
                .map(Into::into)
                .or_else(|| embed::Format::from_path(&a.out))
                .unwrap_or(embed::Format::Binary);
            timer.step("write", || embed::write_vectors(&a.out, &vectors, format))?;
            println!(
                "read {} records ({} repeated), wrote {} words × {} dims to {}",
                report.records,
                report.duplicates,
                vectors.len(),
                vectors.dim(),
                a.out.display()
            );
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
