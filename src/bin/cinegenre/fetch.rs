//! `cinegenre fetch tmdb`: a fresh, resumable crawl of The Movie Database.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinegenre::{Error, Result, tmdb};

use crate::common::{Context, in_range, say};

/// The group's example (`cinegenre fetch --help`).
pub const EXAMPLE: &str = "Example:\n  TMDB_API_KEY=… cinegenre fetch tmdb --out crawl --pages 5\n  \
                           cinegenre run --input crawl";

/// Collect a fresh dataset from an online source.
#[derive(Subcommand)]
pub enum FetchCommand {
    Tmdb(FetchTmdbArgs),
}

impl FetchCommand {
    pub fn run(self, context: &Context) -> Result<()> {
        match self {
            FetchCommand::Tmdb(a) => a.run(context),
        }
    }
}

/// TMDB: genres → discover pages → posters, rate-limited, retried, cached and resumable.
/// Writes DIR/movies.jsonl, DIR/posters/<id>.jpg, DIR/summary.json (and DIR/cache/).
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  TMDB_API_KEY=… cinegenre fetch tmdb --out crawl --pages 5 --years 2000-2017\n  \
                        cinegenre run --input crawl        # the run then uses crawl/posters too"
)]
pub struct FetchTmdbArgs {
    /// Output folder; rerunning with the same folder resumes.
    #[arg(long)]
    pub out: PathBuf,
    /// Discover pages (20 movies each) per genre, and per year with --years (1 to 500, TMDB's
    /// limit).
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
    #[arg(long, value_parser = in_range(1usize, 10_000_000))]
    pub max_movies: Option<usize>,
    /// Request limit as N/DURATION, never exceeded in any window.
    #[arg(long, default_value = "40/10s")]
    pub rate: tmdb::RateLimit,
    /// Parallel workers sharing the rate limit (at least 1; more than 64 are capped at 64).
    #[arg(long, default_value_t = 8)]
    pub threads: usize,
    /// Per-attempt timeout (30s, 500ms).
    #[arg(long, default_value = "30s")]
    pub timeout: String,
    /// Attempts per request before it is recorded as failed (1 to 100).
    #[arg(long, default_value_t = 6)]
    pub attempts: u32,
    /// First backoff delay, doubled per retry (with jitter).
    #[arg(long, default_value = "500ms")]
    pub backoff: String,
    /// The longest wait a server's Retry-After header can impose (default: the rate window).
    #[arg(long)]
    pub max_wait: Option<String>,
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

impl FetchTmdbArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let duration = |flag: &str, value: &str| {
            tmdb::parse_duration(value)
                .ok_or_else(|| Error::param(flag, format!("`{value}` is not a duration (30s, 500ms)")))
        };
        let poster_size = (self.posters != "none").then(|| self.posters.clone());
        let years = self.years.as_deref().map(tmdb::parse_years).transpose()?;
        // Every flag is checked before the output folder is touched or a request goes out.
        let mut plan = tmdb::FetchPlan {
            out_dir: self.out.clone(),
            pages: self.pages,
            genres: self.genres,
            years,
            poster_size,
            max_movies: self.max_movies,
            threads: self.threads,
            quiet: self.quiet,
        };
        for note in plan.validate()? {
            cinegenre::progress::note(&format!("warning: {note}"));
        }
        let max_wait = self.max_wait.as_deref().map(|v| duration("--max-wait", v)).transpose()?;
        let config = tmdb::ClientConfig {
            rate: self.rate,
            retry: tmdb::RetryPolicy {
                max_attempts: self.attempts,
                base_delay: duration("--backoff", &self.backoff)?,
                max_wait,
                ..tmdb::RetryPolicy::default()
            },
            timeout: duration("--timeout", &self.timeout)?,
            ..tmdb::ClientConfig::default()
        }
        .with_bases(self.api_base, self.image_base);
        config.validate()?;
        let credentials = tmdb::Credentials::resolve(self.api_key, self.bearer_token)?;
        let cache = tmdb::Cache::open(&self.out.join("cache"))?;
        let client = tmdb::Client::new(config, credentials, Some(cache))?;
        let summary = context.step("fetch", || tmdb::fetch_dataset(&plan, &client))?;
        say!("{summary}");
        say!("wrote movies.jsonl and summary.json to {}", self.out.display());
        Ok(())
    }
}
