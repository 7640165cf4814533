//! The word2vec text format (and GloVe's, which has no header), read and written as gensim
//! 4.4 does (ALGORITHMS.md §12.1).
//!
//! ```text
//! "<n> <dim>\n"                 (absent in GloVe files: detected, then n = rows, dim = values)
//! n × "word v1 v2 … vdim\n"     (gensim: line.rstrip().split(" "), values float32(x))
//! ```
//!
//! * Values are parsed as Python's `float()` then rounded to float32 (numpy's `float32(str)`
//!   rounds twice, and so does this reader).
//! * Written values are numpy's `str(np.float32(v))`: the shortest digits that round-trip, in
//!   positional notation when `1e-4 ≤ |v| < 1e6` (or `v` is 0 or NaN) and scientific
//!   (`1e-05`, `1.2345679e+08`) otherwise — so files are byte-identical to
//!   `save_word2vec_format(binary=False)`.
//!
//! A header is a first line of exactly two integers; a GloVe file whose first word is an
//! integer and whose vectors have one dimension would be misread as a header (a 1-d GloVe
//! file does not exist in practice). Rows with the wrong number of values, a file shorter than
//! its header, and rows beyond it are errors naming the line.
//!
//! Cost: one pass; the values of words not kept are never parsed.
//!
//! ```
//! use cinegenre::embed::numpy_f32_str;
//! assert_eq!(numpy_f32_str(0.1), "0.1");
//! assert_eq!(numpy_f32_str(3.0), "3.0");
//! assert_eq!(numpy_f32_str(1e-5), "1e-05");
//! assert_eq!(numpy_f32_str(123456789.0), "1.2345679e+08");
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use crate::embed::WordVectors;
use crate::embed::format::{
    MAX_DIM, ReadOptions, ReadReport, check_header, decode_word, parse_header, show_bytes,
};
use crate::embed::word2vec::check_writable;
use crate::error::{Error, Result};
use crate::io::write_atomic;

