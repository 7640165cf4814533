//! Matrix Market (`.mtx`) files: read the common kinds into a [`CsrMatrix`], and write a CSR
//! matrix exactly as `scipy.io.mmwrite` does.
//!
//! ```text
//! %%MatrixMarket matrix coordinate real general      banner: format, field, symmetry
//! % comment lines                                     any number, '%' first
//! 3 4 2                                               rows cols entries   (array: rows cols)
//! 1 2 0.5                                             1-based row, column, value
//! 3 4 -1E-3                                           (pattern: no value; array: one value
//!                                                      per line, column by column)
//! ```
//!
//! Reading ([`read_mtx`]) accepts `coordinate` files with field `real`, `integer` or `pattern`
//! (value 1) and symmetry `general`, `symmetric` or `skew-symmetric`, and `array real|integer
//! general` files. Banner words are case-insensitive; blank lines are skipped anywhere; a file
//! starting with the gzip magic bytes is decompressed first, whatever its name. Symmetric files
//! are expanded like scipy's `mmread`: every off-diagonal entry `(i, j, v)` gains a mirror
//! `(j, i, v)` (`-v` when skew-symmetric). Entries stay in file order within each row, mirrors
//! after the stored entries, duplicates kept (they add up, as in scipy's COO). Dense `array`
//! files keep only their non-zero values. Errors name the file, the 1-based line and the field.
//!
//! Writing ([`write_mtx`]) reproduces scipy 1.17.1 (`fast_matrix_market` 1.7) byte for byte:
//! * banner `%%MatrixMarket matrix coordinate real <symmetry>`, then an empty comment line `%`;
//! * symmetry is detected as scipy's `mmwrite(symmetry="AUTO")` does: only for square matrices
//!   with fewer than 100 rows, via scipy's `MMFile._get_symmetry` (the matrix equals its
//!   transpose → `symmetric`; else all diagonal entries zero and `A = -Aᵀ` → `skew-symmetric`;
//!   else `general`). Larger matrices are always written `general`. A symmetric matrix is
//!   written as its lower triangle (`row ≥ col`, explicit zeros included);
//! * entries in CSR storage order (rows ascending, stored order within a row, so unsorted
//!   indices stay unsorted, explicit zeros and duplicates kept), 1-based;
//! * values as Ryu's shortest round-trip form in scientific notation with `E`, minus a
//!   trailing `E0`: `0.1` → `1E-1`, `3.0` → `3`, `1.5` → `1.5`, `123456.0` → `1.23456E5`,
//!   `-0.0` → `-0`, NaN → `NaN`, ±∞ → `Infinity` / `-Infinity`. Every value reads back exactly.
//!
//! Reference: scipy 1.17.1 `scipy/io/_fast_matrix_market/__init__.py` and `_mmio.py`; the format
//! is NIST's, <https://math.nist.gov/MatrixMarket/formats.html>.
//!
//! A corrupt or hostile size line is refused before anything is allocated from it: rows and
//! columns may each be at most max(2²⁰, 8 · file bytes) — a short file may still declare a
//! large, mostly empty matrix, but not 4·10⁹ rows of row pointers (32 GB) — and the declared
//! entries (or array values) must fit in the bytes after the size line (4 bytes per entry,
//! 2 per array value, at least). For gzip input the limits apply to the decompressed text.
//!
//! Cost: reading O(file + nnz + rows) time and memory; writing O(nnz) plus, for square matrices
//! under 100 rows, a sort of the entries for the symmetry test.
//!
//! ```
//! use cinegenre::io::{read_mtx, write_mtx};
//! use cinegenre::matrix::CsrMatrix;
//! let x = CsrMatrix::from_dense(2, 3, &[0.1, 0.0, 3.0, 0.0, 0.0, -2.5]);
//! let path = std::env::temp_dir().join(format!("cinegenre-mtx-doc-{}.mtx", std::process::id()));
//! write_mtx(&path, &x)?;
//! let text = std::fs::read_to_string(&path)?;
//! assert_eq!(text, "%%MatrixMarket matrix coordinate real general\n%\n2 3 3\n1 1 1E-1\n1 3 3\n2 3 -2.5\n");
//! assert_eq!(read_mtx(&path)?, x);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod write;

