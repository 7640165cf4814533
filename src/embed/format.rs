//! Word-vector files: which format, what to keep while reading, and one entry point for both.
//!
//! | format | header | record |
//! | --- | --- | --- |
//! | [`Format::Binary`] (word2vec C tool, gensim `binary=True`) | `"<n> <dim>\n"` | `word` `' '` `dim` × float32 LE (the C tool adds `'\n'`) |
//! | [`Format::Text`] (word2vec text) | `"<n> <dim>\n"` | `word v1 … vdim\n` |
//! | [`Format::Text`] (GloVe) | none (detected) | `word v1 … vdim\n` |
//!
//! Hostile input: a header is checked against the file before anything is allocated from it
//! (dimension at most [`MAX_DIM`]; `n` records of that dimension must fit in the file when its
//! length is known; for gzip input buffers grow only as bytes arrive). A kept vector with a
//! NaN or infinite component (or a text value beyond float32's range) is an error naming the
//! file, the word and its line or record: such a vector would poison every mean it enters.
//! Words that are not kept are not decoded and not checked.
//!
//! Reading streams the file through a fixed buffer; with [`ReadOptions::keep`] only the listed
//! words are stored, so memory is proportional to the kept vocabulary, never to the file
//! (the 3.6 GB GoogleNews file filtered to a corpus of 20,000 words needs ~24 MB). There is
//! no memory map (no crate for it here): buffered sequential reads run at page-cache speed,
//! and a gzip-compressed file (`.gz`) streams the same way.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::embed::WordVectors;
use crate::embed::{text_format, word2vec};
use crate::error::{Error, Result};

/// The two word-vector file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// word2vec binary: header line, then `word ' '` + little-endian float32 values.
    Binary,
    /// word2vec text (header line) or GloVe (no header): `word v1 … vdim` per line.
    Text,
}

impl Format {
    /// The format a file name implies: `.bin` → binary; `.txt`, `.vec` → text (also with
    /// `.gz` after them); `None` for anything else ([`Format::sniff`] then decides).
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.to_string_lossy();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("bin") => Some(Format::Binary),
            Some("txt" | "vec") => Some(Format::Text),
            _ => None,
        }
    }

    /// Decide from the first bytes of a file: after the first line, binary float data almost
    /// surely holds control bytes that text never does.
    pub fn sniff(head: &[u8]) -> Format {
        let body = match head.iter().position(|&b| b == b'\n') {
            Some(i) => &head[i + 1..],
            None => return Format::Text,
        };
        let control = |b: &u8| *b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t');
        if body.iter().take(4096).any(control) { Format::Binary } else { Format::Text }
    }
}

/// What to do with a word that is not valid UTF-8 (gensim's `unicode_errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Utf8Errors {
    /// Fail, naming the word's record (gensim's default `'strict'`).
    #[default]
    Strict,
    /// Substitute U+FFFD for each invalid sequence (gensim's `'replace'`; the C tool cuts long
    /// words in the middle of a multi-byte character).
    Replace,
}

/// Reading options.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// Store only these words (exact match); `None` stores every word.
    pub keep: Option<&'a HashSet<String>>,
    /// Invalid UTF-8 in words.
    pub utf8_errors: Utf8Errors,
    /// Read at most this many records (gensim's `limit`); the rest of the file is not checked.
    pub limit: Option<usize>,
}

impl ReadOptions<'_> {
    pub(crate) fn keeps(&self, word: &str) -> bool {
        self.keep.is_none_or(|set| set.contains(word))
    }
}

/// What a read saw besides the vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadReport {
    /// Records read from the file.
    pub records: usize,
    /// Repeated words skipped (the first vector is kept, as gensim does).
    pub duplicates: usize,
    /// Whether a text file had no header line (GloVe).
    pub headerless: bool,
}

