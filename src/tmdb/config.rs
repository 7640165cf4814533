//! The client's settings and the ranges they must lie in, checked before any request.
//!
//! ```text
//! --rate N/W        1 ≤ N ≤ 10,000, 0 < W ≤ 1 h           (RateLimit::validate)
//! --attempts        1 ≤ a ≤ 100                           (0 used to mean 1, silently)
//! --backoff         1 ms ≤ base ≤ max_delay ≤ 1 h (max_delay: 30 s by default)
//! --max-wait        Retry-After cap ≤ 1 h; default: the rate window
//! --timeout         1 ms ≤ t ≤ 1 h
//! --api-base, --image-base   http:// or https:// URLs
//! ```
//!
//! Every duration is bounded by an hour so that no sum of them (`Instant + wait`, a backoff
//! doubling to its cap) can overflow, and no setting can make a worker sleep for days.
//!
//! ```
//! use cinegenre::tmdb::ClientConfig;
//! use std::time::Duration;
//! assert!(ClientConfig::default().validate().is_ok());
//! let mut config = ClientConfig::default();
//! config.retry.max_attempts = 0;
//! assert_eq!(config.validate().unwrap_err().to_string(),
//!     "invalid --attempts: 0 attempts would send nothing; give 1 to 100");
//! ```

use std::time::Duration;

use crate::error::{Error, Result};
use crate::tmdb::rate::{MAX_WINDOW, RateLimit};
use crate::tmdb::retry::RetryPolicy;

/// TMDB's v3 API.
pub const DEFAULT_API_BASE: &str = "https://api.themoviedb.org/3";
/// TMDB's image server (`configuration.images.secure_base_url`).
pub const DEFAULT_IMAGE_BASE: &str = "https://image.tmdb.org/t/p";
/// The most attempts per request.
pub const MAX_ATTEMPTS: u32 = 100;
/// The longest timeout, backoff or `Retry-After` wait any setting may ask for.
pub const MAX_DURATION: Duration = MAX_WINDOW;

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

    /// The longest wait a `Retry-After` can impose: `retry.max_wait`, else the rate window.
    pub fn retry_after_cap(&self) -> Duration {
        self.retry.max_wait.unwrap_or(self.rate.window).min(MAX_DURATION)
    }

    /// `Ok` if every setting lies in its range (module docs); the error names the flag.
    /// [`super::Client::new`] calls it too.
    pub fn validate(&self) -> Result<()> {
        self.rate.validate()?;
        let r = &self.retry;
        if !(1..=MAX_ATTEMPTS).contains(&r.max_attempts) {
            let n = r.max_attempts;
            let why =
                if n == 0 { "0 attempts would send nothing".to_string() } else { format!("{n} is too many") };
            return Err(Error::param("--attempts", format!("{why}; give 1 to {MAX_ATTEMPTS}")));
        }
        within("--backoff", r.base_delay, Duration::from_millis(1))?;
        within("RetryPolicy::max_delay", r.max_delay, Duration::from_millis(1))?;
        if r.base_delay > r.max_delay {
            let (base, max) = (r.base_delay, r.max_delay);
            return Err(Error::param(
                "--backoff",
                format!("{base:?} is longer than the longest backoff wait (RetryPolicy::max_delay, {max:?})"),
            ));
        }
        if let Some(wait) = r.max_wait {
            within("--max-wait", wait, Duration::ZERO)?;
        }
        within("--timeout", self.timeout, Duration::from_millis(1))?;
        for (flag, url) in [("--api-base", &self.api_base), ("--image-base", &self.image_base)] {
            let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
            if !matches!(scheme.as_deref(), Some("http" | "https")) || url.contains(char::is_whitespace) {
                return Err(Error::param(flag, format!("`{url}` is not an http:// or https:// URL")));
            }
        }
        Ok(())
    }
}

/// `Ok` if `min ≤ value ≤` [`MAX_DURATION`].
fn within(flag: &str, value: Duration, min: Duration) -> Result<()> {
    if value < min || value > MAX_DURATION {
        return Err(Error::param(
            flag,
            format!("{value:?} is outside {min:?} to {} s", MAX_DURATION.as_secs()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag and a way to put its setting out of range.
    type Case = (&'static str, fn(&mut ClientConfig));

    #[test]
    fn each_setting_out_of_range_is_named() {
        let huge = Duration::from_secs(100_000_000);
        let cases: [Case; 11] = [
            ("--attempts", |c| c.retry.max_attempts = 0),
            ("--attempts", |c| c.retry.max_attempts = 1_000_000),
            ("--backoff", |c| c.retry.base_delay = Duration::ZERO),
            ("--backoff", |c| c.retry.base_delay = Duration::from_secs(100_000_000)),
            ("--backoff", |c| c.retry.max_delay = Duration::from_millis(1)),
            ("RetryPolicy::max_delay", |c| c.retry.max_delay = Duration::ZERO),
            ("--max-wait", |c| c.retry.max_wait = Some(Duration::MAX)),
            ("--timeout", |c| c.timeout = Duration::ZERO),
            ("--rate", |c| c.rate.window = Duration::from_secs(99_999_999_999)),
            ("--api-base", |c| c.api_base = "file:///etc/passwd".into()),
            ("--image-base", |c| c.image_base = "image.tmdb.org".into()),
        ];
        for (flag, break_it) in cases {
            let mut config = ClientConfig::default();
            break_it(&mut config);
            let e = config.validate().unwrap_err().to_string();
            assert!(e.starts_with(&format!("invalid {flag}: ")), "{e}");
        }
        let mut config = ClientConfig { timeout: huge, ..ClientConfig::default() };
        assert!(config.validate().is_err());
        config.timeout = Duration::from_secs(1);
        config.retry.max_wait = Some(Duration::ZERO);
        assert!(config.validate().is_ok(), "max_wait 0 (ignore Retry-After) is allowed");
        assert_eq!(ClientConfig::default().retry_after_cap(), Duration::from_secs(10));
    }
}
