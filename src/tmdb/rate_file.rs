//! The rate limiter's memory across processes: `DIR/cache/rate.json`, the wall-clock times of
//! the last requests, so that a run killed and restarted at once still keeps the limit.
//!
//! ```text
//! {"format": 1, "arrived_by_unix_ms": [t₁, …, tₖ]}      k ≤ n (the limit's request count)
//! tᵢ = the latest moment the server can have counted request i:
//!      its end (finished), or its start + the longest request (in flight)
//! on load at wall time T:   tᵢ ← min(tᵢ, T)            (the writer is gone: nothing of it
//!                                                         arrives after T)
//!                           keep tᵢ + w ≥ T, the newest n; each is a token back at tᵢ + w
//! ```
//!
//! Rewritten by the [`super::TokenBucket`] whenever a request starts (before it is sent) or
//! ends, under its lock, so the file always names every request the server may still count.
//! Up to 190 times (n ≤ 190; TMDB's 40) the file is one page rewritten in place by a single
//! `pwrite`, which a kill cannot tear ([`Writer`]); beyond, a temp file and a rename.
//! No `fsync`: the file matters for one window (10 s), a killed process's writes stay in the
//! page cache, and a machine that lost power takes longer than a window to come back.
//! A file that is unreadable, too large, not this format, or dated in the future is ignored
//! or clamped with a warning; the worst a bad file can cause is one window of waiting.
//! Cost: one write of `O(n)` bytes per request start and end (n = 40: 876 bytes, a few µs).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The file name under the cache folder.
pub const RATE_FILE: &str = "rate.json";
/// Larger files are not read: n ≤ 10,000 times of ≤ 20 digits fit in 256 KiB.
const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Times further ahead than this are reported as future-dated (a clock set back, or a
/// corrupt file) before they are clamped.
const FUTURE_SLACK: Duration = Duration::from_secs(3600);

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    arrived_by_unix_ms: Vec<u64>,
}

/// Milliseconds since the Unix epoch plus one (never earlier than `t`, so a recorded end is
/// never early); 0 for a clock before 1970.
pub(crate) fn unix_ms_ceil(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis().min(u64::MAX as u128 - 1) as u64 + 1)
}

/// The times of requests a previous process may still have counted at the server, read from
/// `path` at wall time `now_ms`: clamped to `now_ms`, only those whose token may still be out
/// (`t + window ≥ now_ms`), oldest first, the newest `keep`. The string, if any, is a warning.
pub(crate) fn load(path: &Path, now_ms: u64, window: Duration, keep: usize) -> (Vec<u64>, Option<String>) {
    let name = path.display();
    let ignored =
        |why: String| (Vec::new(), Some(format!("{name}: {why}; ignored (the rate limit starts afresh)")));
    // A link, FIFO or device in its place is ignored unopened (a FIFO would block).
    let bytes = match crate::io::state::read_state(path, MAX_FILE_BYTES) {
        Ok(None) => return (Vec::new(), None),
        Ok(Some(bytes)) => bytes,
        Err(e) => return ignored(format!("unreadable ({e})")),
    };
    let stored: Stored = match serde_json::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => return ignored(format!("not a rate file ({e})")),
    };
    if stored.format != 1 {
        return ignored(format!("format {} (expected 1)", stored.format));
    }
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
    let slack = FUTURE_SLACK.as_millis() as u64;
    let future = stored.arrived_by_unix_ms.iter().filter(|&&t| t > now_ms.saturating_add(slack)).count();
    let mut times: Vec<u64> = stored
        .arrived_by_unix_ms
        .into_iter()
        .map(|t| t.min(now_ms))
        .filter(|&t| t.saturating_add(window_ms) >= now_ms)
        .collect();
    times.sort_unstable();
    let excess = times.len().saturating_sub(keep);
    times.drain(..excess);
    let warning = (future > 0).then(|| {
        format!(
            "{name}: {future} request times lie in the future (clock set back, or a damaged file); \
             counted as now"
        )
    });
    (times, warning)
}

/// Writes the file: in place while it fits in one page, else through a temp file and rename.
///
/// In place: the file is opened once, set to a fixed length (room for `capacity` times,
/// padded with spaces), and every save is one `pwrite` of that length at offset 0. Linux
/// copies a write into the page cache page by page and checks for a fatal signal only between
/// pages, so a one-page write is done whole or not at all when the process is killed, and
/// there is no rename for ext4 to flush (a rename over a file costs milliseconds there).
pub(crate) struct Writer {
    path: PathBuf,
    /// The fixed file length: room for `capacity` times.
    len: usize,
    /// Open for writing in place (one-page files only).
    file: Option<std::fs::File>,
}

