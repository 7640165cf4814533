//! The `biclusters` stage of `run` (tutorial section 4): genre co-occurrence over the tutorial's
//! top-1000 popular movies (the bundled data; else the run's own movies), spectral
//! co-clustering into 5 biclusters, the two heatmaps (crate::cluster::genre_biclusters).

use std::path::PathBuf;

use crate::cluster::GenreBiclusters;
use crate::dataset;
use crate::error::Result;
use crate::layout;
use crate::progress::Stages;

use super::config::DataChoice;
use super::data::RunData;

/// Co-cluster the genres and write the heatmaps.
pub fn stage(run: &RunData, stages: &mut Stages) -> Result<(GenreBiclusters, Vec<PathBuf>)> {
    stages.start("biclusters", "Co-clustering genres by co-occurrence");
    let top_movies = match &run.config.data {
        DataChoice::Bundled(_) => dataset::load_bundled_file(crate::cluster::TOP_MOVIES_FILE)?,
        DataChoice::Files(_) => run.movies.clone(),
    };
    let heatmaps = vec![run.layout.path(layout::HEATMAP_PNG), run.layout.path(layout::HEATMAP_SVG)];
    let biclusters = crate::cluster::genre_biclusters(&top_movies, run.config.seed, &heatmaps)?;
    stages.done(&format!(
        "{} biclusters of {} genres; adjusted Rand index against the tutorial's grouping {:.3}",
        biclusters.n_clusters,
        biclusters.genres.len(),
        biclusters.tutorial_agreement
    ));
    Ok((biclusters, heatmaps))
}

/// The co-clustering's k-means step, for the report's "How each model learned".
pub fn trace(b: &GenreBiclusters) -> crate::results::Trace {
    use crate::results::{Chart, Curve, Trace};
    let mut trace = Trace::default();
    trace.details.push("kmeans_iterations", serde_json::Value::from(b.kmeans_inertia.len()));
    trace.charts.push(Chart {
        title: "Co-clustering: k-means inertia per iteration".into(),
        x: "iteration".into(),
        y: "inertia Σ‖z − c‖²".into(),
        log_y: false,
        curves: vec![Curve::counted("best of the restarts", b.kmeans_inertia.iter().copied())],
    });
    trace.notes.push(format!(
        "k-means on the genres (as rows and as columns) placed by the singular vectors: each iteration assigns each to \
         its nearest centre and moves the centres to their means, and neither step raises the \
         inertia; it stopped after {} iterations.",
        b.kmeans_inertia.len()
    ));
    trace
}
