//! Tutorial section 4: which genres go together — co-occurrence and spectral co-clustering.
//!
//! Counts how often two genres share a movie among the tutorial's 1,000 most popular movies
//! (the diagonal holds the movies per genre), co-clusters that matrix into 5 biclusters with
//! Dhillon's spectral co-clustering (scikit-learn's `SpectralCoclustering(n_clusters=5)`), prints
//! the groups beside the grouping the tutorial read off its heatmap, and how far they agree
//! (adjusted Rand index) beside the baseline of chance: the same group sizes, genres shuffled.
//! Writes the heatmap reordered by bicluster as SVG.
//!
//! Run: `cargo run --release --example 02_cocluster` (under a second).

use cinegenre::cluster::heatmap::{HeatmapSpec, write_heatmap};
use cinegenre::cluster::{
    CoclusterParams, Input, TOP_MOVIES_FILE, TUTORIAL_GROUPING, adjusted_rand_index, cocluster, cooccurrence,
};
use cinegenre::dataset::{GenreMap, load_bundled_file};
use cinegenre::rng::Mt19937;

fn main() -> cinegenre::Result<()> {
    let movies = load_bundled_file(TOP_MOVIES_FILE)?;
    let c = cooccurrence(&movies, None);
    let map = GenreMap::tmdb_2017();
    let genres: Vec<String> = c.ids.iter().map(|&id| map.name(id).unwrap_or("?").to_string()).collect();
    let g = genres.len();
    println!("{} movies, {g} genres (the tutorial: a 19 × 19 grid)", movies.len());

    // The pairs that share the most movies.
    let mut pairs: Vec<(f64, usize, usize)> = (0..g)
        .flat_map(|i| (i + 1..g).map(move |j| (i, j)))
        .map(|(i, j)| (c.counts.get(i, j), i, j))
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("most shared:");
    for &(n, i, j) in pairs.iter().take(5) {
        println!("  {:>15} + {:<15} {n:4.0} movies", genres[i], genres[j]);
    }

    let fit = cocluster(Input::Dense(&c.counts), &CoclusterParams::new(5, 0))?;
    println!("our 5 biclusters:");
    for b in 0..5 {
        let members: Vec<&str> =
            (0..g).filter(|&i| fit.row_labels[i] == b).map(|i| genres[i].as_str()).collect();
        println!("  {b}: {}", members.join(", "));
    }
    println!("the tutorial's grouping:");
    for (name, members) in TUTORIAL_GROUPING {
        println!("  {name}: {}", members.join(", "));
    }

    // Agreement over the genres both place, against shuffled groups of the same sizes.
    let (ours, theirs): (Vec<usize>, Vec<usize>) = (0..g)
        .filter_map(|i| {
            let group = TUTORIAL_GROUPING.iter().position(|(_, m)| m.contains(&genres[i].as_str()))?;
            Some((fit.row_labels[i], group))
        })
        .unzip();
    let ari = adjusted_rand_index(&ours, &theirs);
    let mut rng = Mt19937::new(0);
    let (mut shuffled, trials) = (ours.clone(), 1000);
    let chance = (0..trials)
        .map(|_| {
            for i in (1..shuffled.len()).rev() {
                let j = ((rng.random_sample() * (i + 1) as f64) as usize).min(i);
                shuffled.swap(i, j);
            }
            adjusted_rand_index(&shuffled, &theirs)
        })
        .sum::<f64>()
        / trials as f64;
    println!(
        "agreement with the tutorial over {} genres: adjusted Rand index {ari:.2} (chance: {chance:.2}, same: 1)",
        ours.len()
    );

    let path = std::env::temp_dir().join("cinegenre-cocluster.svg");
    let spec =
        HeatmapSpec { title: "Genre co-occurrence", row_names: Some(&genres), column_names: Some(&genres) };
    write_heatmap(&path, Input::Dense(&c.counts), &fit, &spec)?;
    println!("heatmap: {}", path.display());
    Ok(())
}