/// One page: the largest write a kill cannot tear.
const PAGE: usize = 4096;
/// `{"format":1,"arrived_by_unix_ms":[` … `]}` and a newline.
const FRAME: usize = 36;
/// A time (at most 20 digits) and its comma.
const PER_TIME: usize = 21;

impl Writer {
    /// A writer for `path` holding at most `capacity` times.
    pub(crate) fn new(path: PathBuf, capacity: usize) -> Self {
        Writer { path, len: FRAME + PER_TIME * capacity.max(1), file: None }
    }

    /// Replace the file's times with `times`.
    pub(crate) fn save(&mut self, times: impl Iterator<Item = u64>) -> std::io::Result<()> {
        let stored = Stored { format: 1, arrived_by_unix_ms: times.collect() };
        let mut bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        if self.len > PAGE || bytes.len() >= self.len {
            bytes.push(b'\n');
            return replace(&self.path, &bytes);
        }
        bytes.resize(self.len - 1, b' ');
        bytes.push(b'\n');
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                // A link, FIFO or device at the name is replaced by a rename, never written through.
                let file = match crate::io::state::open_state_for_write(&self.path) {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                        crate::io::state::write_state(&self.path, &bytes)?;
                        crate::io::state::open_state_for_write(&self.path)?
                    }
                    Err(e) => return Err(e),
                };
                file.set_len(self.len as u64)?;
                self.file.insert(file)
            }
        };
        std::os::unix::fs::FileExt::write_all_at(file, &bytes, 0)
    }
}

/// Replace `path` with `bytes`: temp sibling `.rate.json.tmp-PID`, then rename.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::io::state::write_state(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Duration = Duration::from_secs(10);

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cinegenre-ratefile-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(RATE_FILE);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn round_trips_and_keeps_the_newest_live_times() {
        let path = file("roundtrip", &"x".repeat(5000));
        let mut writer = Writer::new(path.clone(), 5);
        writer.save([7, 8, 9, 10, 11].into_iter()).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            (FRAME + 5 * PER_TIME) as u64,
            "one fixed length"
        );
        // A full file of the largest times fits the fixed length.
        writer.save([u64::MAX; 5].into_iter()).unwrap();
        assert_eq!(load(&path, u64::MAX, W, 5).0, vec![u64::MAX; 5]);
        writer.save([1_000, 89_000, 99_000, 98_000, 200_000].into_iter()).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), (FRAME + 5 * PER_TIME) as u64);
        // At 100 s with a 10 s window: 1 s and 89 s are expired, 200 s (future) counts as now.
        let (times, warning) = load(&path, 100_000, W, 3);
        assert_eq!(times, vec![98_000, 99_000, 100_000]);
        assert!(warning.is_none(), "200 s is within the slack: {warning:?}");
        // More times than one page holds: a temp file and a rename, read back the same.
        let mut big = Writer::new(path.clone(), 1000);
        big.save(90_000..91_000).unwrap();
        assert_eq!(load(&path, 100_000, W, 1000).0, (90_000..91_000).collect::<Vec<_>>());
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn bad_files_are_ignored_or_clamped_with_a_warning() {
        for (name, text, expect) in [
            ("garbage", "{\"format\": 1, \"arrived_by_", "not a rate file"),
            ("types", "{\"format\": 1, \"arrived_by_unix_ms\": [-1, 2.5]}", "not a rate file"),
            ("version", "{\"format\": 7, \"arrived_by_unix_ms\": []}", "format 7"),
        ] {
            let path = file(name, text);
            let (times, warning) = load(&path, 100_000, W, 40);
            assert!(
                times.is_empty() && warning.as_deref().is_some_and(|w| w.contains(expect)),
                "{warning:?}"
            );
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
        let path = file("future", &format!("{{\"format\": 1, \"arrived_by_unix_ms\": [{}]}}", u64::MAX));
        let (times, warning) = load(&path, 100_000, W, 40);
        assert_eq!(times, vec![100_000], "a far-future time counts as now, not as forever");
        assert!(warning.unwrap().contains("in the future"));
        let big = format!("{{\"format\": 1, \"arrived_by_unix_ms\": [{}0]}}", "0, ".repeat(100_000));
        std::fs::write(&path, big).unwrap();
        assert!(load(&path, 100_000, W, 40).1.unwrap().contains("larger than"));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        assert_eq!(load(Path::new("/nonexistent/rate.json"), 0, W, 40), (Vec::new(), None));
    }
}
