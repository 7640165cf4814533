//! The `write` stage of `run`: the files every model shares and the results.
//!
//! ```text
//! genres.json       the label columns (genre id → name)
//! vocabulary.json   the count vectorizer's terms (naive Bayes and the SVM read new overviews with it)
//! metrics.json      crate::results::RunResults: the same bytes for the same seed on one machine
//! timings.json      seconds per stage and the backend of each (changes from run to run)
//! report.html       crate::report: one self-contained page
//! ```

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::layout;
use crate::progress::Stages;
use crate::results::RunResults;

use super::data::RunData;

/// Write the shared files and `metrics.json`.
pub fn outputs(run: &RunData, results: &mut RunResults) -> Result<()> {
    let path = |name: &str| run.layout.path(name);
    run.vocabulary.write_json(&path(layout::VOCABULARY))?;
    run.genre_map.subset(run.labels.genre_ids()).write_json(&path(layout::GENRES))?;
    results.outputs.extend(
        [layout::GENRES, layout::VOCABULARY, layout::METRICS, layout::TIMINGS, layout::REPORT].map(path),
    );
    let dir = run.layout.dir();
    for p in &mut results.outputs {
        *p = p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
    }
    results.outputs.sort();
    results.out_dir = dir.to_path_buf();
    write_json(&path(layout::METRICS), results)
}

/// Record the stages' seconds, write `timings.json` and the report.
pub fn timings(run: &RunData, results: &mut RunResults, stages: &Stages) -> Result<()> {
    results.timings.stages = stages.timings().iter().map(|(k, d)| (k.clone(), secs(*d))).collect();
    write_json(&run.layout.path(layout::TIMINGS), &results.timings)?;
    crate::report::write(results, &run.layout)?;
    Ok(())
}

/// Seconds rounded to 0.1 ms.
fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 1e4
}

/// `value` as pretty JSON (keys in declaration order, maps sorted) with a final newline.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(|e| Error::io(path, e.into()))?;
        w.write_all(b"\n").map_err(|e| Error::io(path, e))
    })
}