/// Read a word2vec text or GloVe stream (`path` names it in errors).
pub(crate) fn read_text(
    path: &Path,
    source: impl Read,
    len: Option<u64>,
    options: &ReadOptions,
) -> Result<(WordVectors, ReadReport)> {
    let mut reader = BufReader::with_capacity(1 << 20, source);
    let mut line = Vec::new();
    let mut line_no = 0usize;
    let mut next_line = |line: &mut Vec<u8>| -> Result<bool> {
        line.clear();
        let k = reader.read_until(b'\n', line).map_err(|e| Error::io(path, e))?;
        Ok(k > 0)
    };
    if !next_line(&mut line)? {
        return Err(Error::parse(path, Some(1), "the file is empty"));
    }
    line_no += 1;
    let mut report = ReadReport::default();
    let (announced, dim, mut pending) = match parse_header(&line) {
        Some((n, dim)) => {
            // A row is at least a 1-byte word, `dim` × " v" and a line break.
            let records = options.limit.map_or(n, |l| l.min(n));
            let rest = len.map(|l| l.saturating_sub(line.len() as u64));
            check_header(path, rstrip(&line), (n, dim, records), |d| 2 * d as u128 + 2, rest)?;
            (Some(n), dim, false)
        }
        None => {
            report.headerless = true;
            let values = rstrip(&line).split(|&b| b == b' ').count() - 1;
            if values == 0 {
                return Err(Error::parse(
                    path,
                    Some(1),
                    "neither a header \"<words> <dim>\" nor a row \"word v1 … vdim\"",
                ));
            }
            (None, values, true)
        }
    };
    let limit = match (announced, options.limit) {
        (Some(n), Some(l)) => Some(n.min(l)),
        (Some(n), None) => Some(n),
        (None, l) => l,
    };
    if dim > MAX_DIM {
        return Err(Error::parse(
            path,
            Some(1),
            format!("the first row has {dim} values, more than the {MAX_DIM} this reader accepts"),
        ));
    }
    let mut table = WordVectors::new(dim)?;
    // Allocated at the first kept row, whose length vouches for `dim`.
    let mut vector = Vec::new();
    while limit.is_none_or(|l| report.records < l) {
        if !pending {
            if !next_line(&mut line)? {
                if let Some(n) = announced {
                    return Err(Error::parse(
                        path,
                        Some(line_no + 1),
                        format!(
                            "the header announces {n} words but the file ends after {}: it is truncated, or \
                             the header's word count is too large",
                            report.records
                        ),
                    ));
                }
                break;
            }
            line_no += 1;
        }
        pending = false;
        let at = |message: String| Error::parse(path, Some(line_no), message);
        let row = rstrip(&line);
        let mut parts = row.split(|&b| b == b' ');
        let word_bytes = parts.next().unwrap_or_default();
        let word = decode_word(word_bytes, options.utf8_errors).map_err(|()| {
            at(format!(
                "the word `{}` is not valid UTF-8 (use unicode errors 'replace' to substitute U+FFFD)",
                show_bytes(word_bytes)
            ))
        })?;
        let values = row.iter().filter(|&&b| b == b' ').count();
        if values != dim {
            return Err(at(format!(
                "`{}` has {values} values, expected {dim} (the {})",
                show_bytes(word_bytes),
                if announced.is_some() { "header's dimension" } else { "first row's count" }
            )));
        }
        if options.keeps(&word) {
            vector.resize(dim, 0.0);
            for (j, (v, text)) in vector.iter_mut().zip(parts).enumerate() {
                *v = parse_value(text).ok_or_else(|| {
                    at(format!("value {} of `{word}`, `{}`, is not a number", j + 1, show_bytes(text)))
                })?;
                if !v.is_finite() {
                    return Err(at(format!(
                        "value {} of `{word}`, `{}`, is not a finite float32: word vectors must be finite",
                        j + 1,
                        show_bytes(text)
                    )));
                }
            }
            if !table.push(word, &vector)? {
                report.duplicates += 1;
            }
        }
        report.records += 1;
    }
    if options.limit.is_none()
        && let Some(n) = announced
    {
        while next_line(&mut line)? {
            line_no += 1;
            if !rstrip(&line).is_empty() {
                return Err(Error::parse(
                    path,
                    Some(line_no),
                    format!(
                        "the header announces {n} words but more rows follow: its word count is too small"
                    ),
                ));
            }
        }
    }
    Ok((table, report))
}

/// Python's `bytes.rstrip()`: drop trailing ASCII whitespace.
fn rstrip(line: &[u8]) -> &[u8] {
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &line[..end]
}

/// numpy's `float32(text)`: Python `float()` (correctly rounded to f64), then to f32.
fn parse_value(text: &[u8]) -> Option<f32> {
    std::str::from_utf8(text).ok()?.parse::<f64>().ok().map(|v| v as f32)
}

/// Write `vectors` as gensim's `save_word2vec_format(binary=False)` does, atomically;
/// `header: false` writes a GloVe-style file.
pub(crate) fn write_text(path: &Path, vectors: &WordVectors, header: bool) -> Result<()> {
    write_atomic(path, |out| {
        let io = |e| Error::io(path, e);
        if header {
            writeln!(out, "{} {}", vectors.len(), vectors.dim()).map_err(io)?;
        }
        let mut line = String::new();
        for (word, row) in vectors.iter() {
            check_writable(path, word)?;
            line.clear();
            line.push_str(word);
            for &v in row {
                line.push(' ');
                push_numpy_f32(&mut line, v);
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(io)?;
        }
        Ok(())
    })
}

/// `str(np.float32(v))` as numpy 2.4 prints it (see the module docs).
pub fn numpy_f32_str(v: f32) -> String {
    let mut s = String::new();
    push_numpy_f32(&mut s, v);
    s
}

fn push_numpy_f32(out: &mut String, v: f32) {
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v < 0.0 { "-inf" } else { "inf" });
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let a = v.abs();
    // Shortest round-trip digits d1.d2d3… and the decimal exponent, from Rust's `{:e}`.
    let sci = format!("{a:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits = round_half_even(a, mantissa.chars().filter(|c| c.is_ascii_digit()).collect(), exp);
    let mantissa = match digits.len() {
        1 => digits.clone(),
        _ => format!("{}.{}", &digits[..1], &digits[1..]),
    };
    let positional = a == 0.0 || (f64::from(a) >= 1e-4 && a < 1e6);
    if positional {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&mantissa);
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    }
}

