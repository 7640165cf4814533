//! The TMDB client: every request goes through the cache, the shared [`TokenBucket`] and the
//! [`RetryPolicy`], and a body is accepted only once it parses.
//!
//! ```text
//! fetch_json(request, parse)
//!   cache hit that parses                       → done, no request
//!   loop attempt = 1..=max_attempts
//!     permit ← bucket.acquire()                 (held until the body is read)
//!     GET api_base/path?query (+ credentials)   timeout per attempt
//!     2xx and parse(body) ok                    → cache.put(body) atomically → done
//!     fault: final (401, 404, 4xx)              → Failure::Item (401 also stops all workers)
//!            retryable and attempts left        → sleep(Retry-After or backoff), again
//!            retryable, no attempts left        → Failure::Item (recorded; the run goes on)
//! ```
//!
//! Posters go the same way to `image_base/size/path`, without credentials, validated by
//! decoding and written to their final place atomically. The blocking `reqwest` client is
//! shared by all worker threads (it keeps one connection pool); it runs its own small Tokio
//! runtime internally.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::tmdb::auth::Credentials;
use crate::tmdb::cache::{Cache, Lookup, decodes_as_image, poster_is_valid};
use crate::tmdb::endpoints::{Request, poster_url};
use crate::tmdb::rate::{RateLimit, TokenBucket};
use crate::tmdb::retry::{Fault, RetryPolicy, jitter_unit, parse_retry_after};

/// TMDB's v3 API.
pub const DEFAULT_API_BASE: &str = "https://api.themoviedb.org/3";
/// TMDB's image server (`configuration.images.secure_base_url`).
pub const DEFAULT_IMAGE_BASE: &str = "https://image.tmdb.org/t/p";

/// Where to send requests and how patiently.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub api_base: String,
    pub image_base: String,
    pub rate: RateLimit,
    pub retry: RetryPolicy,
    /// Per attempt, connection to last byte.
    pub timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            api_base: DEFAULT_API_BASE.into(),
            image_base: DEFAULT_IMAGE_BASE.into(),
            rate: RateLimit::default(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
        }
    }
}

impl ClientConfig {
    /// Bases from the flags, else `TMDB_API_BASE` / `TMDB_IMAGE_BASE`, else TMDB's own.
    pub fn with_bases(mut self, api_base: Option<String>, image_base: Option<String>) -> Self {
        let pick = |flag: Option<String>, env: &str, default: &str| {
            flag.or_else(|| std::env::var(env).ok())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        self.api_base = pick(api_base, "TMDB_API_BASE", DEFAULT_API_BASE);
        self.image_base = pick(image_base, "TMDB_IMAGE_BASE", DEFAULT_IMAGE_BASE);
        self
    }
}

/// Why one item could not be had.
#[derive(Debug)]
pub enum Failure {
    /// This request failed for good; the run records it and goes on.
    Item { what: String, fault: Fault, attempts: u32 },
    /// The run cannot go on: credentials refused, or the output cannot be written.
    Fatal(Error),
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        match f {
            Failure::Item { what, fault, attempts } => {
                Error::Network { what, message: format!("{fault} (after {attempts} attempts)") }
            }
            Failure::Fatal(e) => e,
        }
    }
}

/// What the client did, for the summary: attempts sent, answers taken from the cache,
/// retries, and every fault seen by kind.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ClientStats {
    pub sent: usize,
    pub from_cache: usize,
    pub retries: usize,
    /// Items given up on.
    pub failed: usize,
    /// Faults met by requests that succeeded in the end.
    pub survived: usize,
    pub corrupt_cache: usize,
    pub faults: BTreeMap<String, usize>,
}

/// A rate-limited, retrying, caching TMDB client, shared by reference between threads.
pub struct Client {
    http: reqwest::blocking::Client,
    config: ClientConfig,
    credentials: Credentials,
    bucket: TokenBucket,
    cache: Option<Cache>,
    stats: Mutex<ClientStats>,
    refused: AtomicBool,
    warn: Box<dyn Fn(&str) + Send + Sync>,
}

const REFUSED: &str = "the API key or bearer token was refused (HTTP 401); check TMDB_API_KEY, \
                       TMDB_BEARER_TOKEN, --api-key or --bearer-token";

