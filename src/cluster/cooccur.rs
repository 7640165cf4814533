//! Genre co-occurrence counts over a set of movies: the tutorial's `list2pairs` + `visGrid`.
//!
//! ```text
//! list2pairs(g) = combinations(g, 2) ++ [(a, a) for a in g]
//! for (a, b) in all pairs:  C[a, b] += 1;  if a ≠ b: C[b, a] += 1
//! ```
//! so `C` is symmetric, `C[a, a]` counts the movies with genre `a` and `C[a, b]` the movies with
//! both. Rows/columns are genre ids ascending: the ids present (the tutorial's
//! `np.unique(allPairs)`) or a given list (ids outside it are skipped and counted in
//! [`Cooccurrence::unknown`]). A genre listed twice in one movie adds its duplicate pair once on
//! the diagonal, as the tutorial's loop does. Reference: tutorial section 4 (`list2pairs`,
//! `visGrid`); the top-1000 popular movies give 19 genres there (20 with Foreign).
//!
//! Cost: `O(Σ gᵢ²)` for `gᵢ` genres per movie; `O(G²)` memory.
//!
//! ```
//! use cinegenre::cluster::cooccurrence;
//! use cinegenre::dataset::Movie;
//! let movie = |ids: Vec<u32>| Movie {
//!     id: 1, title: String::new(), overview: String::new(), genre_ids: ids,
//!     poster_path: None, release_date: None, popularity: None, language: None,
//! };
//! let c = cooccurrence(&[movie(vec![28, 12]), movie(vec![28])], None);
//! assert_eq!(c.ids, vec![12, 28]);
//! assert_eq!(c.counts.data(), &[1.0, 1.0, 1.0, 2.0]);
//! ```

use crate::dataset::Movie;
use crate::matrix::DenseMatrix;

/// A `(G, G)` co-occurrence matrix with its genre ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Cooccurrence {
    /// Genre id of each row and column, ascending.
    pub ids: Vec<u32>,
    /// Symmetric counts, diagonal = movies per genre.
    pub counts: DenseMatrix,
    /// Genre occurrences skipped because their id was not in the given list.
    pub unknown: usize,
}

/// Count co-occurring genres over `movies`; `ids` fixes the rows/columns (ascending), else the
/// ids present are used.
pub fn cooccurrence(movies: &[Movie], ids: Option<&[u32]>) -> Cooccurrence {
    let ids: Vec<u32> = match ids {
        Some(ids) => {
            let mut v = ids.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        }
        None => {
            let mut v: Vec<u32> = movies.iter().flat_map(|m| m.genre_ids.iter().copied()).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    let g = ids.len();
    let mut counts = DenseMatrix::zeros(g, g);
    let mut unknown = 0;
    for movie in movies {
        let idx: Vec<Option<usize>> = movie.genre_ids.iter().map(|id| ids.binary_search(id).ok()).collect();
        unknown += idx.iter().filter(|i| i.is_none()).count();
        let data = counts.data_mut();
        for (p, a) in idx.iter().enumerate() {
            for b in &idx[p + 1..] {
                if let (Some(a), Some(b)) = (a, b) {
                    data[a * g + b] += 1.0;
                    if a != b {
                        data[b * g + a] += 1.0;
                    }
                }
            }
            if let Some(a) = a {
                data[a * g + a] += 1.0;
            }
        }
    }
    Cooccurrence { ids, counts, unknown }
}
