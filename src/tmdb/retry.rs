//! When to try a request again, and how long to wait first: exponential backoff with jitter,
//! `Retry-After` honoured up to a cap, a bounded number of attempts.
//!
//! ```text
//! attempt a = 1, 2, …, max_attempts
//! wait after a failed attempt a:
//!   Retry-After: s given         → min(s, max_wait) (the server's word, bounded), and the
//!                                  whole client holds; max_wait defaults to the rate window
//!   otherwise                    → d = min(max_delay, base · 2^(a−1)); uniform in [d/2, d)
//! retried:   timeouts, connection errors (reset, refused, truncated body), 429, 5xx,
//!            a body that does not parse (truncated or malformed JSON, a poster that is not
//!            an image), 401/403 from the image host (a poster refused, not the key)
//! final:     401 from the API (bad credentials: the run stops), 404 (unknown: recorded as
//!            failed), other 4xx, a poster path that is not a plain file name (never sent)
//! ```
//!
//! "Equal jitter" (AWS Architecture Blog, M. Brooker, "Exponential Backoff And Jitter", 2015,
//! <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>): half the
//! delay fixed, half random, so retries of many threads spread out but never come back at once.
//! The tutorial's version is one `try`, `sleep(10)`, one more `try`.
//!
//! ```
//! use cinegenre::tmdb::RetryPolicy;
//! use std::time::Duration;
//! let policy = RetryPolicy { max_attempts: 5, base_delay: Duration::from_millis(100),
//!     max_delay: Duration::from_secs(2), max_wait: None };
//! let d = policy.backoff(3, 0.5);
//! assert_eq!(d, Duration::from_millis(300)); // 400 ms · (1/2 + 0.5/2)
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many times to try and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all (the first one included); at least 1.
    pub max_attempts: u32,
    /// The wait after the first failure, before jitter.
    pub base_delay: Duration,
    /// The longest wait from backoff.
    pub max_delay: Duration,
    /// The longest wait a server's `Retry-After` can impose; `None`: the rate window.
    pub max_wait: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_wait: None,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based), for a uniform `unit` in `[0, 1)`.
    pub fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        let doubling = 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
        let full = (self.base_delay.as_secs_f64() * doubling).min(self.max_delay.as_secs_f64());
        // NaN jitter counts as 0; a delay too large for a Duration is the longest one.
        let unit = if unit.is_nan() { 0.0 } else { unit.clamp(0.0, 1.0) };
        Duration::try_from_secs_f64(full * (0.5 + 0.5 * unit)).unwrap_or(self.max_delay)
    }
}

/// What went wrong with one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// No complete response in time.
    Timeout,
    /// Refused, reset, closed early, or the body stopped short.
    Connection(String),
    /// HTTP 429, with the server's `Retry-After` if it sent one.
    TooManyRequests(Option<Duration>),
    /// HTTP 5xx.
    Server(u16),
    /// A complete 200 response whose body is not what the endpoint returns.
    BadBody(String),
    /// HTTP 401 from the API: the key or token was refused.
    Unauthorized,
    /// HTTP 401 or 403 from the image host: this poster was refused (the key is not sent
    /// there, so it says nothing about the key).
    Denied(u16),
    /// A `poster_path` that is not a plain file name; no request was sent.
    BadPosterPath(String),
    /// HTTP 404.
    NotFound,
    /// Any other 4xx.
    Client(u16),
    /// A status that is neither 2xx nor an error the client knows (1xx, 3xx): a redirect the
    /// client did not follow (to another host, or too many), or a reply with no usable body.
    Unexpected(u16),
}