impl Client {
    /// A client with `config`, authenticating with `credentials`, caching in `cache` if given.
    pub fn new(config: ClientConfig, credentials: Credentials, cache: Option<Cache>) -> Result<Self> {
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("cinegenre/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&config.api_base) && is_loopback(&config.image_base) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| Error::Network {
            what: "HTTP client".into(),
            message: credentials.redact(&chain(&e.without_url())),
        })?;
        Ok(Client {
            http,
            bucket: TokenBucket::new(config.rate),
            config,
            credentials,
            cache,
            stats: Mutex::new(ClientStats::default()),
            refused: AtomicBool::new(false),
            warn: Box::new(|line| eprintln!("warning: {line}")),
        })
    }

    /// Send warnings (corrupt cache files, items given up on) to `warn` instead of stderr.
    pub fn on_warning(mut self, warn: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warn = Box::new(warn);
        self
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> ClientStats {
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The body of `request`, parsed by `parse`, from the cache or the API.
    pub fn fetch_json<T>(
        &self,
        request: &Request,
        parse: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<T, Failure> {
        let key = request.cache_key();
        if let Some(cache) = &self.cache {
            match cache.get(&key, &parse) {
                Lookup::Hit(value) => {
                    self.count(|s| s.from_cache += 1);
                    return Ok(value);
                }
                Lookup::Miss => {}
                Lookup::Corrupt(message) => {
                    self.count(|s| s.corrupt_cache += 1);
                    self.warn(&message);
                }
            }
        }
        let url = format!("{}/{}", self.config.api_base.trim_end_matches('/'), request.path);
        let (value, body) = self.with_retries(&key, || {
            let http = self.http.get(&url).query(&request.query);
            let body = self.attempt(self.credentials.apply(http))?;
            let value = parse(&body).map_err(Fault::BadBody)?;
            Ok((value, body))
        })?;
        if let Some(cache) = &self.cache {
            cache.put(&key, &body).map_err(Failure::Fatal)?;
        }
        Ok(value)
    }

    /// Download poster `poster_path` at `size` to `dest` unless a decodable file is there.
    /// Returns whether a request was made.
    pub fn fetch_poster(&self, size: &str, poster_path: &str, dest: &Path) -> Result<bool, Failure> {
        if poster_is_valid(dest) {
            self.count(|s| s.from_cache += 1);
            return Ok(false);
        }
        let url = poster_url(&self.config.image_base, size, poster_path);
        let what = format!("poster {size}{poster_path}");
        let body = self.with_retries(&what, || {
            let body = self.attempt(self.http.get(&url))?;
            decodes_as_image(&body).map_err(|why| Fault::BadBody(format!("not an image ({why})")))?;
            Ok(body)
        })?;
        write_atomic(dest, |w| w.write_all(&body).map_err(|e| Error::io(dest, e))).map_err(Failure::Fatal)?;
        Ok(true)
    }

    /// Run `attempt` until it succeeds, fails for good, or runs out of attempts.
    fn with_retries<T>(&self, what: &str, attempt: impl Fn() -> Result<T, Fault>) -> Result<T, Failure> {
        let policy = self.config.retry;
        let mut n: usize = 0;
        loop {
            n += 1;
            if self.refused.load(Ordering::Relaxed) {
                return Err(Failure::Fatal(refused()));
            }
            let fault = match attempt() {
                Ok(value) => {
                    self.count(|s| s.survived += n - 1);
                    return Ok(value);
                }
                Err(fault) => fault,
            };
            self.count(|s| *s.faults.entry(fault.kind()).or_default() += 1);
            if fault == Fault::Unauthorized {
                self.refused.store(true, Ordering::Relaxed);
                return Err(Failure::Fatal(refused()));
            }
            if !fault.is_retryable() || n >= policy.max_attempts as usize {
                self.count(|s| s.failed += 1);
                self.warn(&format!("{what}: {fault} (gave up after {n} attempts)"));
                return Err(Failure::Item { what: what.to_string(), fault, attempts: n as u32 });
            }
            self.count(|s| s.retries += 1);
            let wait = match fault {
                Fault::TooManyRequests(Some(wait)) => {
                    self.bucket.hold_for(wait);
                    wait
                }
                _ => policy.backoff(n as u32, jitter_unit()),
            };
            std::thread::sleep(wait);
        }
    }

    /// One GET under one rate-limit permit, body read to the end.
    fn attempt(&self, request: reqwest::blocking::RequestBuilder) -> Result<Vec<u8>, Fault> {
        let _permit = self.bucket.acquire();
        self.count(|s| s.sent += 1);
        let response = request.send().map_err(|e| self.fault_of(e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if let Some(fault) = Fault::from_status(status, retry_after) {
            return Err(fault);
        }
        let body = response.bytes().map_err(|e| self.fault_of(e))?;
        Ok(body.to_vec())
    }

    fn fault_of(&self, e: reqwest::Error) -> Fault {
        let e = e.without_url();
        if e.is_timeout() { Fault::Timeout } else { Fault::Connection(self.credentials.redact(&chain(&e))) }
    }

    fn count(&self, update: impl FnOnce(&mut ClientStats)) {
        update(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn warn(&self, message: &str) {
        (self.warn)(&self.credentials.redact(message));
    }
}

fn refused() -> Error {
    Error::Network { what: "TMDB API".into(), message: REFUSED.into() }
}

/// An error and its sources, `outer: inner: innermost`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

fn is_loopback(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("");
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| host.starts_with(h))
}
