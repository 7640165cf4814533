//! A token bucket that never lets more than `n` requests be seen in any window of `w` seconds,
//! shared by every thread of a run.
//!
//! ```text
//! tokens: n                  acquire: take a token, or wait until one comes back
//! a token comes back         exactly w after the request that spent it has finished
//! Retry-After: s             nobody acquires until now + s (the server asked everyone to wait)
//! ```
//!
//! Why "after it has finished": the server counts a request when it arrives, some time between
//! the client's send and the end of the response. If request `i` spent a token that came back
//! at `end(i) + w`, request `j` that reuses it arrives after `end(i) + w ≥ arrive(i) + w`, so
//! any window of length `w` at the server holds at most `n` requests, whatever the network
//! delays. A classic refilling bucket (`n/w` tokens per second, burst `n`) can let `2n` requests
//! through one window; this one cannot. The price: throughput is `n / (w + latency)` instead
//! of `n / w`, a few percent at TMDB's latencies.
//!
//! Cost: `O(1)` per acquire and release under one mutex; waiting threads sleep on a condvar.
//!
//! ```
//! use cinegenre::tmdb::{RateLimit, TokenBucket};
//! let limit: RateLimit = "2/50ms".parse().unwrap();
//! let bucket = TokenBucket::new(limit);
//! let start = std::time::Instant::now();
//! for _ in 0..3 {
//!     drop(bucket.acquire());
//! }
//! assert!(start.elapsed() >= std::time::Duration::from_millis(50));
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::Error;

/// At most `requests` in any window of `window`: TMDB's documented limit was 40 per 10 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub requests: usize,
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit { requests: 40, window: Duration::from_secs(10) }
    }
}

impl RateLimit {
    /// The long-run ceiling in requests per second.
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.requests, self.window.as_secs_f64())
    }
}

/// `N/DURATION` with a duration such as `10s`, `0.5s`, `500ms` or `1m`.
impl FromStr for RateLimit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad =
            |why: &str| Error::param("--rate", format!("`{s}` {why} (expected N/DURATION, e.g. 40/10s)"));
        let (n, window) = s.split_once('/').ok_or_else(|| bad("has no `/`"))?;
        let requests: usize = n.trim().parse().map_err(|_| bad("does not start with a whole number"))?;
        let window = parse_duration(window.trim()).ok_or_else(|| bad("has no valid duration"))?;
        if requests == 0 || window.is_zero() {
            return Err(bad("allows no request"));
        }
        Ok(RateLimit { requests, window })
    }
}

/// `10s`, `0.5s`, `500ms`, `1m`, or a bare number of seconds; `None` if it is none of these.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let (number, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let value: f64 = number.trim().parse().ok()?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" | "min" => value * 60.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

struct State {
    /// Tokens spent by requests still in flight.
    in_flight: usize,
    /// When each finished request's token comes back, oldest first.
    returns: VecDeque<Instant>,
    /// Nobody starts a request before this (set by a `Retry-After`).
    hold_until: Option<Instant>,
}

/// The shared limiter; see the module docs for the guarantee.
pub struct TokenBucket {
    limit: RateLimit,
    state: Mutex<State>,
    changed: Condvar,
}

/// One spent token; dropping it (when the request is over) schedules its return.
pub struct Permit<'a> {
    bucket: &'a TokenBucket,
}

impl TokenBucket {
    pub fn new(limit: RateLimit) -> Self {
        let state = State { in_flight: 0, returns: VecDeque::new(), hold_until: None };
        TokenBucket { limit, state: Mutex::new(state), changed: Condvar::new() }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Wait for a token; hold the permit for the whole request, response body included.
    pub fn acquire(&self) -> Permit<'_> {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            let held = state.hold_until.filter(|&t| t > now);
            if held.is_none() {
                while state.returns.front().is_some_and(|&t| t <= now) {
                    state.returns.pop_front();
                }
                if state.in_flight + state.returns.len() < self.limit.requests {
                    state.in_flight += 1;
                    return Permit { bucket: self };
                }
            }
            // Sleep until the hold ends or the oldest token returns; with every token in
            // flight, until a request finishes (its release notifies).
            let wake = held.or_else(|| state.returns.front().copied());
            state = match wake {
                Some(t) => self.changed.wait_timeout(state, t.saturating_duration_since(now)).unwrap().0,
                None => self.changed.wait(state).unwrap(),
            };
        }
    }

    /// Let nobody start a request for `wait` (a server's `Retry-After`).
    pub fn hold_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.lock();
        state.hold_until = Some(state.hold_until.map_or(until, |t| t.max(until)));
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the counters half-updated (each update is one
        // statement), so a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.bucket.lock();
        state.in_flight -= 1;
        state.returns.push_back(Instant::now() + self.bucket.limit.window);
        drop(state);
        self.bucket.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn parses_rates() {
        let r: RateLimit = "40/10s".parse().unwrap();
        assert_eq!(r, RateLimit::default());
        assert_eq!("40/500ms".parse::<RateLimit>().unwrap().window, Duration::from_millis(500));
        assert_eq!("4/0.25".parse::<RateLimit>().unwrap().window, Duration::from_millis(250));
        for bad in ["40", "x/10s", "0/1s", "4/0s", "4/10parsecs"] {
            let e = bad.parse::<RateLimit>().unwrap_err().to_string();
            assert!(e.starts_with("invalid --rate:"), "{e}");
        }
    }

    #[test]
    fn no_window_holds_more_than_the_limit_across_threads() {
        let limit = RateLimit { requests: 5, window: Duration::from_millis(40) };
        let bucket = Arc::new(TokenBucket::new(limit));
        let starts = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        let _permit = bucket.acquire();
                        starts.lock().unwrap().push(Instant::now());
                    }
                });
            }
        });
        let mut t = starts.lock().unwrap().clone();
        t.sort();
        for (i, &a) in t.iter().enumerate() {
            let in_window = t[i..].iter().take_while(|&&b| b - a < limit.window).count();
            assert!(in_window <= limit.requests, "{in_window} starts within one window");
        }
    }

    #[test]
    fn a_hold_delays_everyone() {
        let bucket = TokenBucket::new(RateLimit { requests: 10, window: Duration::from_millis(1) });
        bucket.hold_for(Duration::from_millis(30));
        let start = Instant::now();
        drop(bucket.acquire());
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
