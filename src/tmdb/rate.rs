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
//! With a memory file ([`TokenBucket::remembering`], `DIR/cache/rate.json`, see `rate_file.rs`)
//! the tokens of a previous process that were still out come back at the same times in this
//! one, so a run killed and restarted at once does not send a second burst of `n`.
//!
//! Cost: `O(1)` per acquire and release under one mutex; waiting threads sleep on a condvar.
//! With a memory file, `O(n)` bytes written per acquire and release, under the same mutex.
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
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::error::Error;
use crate::tmdb::rate_file::{self, unix_ms_ceil};

/// The longest window a rate limit may have (and the longest wait any setting may ask for).
pub const MAX_WINDOW: Duration = Duration::from_secs(3600);
/// The most requests a rate limit may allow in one window.
pub const MAX_REQUESTS: usize = 10_000;

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
    /// `Ok` if `1 ≤ requests ≤` [`MAX_REQUESTS`] and `0 < window ≤` [`MAX_WINDOW`]; the error
    /// names `--rate`.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |why: String| {
            Error::param("--rate", format!("`{self}` {why} (expected N/DURATION, e.g. 40/10s)"))
        };
        if self.requests == 0 || self.window.is_zero() {
            return Err(bad("allows no request".into()));
        }
        if self.requests > MAX_REQUESTS {
            return Err(bad(format!("allows more than {MAX_REQUESTS} requests per window")));
        }
        if self.window > MAX_WINDOW {
            return Err(bad(format!("has a window longer than {} s", MAX_WINDOW.as_secs())));
        }
        Ok(())
    }

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
        let limit = RateLimit { requests, window };
        limit.validate()?;
        Ok(limit)
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
    /// When each request in flight started (wall clock, Unix ms): one entry per spent token.
    in_flight: Vec<u64>,
    /// When each finished request's token comes back, oldest first, with the wall time by
    /// which the server had seen that request (for the memory file).
    returns: VecDeque<(Instant, u64)>,
    /// Nobody starts a request before this (set by a `Retry-After`).
    hold_until: Option<Instant>,
    /// Whether the memory file has been read (on the first acquire).
    loaded: bool,
    /// The memory file's writer, if the bucket remembers.
    writer: Option<rate_file::Writer>,
}

/// Where a bucket keeps its recent request times between processes.
struct Memory {
    path: PathBuf,
    /// The longest a request can take (the client's timeout, plus slack).
    max_request: Duration,
    warn: Arc<dyn Fn(&str) + Send + Sync>,
    /// Whether a failed write was reported already (once per bucket).
    write_failed: AtomicBool,
}

/// The shared limiter; see the module docs for the guarantee.
pub struct TokenBucket {
    limit: RateLimit,
    state: Mutex<State>,
    changed: Condvar,
    memory: Option<Memory>,
}

/// One spent token; dropping it (when the request is over) schedules its return.
pub struct Permit<'a> {
    bucket: &'a TokenBucket,
    /// Wall-clock start, Unix ms (the key of this request in `in_flight`).
    started: u64,
}

impl TokenBucket {
    /// A bucket for `limit`; a window longer than [`MAX_WINDOW`] is taken as [`MAX_WINDOW`]
    /// and a limit of 0 requests as 1 (use [`RateLimit::validate`] to refuse them instead).
    pub fn new(limit: RateLimit) -> Self {
        let limit = RateLimit { requests: limit.requests.max(1), window: limit.window.min(MAX_WINDOW) };
        let state = State {
            in_flight: Vec::new(),
            returns: VecDeque::new(),
            hold_until: None,
            loaded: false,
            writer: None,
        };
        TokenBucket { limit, state: Mutex::new(state), changed: Condvar::new(), memory: None }
    }

