//! The tutorial's section-4 analysis as one step of `cinegenre run`: co-occurrence of genres
//! over the top-1000 popular movies, spectral co-clustering into 5 biclusters, the two heatmaps,
//! and the tutorial's own suggested grouping for comparison.

use std::path::PathBuf;

use serde::Serialize;

use crate::cluster::heatmap::{HeatmapSpec, figure, to_svg, write_heatmap};
use crate::cluster::{CoclusterParams, Input, adjusted_rand_index, cocluster, cooccurrence};
use crate::dataset::{GenreMap, Movie};
use crate::error::Result;

/// Biclusters the tutorial asked for (`SpectralCoclustering(n_clusters=5)`).
pub const TUTORIAL_CLUSTERS: usize = 5;

/// The grouping the tutorial suggested after looking at its biclusters ("Drama, Action,
/// ScienceFiction, exciting(thriller, crime, mystery), uplifting(adventure, fantasy, animation,
/// comedy, romance, family), Horror, History").
pub const TUTORIAL_GROUPING: &[(&str, &[&str])] = &[
    ("Drama", &["Drama"]),
    ("Action", &["Action"]),
    ("Science Fiction", &["Science Fiction"]),
    ("exciting", &["Thriller", "Crime", "Mystery"]),
    ("uplifting", &["Adventure", "Fantasy", "Animation", "Comedy", "Romance", "Family"]),
    ("Horror", &["Horror"]),
    ("History", &["History"]),
];

/// What `run` reports about the genre biclusters.
#[derive(Debug, Clone, Serialize)]
pub struct GenreBiclusters {
    pub movies: usize,
    pub genres: Vec<String>,
    pub n_clusters: usize,
    pub seed: u32,
    /// Genre names of each bicluster (rows; on this symmetric matrix the columns agree).
    pub groups: Vec<Vec<String>>,
    /// Adjusted Rand index between the row and the column partition (1.0: they agree; on this
    /// symmetric matrix they should).
    pub row_column_agreement: f64,
    pub tutorial_grouping: Vec<(String, Vec<String>)>,
    /// Adjusted Rand index between this run's biclusters and the tutorial's grouping, over the
    /// genres both place (1.0: the same partition; about 0: no more alike than chance).
    pub tutorial_agreement: f64,
    /// Genres placed by both partitions (what `tutorial_agreement` compares).
    pub compared_genres: usize,
    /// Where the heatmaps were written (the run lists them among its outputs).
    #[serde(skip)]
    pub heatmaps: Vec<PathBuf>,
    /// The heatmap as SVG markup, for pages that inline it.
    #[serde(skip)]
    pub svg: String,
    /// The k-means step's inertia per iteration (`metrics.json` keeps it under `traces`).
    #[serde(skip)]
    pub kmeans_inertia: Vec<f64>,
}

/// Co-occurrence of `movies`' genres → biclusters → the heatmaps written to `heatmaps` (`.png`
/// or `.svg` each).
pub fn genre_biclusters(movies: &[Movie], seed: u32, heatmaps: &[PathBuf]) -> Result<GenreBiclusters> {
    let c = cooccurrence(movies, None);
    let names = GenreMap::tmdb_2017();
    let genres: Vec<String> = c
        .ids
        .iter()
        .map(|&id| names.name(id).map_or_else(|| format!("genre {id}"), str::to_string))
        .collect();
    let k = TUTORIAL_CLUSTERS.min(genres.len());
    let fit = cocluster(Input::Dense(&c.counts), &CoclusterParams::new(k, seed))?;
    let groups: Vec<Vec<String>> = (0..k)
        .map(|b| {
            fit.row_order()
                .into_iter()
                .filter(|&i| fit.row_labels[i] == b)
                .map(|i| genres[i].clone())
                .collect()
        })
        .collect();
    let title = format!("Genre co-occurrence in {} popular movies, {k} biclusters", movies.len());
    let spec = HeatmapSpec { title: &title, row_names: Some(&genres), column_names: Some(&genres) };
    for path in heatmaps {
        write_heatmap(path, Input::Dense(&c.counts), &fit, &spec)?;
    }
    let svg = to_svg(&figure(Input::Dense(&c.counts), &fit, &spec)?);
    let (tutorial_agreement, compared_genres) = agreement_with_tutorial(&groups);
    Ok(GenreBiclusters {
        movies: movies.len(),
        genres,
        n_clusters: k,
        seed,
        groups,
        row_column_agreement: adjusted_rand_index(&fit.row_labels, &fit.column_labels),
        tutorial_grouping: TUTORIAL_GROUPING
            .iter()
            .map(|(name, g)| (name.to_string(), g.iter().map(|s| s.to_string()).collect()))
            .collect(),
        tutorial_agreement,
        compared_genres,
        heatmaps: heatmaps.to_vec(),
        svg,
        kmeans_inertia: fit.kmeans_inertia.clone(),
    })
}

/// The adjusted Rand index of `groups` against [`TUTORIAL_GROUPING`] over the genres both
/// place, and how many those are.
pub fn agreement_with_tutorial(groups: &[Vec<String>]) -> (f64, usize) {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for (b, group) in groups.iter().enumerate() {
        for genre in group {
            if let Some(t) = TUTORIAL_GROUPING.iter().position(|(_, g)| g.contains(&genre.as_str())) {
                ours.push(b);
                theirs.push(t);
            }
        }
    }
    (adjusted_rand_index(&ours, &theirs), ours.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_grouping_agrees_with_itself_and_not_with_one_lump() {
        let tutorial: Vec<Vec<String>> =
            TUTORIAL_GROUPING.iter().map(|(_, g)| g.iter().map(|s| s.to_string()).collect()).collect();
        let (same, n) = agreement_with_tutorial(&tutorial);
        assert_eq!((same, n), (1.0, 14));
        let lump = vec![tutorial.concat()];
        assert_eq!(agreement_with_tutorial(&lump).0, 0.0);
    }
}
