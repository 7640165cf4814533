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
//!            retryable and attempts left        → sleep(min(Retry-After, cap) or backoff)
//!            retryable, no attempts left        → Failure::Item (recorded; the run goes on)
//! ```
//!
//! Posters go the same way to `image_base/size/path`, without credentials, once the path is
//! known to be a plain file name; a 401/403 there refuses that poster, not the key. A poster
//! counts once it is whole (end marker) and decodes, and is written to its final place
//! atomically. Bodies are read up to a bound (8 MiB of JSON, 32 MiB of image), never to a size
//! the server announces. With a cache, the token bucket keeps its recent request times in
//! `cache/rate.json`, so a restarted run keeps the limit too. The blocking `reqwest` client is
//! shared by all worker threads (it keeps one connection pool); it runs its own small Tokio
//! runtime internally.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::tmdb::auth::Credentials;
use crate::tmdb::cache::{Cache, Lookup, MAX_JSON_BYTES};
use crate::tmdb::config::ClientConfig;
use crate::tmdb::endpoints::{POSTER_SIZES, Request, poster_url};
use crate::tmdb::poster::{MAX_POSTER_BYTES, check_poster_path, decodes_as_image, poster_is_valid};
use crate::tmdb::rate::TokenBucket;
use crate::tmdb::rate_file::RATE_FILE;
use crate::tmdb::retry::{Fault, jitter_unit};
use crate::tmdb::retry_after::parse_retry_after;

/// Slack over the timeout for the longest a request can hold its rate-limit token.
const REQUEST_SLACK: Duration = Duration::from_secs(1);

/// Which server a request goes to: statuses mean different things there.
#[derive(Clone, Copy, PartialEq)]
enum Host {
    Api,
    Image,
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
    warn: Arc<dyn Fn(&str) + Send + Sync>,
}

const REFUSED: &str = "the API key or bearer token was refused (HTTP 401); check TMDB_API_KEY, \
                       TMDB_BEARER_TOKEN, --api-key or --bearer-token";