use std::fs;
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matrix::CsrMatrix;

pub use write::write_mtx;

/// Rows or columns any file may declare (8 MiB of row pointers), however short it is.
const DIM_FLOOR: usize = 1 << 20;
/// Rows or columns per byte of file beyond [`DIM_FLOOR`]: a CSR matrix costs 8 bytes per row,
/// so the row pointers stay within 64 bytes per byte of input.
const DIM_PER_BYTE: usize = 8;

/// The value type of the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Real,
    Integer,
    Pattern,
}

/// How the stored entries stand for the whole matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symmetry {
    General,
    Symmetric,
    SkewSymmetric,
}

/// Read a Matrix Market file (plain or gzip-compressed) into CSR form.
pub fn read_mtx(path: &Path) -> Result<CsrMatrix> {
    let raw = fs::read(path).map_err(|e| Error::io(path, e))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::io(path, e))?;
        out
    } else {
        raw
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| Error::parse(path, None, format!("the file is not UTF-8 text: {e}")))?;
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (banner_no, banner) = lines.next().ok_or_else(|| Error::parse(path, Some(1), "the file is empty"))?;
    let (dense, field, symmetry) = parse_banner(path, banner_no, banner)?;
    // Comments and blank lines may come before the size line; only blank lines after it.
    let mut lines = lines.filter(|(_, l)| !l.trim().is_empty());
    let (size_no, size_line) = lines
        .by_ref()
        .find(|(_, l)| !l.starts_with('%'))
        .ok_or_else(|| Error::parse(path, None, "the file ends before the size line").in_field("size"))?;
    let want = if dense { 2 } else { 3 };
    let sizes = tokens::<usize>(path, size_no, size_line, want, "size")?;
    let (n_rows, n_cols) = (sizes[0], sizes[1]);
    if n_rows.max(n_cols) > u32::MAX as usize {
        let message = format!("{n_rows} x {n_cols} does not fit 32-bit row and column indices");
        return Err(Error::parse(path, Some(size_no), message).in_field("size"));
    }
    check_sizes(path, size_no, &sizes, text.len(), rest_bytes(text, size_line))?;
    if symmetry != Symmetry::General && n_rows != n_cols {
        return Err(Error::parse(
            path,
            Some(size_no),
            format!("a symmetric matrix must be square, not {n_rows} x {n_cols}"),
        )
        .in_field("size"));
    }
    if dense {
        return read_array(path, lines, n_rows, n_cols, field);
    }
    let n_entries = sizes[2];
    let entry_lines: Vec<(usize, &str)> = lines.collect();
    if let Some(&(line_no, _)) = entry_lines.get(n_entries) {
        // Report a bad entry before the surplus, as a line-by-line reader would.
        parse_entries(path, &entry_lines[..n_entries], n_rows, n_cols, field)?;
        return Err(Error::parse(path, Some(line_no), format!("more entries than the {n_entries} declared"))
            .in_field("entries"));
    }
    let mut triplets = parse_entries(path, &entry_lines, n_rows, n_cols, field)?;
    if triplets.len() != n_entries {
        let last_line = entry_lines.last().map_or(size_no, |&(line_no, _)| line_no);
        return Err(Error::parse(
            path,
            Some(last_line),
            format!("the size line declares {n_entries} entries but the file holds {}", triplets.len()),
        )
        .in_field("entries"));
    }
    if symmetry != Symmetry::General {
        let sign = if symmetry == Symmetry::SkewSymmetric { -1.0 } else { 1.0 };
        let mirrors: Vec<_> = triplets
            .iter()
            .filter(|&&(r, c, _)| r != c as usize)
            .map(|&(r, c, v)| (c as usize, r as u32, sign * v))
            .collect();
        triplets.extend(mirrors);
    }
    Ok(csr_from_triplets(n_rows, n_cols, &triplets))
}

/// Rows and columns a file of `len` bytes may declare: [`DIM_FLOOR`], or [`DIM_PER_BYTE`] per
/// byte when that is more.
fn dim_bound(len: usize) -> usize {
    DIM_FLOOR.max(len.saturating_mul(DIM_PER_BYTE))
}

