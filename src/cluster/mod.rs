//! Genre co-occurrence and spectral co-clustering (tutorial section 4, ALGORITHMS.md §9):
//!
//! 1. [`cooccurrence`]: count how often two genres share a movie (`list2pairs`, `visGrid`).
//! 2. [`cocluster`]: Dhillon's spectral co-clustering on any non-negative matrix, built on the
//!    hand-written SVDs of [`crate::linalg`] and [`kmeans`].
//! 3. [`heatmap`]: the matrix before and after reordering by bicluster, as PNG or SVG.
//! 4. [`adjusted_rand_index`]: compare partitions up to relabelling.
//!
//! Steps 1 and 2 on the bundled movies: every genre lands in exactly one of five biclusters,
//! and on this symmetric matrix a genre's row and column agree.
//!
//! ```
//! use cinegenre::cluster::{CoclusterParams, Input, cocluster, cooccurrence};
//! use cinegenre::dataset::{Bundled, load_bundled};
//! let (movies, _) = load_bundled(Bundled::Tutorial)?;
//! let c = cooccurrence(&movies[..300], None); // (G, G) genre pairs, G genres present
//! let fit = cocluster(Input::Dense(&c.counts), &CoclusterParams::new(5, 0))?;
//! assert_eq!(fit.row_labels.len(), c.ids.len());
//! assert!(fit.row_labels.iter().all(|&b| b < 5));
//! assert_eq!(fit.row_labels, fit.column_labels);
//! # Ok::<(), cinegenre::Error>(())
//! ```

mod ari;
mod cocluster;
mod cooccur;
pub mod font;
mod genres;
pub mod heatmap;
mod kmeans;
mod labels_file;

pub use ari::adjusted_rand_index;
pub use cocluster::{
    Cocluster, CoclusterParams, Input, Normalised, SvdMethod, check_params, cocluster, n_singular_vectors,
    normalise, singular_triplets,
};
pub use cooccur::{Cooccurrence, cooccurrence};
pub use genres::{GenreBiclusters, TUTORIAL_CLUSTERS, TUTORIAL_GROUPING, genre_biclusters};
pub use kmeans::{KMeansFit, KMeansParams, kmeans};
pub use labels_file::{LabelsJson, Matrix, NamedBicluster, read_matrix, read_names, write_cooccurrence};

/// The bundled file holding the tutorial's top-1000 popular movies (TMDB `movie/popular`, 50 pages).
pub const TOP_MOVIES_FILE: &str = "paritoshgoyal_movie_list123.json.gz";
