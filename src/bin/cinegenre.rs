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
use cinegenre::{Result, io, metrics, tmdb};

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
    /// Collect a fresh dataset from an online source.
    #[command(subcommand)]
    Fetch(FetchCommand),
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
        Command::Fetch(FetchCommand::Tmdb(a)) => fetch_tmdb(a)?,
    }
    Ok(())
}
