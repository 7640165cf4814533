//! Genre labels as a 0/1 indicator matrix: scikit-learn's `MultiLabelBinarizer`.
//!
//! ```text
//! Y[i, j] = 1  if columns[j] ∈ genre_ids(movie i)  else 0        Y: (n_movies, n_genres)
//! ```
//!
//! With `columns = None` the columns are the sorted unique genre ids present, exactly
//! `MultiLabelBinarizer().fit_transform(genre_id_lists)` (ALGORITHMS.md §1 step 2, §4): for the
//! tutorial's 1,559 movies that is 20 columns, 12 Adventure … 10770 TV Movie. With
//! `Some(columns)` the given ids are used, sorted ascending (sklearn keeps the order given to
//! `classes=`; cinegenre always sorts, so column j means the same genre everywhere). Ids not
//! among the columns are ignored and counted in [`Binarized::unknown`], where sklearn warns
//! "unknown class(es) … will be ignored"; a repeated id in one movie sets a single 1.
//! Cost: `O(n_movies · n_genres)` memory (u8), `O(total labels · log n_genres)` time.
//!
//! ```
//! use cinegenre::labels::binarize;
//! # use cinegenre::dataset::Movie;
//! # let movie = |genre_ids: Vec<u32>| Movie { id: 0, title: String::new(), overview: String::new(),
//! #     genre_ids, poster_path: None, release_date: None, popularity: None, language: None };
//! let movies = [movie(vec![28, 12]), movie(vec![35]), movie(vec![])];
//! let y = binarize(&movies, None).unwrap().labels;
//! assert_eq!(y.genre_ids(), &[12, 28, 35]);
//! assert_eq!(y.as_slice(), &[1, 1, 0, 0, 0, 1, 0, 0, 0]);
//! let z = binarize(&movies, Some(&[35, 28])).unwrap();
//! assert_eq!((z.labels.column_sums(), z.unknown), (vec![1, 1], 1));
//! ```

mod file;

pub use file::{LabelFile, read_indicator, read_predictions, sidecar_path};

use crate::dataset::Movie;
use crate::error::{Error, Result};

/// A dense `(n_rows, n_cols)` 0/1 matrix, row-major, one column per genre id (ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatrix {
    genre_ids: Vec<u32>,
    n_rows: usize,
    data: Vec<u8>,
}

impl LabelMatrix {
    /// Build from parts, checking that ids are strictly ascending, that `data` has
    /// `n_rows · genre_ids.len()` entries and that every entry is 0 or 1.
    pub fn from_parts(genre_ids: Vec<u32>, n_rows: usize, data: Vec<u8>) -> Result<Self> {
        if let Some(w) = genre_ids.windows(2).find(|w| w[0] >= w[1]) {
            return Err(Error::Shape(format!(
                "label columns must be strictly ascending genre ids, found {} before {}",
                w[0], w[1]
            )));
        }
        let expected = n_rows.checked_mul(genre_ids.len());
        if expected != Some(data.len()) {
            return Err(Error::Shape(format!(
                "label data has {} entries, expected {n_rows} rows × {} columns",
                data.len(),
                genre_ids.len()
            )));
        }
        if let Some(k) = data.iter().position(|&v| v > 1) {
            return Err(Error::Shape(format!(
                "label entry ({}, {}) is {}, expected 0 or 1",
                k / genre_ids.len(),
                k % genre_ids.len(),
                data[k]
            )));
        }
        Ok(LabelMatrix { genre_ids, n_rows, data })
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.genre_ids.len()
    }

    /// The genre id of each column, ascending.
    pub fn genre_ids(&self) -> &[u32] {
        &self.genre_ids
    }

    /// All entries, row-major.
    pub fn as_slice(&self) -> &[u8] {
        &self.data
    }

    /// Row `i` (panics if `i >= n_rows`, like slice indexing).
    pub fn row(&self, i: usize) -> &[u8] {
        let n = self.n_cols();
        &self.data[i * n..(i + 1) * n]
    }

    /// Column `j` as a new vector (panics if `j >= n_cols`).
    pub fn column(&self, j: usize) -> Vec<u8> {
        assert!(j < self.n_cols(), "column {j} out of range for {} columns", self.n_cols());
        (0..self.n_rows).map(|i| self.data[i * self.n_cols() + j]).collect()
    }

    /// Number of movies carrying each genre.
    pub fn column_sums(&self) -> Vec<usize> {
        let mut sums = vec![0usize; self.n_cols()];
        for row in self.data.chunks_exact(self.n_cols().max(1)) {
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += usize::from(v);
            }
        }
        sums
    }

    /// The rows at `rows`, in that order (repeats allowed; panics on an index out of range).
    pub fn select_rows(&self, rows: &[usize]) -> LabelMatrix {
        let mut data = Vec::with_capacity(rows.len() * self.n_cols());
        for &i in rows {
            data.extend_from_slice(self.row(i));
        }
        LabelMatrix { genre_ids: self.genre_ids.clone(), n_rows: rows.len(), data }
    }
}

/// [`binarize`]'s result: the labels and how many genre ids fell outside the columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binarized {
    pub labels: LabelMatrix,
    /// Genre ids (counted once per movie and id) not among the columns, hence ignored.
    pub unknown: usize,
}

/// One row per movie, one column per genre id (see the module docs).
pub fn binarize(movies: &[Movie], columns: Option<&[u32]>) -> Result<Binarized> {
    let genre_ids: Vec<u32> = match columns {
        Some(given) => {
            let mut ids = given.to_vec();
            ids.sort_unstable();
            if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
                return Err(Error::param("columns", format!("genre id {} is given twice", w[0])));
            }
            ids
        }
        None => {
            let mut ids: Vec<u32> = movies.iter().flat_map(|m| m.genre_ids.iter().copied()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
    };
    let n_cols = genre_ids.len();
    let mut data = vec![0u8; movies.len() * n_cols];
    let mut unknown = 0;
    for (i, movie) in movies.iter().enumerate() {
        let row = &mut data[i * n_cols..(i + 1) * n_cols];
        let mut seen_unknown: Vec<u32> = Vec::new();
        for &id in &movie.genre_ids {
            match genre_ids.binary_search(&id) {
                Ok(j) => row[j] = 1,
                Err(_) if !seen_unknown.contains(&id) => {
                    seen_unknown.push(id);
                    unknown += 1;
                }
                Err(_) => {}
            }
        }
    }
    Ok(Binarized { labels: LabelMatrix { genre_ids, n_rows: movies.len(), data }, unknown })
}
