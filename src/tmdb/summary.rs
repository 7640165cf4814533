//! What a fetch did, for people (`Display`) and for scripts (`DIR/summary.json`).
//!
//! Every discover result is accounted for: `prepare.read = duplicates + empty_overview +
//! no_poster_path + bad_poster_path + over_max_movies + posters_failed + movies_written` (with
//! posters), and every request given up on, or refused before it was sent, is one entry of
//! `failures`.

use std::fmt;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::dataset::PrepareReport;
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::tmdb::client::ClientStats;

/// One item given up on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FailureRecord {
    /// The request (`discover/movie?…`) or `movie ID (poster …)`; never with credentials.
    pub what: String,
    pub reason: String,
    pub attempts: u32,
}

/// Counts of a fetch.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchSummary {
    /// Genre names crawled.
    pub genres: Vec<String>,
    pub pages_planned: usize,
    pub pages_failed: usize,
    /// De-duplication and empty-overview counts over all discover results.
    pub prepare: PrepareReport,
    /// Movies dropped for having no poster (only when posters are fetched).
    pub no_poster_path: usize,
    /// Movies dropped because their `poster_path` is not a plain file name (each also listed
    /// in `failures`; only when posters are fetched).
    pub bad_poster_path: usize,
    /// Movies beyond `--max-movies`.
    pub over_max_movies: usize,
    pub posters_ok: usize,
    pub posters_failed: usize,
    /// Lines of `movies.jsonl`.
    pub movies_written: usize,
    pub client: ClientStats,
    pub failures: Vec<FailureRecord>,
}

pub(crate) fn write_summary(path: &Path, summary: &FetchSummary) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, summary).map_err(|e| Error::io(path, e.into()))?;
        w.write_all(b"\n").map_err(|e| Error::io(path, e))
    })
}

impl fmt::Display for FetchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.client;
        writeln!(f, "genres: {} ({})", self.genres.len(), self.genres.join(", "))?;
        writeln!(f, "discover pages: {} planned, {} failed", self.pages_planned, self.pages_failed)?;
        writeln!(f, "results: {}", self.prepare)?;
        writeln!(
            f,
            "dropped: {} without a poster, {} with a refused poster_path, {} over --max-movies; \
             posters: {} ok, {} failed",
            self.no_poster_path,
            self.bad_poster_path,
            self.over_max_movies,
            self.posters_ok,
            self.posters_failed
        )?;
        let faults: Vec<String> = c.faults.iter().map(|(k, n)| format!("{k}×{n}")).collect();
        writeln!(
            f,
            "requests: {} sent, {} answered from the cache, {} retried, {} failed; {} faults survived: {}",
            c.sent,
            c.from_cache,
            c.retries,
            c.failed,
            c.survived,
            if faults.is_empty() { "none".into() } else { faults.join(" ") }
        )?;
        if c.corrupt_cache > 0 {
            writeln!(f, "corrupted cache files set aside and fetched again: {}", c.corrupt_cache)?;
        }
        for failure in self.failures.iter().take(10) {
            writeln!(f, "  failed: {}: {} ({} attempts)", failure.what, failure.reason, failure.attempts)?;
        }
        if self.failures.len() > 10 {
            writeln!(f, "  … and {} more (see summary.json)", self.failures.len() - 10)?;
        }
        write!(f, "movies written: {}", self.movies_written)
    }
}
