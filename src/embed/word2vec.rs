//! The word2vec binary format, read and written exactly as the original C tool and gensim 4.4
//! do it (ALGORITHMS.md §12.1).
//!
//! ```text
//! "<n> <dim>\n"
//! n × ( word bytes  b' '  dim × float32 little-endian  [b'\n' from the C tool] )
//! ```
//!
//! * A word runs to the first space; leading `'\n'` bytes (the C tool's record terminator) are
//!   stripped, as gensim's `word.lstrip('\n')` does.
//! * Words are UTF-8 ([`Utf8Errors`](crate::embed::Utf8Errors) says what to do otherwise); a repeated word keeps its
//!   first vector.
//! * The writer emits no `'\n'` after a vector, like gensim's `save_word2vec_format(binary=True)`
//!   (`f"{word} ".encode() + vec.astype(float32).tobytes()`), so files are byte-identical to it.
//!
//! Beyond gensim, the reader checks the header against the data: a file that ends inside a
//! record, or holds more than whitespace after the announced `n` records, is an error that
//! names the record and byte offset (gensim silently ignores trailing data), and a word that is
//! empty or contains a newline — what a wrong `dim` in the header produces — is reported as a
//! likely dimension mismatch.
//!
//! Cost: one sequential pass through a 4 MiB buffer; the vectors of skipped words are never
//! decoded; memory = the kept words and vectors.
//!
//! ```
//! use cinegenre::embed::{Format, ReadOptions, WordVectors, read_vectors, write_vectors};
//! let path = std::env::temp_dir().join(format!("cinegenre-w2v-doc-{}.bin", std::process::id()));
//! let v = WordVectors::from_rows(2, vec!["king".into(), "queen".into()], &[1.0, 2.0, 3.0, 4.0])?;
//! write_vectors(&path, &v, Format::Binary)?;
//! assert_eq!(&std::fs::read(&path)?[..9], b"2 2\nking ");
//! let (back, _) = read_vectors(&path, None, &ReadOptions::default())?;
//! assert_eq!(back.get("queen"), Some(&[3.0f32, 4.0][..]));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{Read, Write};
use std::path::Path;

use crate::embed::WordVectors;
use crate::embed::format::{ReadOptions, ReadReport, check_header, decode_word, parse_header, show_bytes};
use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::mlp::all_finite;

/// Longest word accepted (bytes): far beyond any real vocabulary, short enough to catch a
/// file that is not word2vec binary.
const MAX_WORD_BYTES: usize = 1 << 20;
/// Read buffer.
const BUFFER_BYTES: usize = 4 << 20;

/// A growable window over a byte stream: `buf[start..end]` are read but not yet consumed.
struct Window<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Bytes consumed before `buf[0]`.
    offset: u64,
}

