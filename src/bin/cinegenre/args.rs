//! The command line's words: every subcommand and its flags (clap derive).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use cinegenre::backend::Device;
use cinegenre::dataset::Bundled;
use cinegenre::text::DocFreq;
use cinegenre::vgg::network::Precision;

use crate::args_tools::{EmbedArgs, FetchCommand, VectorsCommand};

#[derive(Subcommand)]
pub enum Command {
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
    /// Time kernels and models on this machine's backends; without a subcommand, the whole
    /// suite on CPU scalar, CPU SIMD and GPU beside scikit-learn/numpy/PyTorch.
    Bench(BenchArgs),
    /// Genres of a new movie from every model `run` saved in a folder, best first.
    Classify(ClassifyArgs),
    /// Extract image features with a pretrained network (VGG16 for posters).
    #[command(subcommand)]
    Features(crate::vgg_cmd::FeaturesCommand),
}

#[derive(Args)]
pub struct ClassifyArgs {
    /// Folder written by `cinegenre run --out`.
    #[arg(long)]
    pub models: PathBuf,
    /// The movie's title (shown; the models read the overview).
    #[arg(long)]
    pub title: String,
    /// The movie's plot summary.
    #[arg(long)]
    pub overview: String,
    /// A poster image for the poster model (when the run trained one).
    #[arg(long)]
    pub poster: Option<PathBuf>,
    /// Genres shown per model.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    #[command(flatten)]
    pub suite: BenchSuiteArgs,
}

#[derive(Args)]
pub struct BenchSuiteArgs {
    /// Smaller sizes for a fast look.
    #[arg(long)]
    pub quick: bool,
    /// Python with the pinned reference packages (scikit-learn, numpy, PyTorch); `none` skips it.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Output folder for bench.json and bench.md.
    #[arg(long, default_value = "bench")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct CooccurArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads); default: the tutorial's
    /// top-1000 popular movies (bundled `paritoshgoyal_movie_list123`).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output co-occurrence matrix (.npy, float64, genres × genres).
    #[arg(long)]
    pub out: PathBuf,
    /// Genre map fixing rows/columns and names; default: the genre ids present, ascending.
    #[arg(long)]
    pub genres: Option<PathBuf>,
}

#[derive(Args)]
pub struct CoclusterArgs {
    /// Matrix to co-cluster: .npy (dense) or .mtx (sparse), non-negative.
    #[arg(long)]
    pub x: PathBuf,
    /// Number of biclusters.
    #[arg(long, default_value_t = 5)]
    pub clusters: usize,
    /// Seed of the random SVD start and of k-means.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// k-means restarts.
    #[arg(long, default_value_t = 10)]
    pub n_init: usize,
    /// Use Lanczos bidiagonalisation instead of the randomized SVD.
    #[arg(long)]
    pub lanczos: bool,
    /// Output labels (JSON: row_labels, column_labels, named biclusters).
    #[arg(long)]
    pub out: PathBuf,
    /// Also draw the matrix before/after reordering: .png or .svg (by extension).
    #[arg(long)]
    pub heatmap: Option<PathBuf>,
    /// Names of the rows and columns of a square matrix (genre map JSON); default: the
    /// `.genres.json` sidecar written by `cooccur`, if present.
    #[arg(long)]
    pub names: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Square SGEMM GFLOP/s per size for the scalar reference, SIMD (1 thread and all) and GPU.
    Gemm(BenchGemmArgs),
    /// Seconds per training epoch of an MLP on random data (default: the tutorial poster model).
    Mlp(BenchMlpArgs),
    /// VGG forward pass: images/s and GFLOP/s (random weights) at each batch size, per device.
    Vgg(BenchVggArgs),
}

