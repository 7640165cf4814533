//! `cinegenre fetch tmdb`: a fresh, resumable crawl of The Movie Database.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinegenre::{Error, Result, tmdb};

use crate::common::{Context, in_range, say};

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
    after_help = "Example:\n  TMDB_API_KEY=… cinegenre fetch tmdb --out crawl --pages 5 --years 2000-2017\n  \
                        cinegenre run --input crawl        # the run then uses crawl/posters too"
)]
pub struct FetchTmdbArgs {
    /// Output folder; rerunning with the same folder resumes.
    #[arg(long)]
    pub out: PathBuf,
    /// Discover pages (20 movies each) per genre, and per year with --years (1 to 500, TMDB's
    /// limit).
    #[arg(long, default_value_t = 5, value_parser = in_range(1u32, 500))]
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
    /// Parallel workers sharing the rate limit (1 to 64).
    #[arg(long, default_value_t = 8, value_parser = in_range(1usize, 64))]
    pub threads: usize,
    /// Per-attempt timeout (30s, 500ms).
    #[arg(long, default_value = "30s")]
    pub timeout: String,
    /// Attempts per request before it is recorded as failed (1 to 100).
    #[arg(long, default_value_t = 6, value_parser = in_range(1u32, 100))]
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

impl FetchTmdbArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let duration = |flag: &str, value: &str| {
            tmdb::parse_duration(value)
                .ok_or_else(|| Error::param(flag, format!("`{value}` is not a duration (30s, 500ms)")))
        };
        let poster_size = match self.posters.as_str() {
            "none" => None,
            size if tmdb::POSTER_SIZES.contains(&size) => Some(size.to_string()),
            other => {
                let sizes = tmdb::POSTER_SIZES.join(", ");
                return Err(Error::param("--posters", format!("`{other}` is not one of {sizes}, none")));
            }
        };
        let years = self.years.as_deref().map(tmdb::parse_years).transpose()?;
        let credentials = tmdb::Credentials::resolve(self.api_key, self.bearer_token)?;
        let config = tmdb::ClientConfig {
            rate: self.rate,
            retry: tmdb::RetryPolicy {
                max_attempts: self.attempts,
                base_delay: duration("--backoff", &self.backoff)?,
                ..tmdb::RetryPolicy::default()
            },
            timeout: duration("--timeout", &self.timeout)?,
            ..tmdb::ClientConfig::default()
        }
        .with_bases(self.api_base, self.image_base);
        let cache = tmdb::Cache::open(&self.out.join("cache"))?;
        let client = tmdb::Client::new(config, credentials, Some(cache))?;
        let plan = tmdb::FetchPlan {
            out_dir: self.out.clone(),
            pages: self.pages,
            genres: self.genres,
            years,
            poster_size,
            max_movies: self.max_movies,
            threads: self.threads,
            quiet: self.quiet,
        };
        let summary = context.step("fetch", || tmdb::fetch_dataset(&plan, &client))?;
        say!("{summary}");
        say!("wrote movies.jsonl and summary.json to {}", self.out.display());
        Ok(())
    }
}