/// Bytes of `text` after `line` (a slice of it).
fn rest_bytes(text: &str, line: &str) -> usize {
    let end = line.as_ptr() as usize - text.as_ptr() as usize + line.len();
    text.len().saturating_sub(end)
}

/// The size line against the file (see the module docs): before anything is allocated from it.
fn check_sizes(path: &Path, line_no: usize, sizes: &[usize], len: usize, rest: usize) -> Result<()> {
    let err = |message: String| Err(Error::parse(path, Some(line_no), message).in_field("size"));
    let bound = dim_bound(len);
    for (what, &n) in ["rows", "columns"].iter().zip(sizes) {
        if n > bound {
            return err(format!(
                "the size line declares {n} {what}, more than a file of {len} bytes may declare \
                 (at most {bound}): the header is corrupt"
            ));
        }
    }
    // An entry is at least "i j" (3 bytes) plus a line break; an array value one digit plus one.
    let (declared, what, most) = match sizes {
        [_, _, nnz] => (Some(*nnz), "entries", rest / 4 + 1),
        [r, c] => (r.checked_mul(*c), "values", rest / 2 + 1),
        _ => return Ok(()),
    };
    match declared {
        Some(n) if n <= most => Ok(()),
        declared => {
            let n = declared.map_or_else(|| format!("{} x {}", sizes[0], sizes[1]), |n| n.to_string());
            err(format!(
                "the size line declares {n} {what} but the {rest} bytes after it hold at most {most}: \
                 the file is truncated or the header is wrong"
            ))
        }
    }
}

/// `%%MatrixMarket matrix <format> <field> <symmetry>` → (is array, field, symmetry).
fn parse_banner(path: &Path, line_no: usize, line: &str) -> Result<(bool, Field, Symmetry)> {
    let err = |field: &str, msg: String| Error::parse(path, Some(line_no), msg).in_field(field);
    let words: Vec<String> = line.split_ascii_whitespace().map(str::to_ascii_lowercase).collect();
    if words.len() != 5 || words[0] != "%%matrixmarket" || words[1] != "matrix" {
        return Err(err(
            "banner",
            format!("expected '%%MatrixMarket matrix <format> <field> <symmetry>', found '{line}'"),
        ));
    }
    let dense = match words[2].as_str() {
        "coordinate" => false,
        "array" => true,
        other => return Err(err("format", format!("unknown format '{other}' (coordinate or array)"))),
    };
    let field = match words[3].as_str() {
        "real" | "double" => Field::Real,
        "integer" => Field::Integer,
        "pattern" if !dense => Field::Pattern,
        other => return Err(err("field", format!("unsupported field '{other}' (real, integer or pattern)"))),
    };
    let symmetry = match words[4].as_str() {
        "general" => Symmetry::General,
        "symmetric" if !dense => Symmetry::Symmetric,
        "skew-symmetric" if !dense => Symmetry::SkewSymmetric,
        other => {
            let kinds =
                if dense { "general for array files" } else { "general, symmetric or skew-symmetric" };
            return Err(err("symmetry", format!("unsupported symmetry '{other}' ({kinds})")));
        }
    };
    Ok((dense, field, symmetry))
}

/// Parse coordinate entries `row col [value]` (in parallel; the first bad line in file order
/// is the one reported).
fn parse_entries(
    path: &Path,
    lines: &[(usize, &str)],
    n_rows: usize,
    n_cols: usize,
    field: Field,
) -> Result<Vec<(usize, u32, f64)>> {
    let parsed: Vec<Result<(usize, u32, f64)>> = lines
        .par_iter()
        .with_min_len(4096)
        .map(|&(line_no, line)| {
            let mut parts = line.split_ascii_whitespace();
            let (r, c, v, extra) = (parts.next(), parts.next(), parts.next(), parts.next());
            let (Some(r), Some(c), None, true) = (r, c, extra, v.is_none() == (field == Field::Pattern))
            else {
                let expected = if field == Field::Pattern { 2 } else { 3 };
                let found = line.split_ascii_whitespace().count();
                return Err(Error::parse(
                    path,
                    Some(line_no),
                    format!("expected {expected} fields, found {found}"),
                )
                .in_field("entry"));
            };
            let row = index(path, line_no, r, n_rows, "row")?;
            let col = index(path, line_no, c, n_cols, "column")?;
            let value = match v {
                Some(v) => number(path, line_no, v, field)?,
                None => 1.0,
            };
            Ok((row, col as u32, value))
        })
        .collect();
    parsed.into_iter().collect()
}

