//! The HTML report of `cinegenre run`: `DIR/report.html`, one self-contained page a person
//! reads instead of the terminal — and can mail: nothing it shows sits beside it.
//!
//! ```text
//! Data and weights        source, preparation, splits, features, what each model used
//! Dataset summary         movies per genre (bar chart)
//! Genre co-occurrence     the heatmaps before/after biclustering (inline SVG); this run's
//!                         biclusters and the tutorial's grouping as two lists, their ARI
//! Models vs baseline      mean per-movie P/R/F1 of every model on its own test movies, beside
//!                         the most-frequent-genres baseline and the tutorial's printed figures
//! Per-genre scores        per model: precision/recall/F1, the baseline's F1, support (and the
//!                         columns the model's trace adds, e.g. the C chosen per genre) + bar chart
//! How each model learned  per model: its training curves as line charts (SMO objective and
//!                         KKT violation, loss and accuracy per epoch, …), notes, details
//! Sample predictions      test movies across genres: poster thumbnail (a data: URI), true
//!                         genres, every model's genres
//! Timings and devices     seconds per stage, SIMD level, threads, GPU adapter, backend per stage
//! ```
//!
//! Inline CSS, inline SVG charts ([`chart`]) and images as `data:` URIs, no JavaScript: it
//! opens from disk or a mail attachment in any browser and prints well. Every string from data
//! is escaped ([`html::escape`]). The models are whatever [`RunResults::models`] holds, so a
//! model added to the registry (`crate::run::models`) appears without a change here.
//!
//! Reference: the tutorial shows these figures as notebook output (matplotlib/seaborn heatmaps,
//! printed `classification_report`s); this page gathers the same numbers. Cost: linear in
//! models × genres + samples; a few tens of kilobytes.
//!
//! ```
//! let report = cinegenre::report::demo_report();
//! let html = cinegenre::report::render(&report);
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<h2>Per-genre scores</h2>"));
//! ```

pub mod chart;
pub mod html;
mod learning;
pub mod lines;
mod sections;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

pub use sections::HEADINGS;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::layout::{self, RunLayout};
use crate::results::{Environment, RunResults, Sample};

/// The page for `report`.
pub fn render(report: &RunResults) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>cinegenre run report</title>\n<style>",
    );
    s.push_str(html::STYLE);
    s.push_str("</style>\n</head>\n<body>\n<h1>cinegenre run report</h1>\n");
    let _ = writeln!(
        s,
        "<p>Movie-genre classification after Harvard CS209's tutorial: {} models on {} movies, \
         each tested on its own held-out movies ({}).</p>",
        report.models.len(),
        report.data.movies,
        report
            .models
            .iter()
            .map(|m| format!("{}: {}", m.key.replace('_', " "), m.test_rows))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str("<nav>");
    for (id, title) in HEADINGS {
        let _ = write!(s, "<a href=\"#{id}\">{}</a>", html::escape(title));
    }
    s.push_str("</nav>\n");
    s.push_str(&sections::inputs(report));
    s.push_str(&sections::dataset(report));
    s.push_str(&sections::cooccurrence(report));
    s.push_str(&sections::comparison(report));
    s.push_str(&sections::models(report));
    s.push_str(&learning::learning(report));
    s.push_str(&sections::samples(report));
    s.push_str(&sections::timings(report));
    s.push_str("</body>\n</html>\n");
    s
}

/// Write the run folder's `report.html` atomically and return its path.
pub fn write(report: &RunResults, layout: &RunLayout) -> Result<PathBuf> {
    let path = layout.path(layout::REPORT);
    let page = render(report);
    write_atomic(&path, |w| w.write_all(page.as_bytes()).map_err(|e| Error::io(&path, e)))?;
    Ok(path)
}

/// A made-up trace of the demo's first model: one chart, a note, a detail, a per-genre column.
fn demo_traces() -> crate::results::Keyed<crate::results::Trace> {
    use crate::results::{Chart, Curve, Keyed, Trace};
    let mut trace = Trace::default();
    trace.details.push("chosen_c", serde_json::json!({"Drama": 0.1, "Comedy": 1.0}));
    trace.charts.push(Chart {
        title: "Loss per epoch".into(),
        x: "epoch".into(),
        y: "loss".into(),
        log_y: false,
        curves: vec![
            Curve::counted("training", [0.69, 0.52, 0.41]),
            Curve::counted("test <watched>", [0.70, 0.58, 0.55]),
        ],
    });
    trace.notes.push("The loss falls <fast>.".into());
    trace.per_genre.push(("C".into(), vec!["0.1".into(), "1".into(), "-".into()]));
    Keyed(vec![("one".into(), trace)])
}

/// A small made-up run (3 genres, 2 models, hostile strings) for tests, docs and browsers.
pub fn demo_report() -> RunResults {
    use crate::metrics::{Baseline, Evaluation};
    use crate::results::{DataSummary, FeatureSummary, ModelResult, Timings};
    let genres: Vec<String> = ["Drama", "Comedy", "<Sci-Fi & \"Fantasy\">"].map(String::from).to_vec();
    let truth = [1u8, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1];
    let guess = [[1u8, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]];
    let names = ["model one", "model two <script>alert(1)</script>"];
    let models = names
        .iter()
        .zip(["one", "two"])
        .zip(guess)
        .map(|((name, key), pred)| ModelResult {
            key: key.to_string(),
            name: name.to_string(),
            features: "counts".into(),
            train_rows: 4,
            test_rows: 4,
            evaluation: Evaluation::new(&truth, &pred, &genres, 2).expect("valid demo labels"),
            baseline: Baseline::most_frequent(&truth, &truth, &genres, 1).expect("valid demo labels"),
            tutorial_mean_precision: 0.49,
            tutorial_mean_recall: 0.55,
            caveat: None,
        })
        .collect();
    let prepare =
        crate::dataset::PrepareReport { read: 5, duplicates: 1, empty_overview: 0, no_genre: 0, kept: 4 };
    RunResults {
        cinegenre_version: env!("CARGO_PKG_VERSION"),
        data: DataSummary {
            source: "demo <data>".into(),
            prepare,
            movies: 4,
            genres: genres.clone(),
            genre_counts: vec![3, 2, 1],
        },
        seed: 42,
        train_rows: 0,
        test_rows: 4,
        features: FeatureSummary {
            min_df: "1".into(),
            max_df: "1.0".into(),
            n_features: 9,
            count_nnz: 20,
            tfidf_nnz: 20,
        },
        models,
        timings: Timings {
            stages: vec![("load".into(), 0.12), ("one".into(), 0.5)],
            environment: Environment {
                simd: "avx2".into(),
                threads: 2,
                platform: "linux x86_64".into(),
                ..Environment::default()
            },
        },
        outputs: Vec::new(),
        out_dir: PathBuf::from("out"),
        biclusters: None,
        warnings: vec!["label <Sci-Fi> predicts a constant".into()],
        details: Default::default(),
        traces: demo_traces(),
        notes: vec![("Word vectors".into(), "own skip-gram <demo>".into())],
        samples: vec![Sample {
            title: "Tom & Jerry <3".into(),
            true_genres: vec![genres[0].clone()],
            predicted: vec![(names[0].into(), vec![genres[0].clone(), genres[2].clone()])],
            poster: None,
        }],
        inputs: vec![("VGG16 weights".into(), "random (seed 0) <none>".into())],
    }
}

#[cfg(test)]
mod tests;