impl Client {
    /// A client with `config` (checked: [`ClientConfig::validate`]), authenticating with
    /// `credentials`, caching in `cache` if given; with a cache, the rate limit also holds
    /// across runs on that folder (`rate.json` in it).
    pub fn new(config: ClientConfig, credentials: Credentials, cache: Option<Cache>) -> Result<Self> {
        config.validate()?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(same_origin_redirects())
            .user_agent(concat!("cinegenre/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&config.api_base) && is_loopback(&config.image_base) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| Error::Network {
            what: "HTTP client".into(),
            message: credentials.redact(&chain(&e.without_url())),
        })?;
        let warn: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|line| eprintln!("warning: {line}"));
        let bucket = match &cache {
            Some(cache) => TokenBucket::remembering(
                config.rate,
                cache.dir().join(RATE_FILE),
                config.timeout + REQUEST_SLACK,
                Arc::clone(&warn),
            ),
            None => TokenBucket::new(config.rate),
        };
        Ok(Client {
            http,
            bucket,
            config,
            credentials,
            cache,
            stats: Mutex::new(ClientStats::default()),
            refused: AtomicBool::new(false),
            warn,
        })
    }

    /// Send warnings (corrupt cache files, items given up on, a damaged `rate.json`) to
    /// `warn` instead of stderr.
    pub fn on_warning(mut self, warn: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warn = Arc::new(warn);
        self.bucket.on_warning(Arc::clone(&self.warn));
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
        let (value, body, redirected) = self.with_retries(&key, || {
            let http = self.http.get(&url).query(&request.query);
            let (body, redirected) = self.attempt(self.credentials.apply(http), Host::Api)?;
            let value = parse(&body).map_err(Fault::BadBody)?;
            Ok((value, body, redirected))
        })?;
        // A redirected answer (same host) is used once, never cached: the cache keeps only
        // what the request's own URL answered.
        if let Some(cache) = self.cache.as_ref().filter(|_| !redirected) {
            cache.put(&key, &body).map_err(Failure::Fatal)?;
        }
        Ok(value)
    }

    /// Download poster `poster_path` at `size` to `dest` unless a whole, decodable file is
    /// there. Returns whether a request was made. A `poster_path` that is not a plain file
    /// name ([`check_poster_path`]) fails with [`Fault::BadPosterPath`] and is not requested.
    pub fn fetch_poster(&self, size: &str, poster_path: &str, dest: &Path) -> Result<bool, Failure> {
        if !POSTER_SIZES.contains(&size) {
            let sizes = POSTER_SIZES.join(", ");
            return Err(Failure::Fatal(Error::param("--posters", format!("`{size}` is not one of {sizes}"))));
        }
        let what = format!("poster {size}{}", poster_path.escape_debug());
        if let Err(why) = check_poster_path(poster_path) {
            self.count(|s| s.failed += 1);
            self.warn(&format!("{what}: {why}; not requested"));
            return Err(Failure::Item { what, fault: Fault::BadPosterPath(why), attempts: 0 });
        }
        if poster_is_valid(dest) {
            self.count(|s| s.from_cache += 1);
            return Ok(false);
        }
        let url = poster_url(&self.config.image_base, size, poster_path);
        let body = self.with_retries(&what, || {
            let (body, _) = self.attempt(self.http.get(&url), Host::Image)?;
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
                // Already capped at `retry_after_cap` when the header was parsed.
                Fault::TooManyRequests(Some(wait)) => {
                    self.bucket.hold_for(wait);
                    wait
                }
                _ => policy.backoff(n as u32, jitter_unit()),
            };
            std::thread::sleep(wait);
        }
    }

    /// One GET under one rate-limit permit, body read to the end (at most the host's bound).
    ///
    /// `--timeout` bounds the whole attempt: the connection, the headers and the body. The
    /// HTTP client's own timeout applies to each read, so a server that drips a byte at a time
    /// is cut off here, between reads, at the deadline (a read that stalls ends at most one
    /// timeout later).
    /// Returns the body and whether a (same-origin) redirect was followed.
    fn attempt(
        &self,
        request: reqwest::blocking::RequestBuilder,
        host: Host,
    ) -> Result<(Vec<u8>, bool), Fault> {
        let _permit = self.bucket.acquire();
        self.count(|s| s.sent += 1);
        let deadline = std::time::Instant::now() + self.config.timeout;
        let request = request.timeout(self.config.timeout).build().map_err(|e| self.fault_of(e))?;
        let asked = request.url().clone();
        let response = self.http.execute(request).map_err(|e| self.fault_of(e))?;
        let redirected = response.url() != &asked;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now(), self.config.retry_after_cap()));
        let fault = match host {
            Host::Api => Fault::from_status(status, retry_after),
            Host::Image => Fault::from_image_status(status, retry_after),
        };
        if let Some(fault) = fault {
            return Err(fault);
        }
        let limit = if host == Host::Api { MAX_JSON_BYTES } else { MAX_POSTER_BYTES };
        let too_large = || Fault::BadBody(format!("larger than {limit} bytes"));
        let announced = response.content_length().unwrap_or(0);
        if announced > limit {
            return Err(too_large());
        }
        // Room for what was announced, up to 1 MiB; grown as bytes arrive, up to the bound.
        let mut body = Vec::with_capacity(announced.min(1 << 20) as usize);
        let mut reader = response.take(limit + 1);
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if std::time::Instant::now() > deadline {
                return Err(Fault::Timeout);
            }
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_fault(e)),
            }
        }
        if body.len() as u64 > limit {
            return Err(too_large());
        }
        Ok((body, redirected))
    }

    /// A read error of the body: a timeout, or the connection stopping short.
    fn io_fault(&self, e: std::io::Error) -> Fault {
        let timed_out = e.kind() == std::io::ErrorKind::TimedOut
            || e.get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                .is_some_and(|r| r.is_timeout());
        if timed_out { Fault::Timeout } else { Fault::Connection(self.credentials.redact(&chain(&e))) }
    }

    fn fault_of(&self, e: reqwest::Error) -> Fault {
        let e = e.without_url();
        if e.is_timeout() { Fault::Timeout } else { Fault::Connection(self.credentials.redact(&chain(&e))) }
    }

    fn count(&self, update: impl FnOnce(&mut ClientStats)) {
        update(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Report `message` (credentials scrubbed) to the warning sink.
    pub(crate) fn warn(&self, message: &str) {
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

/// Redirects are followed only within the origin (scheme, host, port) of the request: a
/// redirect elsewhere is not followed (the request fails with its 3xx, which is neither
/// retried nor cached), so neither a credential nor a cache entry goes to another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let origin = |u: &reqwest::Url| {
            (u.scheme().to_string(), u.host_str().map(str::to_string), u.port_or_known_default())
        };
        let same = attempt.previous().first().is_some_and(|first| origin(first) == origin(attempt.url()));
        if !same || attempt.previous().len() > 5 { attempt.stop() } else { attempt.follow() }
    })
}

fn is_loopback(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("");
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| host.starts_with(h))
}