/// Read a word-vector file, in `format` or the one [`Format::from_path`] / [`Format::sniff`]
/// finds.
pub fn read_vectors(
    path: &Path,
    format: Option<Format>,
    options: &ReadOptions,
) -> Result<(WordVectors, ReadReport)> {
    let format = match format.or_else(|| Format::from_path(path)) {
        Some(f) => f,
        None => {
            let mut head = Vec::with_capacity(8192);
            open(path)?.0.take(8192).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
            Format::sniff(&head)
        }
    };
    let (source, len) = open(path)?;
    match format {
        Format::Binary => word2vec::read_binary(path, source, len, options),
        Format::Text => text_format::read_text(path, source, len, options),
    }
}

/// Write `vectors` to `path` (atomically) in `format`; text files get the word2vec header.
pub fn write_vectors(path: &Path, vectors: &WordVectors, format: Format) -> Result<()> {
    match format {
        Format::Binary => word2vec::write_binary(path, vectors),
        Format::Text => text_format::write_text(path, vectors, true),
    }
}

/// The file's bytes, gunzipped when the name ends in `.gz`, and their length when it is known
/// before reading (a regular, uncompressed file).
pub(crate) fn open(path: &Path) -> Result<(Box<dyn Read>, Option<u64>)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    if path.to_string_lossy().ends_with(".gz") {
        Ok((Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, file))), None))
    } else {
        let len = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        Ok((Box::new(file), len))
    }
}

/// Check a header `"<n> <dim>"` against the file before anything is allocated from it.
///
/// `dim` must be 1..=[`MAX_DIM`]; when the file's length is known, the `records` records to be
/// read, each at least `min_record(dim)` bytes (`min_record` counts one record's separator),
/// must fit in the `rest` bytes after the header line. For a stream of unknown length (gzip)
/// only the dimension bound applies, and the readers grow their buffers as bytes arrive.
pub(crate) fn check_header(
    path: &Path,
    header: &[u8],
    (n, dim, records): (usize, usize, usize),
    min_record: fn(usize) -> u128,
    rest: Option<u64>,
) -> Result<()> {
    let err = |why: String| {
        Err(Error::parse(path, Some(1), format!("the header `{}` announces {why}", show_bytes(header))))
    };
    if dim == 0 {
        return err("vectors of dimension 0".into());
    }
    if dim > MAX_DIM {
        return err(format!("vectors of dimension {dim}, more than the {MAX_DIM} this reader accepts"));
    }
    if let Some(rest) = rest {
        let need = records as u128 * min_record(dim);
        // The last record may lack its separator.
        if need > u128::from(rest) + 1 {
            return err(format!(
                "{n} words of dimension {dim}, but {records} such records need at least {need} bytes \
                 and the file holds {rest} after the header: the file is truncated or the header is wrong"
            ));
        }
    }
    Ok(())
}

/// The widest vectors a header may announce: far beyond any real embedding (GoogleNews has
/// 300), and a hard bound (4 MiB) on one vector buffer when the file's length is unknown.
pub const MAX_DIM: usize = 1 << 20;

/// Decode a word under `policy`; `Err(())` for invalid UTF-8 under [`Utf8Errors::Strict`].
pub(crate) fn decode_word(bytes: &[u8], policy: Utf8Errors) -> std::result::Result<String, ()> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) if policy == Utf8Errors::Replace => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(_) => Err(()),
    }
}

/// Parse a header line `"<n> <dim>"` (whitespace-separated integers, as gensim's `int()`).
pub(crate) fn parse_header(line: &[u8]) -> Option<(usize, usize)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut fields = text.split_whitespace();
    let n = fields.next()?.parse().ok()?;
    let dim = fields.next()?.parse().ok()?;
    fields.next().is_none().then_some((n, dim))
}

/// A short printable form of raw bytes for messages.
pub(crate) fn show_bytes(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(40)];
    let mut s: String = cut.escape_ascii().to_string();
    if bytes.len() > cut.len() {
        s.push('…');
    }
    s
}
