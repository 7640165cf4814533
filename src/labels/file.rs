//! Label matrices on disk: `Y.npy` (uint8, `(n_movies, n_genres)`, C order) plus a sidecar
//! `Y.genres.json` in the genredict format (`{"12": "Adventure", …}`) naming the columns.
//!
//! Python reads both with `np.load("Y.npy")` and `json.load(open("Y.genres.json"))`. Reading
//! accepts any integer or bool `.npy` whose values are 0 or 1 (scikit-learn's
//! `MultiLabelBinarizer` writes int64); without a sidecar the columns are named `label 0`, ….

use std::path::{Path, PathBuf};

use crate::dataset::{GenreMap, Movie};
use crate::error::{Error, Result};
use crate::io::{NpyData, OutputSet, read_npy, write_npy};
use crate::labels::{LabelMatrix, binarize};

/// A label matrix with one name per column.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelFile {
    pub labels: LabelMatrix,
    pub names: Vec<String>,
    /// Genre ids of the movies that no column takes (when a genre map fixed the columns).
    pub unknown: usize,
}

/// `Y.npy` → `Y.genres.json`.
pub fn sidecar_path(y: &Path) -> PathBuf {
    y.with_extension("genres.json")
}

impl LabelFile {
    /// Binarize `movies`: columns are the ids of `map` if given, else the ids present; names come
    /// from `map`, else from TMDB's 2017 list.
    pub fn from_movies(movies: &[Movie], map: Option<&GenreMap>) -> Result<Self> {
        let binarized = binarize(movies, map.map(GenreMap::ids))?;
        let default_map = GenreMap::tmdb_2017();
        let names = map.unwrap_or(&default_map).names_for(binarized.labels.genre_ids());
        Ok(LabelFile { labels: binarized.labels, names, unknown: binarized.unknown })
    }

    /// Write `path` (.npy) and its sidecar, both or neither ([`OutputSet`]).
    pub fn write(&self, path: &Path) -> Result<()> {
        let sidecar = sidecar_path(path);
        let mut outputs = OutputSet::new(&[path, &sidecar], &[])?;
        let shape = [self.labels.n_rows(), self.labels.n_cols()];
        outputs.write_path(path, |p| write_npy(p, &shape, self.labels.as_slice()))?;
        let pairs = self.labels.genre_ids().iter().copied().zip(self.names.iter().cloned());
        let map = GenreMap::from_pairs(pairs)?;
        outputs.write_path(&sidecar, |p| map.write_json(p))?;
        outputs.commit()
    }

    /// Read `path` and, if present, its sidecar.
    pub fn read(path: &Path) -> Result<Self> {
        let sidecar = sidecar_path(path);
        let map = if sidecar.exists() { Some(GenreMap::from_json_file(&sidecar)?) } else { None };
        let (n_rows, n_cols, data) = read_indicator_values(path)?;
        let (ids, names) = match map {
            Some(map) if map.len() == n_cols => (map.ids().to_vec(), map.names().to_vec()),
            Some(map) => {
                return Err(Error::parse(
                    &sidecar,
                    None,
                    format!("names {} genres but {} has {n_cols} columns", map.len(), path.display()),
                ));
            }
            None => ((0..n_cols as u32).collect(), (0..n_cols).map(|j| format!("label {j}")).collect()),
        };
        Ok(LabelFile { labels: LabelMatrix::from_parts(ids, n_rows, data)?, names, unknown: 0 })
    }
}

/// Read a 0/1 indicator matrix from `.npy` (columns numbered 0, 1, …).
pub fn read_indicator(path: &Path) -> Result<LabelMatrix> {
    let (n_rows, n_cols, data) = read_indicator_values(path)?;
    LabelMatrix::from_parts((0..n_cols as u32).collect(), n_rows, data)
}

/// Read predictions to compare with `truth` from `path`: a 0/1 `.npy` of exactly `truth`'s
/// shape (a transposed or truncated matrix with the same number of entries is an error, not a
/// silently misread one); its columns take `truth`'s genre ids.
pub fn read_predictions(path: &Path, truth: &LabelMatrix) -> Result<LabelMatrix> {
    let (n_rows, n_cols, data) = read_indicator_values(path)?;
    let want = (truth.n_rows(), truth.n_cols());
    if (n_rows, n_cols) != want {
        return Err(Error::Shape(format!(
            "{}: the predictions have shape ({n_rows}, {n_cols}) but the true labels have {want:?}: \
             one row per movie and one column per genre, in the same order",
            path.display()
        )));
    }
    LabelMatrix::from_parts(truth.genre_ids().to_vec(), n_rows, data)
}

fn read_indicator_values(path: &Path) -> Result<(usize, usize, Vec<u8>)> {
    let array = read_npy(path)?;
    let [n_rows, n_cols] = array.shape[..] else {
        return Err(Error::parse(
            path,
            None,
            format!("a label matrix must be 2-D (movies × genres), this array has shape {:?}", array.shape),
        ));
    };
    let values: Vec<i64> = match array.data {
        NpyData::U8(v) => v.into_iter().map(i64::from).collect(),
        NpyData::I64(v) => v,
        NpyData::F32(_) | NpyData::F64(_) => {
            return Err(Error::parse(
                path,
                None,
                "a label matrix must hold integers 0/1, this one holds floats",
            ));
        }
    };
    if let Some(k) = values.iter().position(|&v| v != 0 && v != 1) {
        return Err(Error::parse(
            path,
            None,
            format!(
                "value {} at row {}, column {} is not 0 or 1",
                values[k],
                k / n_cols.max(1),
                k % n_cols.max(1)
            ),
        ));
    }
    Ok((n_rows, n_cols, values.into_iter().map(|v| v as u8).collect()))
}
