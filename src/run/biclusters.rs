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
