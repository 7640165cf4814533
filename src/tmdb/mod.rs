//! Data collection from The Movie Database (TMDB): a client that respects the rate limit,
//! retries, caches and resumes, and the dataset builder behind `cinegenre fetch tmdb`.
//!
//! Step 1 of the pipeline when the data is collected afresh (tutorial §3–4; ALGORITHMS.md §1).
//! The tutorial calls the API through `tmdbsimple`/`urllib` with `time.sleep` between calls and
//! one ad-hoc retry; here every request passes through four layers:
//!
//! ```text
//! fetch_dataset (fetch.rs)      genres → discover pages → select → posters → movies.jsonl
//!   Client (client.rs)          cache first; attempts under the retry policy; parse or retry
//!     Cache (cache.rs)          one atomically written file per finished request
//!     TokenBucket (rate.rs)     ≤ n requests in any window w at the server, across threads
//!     RetryPolicy (retry.rs)    backoff base·2^(a−1) with equal jitter, Retry-After, bounds
//!   Request (endpoints.rs)      path + query, free of credentials (cache keys, messages)
//!   Credentials (auth.rs)       v3 api_key or v4 bearer token; never printed or stored
//! ```
//!
//! Guarantees: the request rate seen by the server never exceeds the limit (default 40 per
//! 10 s, TMDB's historical limit); a killed run loses at most the requests in flight and a rerun
//! produces the same `movies.jsonl`; every movie is either written or listed as failed in
//! `summary.json`; the credentials appear in no file, log line or error message.
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
mod endpoints;
mod fetch;
mod rate;
mod retry;
mod summary;

pub use auth::{API_KEY_ENV, BEARER_ENV, Credentials};
pub use cache::{Cache, Lookup, decodes_as_image, poster_is_valid};
pub use client::{Client, ClientConfig, ClientStats, DEFAULT_API_BASE, DEFAULT_IMAGE_BASE, Failure};
pub use endpoints::{POSTER_SIZES, Request, poster_url};
pub use fetch::{FetchPlan, GenreChoice, fetch_dataset, parse_years};
pub use rate::{Permit, RateLimit, TokenBucket, parse_duration};
pub use retry::{Fault, RetryPolicy, parse_retry_after};
pub use summary::{FailureRecord, FetchSummary};