impl Fault {
    /// Whether trying again may help.
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            Fault::Unauthorized
                | Fault::NotFound
                | Fault::Client(_)
                | Fault::BadPosterPath(_)
                | Fault::Unexpected(_)
        )
    }

    /// A short stable name for counting faults in the summary (`429`, `timeout`, …).
    pub fn kind(&self) -> String {
        match self {
            Fault::Timeout => "timeout".into(),
            Fault::Connection(_) => "connection".into(),
            Fault::TooManyRequests(_) => "429".into(),
            Fault::Server(code) | Fault::Client(code) | Fault::Unexpected(code) => code.to_string(),
            Fault::Denied(code) => format!("image {code}"),
            Fault::BadPosterPath(_) => "bad poster_path".into(),
            Fault::BadBody(_) => "bad body".into(),
            Fault::Unauthorized => "401".into(),
            Fault::NotFound => "404".into(),
        }
    }

    /// The fault from an API status that is not a success; `None` for 2xx/3xx.
    pub fn from_status(code: u16, retry_after: Option<Duration>) -> Option<Fault> {
        match code {
            401 => Some(Fault::Unauthorized),
            404 => Some(Fault::NotFound),
            429 => Some(Fault::TooManyRequests(retry_after)),
            500..=599 => Some(Fault::Server(code)),
            400..=499 => Some(Fault::Client(code)),
            200..=299 => None,
            // Never a body to parse or cache: 1xx, 3xx (a redirect not followed), 6xx+.
            _ => Some(Fault::Unexpected(code)),
        }
    }

    /// The fault from an image-host status: as [`Fault::from_status`], except that 401 and
    /// 403 refuse this poster only ([`Fault::Denied`], retried).
    pub fn from_image_status(code: u16, retry_after: Option<Duration>) -> Option<Fault> {
        match code {
            401 | 403 => Some(Fault::Denied(code)),
            _ => Fault::from_status(code, retry_after),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Timeout => write!(f, "no response before the timeout"),
            Fault::Connection(why) => write!(f, "connection failed: {why}"),
            Fault::TooManyRequests(_) => write!(f, "HTTP 429 Too Many Requests"),
            Fault::Server(code) => write!(f, "HTTP {code} server error"),
            Fault::BadBody(why) => write!(f, "unusable response body: {why}"),
            Fault::Unauthorized => write!(f, "HTTP 401: the API key or bearer token was refused"),
            Fault::Denied(code) => write!(f, "HTTP {code}: the image host refused this poster"),
            Fault::BadPosterPath(why) => write!(f, "not requested: {why}"),
            Fault::NotFound => write!(f, "HTTP 404: TMDB does not know this item"),
            Fault::Client(code) => write!(f, "HTTP {code}: the request was refused"),
            Fault::Unexpected(code) if (300..400).contains(code) => write!(
                f,
                "HTTP {code}: a redirect that was not followed (only redirects within the same host are)"
            ),
            Fault::Unexpected(code) => write!(f, "HTTP {code}: not a successful reply"),
        }
    }
}

/// A uniform number in `[0, 1)` for jitter: splitmix64 over a process-wide counter (no
/// statistical quality needed, only spread between threads).
pub(crate) fn jitter_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let p = RetryPolicy {
            max_attempts: 9,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_wait: None,
        };
        for attempt in 1..=8u32 {
            let full = (100.0 * 2f64.powi(attempt as i32 - 1)).min(1000.0);
            let lo = p.backoff(attempt, 0.0).as_secs_f64() * 1000.0;
            let hi = p.backoff(attempt, 0.999_999).as_secs_f64() * 1000.0;
            assert!((lo - full / 2.0).abs() < 1e-6 && hi < full && hi > full * 0.99, "attempt {attempt}");
        }
        for _ in 0..100 {
            let u = jitter_unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn classifies_statuses() {
        assert_eq!(Fault::from_status(200, None), None);
        assert!(!Fault::from_status(401, None).unwrap().is_retryable());
        assert!(!Fault::from_status(404, None).unwrap().is_retryable());
        assert!(!Fault::from_status(422, None).unwrap().is_retryable());
        assert!(Fault::from_status(503, None).unwrap().is_retryable());
        let wait = Some(Duration::from_secs(2));
        assert_eq!(Fault::from_status(429, wait), Some(Fault::TooManyRequests(wait)));
        assert_eq!(Fault::from_status(403, None), Some(Fault::Client(403)));
        for code in [401, 403] {
            let fault = Fault::from_image_status(code, None).unwrap();
            assert!(fault.is_retryable() && fault != Fault::Unauthorized, "{fault}");
        }
        assert_eq!(Fault::from_image_status(404, None), Some(Fault::NotFound));
        assert!(!Fault::BadPosterPath("..".into()).is_retryable());
    }

    #[test]
    fn backoff_never_overflows() {
        let p = RetryPolicy { max_delay: Duration::MAX, base_delay: Duration::MAX, ..RetryPolicy::default() };
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::MAX);
        assert!(p.backoff(7, f64::NAN) >= Duration::from_secs(1 << 62), "NaN jitter is 0, not a panic");
    }
}
