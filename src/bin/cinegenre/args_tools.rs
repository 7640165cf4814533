//! Flags of the collection and word-vector commands: `fetch`, `embed`, `vectors`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use cinegenre::{embed, tmdb};

use crate::args::CleanArg;

#[derive(Subcommand)]
pub enum FetchCommand {
    /// TMDB: genres → discover pages → posters, rate-limited, retried, cached and resumable.
    /// Writes DIR/movies.jsonl, DIR/posters/<id>.jpg, DIR/summary.json (and DIR/cache/).
    Tmdb(FetchTmdbArgs),
}

#[derive(Args)]
pub struct FetchTmdbArgs {
    /// Output folder; rerunning with the same folder resumes.
    #[arg(long)]
    pub out: PathBuf,
    /// Discover pages (20 movies each) per genre, and per year with --years.
    #[arg(long, default_value_t = 5)]
    pub pages: u32,
    /// `all`, or a comma-separated list of genre ids or names (28,Comedy).
    #[arg(long, default_value = "all")]
    pub genres: tmdb::GenreChoice,
    /// Release years, `2000-2017` or `2015`: one discover query per genre and year.
    #[arg(long)]
    pub years: Option<String>,
    /// Poster size (w92, w154, w185, w342, w500, w780, original) or `none`.
    #[arg(long, default_value = "w185")]
    pub posters: String,
    /// Keep at most this many movies (after de-duplication, in plan order).
    #[arg(long)]
    pub max_movies: Option<usize>,
    /// Request limit as N/DURATION, never exceeded in any window.
    #[arg(long, default_value = "40/10s")]
    pub rate: tmdb::RateLimit,
    /// Parallel workers sharing the rate limit.
    #[arg(long, default_value_t = 8)]
    pub threads: usize,
    /// Per-attempt timeout (30s, 500ms).
    #[arg(long, default_value = "30s")]
    pub timeout: String,
    /// Attempts per request before it is recorded as failed.
    #[arg(long, default_value_t = 6)]
    pub attempts: u32,
    /// First backoff delay, doubled per retry (with jitter).
    #[arg(long, default_value = "500ms")]
    pub backoff: String,
    /// TMDB v3 API key (default: $TMDB_API_KEY).
    #[arg(long)]
    pub api_key: Option<String>,
    /// TMDB v4 read access token (default: $TMDB_BEARER_TOKEN).
    #[arg(long)]
    pub bearer_token: Option<String>,
    /// API base URL (default: $TMDB_API_BASE or https://api.themoviedb.org/3).
    #[arg(long)]
    pub api_base: Option<String>,
    /// Image base URL (default: $TMDB_IMAGE_BASE or https://image.tmdb.org/t/p).
    #[arg(long)]
    pub image_base: Option<String>,
    /// No progress output.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VectorFormatArg {
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
pub enum UnicodeErrorsArg {
    /// Refuse a word that is not valid UTF-8.
    Strict,
    /// Replace invalid bytes by U+FFFD (gensim's unicode_errors='replace').
    Replace,
}

/// How to read a word-vector file.
#[derive(Args)]
pub struct VectorFileArgs {
    /// Word vectors: word2vec binary (.bin), word2vec text or GloVe (.txt, .vec); .gz allowed.
    #[arg(long)]
    pub vectors: PathBuf,
    /// The file's format, when its name does not say (default: from the name, else detected).
    #[arg(long, value_enum)]
    pub format: Option<VectorFormatArg>,
    /// What to do with words that are not valid UTF-8.
    #[arg(long, value_enum, default_value = "strict")]
    pub unicode_errors: UnicodeErrorsArg,
}

impl VectorFileArgs {
    pub fn utf8(&self) -> embed::Utf8Errors {
        match self.unicode_errors {
            UnicodeErrorsArg::Strict => embed::Utf8Errors::Strict,
            UnicodeErrorsArg::Replace => embed::Utf8Errors::Replace,
        }
    }
}

#[derive(Args)]
pub struct EmbedArgs {
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long)]
    pub input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Text cleaning before tokenizing (the tutorial's word-vector branch does none).
    #[arg(long, value_enum, default_value = "none")]
    pub clean: CleanArg,
    /// Output matrix: float32 .npy of shape (kept documents, dim).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write which documents the rows are, and which were dropped and why (JSON).
    #[arg(long)]
    pub kept: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum VectorsCommand {
    /// Train skip-gram vectors with negative sampling on documents (default: all bundled overviews).
    Train(VectorsTrainArgs),
    /// Print the nearest words of WORD by cosine similarity.
    Neighbors(VectorsNeighborsArgs),
    /// Rewrite a vector file in another format, optionally keeping only the words a corpus needs.
    Convert(VectorsConvertArgs),
}

#[derive(Args)]
pub struct VectorsTrainArgs {
    /// Documents (as for `vectorize`); without it, every bundled overview.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Vector dimension.
    #[arg(long, default_value_t = 300)]
    pub dim: usize,
    /// Maximum distance between center and context word.
    #[arg(long, default_value_t = 5)]
    pub window: usize,
    /// Noise words per pair.
    #[arg(long, default_value_t = 5)]
    pub negative: usize,
    /// Passes over the corpus.
    #[arg(long, default_value_t = 5)]
    pub epochs: usize,
    /// Ignore words seen fewer times.
    #[arg(long, default_value_t = 5)]
    pub min_count: usize,
    /// Sub-sampling threshold of frequent words (0 disables).
    #[arg(long, default_value_t = 1e-3)]
    pub sample: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: all cores); 1 gives the same vectors for the same seed.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output vectors (.bin: word2vec binary, .txt: text).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct VectorsNeighborsArgs {
    /// The word (exact, case-sensitive).
    pub word: String,
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// How many neighbours.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
}

#[derive(Args)]
pub struct VectorsConvertArgs {
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// Keep only the words these documents need (lowercased non-stop-word tokens).
    #[arg(long)]
    pub vocab_from: Option<PathBuf>,
    /// Column or field of --vocab-from holding the text.
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Output vectors.
    #[arg(long)]
    pub out: PathBuf,
    /// Output format (default: from the output name, else binary).
    #[arg(long, value_enum)]
    pub out_format: Option<VectorFormatArg>,
}
