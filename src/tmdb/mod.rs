//! Data collection from The Movie Database (TMDB): a client that respects the rate limit,
//! retries, caches and resumes, and the dataset builder behind `cinegenre fetch tmdb`.
//!
//! Step 1 of the pipeline when the data is collected afresh (tutorial §3–4; ALGORITHMS.md §1).
//! The tutorial calls the API through `tmdbsimple`/`urllib` with `time.sleep` between calls and
//! one ad-hoc retry; here every request passes through four layers:
//!
//! ```text
//! FetchPlan (plan.rs)           the command's settings, checked (validate) before any work
//! fetch_dataset (fetch.rs)      genres → discover pages → select → posters → movies.jsonl
//!   parse_* (responses.rs)      response bodies, any bytes → value or error; pages ≤ 500
//!   Client (client.rs)          cache first; attempts under the retry policy; parse or retry
//!     ClientConfig (config.rs)  bases, rate, retry, timeout, each checked against its range
//!     Cache (cache.rs)          one atomically written file per finished request
//!     TokenBucket (rate.rs)     ≤ n requests in any window w at the server, across threads
//!       rate.json (rate_file.rs)  …and across a kill and a restart on the same folder
//!     RetryPolicy (retry.rs)    backoff base·2^(a−1) with equal jitter, bounds
//!       Retry-After (retry_after.rs)  seconds or HTTP-date, capped at the rate window
//!     posters (poster.rs)       plain file names only; whole (end marker) and decodable
//!   Request (endpoints.rs)      path + query, free of credentials (cache keys, messages)
//!   Credentials (auth.rs)       v3 api_key or v4 bearer token; never printed or stored
//! ```
//!
//! Guarantees: the request rate seen by the server never exceeds the limit (default 40 per
//! 10 s, TMDB's historical limit), also across a kill and an immediate restart; a killed run
//! loses at most the requests in flight and a rerun produces the same `movies.jsonl`; every
//! movie is either written or listed as failed in `summary.json`; the credentials appear in no
//! file, log line or error message. Hostile input (headers, bodies, paths, files left in the
//! output folder, flags) gives a result or an error naming it: no panic, no hang, no
//! allocation sized by a number the server sent.
//! Deviation from the tutorial: it kept the first discover pages of each genre in a loop over
//! genres; the order and de-duplication here are the same, but pages are fetched in parallel
//! and reassembled in plan order.
//!
//! ```
//! use cinegenre::tmdb::{RateLimit, Request};
//! let limit: RateLimit = "40/10s".parse().unwrap();
//! assert_eq!(limit.per_second(), 4.0);
//! assert_eq!(Request::popular(2).cache_key(), "movie/popular?page=2");
//! ```

mod auth;
mod cache;
mod client;
mod config;
mod endpoints;
mod fetch;
mod plan;
mod poster;
mod rate;
mod rate_file;
mod responses;
mod retry;
mod retry_after;
mod summary;

pub use auth::{API_KEY_ENV, BEARER_ENV, Credentials};
pub use cache::{Cache, Lookup, MAX_JSON_BYTES};
pub use client::{Client, ClientStats, Failure};
pub use config::{ClientConfig, DEFAULT_API_BASE, DEFAULT_IMAGE_BASE, MAX_ATTEMPTS, MAX_DURATION};
pub use endpoints::{POSTER_SIZES, Request, poster_url};
pub use fetch::fetch_dataset;
pub use plan::{FetchPlan, GenreChoice, MAX_PAGES, MAX_THREADS, YEARS, parse_years};
pub use poster::{MAX_POSTER_BYTES, check_poster_path, decodes_as_image, poster_is_valid};
pub use rate::{MAX_REQUESTS, MAX_WINDOW, Permit, RateLimit, TokenBucket, parse_duration};
pub use rate_file::RATE_FILE;
pub use responses::{Genre, ResultsPage, parse_genre_list, parse_results_page};
pub use retry::{Fault, RetryPolicy};
pub use retry_after::parse_retry_after;
pub use summary::{FailureRecord, FetchSummary};