/// Rust and numpy agree on the shortest round-trip digits except when `a` lies exactly halfway
/// between two shortest candidates: numpy's Dragon4 then takes the even last digit (IEEE
/// rounding), Rust the upper one. `digits` × 10^(exp + 1 − len) is Rust's choice.
fn round_half_even(a: f32, digits: String, exp: i32) -> String {
    let last = digits.as_bytes()[digits.len() - 1] - b'0';
    if last.is_multiple_of(2) {
        return digits;
    }
    let head = &digits[..digits.len() - 1];
    let scientific = |d: &str| match d.len() {
        1 => format!("{d}e{exp}"),
        _ => format!("{}.{}e{exp}", &d[..1], &d[1..]),
    };
    for other in [last.wrapping_sub(1), last + 1] {
        if other > 9 {
            continue;
        }
        let candidate = format!("{head}{other}");
        let low = last.min(other);
        let midpoint = format!("{head}{low}5");
        let round_trips = scientific(&candidate).parse::<f32>() == Ok(a);
        // `a` is exact in f64, so a correctly rounded parse of the midpoint equals it only when
        // the midpoint is `a` itself (it has ≤ 10 digits, far fewer than f64 distinguishes).
        let tie = scientific(&midpoint).parse::<f64>() == Ok(f64::from(a));
        if round_trips && tie {
            return candidate;
        }
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_str_cases_measured_in_numpy_2_4() {
        let cases: [(f32, &str); 15] = [
            (-13322009.0 / 4.0, "-3.3305022e+06"), // exactly halfway: the even digit
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (3.0, "3.0"),
            (1e-4, "1e-04"),
            (9.9e-5, "9.9e-05"),
            (1e16, "1e+16"),
            (123456789.0, "1.2345679e+08"),
            (1e6, "1e+06"),
            (999999.94, "999999.94"),
            (1.0 / 3.0, "0.33333334"),
            (f32::from_bits(1), "1e-45"),
            (-5.5, "-5.5"),
            (f32::NEG_INFINITY, "-inf"),
            (0.00012345679, "0.00012345679"),
        ];
        for (v, want) in cases {
            assert_eq!(numpy_f32_str(v), want, "{v:e}");
        }
    }
}

#[cfg(test)]
mod read_tests {
    use crate::embed::{Format, ReadOptions, read_vectors};

    fn error(name: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("cinegenre-w2vt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        read_vectors(&path, Some(Format::Text), &ReadOptions::default()).unwrap_err().to_string()
    }

    #[test]
    fn bad_text_files_name_the_line() {
        let e = error("short.txt", "3 2\nalpha 1.5 2.5\nbeta 3.5 4.5\n");
        assert!(e.contains(":4: the header announces 3 words but the file ends after 2"), "{e}");
        let e = error("header.txt", "3 2\na 1 2\nb 3 4\n");
        assert!(
            e.contains(":1: the header `3 2` announces 3 words of dimension 2, but 3 such records"),
            "{e}"
        );
        assert!(error("long.txt", "1 2\na 1 2\nb 3 4\n").contains(":3: the header announces 1 words"));
        let e = error("dim.txt", "2 2\na 1 2\nb 3 4 5\n");
        assert!(e.contains(":3: `b` has 3 values, expected 2"), "{e}");
        let e = error("glove.txt", "a 1 2\nb 3\n");
        assert!(e.contains(":2: `b` has 1 values, expected 2 (the first row's count)"), "{e}");
        let e = error("nan.txt", "1 2\na 1 x\n");
        assert!(e.contains(":2: value 2 of `a`, `x`, is not a number"), "{e}");
        assert!(error("empty.txt", "").contains("empty"));
    }
}
