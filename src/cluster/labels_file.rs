//! Files of the `cooccur` and `cocluster` commands: reading the matrix to co-cluster (`.npy`
//! dense or `.mtx` sparse) and writing `labels.json`.
//!
//! `labels.json` (written atomically) holds `row_labels` and `column_labels` (scikit-learn's
//! `row_labels_`/`column_labels_`), `n_clusters`, the singular values found, and, when names
//! are known, `biclusters`: for each bicluster the names of its rows and columns.

use std::io::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cluster::Cocluster;
use crate::error::{Error, Result};
use crate::io::{NpyData, read_mtx, read_npy, write_atomic};
use crate::matrix::{CsrMatrix, DenseMatrix};

/// A matrix read from disk, dense or sparse.
#[derive(Debug, Clone)]
pub enum Matrix {
    Dense(DenseMatrix),
    Sparse(CsrMatrix),
}

impl Matrix {
    /// Borrow as co-clustering input.
    pub fn input(&self) -> crate::cluster::Input<'_> {
        match self {
            Matrix::Dense(a) => crate::cluster::Input::Dense(a),
            Matrix::Sparse(a) => crate::cluster::Input::Sparse(a),
        }
    }
}

/// Read a 2-D `.npy` (any numeric type, as f64) or a Matrix Market `.mtx`.
pub fn read_matrix(path: &Path) -> Result<Matrix> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("mtx") => Ok(Matrix::Sparse(read_mtx(path)?)),
        Some("npy") => {
            let array = read_npy(path)?;
            let [m, n] = array.shape[..] else {
                return Err(Error::parse(
                    path,
                    None,
                    format!("expected a 2-D matrix, this array has shape {:?}", array.shape),
                ));
            };
            let data: Vec<f64> = match array.data {
                NpyData::U8(v) => v.into_iter().map(f64::from).collect(),
                NpyData::I64(v) => v.into_iter().map(|x| x as f64).collect(),
                NpyData::F32(v) => v.into_iter().map(f64::from).collect(),
                NpyData::F64(v) => v,
            };
            Ok(Matrix::Dense(DenseMatrix::from_vec(m, n, data)?))
        }
        _ => Err(Error::param(
            "x",
            format!("{}: the matrix file must be .npy (dense) or .mtx (sparse)", path.display()),
        )),
    }
}

/// One bicluster by name.
#[derive(Debug, Clone, Serialize)]
pub struct NamedBicluster {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
}

/// The content of `labels.json`.
#[derive(Debug, Clone, Serialize)]
pub struct LabelsJson {
    pub n_clusters: usize,
    pub row_labels: Vec<usize>,
    pub column_labels: Vec<usize>,
    pub singular_values: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biclusters: Option<Vec<NamedBicluster>>,
}

impl LabelsJson {
    /// From a fit, naming biclusters when `names` (rows, columns) are given.
    pub fn new(fit: &Cocluster, n_clusters: usize, names: Option<(&[String], &[String])>) -> Self {
        let biclusters = names.map(|(rows, cols)| {
            (0..n_clusters)
                .map(|c| NamedBicluster {
                    rows: pick(&fit.row_labels, rows, c),
                    columns: pick(&fit.column_labels, cols, c),
                })
                .collect()
        });
        LabelsJson {
            n_clusters,
            row_labels: fit.row_labels.clone(),
            column_labels: fit.column_labels.clone(),
            singular_values: fit.singular_values.clone(),
            biclusters,
        }
    }

    /// Write as pretty JSON, atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, |w| {
            serde_json::to_writer_pretty(&mut *w, self).map_err(|e| Error::io(path, e.into()))?;
            w.write_all(b"\n").map_err(|e| Error::io(path, e))
        })
    }
}

fn pick(labels: &[usize], names: &[String], c: usize) -> Vec<String> {
    labels.iter().zip(names).filter(|&(&l, _)| l == c).map(|(_, n)| n.clone()).collect()
}

/// Names of the rows and columns of a square `shape` matrix from a genre map JSON (in id
/// order); a count that does not match is an error naming the file.
pub fn read_names(path: &Path, shape: (usize, usize)) -> Result<Vec<String>> {
    let map = crate::dataset::GenreMap::from_json_file(path)?;
    if shape.0 != shape.1 || map.len() != shape.0 {
        return Err(Error::parse(
            path,
            None,
            format!(
                "names {} rows/columns but the matrix has shape ({}, {}); names need a square \
                 matrix with one name per row",
                map.len(),
                shape.0,
                shape.1
            ),
        ));
    }
    Ok(map.names().to_vec())
}

/// Write a co-occurrence matrix as `.npy` (float64) and its `.genres.json` sidecar naming the
/// rows/columns (names from `map`, `genre <id>` for ids it lacks), both or neither
/// ([`crate::io::OutputSet`]).
pub fn write_cooccurrence(
    path: &Path,
    c: &crate::cluster::Cooccurrence,
    map: &crate::dataset::GenreMap,
) -> Result<()> {
    let sidecar = crate::labels::sidecar_path(path);
    let mut outputs = crate::io::OutputSet::new(&[path, &sidecar], &[])?;
    let g = c.ids.len();
    outputs.write_path(path, |p| crate::io::write_npy(p, &[g, g], c.counts.data()))?;
    let pairs =
        c.ids.iter().map(|&id| (id, map.name(id).map_or_else(|| format!("genre {id}"), str::to_string)));
    let names = crate::dataset::GenreMap::from_pairs(pairs)?;
    outputs.write_path(&sidecar, |p| names.write_json(p))?;
    outputs.commit()
}