    /// A bucket that remembers its recent requests in the file `path` (`DIR/cache/rate.json`)
    /// and, on its first acquire, takes back those of an earlier process; `max_request` bounds
    /// how long one request can take. Problems with the file go to `warn`; none is fatal.
    pub fn remembering(
        limit: RateLimit,
        path: PathBuf,
        max_request: Duration,
        warn: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> Self {
        let bucket = TokenBucket::new(limit);
        bucket.lock().writer = Some(rate_file::Writer::new(path.clone(), bucket.limit.requests));
        let memory = Memory { path, max_request, warn, write_failed: AtomicBool::new(false) };
        TokenBucket { memory: Some(memory), ..bucket }
    }

    /// Send the memory file's warnings to `warn` instead.
    pub fn on_warning(&mut self, warn: Arc<dyn Fn(&str) + Send + Sync>) {
        if let Some(memory) = &mut self.memory {
            memory.warn = warn;
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Wait for a token; hold the permit for the whole request, response body included.
    pub fn acquire(&self) -> Permit<'_> {
        let mut state = self.lock();
        if !state.loaded {
            state.loaded = true;
            self.recall(&mut state);
        }
        loop {
            let now = Instant::now();
            let held = state.hold_until.filter(|&t| t > now);
            if held.is_none() {
                while state.returns.front().is_some_and(|&(t, _)| t <= now) {
                    state.returns.pop_front();
                }
                if state.in_flight.len() + state.returns.len() < self.limit.requests {
                    let started = unix_ms_ceil(SystemTime::now());
                    state.in_flight.push(started);
                    self.remember(&mut state);
                    return Permit { bucket: self, started };
                }
            }
            // Sleep until the hold ends or the oldest token returns; with every token in
            // flight, until a request finishes (its release notifies).
            let wake = held.or_else(|| state.returns.front().map(|&(t, _)| t));
            state = match wake {
                Some(t) => {
                    let wait = t.saturating_duration_since(now);
                    self.changed.wait_timeout(state, wait).unwrap_or_else(|p| p.into_inner()).0
                }
                None => self.changed.wait(state).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }

    /// Let nobody start a request for `wait` (a server's `Retry-After`, already capped).
    pub fn hold_for(&self, wait: Duration) {
        let now = Instant::now();
        let until = now.checked_add(wait.min(MAX_WINDOW)).unwrap_or(now);
        let mut state = self.lock();
        state.hold_until = Some(state.hold_until.map_or(until, |t| t.max(until)));
    }

    /// Take back the tokens an earlier process left out (first acquire, under the lock).
    fn recall(&self, state: &mut State) {
        let Some(memory) = &self.memory else { return };
        let (now, now_ms) = (Instant::now(), unix_ms_ceil(SystemTime::now()));
        let (times, warning) = rate_file::load(&memory.path, now_ms, self.limit.window, self.limit.requests);
        if let Some(w) = warning {
            (memory.warn)(&w);
        }
        // Each t ≤ now_ms and t + window ≥ now_ms, so the offset from the (rounded down) now
        // lies in [0, window + 1 ms].
        let since_epoch = Duration::from_millis(now_ms.saturating_sub(1));
        let back = |t: u64| now + (Duration::from_millis(t) + self.limit.window).saturating_sub(since_epoch);
        let mut recalled: VecDeque<(Instant, u64)> = times.into_iter().map(|t| (back(t), t)).collect();
        recalled.extend(state.returns.drain(..));
        state.returns = recalled;
    }

    /// Write every request the server may still count to the memory file (under the lock).
    fn remember(&self, state: &mut State) {
        let (Some(memory), Some(writer)) = (&self.memory, &mut state.writer) else { return };
        let longest = u64::try_from(memory.max_request.as_millis()).unwrap_or(u64::MAX);
        let flying = state.in_flight.iter().map(|&t| t.saturating_add(longest));
        let times = state.returns.iter().map(|&(_, t)| t).chain(flying);
        if let Err(e) = writer.save(times)
            && !memory.write_failed.swap(true, Ordering::Relaxed)
        {
            let path = memory.path.display();
            (memory.warn)(&format!(
                "{path}: cannot record request times ({e}); a run restarted within {} s may \
                 exceed the rate limit",
                self.limit.window.as_secs_f64()
            ));
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the counters half-updated (each update is one
        // statement), so a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let bucket = self.bucket;
        let mut state = bucket.lock();
        if let Some(i) = state.in_flight.iter().position(|&t| t == self.started) {
            state.in_flight.swap_remove(i);
        }
        let now = Instant::now();
        // The window is at most MAX_WINDOW (see `new`), so this cannot overflow in practice;
        // if it did, the token would come back at once rather than panic.
        let back = now.checked_add(bucket.limit.window).unwrap_or(now);
        state.returns.push_back((back, unix_ms_ceil(SystemTime::now())));
        bucket.remember(&mut state);
        drop(state);
        bucket.changed.notify_all();
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
        assert_eq!("1/60m".parse::<RateLimit>().unwrap().window, MAX_WINDOW);
        for bad in
            ["40", "x/10s", "0/1s", "4/0s", "4/10parsecs", "1/99999999999s", "1/61m", "10001/1s", "1/1e400s"]
        {
            let e = bad.parse::<RateLimit>().unwrap_err().to_string();
            assert!(e.starts_with("invalid --rate:"), "{bad}: {e}");
        }
        let absurd = TokenBucket::new(RateLimit { requests: 0, window: Duration::MAX });
        assert_eq!(absurd.limit(), RateLimit { requests: 1, window: MAX_WINDOW });
        drop(absurd.acquire());
    }

    #[test]
    fn a_remembering_bucket_takes_back_the_tokens_of_an_earlier_one() {
        let dir = std::env::temp_dir().join(format!("cinegenre-rate-memory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rate.json");
        let limit = RateLimit { requests: 3, window: Duration::from_millis(300) };
        let quiet: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|w| panic!("unexpected warning: {w}"));
        let first =
            TokenBucket::remembering(limit, path.clone(), Duration::from_secs(60), Arc::clone(&quiet));
        let (a, b, c) = (first.acquire(), first.acquire(), first.acquire());
        drop((a, b));
        // The third request is "in flight" when its process dies: no release, no end time.
        std::mem::forget(c);
        let start = Instant::now();
        let second = TokenBucket::remembering(limit, path.clone(), Duration::from_secs(60), quiet);
        drop(second.acquire());
        let waited = start.elapsed();
        assert!(
            waited >= limit.window - Duration::from_millis(2),
            "the second bucket waited only {waited:?}"
        );
        assert!(waited < limit.window * 3, "the in-flight request was held for {waited:?}");
        std::fs::remove_dir_all(&dir).unwrap();
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