#[derive(Args)]
pub struct BenchGemmArgs {
    /// Matrix sizes (n for n×n×n).
    #[arg(long, value_delimiter = ',', default_values_t = [512usize, 1024, 2048])]
    pub sizes: Vec<usize>,
    /// Which device to time: cpu (scalar up to 512, SIMD), gpu, or auto (all).
    #[arg(long, default_value = "auto")]
    pub device: Device,
    /// Timed repetitions per size (best is reported).
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    /// Storage of B (the weights): f32, f16 or bf16 (half: f32 accumulation), or bf16-dot (both operands bf16, AVX512-BF16 pairs), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "f32")]
    pub dtype: Vec<cinegenre::kernels::gemm::half::Dtype>,
}

#[derive(Args)]
pub struct BenchMlpArgs {
    /// Layer sizes, input to output.
    #[arg(long, value_delimiter = ',', default_values_t = [25088usize, 1024, 256, 20])]
    pub sizes: Vec<usize>,
    #[arg(long, default_value_t = 1300)]
    pub rows: usize,
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    #[arg(long, default_value = "cpu")]
    pub device: Device,
}

#[derive(Args)]
pub struct BenchVggArgs {
    /// Batch sizes (images per forward pass).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 8])]
    pub batch: Vec<usize>,
    /// Which device to time: cpu (SIMD on all cores), gpu, or auto (both when a GPU exists).
    #[arg(long, default_value = "auto")]
    pub device: Device,
    /// VGG depth: 11, 13, 16 or 19.
    #[arg(long, default_value_t = 16)]
    pub depth: usize,
    /// Image edge in pixels (square images).
    #[arg(long, default_value_t = 224)]
    pub size: usize,
    /// Timed repetitions (best is reported).
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    /// Also print the CPU time and GFLOP/s of each conv layer (batch 1).
    #[arg(long)]
    pub layers: bool,
    /// Also print ‖gpu − cpu‖/‖cpu‖ of the output on one image (needs a GPU).
    #[arg(long)]
    pub check: bool,
    /// Arithmetic of the convolutions, comma-separated: f32, and bf16 (CPU with Intel AMX:
    /// activations and weights rounded to bf16, f32 sums).
    #[arg(long, value_delimiter = ',', default_values_t = [Precision::F32])]
    pub precision: Vec<Precision>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BundledArg {
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
pub struct RunArgs {
    /// Bundled data set to use when no --data is given.
    #[arg(long, value_enum, default_value = "all")]
    pub dataset: BundledArg,
    /// Movie files to use instead of the bundled data (any format `dataset` reads).
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Seed of the 80/20 split (numpy's legacy `np.random.seed(s); np.random.rand(n) < 0.8`).
    #[arg(long, default_value_t = 42)]
    pub seed: u32,
    /// Output folder (metrics.json, models, vocabulary).
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Ignore terms in fewer documents than this (integer count or fraction).
    #[arg(long, default_value = "0.005")]
    pub min_df: DocFreq,
    /// Ignore terms in more documents than this (integer count or fraction).
    #[arg(long, default_value = "0.95")]
    pub max_df: DocFreq,
    /// A small subset (the first 2,000 movies) for a fast look.
    #[arg(long)]
    pub quick: bool,
    /// Print only the results, not the stages.
    #[arg(long)]
    pub quiet: bool,
    /// Skip the SVM stage.
    #[arg(long)]
    pub no_svm: bool,
    /// Folds of the SVM grid search over C (scikit-learn today: 5; the 2017 tutorial: 3).
    #[arg(long, default_value_t = 5)]
    pub svm_cv: usize,
    /// Word vectors for the text MLP (word2vec .bin / text / GloVe, read filtered to the
    /// overviews' words); default: skip-gram vectors trained on the overviews.
    #[arg(long)]
    pub word_vectors: Option<PathBuf>,
    /// Output layer of the text MLP: sigmoid, or the tutorial's softmax.
    #[arg(long, value_enum, default_value = "sigmoid")]
    pub text_output: OutputArg,
    /// Where the text MLP trains: cpu, gpu or auto (default: $CINEGENRE_DEVICE, else cpu).
    #[arg(long)]
    pub device: Option<Device>,
    /// VGG16 weights for the poster branch (safetensors or Keras .h5); without them the
    /// network's weights are random and the poster scores are not meaningful.
    #[arg(long)]
    pub vgg_weights: Option<PathBuf>,
    /// Poster folder (`<tmdb_id>.jpg`); default: the 1,300 posters bundled in fixtures/posters.
    #[arg(long)]
    pub posters: Option<PathBuf>,
    /// Use at most this many posters (default: all; 60 with --quick).
    #[arg(long)]
    pub poster_limit: Option<usize>,
    /// Skip the poster branch.
    #[arg(long)]
    pub no_posters: bool,
    /// Side of the VGG16 input in pixels (a multiple of 32; smaller only for fast tests).
    #[arg(long, default_value_t = 224, hide = true)]
    pub poster_size: usize,
    /// Arithmetic of the VGG16 convolutions: f32, or bf16 on a CPU with Intel AMX (about 2.7×
    /// faster here; features within 7e-3 of f32).
    #[arg(long, default_value_t = Precision::F32)]
    pub poster_precision: Precision,
}

#[derive(Args)]
pub struct DatasetArgs {
    /// Movie files; without any, the bundled data.
    #[arg(long, num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Bundled data set to use when no --input is given.
    #[arg(long, value_enum, default_value = "all")]
    pub bundled: BundledArg,
    /// Output JSON lines, one normalised movie per line.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct LabelsArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads).
    #[arg(long)]
    pub data: PathBuf,
    /// Output indicator matrix (uint8, rows = movies, columns = genres).
    #[arg(long)]
    pub out: PathBuf,
    /// Genre map fixing the columns ({"28": "Action", …} or TMDB's {"genres": […]});
    /// default: the genre ids present, ascending.
    #[arg(long)]
    pub genres: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CleanArg {
    /// Delete ',' and '.' first, as the tutorial does.
    Tutorial,
    /// Leave the text as it is.
    None,
}

#[derive(Args)]
pub struct VectorizeArgs {
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long)]
    pub input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Ignore terms in fewer documents than this: an integer count or a fraction (scikit-learn's min_df).
    #[arg(long, default_value = "1")]
    pub min_df: DocFreq,
    /// Ignore terms in more documents than this: an integer count or a fraction (scikit-learn's max_df).
    #[arg(long, default_value = "1.0")]
    pub max_df: DocFreq,
    /// TF-IDF (smooth idf, l2 rows) instead of raw counts.
    #[arg(long)]
    pub tfidf: bool,
    /// With --tfidf: 1 + ln(tf) instead of tf.
    #[arg(long, requires = "tfidf")]
    pub sublinear_tf: bool,
    /// Text cleaning before tokenizing.
    #[arg(long, value_enum, default_value = "tutorial")]
    pub clean: CleanArg,
    /// Output matrix (Matrix Market coordinate format).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the vocabulary ({term: column}) here.
    #[arg(long)]
    pub vocab: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum TrainCommand {
    /// One-vs-rest multinomial naive Bayes on counts.
    Nb(TrainNbArgs),
    /// A multi-layer perceptron (Keras 2.0 semantics) on dense features.
    Mlp(TrainMlpArgs),
    /// One-vs-rest linear SVM, C chosen per label by stratified k-fold grid search (micro-F1).
    Svm(TrainSvmArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputArg {
    Sigmoid,
    Softmax,
}

#[derive(Args)]
pub struct TrainMlpArgs {
    /// Features (.npy, 2-D, any numeric dtype; used as float32).
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy 0/1 indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Hidden layer sizes.
    #[arg(long, value_delimiter = ',', default_values_t = [1024usize, 256])]
    pub layers: Vec<usize>,
    /// Hidden activation: relu or identity.
    #[arg(long, default_value = "relu")]
    pub activation: String,
    #[arg(long, value_enum, default_value = "sigmoid")]
    pub output: OutputArg,
    /// Epochs; 0 writes the freshly initialised model.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// rmsprop (Keras 2.0: ε outside √), rmsprop-keras3 (ε inside), sgd (momentum 0.9), adam.
    #[arg(long, default_value = "rmsprop")]
    pub optimizer: String,
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f32,
    /// Keras 2.0 learning-rate decay: lr / (1 + decay·t).
    #[arg(long, default_value_t = 1e-6)]
    pub decay: f32,
    /// Seeds the initial weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    #[arg(long)]
    pub no_shuffle: bool,
    /// Hold out this fraction of rows (the last ones) for validation.
    #[arg(long, default_value_t = 0.0)]
    pub validation_split: f64,
    /// Stop after this many epochs without a better validation loss.
    #[arg(long)]
    pub patience: Option<usize>,
    /// cpu, gpu or auto (default: $CINEGENRE_DEVICE, else cpu).
    #[arg(long)]
    pub device: Option<Device>,
    /// Output model (safetensors).
    #[arg(long)]
    pub model: PathBuf,
}

#[derive(Args)]
pub struct TrainSvmArgs {
    /// Features (Matrix Market), e.g. TF-IDF.
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Grid of C values (comma-separated); ties go to the first.
    #[arg(long, value_delimiter = ',', default_value = "0.01,0.1,1")]
    pub c: Vec<f64>,
    /// Number of stratified folds (scikit-learn today: 5; the 2017 tutorial ran 3).
    #[arg(long, default_value_t = 5)]
    pub cv: usize,
    /// `balanced`, `none`, or two weights `W0,W1` (label absent, present).
    #[arg(long, default_value = "balanced")]
    pub class_weight: cinegenre::svm::ClassWeight,
    /// `smo` (libsvm, SVC(kernel='linear')) or `dcd` (liblinear, LinearSVC).
    #[arg(long, default_value = "smo")]
    pub solver: cinegenre::svm::SolverKind,
    /// Stopping tolerance (default: 1e-3 for smo, 1e-4 for dcd, as scikit-learn).
    #[arg(long)]
    pub tol: Option<f64>,
    /// Turn libsvm's shrinking heuristic off.
    #[arg(long)]
    pub no_shrinking: bool,
    /// Start each C from the previous C's solution (faster; same optimum, different path).
    #[arg(long)]
    pub warm_start: bool,
    /// Output model (safetensors).
    #[arg(long)]
    pub model: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct TrainNbArgs {
    /// Features (Matrix Market), non-negative counts.
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Additive smoothing.
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f64,
    /// Uniform class priors instead of learned ones.
    #[arg(long)]
    pub no_fit_prior: bool,
    /// The vocabulary file X was made with (recorded in the model).
    #[arg(long)]
    pub vocab: Option<PathBuf>,
    /// Output model (safetensors).
    #[arg(long)]
    pub model: PathBuf,
}

#[derive(Args)]
pub struct PredictArgs {
    /// A model written by `train`.
    #[arg(long)]
    pub model: PathBuf,
    /// Features (Matrix Market) with the model's columns.
    #[arg(long)]
    pub x: PathBuf,
    /// Output .npy: uint8 0/1 predictions, or float64 scores with --proba (an SVM model
    /// writes its decision values unless --labels is given).
    #[arg(long)]
    pub out: PathBuf,
    /// Write per-label probabilities (scores) instead of 0/1 predictions.
    #[arg(long)]
    pub proba: bool,
    /// MLP models: predict each row's k best labels instead of thresholding at 0.5.
    #[arg(long)]
    pub top_k: Option<usize>,
    /// MLP models: cpu, gpu or auto.
    #[arg(long)]
    pub device: Option<Device>,
    /// Write 0/1 predictions whatever the model (an SVM writes decision values otherwise).
    #[arg(long, conflicts_with = "proba")]
    pub labels: bool,
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// True labels (.npy indicator matrix).
    #[arg(long)]
    pub y_true: PathBuf,
    /// Predicted labels (.npy indicator matrix, same shape).
    #[arg(long)]
    pub y_pred: PathBuf,
    /// Genre names for the report rows (default: the sidecar written by `labels`).
    #[arg(long)]
    pub genres: Option<PathBuf>,
    /// Decimal digits in the report.
    #[arg(long, default_value_t = 2)]
    pub digits: usize,
}