impl<R: Read> Window<R> {
    fn new(inner: R) -> Self {
        Window { inner, buf: vec![0; BUFFER_BYTES], start: 0, end: 0, eof: false, offset: 0 }
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// File offset of the next unconsumed byte.
    fn position(&self) -> u64 {
        self.offset + self.start as u64
    }

    /// Make at least `n` bytes available, unless the stream ends first.
    fn fill(&mut self, n: usize) -> std::io::Result<usize> {
        if self.end - self.start >= n || self.eof {
            return Ok(self.end - self.start);
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.offset += self.start as u64;
        self.end -= self.start;
        self.start = 0;
        while self.end < n {
            if self.end == self.buf.len() {
                // Grow only as bytes arrive: a record size read from a header never reserves
                // more than twice what the stream has actually delivered.
                let grown = self.buf.len().saturating_mul(2).min(n.next_power_of_two()).max(self.end + 1);
                self.buf.resize(grown, 0);
            }
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end)
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
    }
}

/// Read a word2vec binary stream (`path` names it in errors).
pub(crate) fn read_binary(
    path: &Path,
    source: impl Read,
    len: Option<u64>,
    options: &ReadOptions,
) -> Result<(WordVectors, ReadReport)> {
    let io = |e| Error::io(path, e);
    let mut w = Window::new(source);
    // Header line.
    w.fill(4096).map_err(io)?;
    let header_end = w.available().iter().position(|&b| b == b'\n').ok_or_else(|| {
        Error::parse(path, Some(1), "no header line: a word2vec binary file starts with \"<words> <dim>\\n\"")
    })?;
    let (n, dim) = parse_header(&w.available()[..header_end]).ok_or_else(|| {
        Error::parse(
            path,
            Some(1),
            format!(
                "the header `{}` is not \"<words> <dim>\" (two integers)",
                show_bytes(&w.available()[..header_end])
            ),
        )
    })?;
    let records = options.limit.map_or(n, |l| l.min(n));
    // A record is at least a 1-byte word, a space and the vector.
    let rest = len.map(|l| l.saturating_sub(header_end as u64 + 1));
    check_header(path, &w.available()[..header_end], (n, dim, records), |d| 4 * d as u128 + 2, rest)?;
    w.consume(header_end + 1);
    let vector_bytes = dim * 4;
    let mut table = WordVectors::new(dim)?;
    let mut report = ReadReport::default();
    // Allocated once the first vector's bytes have arrived.
    let mut vector = Vec::new();
    for k in 0..records {
        let at = w.position();
        let record = |message: String| {
            Error::parse(path, None, format!("record {} of {n} (byte {at}): {message}", k + 1))
        };
        // The word: bytes up to the first space.
        let mut searched = 0;
        let space = loop {
            if let Some(i) = w.available()[searched..].iter().position(|&b| b == b' ') {
                break searched + i;
            }
            searched = w.available().len();
            if w.eof || searched > MAX_WORD_BYTES {
                let why = if searched > MAX_WORD_BYTES {
                    format!("no space within {MAX_WORD_BYTES} bytes: this is not a word2vec binary file")
                } else {
                    "the file ends inside this record: it is truncated, or the header's word count is too large"
                        .to_string()
                };
                return Err(record(why));
            }
            w.fill(searched + 4096).map_err(io)?;
        };
        let raw = &w.available()[..space];
        let stripped = &raw[raw.iter().take_while(|&&b| b == b'\n').count()..];
        if stripped.is_empty() || stripped.contains(&b'\n') {
            return Err(record(format!(
                "the word `{}` is empty or holds a newline: the records are misaligned, is the \
                 dimension {dim} in the header right?",
                show_bytes(stripped)
            )));
        }
        let word = decode_word(stripped, options.utf8_errors).map_err(|()| {
            record(format!(
                "the word `{}` is not valid UTF-8 (use unicode errors 'replace' to substitute U+FFFD)",
                show_bytes(stripped)
            ))
        })?;
        w.consume(space + 1);
        // The vector.
        if w.fill(vector_bytes).map_err(io)? < vector_bytes {
            return Err(record(format!(
                "the file ends inside the vector of `{word}`: it is truncated, or the header's word \
                 count or dimension is too large"
            )));
        }
        if options.keeps(&word) {
            vector.resize(dim, 0.0);
            for (v, b) in vector.iter_mut().zip(w.available()[..vector_bytes].chunks_exact(4)) {
                *v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            if !all_finite(&vector)
                && let Some(j) = vector.iter().position(|v| !v.is_finite())
            {
                return Err(record(format!(
                    "component {} of the vector of `{word}` is {}: word vectors must be finite",
                    j + 1,
                    vector[j]
                )));
            }
            if !table.push(word, &vector)? {
                report.duplicates += 1;
            }
        }
        w.consume(vector_bytes);
        report.records += 1;
    }
    if options.limit.is_none() {
        check_only_whitespace_left(path, &mut w, n)?;
    }
    Ok((table, report))
}

/// After the last announced record only whitespace (the C tool's final `'\n'`) may follow.
fn check_only_whitespace_left(path: &Path, w: &mut Window<impl Read>, n: usize) -> Result<()> {
    loop {
        let at = w.position();
        if let Some(i) = w.available().iter().position(|b| !b.is_ascii_whitespace()) {
            return Err(Error::parse(
                path,
                None,
                format!(
                    "the header announces {n} words but more data follows the last of them (byte {}): \
                     the header's word count or dimension is too small",
                    at + i as u64
                ),
            ));
        }
        let len = w.available().len();
        w.consume(len);
        if w.fill(1).map_err(|e| Error::io(path, e))? == 0 {
            return Ok(());
        }
    }
}

/// Write `vectors` as gensim's `save_word2vec_format(binary=True)` does, atomically.
pub(crate) fn write_binary(path: &Path, vectors: &WordVectors) -> Result<()> {
    write_atomic(path, |out| {
        let io = |e| Error::io(path, e);
        writeln!(out, "{} {}", vectors.len(), vectors.dim()).map_err(io)?;
        let mut bytes = Vec::with_capacity(vectors.dim() * 4);
        for (word, row) in vectors.iter() {
            check_writable(path, word)?;
            bytes.clear();
            bytes.extend_from_slice(word.as_bytes());
            bytes.push(b' ');
            for v in row {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            out.write_all(&bytes).map_err(io)?;
        }
        Ok(())
    })
}

/// The word2vec formats cannot represent a word that is empty or holds a space, `'\n'` or
/// `'\r'` (the readers split or strip there): refuse to write one.
pub(crate) fn check_writable(path: &Path, word: &str) -> Result<()> {
    if word.is_empty() || word.contains([' ', '\n', '\r']) {
        return Err(Error::param(
            "vectors",
            format!(
                "{}: the word `{}` is empty or holds a space or line break and cannot be stored",
                path.display(),
                word.escape_debug()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{Format, read_vectors};

    fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cinegenre-w2v-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn record(word: &str, values: &[f32]) -> Vec<u8> {
        let mut out = format!("{word} ").into_bytes();
        values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        out
    }

    fn error(name: &str, bytes: &[u8]) -> String {
        let path = file(name, bytes);
        read_vectors(&path, Some(Format::Binary), &ReadOptions::default()).unwrap_err().to_string()
    }

    #[test]
    fn truncated_files_and_count_mismatches_name_the_record() {
        // Words longer than one byte: the file holds more than the header's minimum, so the
        // cut is found while reading, at its record.
        let mut two = b"2 2\n".to_vec();
        two.extend(record("kingdom", &[1.0, 2.0]));
        two.extend(record("queendom", &[3.0, 4.0]));
        let e = error("cut.bin", &two[..two.len() - 3]);
        assert!(e.contains("record 2 of 2 (byte 20)") && e.contains("truncated"), "{e}");
        let mut more = two.clone();
        more[0] = b'1';
        let e = error("more.bin", &more);
        assert!(e.contains("announces 1 words but more data follows"), "{e}");
        let mut fewer = two.clone();
        fewer[0] = b'3';
        assert!(error("fewer.bin", &fewer).contains("record 3 of 3"));
        // A count the file cannot hold is refused from the header, before reading on.
        fewer[0] = b'4';
        let e = error("short.bin", &fewer);
        assert!(e.contains(":1: the header `4 2` announces 4 words of dimension 2, but 4 such records need at least 40 bytes and the file holds 33"), "{e}");
    }

    #[test]
    fn a_wrong_dimension_is_reported_as_such() {
        let mut data = b"2 3\n".to_vec();
        data.extend(record("a", &[1.0, 2.0]));
        data.extend(record("b", &[3.0, 4.0]));
        data.extend(b"\n");
        let e = error("dim.bin", &data);
        assert!(e.contains("dimension") || e.contains("truncated"), "{e}");
        assert!(error("header.bin", b"two 3\n").contains(":1: the header `two 3`"));
        assert!(error("zero.bin", b"1 0\n").contains("dimension 0"));
    }

    #[test]
    fn words_with_spaces_cannot_be_written() {
        let v = WordVectors::from_rows(1, vec!["New York".into()], &[1.0]).unwrap();
        let e = write_binary(&file("space.bin", b""), &v).unwrap_err();
        assert!(e.to_string().contains("`New York`"), "{e}");
    }
}