/// Exactly `want` whitespace-separated values of type `T` on a line.
fn tokens<T: std::str::FromStr>(
    path: &Path,
    line_no: usize,
    line: &str,
    want: usize,
    field: &str,
) -> Result<Vec<T>> {
    let parts: Vec<&str> = line.split_ascii_whitespace().collect();
    if parts.len() != want {
        return Err(Error::parse(path, Some(line_no), format!("expected {want} numbers, found '{line}'"))
            .in_field(field));
    }
    parts
        .iter()
        .map(|p| {
            p.parse::<T>().map_err(|_| {
                Error::parse(path, Some(line_no), format!("'{p}' is not a valid count")).in_field(field)
            })
        })
        .collect()
}

/// A 1-based index in `1..=bound`, returned 0-based.
fn index(path: &Path, line_no: usize, text: &str, bound: usize, field: &str) -> Result<usize> {
    let i: usize = text.parse().map_err(|_| {
        Error::parse(path, Some(line_no), format!("'{text}' is not a {field} index")).in_field(field)
    })?;
    if i == 0 || i > bound {
        return Err(Error::parse(path, Some(line_no), format!("{field} {i} is out of range 1..={bound}"))
            .in_field(field));
    }
    Ok(i - 1)
}

/// A value of a `real` or `integer` field (integers beyond 2⁵³ round to the nearest double).
fn number(path: &Path, line_no: usize, text: &str, field: Field) -> Result<f64> {
    let parsed = match field {
        Field::Integer => text.parse::<i64>().map(|v| v as f64).ok(),
        _ => text.parse::<f64>().ok(),
    };
    parsed.ok_or_else(|| {
        let kind = if field == Field::Integer { "an integer" } else { "a real number" };
        Error::parse(path, Some(line_no), format!("'{text}' is not {kind}")).in_field("value")
    })
}

/// The body of an `array` file: `rows · cols` values, column by column; zeros are dropped.
fn read_array<'a>(
    path: &Path,
    lines: impl Iterator<Item = (usize, &'a str)>,
    n_rows: usize,
    n_cols: usize,
    field: Field,
) -> Result<CsrMatrix> {
    let total =
        n_rows.checked_mul(n_cols).ok_or_else(|| Error::parse(path, None, "the array is too large"))?;
    let mut triplets = Vec::new();
    let mut seen = 0usize;
    let mut last_line = 0;
    for (line_no, line) in lines {
        for part in line.split_ascii_whitespace() {
            if seen == total {
                return Err(Error::parse(
                    path,
                    Some(line_no),
                    format!("more values than the {total} declared"),
                )
                .in_field("entries"));
            }
            let value = number(path, line_no, part, field)?;
            if value != 0.0 {
                triplets.push((seen % n_rows, (seen / n_rows) as u32, value));
            }
            seen += 1;
        }
        last_line = line_no;
    }
    if seen != total {
        return Err(Error::parse(
            path,
            Some(last_line),
            format!("the size line declares {total} values, found {seen}"),
        )
        .in_field("entries"));
    }
    Ok(csr_from_triplets(n_rows, n_cols, &triplets))
}

/// Stable bucket sort of `(row, col, value)` by row into CSR (order within a row preserved).
fn csr_from_triplets(n_rows: usize, n_cols: usize, triplets: &[(usize, u32, f64)]) -> CsrMatrix {
    let mut indptr = vec![0usize; n_rows + 1];
    for &(r, _, _) in triplets {
        indptr[r + 1] += 1;
    }
    for i in 0..n_rows {
        indptr[i + 1] += indptr[i];
    }
    let mut next = indptr[..n_rows].to_vec();
    let mut indices = vec![0u32; triplets.len()];
    let mut data = vec![0.0; triplets.len()];
    for &(r, c, v) in triplets {
        indices[next[r]] = c;
        data[next[r]] = v;
        next[r] += 1;
    }
    CsrMatrix::from_parts(n_rows, n_cols, indptr, indices, data)
        .expect("triplets were range-checked while parsing")
}
