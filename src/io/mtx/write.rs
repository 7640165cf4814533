//! `write_mtx`: scipy 1.17.1's `mmwrite` of a float64 CSR matrix, byte for byte.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;

use super::Symmetry;
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::matrix::CsrMatrix;

/// scipy's `mmwrite(symmetry="AUTO")` looks for symmetry only below this many rows/columns.
const AUTO_SYMMETRY_LIMIT: usize = 100;

/// Write `x` as a coordinate Matrix Market file, as `scipy.io.mmwrite(path, x)` would for a
/// float64 `csr_matrix` with the same arrays (see the module docs for the exact layout).
pub fn write_mtx(path: &Path, x: &CsrMatrix) -> Result<()> {
    let (n_rows, n_cols) = x.shape();
    let symmetry = if n_rows == n_cols && n_rows.max(n_cols) < AUTO_SYMMETRY_LIMIT {
        detect_symmetry(x)
    } else {
        Symmetry::General
    };
    let keep = |i: usize, j: u32| symmetry == Symmetry::General || i >= j as usize;
    let written =
        x.rows().enumerate().map(|(i, (idx, _))| idx.iter().filter(|&&j| keep(i, j)).count()).sum::<usize>();
    let name = match symmetry {
        Symmetry::General => "general",
        Symmetry::Symmetric => "symmetric",
        Symmetry::SkewSymmetric => "skew-symmetric",
    };
    let header = format!("%%MatrixMarket matrix coordinate real {name}\n%\n{n_rows} {n_cols} {written}\n");
    // Entries are formatted in parallel, a block of rows at a time, then written in order.
    let blocks: Vec<String> = (0..n_rows.div_ceil(ROWS_PER_BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut text = String::new();
            for i in b * ROWS_PER_BLOCK..((b + 1) * ROWS_PER_BLOCK).min(n_rows) {
                let (idx, vals) = x.row(i);
                for (&j, &v) in idx.iter().zip(vals) {
                    if keep(i, j) {
                        let _ = write!(text, "{} {} ", i + 1, j + 1);
                        push_shortest_repr(&mut text, v);
                        text.push('\n');
                    }
                }
            }
            text
        })
        .collect();
    write_atomic(path, |w| {
        w.write_all(header.as_bytes()).map_err(|e| Error::io(path, e))?;
        for block in &blocks {
            w.write_all(block.as_bytes()).map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    })
}

/// Rows formatted by one parallel task.
const ROWS_PER_BLOCK: usize = 512;

/// scipy's `MMFile._get_symmetry` for a real square sparse matrix, including its quirks:
/// explicit zeros do not count in the lower/upper balance test, duplicates are summed first,
/// and entries are visited in row-major order (which decides the NaN-on-the-diagonal cases).
fn detect_symmetry(x: &CsrMatrix) -> Symmetry {
    // (row < col).sum() != (row > col).sum() over the non-zero stored entries → general.
    let (mut lower, mut upper) = (0usize, 0usize);
    for (i, (idx, vals)) in x.rows().enumerate() {
        for (&j, &v) in idx.iter().zip(vals) {
            if v != 0.0 {
                lower += usize::from(i > j as usize);
                upper += usize::from(i < j as usize);
            }
        }
    }
    if lower != upper {
        return Symmetry::General;
    }
    // todok(): entries sorted row-major, duplicates summed in storage order.
    let mut entries: Vec<(usize, u32, f64)> = Vec::with_capacity(x.nnz());
    for (i, (idx, vals)) in x.rows().enumerate() {
        entries.extend(idx.iter().zip(vals).map(|(&j, &v)| (i, j, v)));
    }
    entries.sort_by_key(|&(i, j, _)| (i, j));
    entries.dedup_by(|next, kept| {
        let same = (next.0, next.1) == (kept.0, kept.1);
        if same {
            kept.2 += next.2;
        }
        same
    });
    let lookup = |i: usize, j: u32| {
        entries.binary_search_by_key(&(i, j), |&(r, c, _)| (r, c)).map_or(0.0, |k| entries[k].2)
    };
    let (mut symmetric, mut skew) = (true, true);
    for &(i, j, aij) in &entries {
        let diagonal = i == j as usize;
        if !diagonal && i < j as usize {
            continue; // only the lower triangle and the diagonal are visited
        }
        let aji = if diagonal { aij } else { lookup(j as usize, i as u32) };
        if skew && diagonal && aij != 0.0 {
            skew = false;
        } else {
            if symmetric && aij != aji {
                symmetric = false;
            }
            if skew && aij != -aji {
                skew = false;
            }
        }
        if !symmetric && !skew {
            break;
        }
    }
    if symmetric {
        Symmetry::Symmetric
    } else if skew {
        Symmetry::SkewSymmetric
    } else {
        Symmetry::General
    }
}

/// Append fast_matrix_market's default float text for `v` to `out`: Ryu's shortest round-trip
/// digits in scientific notation (`d.dddE±x`), with a trailing `E0` removed.
fn push_shortest_repr(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        // Rust's `{:e}` prints the shortest digits that round-trip, like Ryu, with a lower-case `e`.
        let start = out.len();
        let _ = write!(out, "{v:e}");
        let e = start + out[start..].find('e').expect("{:e} always writes an exponent");
        if &out[e..] == "e0" {
            out.truncate(e);
        } else {
            out.replace_range(e..e + 1, "E");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_repr_reads_back_exactly() {
        for v in [0.1, 1.0 / 3.0, 5e-324, f64::MAX, -0.0, 1e21, 123456.0, 2.5e-8] {
            let mut s = String::new();
            push_shortest_repr(&mut s, v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v} -> {s}");
        }
    }
}
