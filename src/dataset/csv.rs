//! A small RFC 4180 CSV reader and writer that knows physical line numbers.
//!
//! Grammar (RFC 4180, plus what real files do):
//!
//! ```text
//! file   = record *(EOL record) [EOL]          EOL = "\r\n" | "\n" | "\r"
//! record = field *("," field)
//! field  = quoted | bare
//! quoted = '"' *(any char except '"' | '""') '"'   -- may hold ',', '\n', '\r'
//! bare   = *(any char except ',' '\n' '\r')        -- a stray '"' inside is kept literally
//! ```
//!
//! Line numbers are physical lines counted by `\n` (1-based), so a field that spans lines
//! reports the line it starts on, and a bare `\r` inside a quoted field (three TMDB 5000
//! overviews have one) stays part of the text. Completely empty lines are skipped, as Python's
//! `csv` yields no data for them. Deviation from Python's lenient `csv` module: text after a
//! closing quote (`"ab"c`) and an unterminated quoted field are errors, not silently accepted.
//!
//! Fields borrow from the input unless they contain a doubled quote, so reading allocates one
//! `Vec` per record. Cost: one pass over the bytes, `O(n)`.
//!
//! ```
//! use cinegenre::dataset::csv::CsvReader;
//! let text = "id,title\n1,\"Lock, Stock\"\n";
//! let mut reader = CsvReader::new("movies.csv".as_ref(), text);
//! let header = reader.read_header().unwrap();
//! assert_eq!(header.fields[1].text, "title");
//! let row = reader.next_record().unwrap().unwrap();
//! assert_eq!((row.line, row.fields[1].text.as_ref()), (2, "Lock, Stock"));
//! ```

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// One field and the physical line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    pub text: Cow<'a, str>,
    pub line: usize,
}

/// One record: its fields and the physical line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub line: usize,
    pub fields: Vec<Field<'a>>,
}

/// Streaming reader over CSV text held in memory.
pub struct CsvReader<'a> {
    path: &'a Path,
    text: &'a str,
    pos: usize,
    line: usize,
    expected_fields: Option<usize>,
}

impl<'a> CsvReader<'a> {
    /// A reader over `text`; `path` only names the file in error messages.
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        CsvReader { path, text, pos: 0, line: 1, expected_fields: None }
    }

    /// Read the first record as the header; every later record must have as many fields.
    pub fn read_header(&mut self) -> Result<Record<'a>> {
        let header = self
            .next_record()?
            .ok_or_else(|| Error::parse(self.path, Some(1), "the file is empty (no CSV header)"))?;
        self.expected_fields = Some(header.fields.len());
        Ok(header)
    }

    /// The next record, `None` at the end of the text.
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>> {
        let bytes = self.text.as_bytes();
        // Skip empty lines.
        while self.pos < bytes.len() && matches!(bytes[self.pos], b'\n' | b'\r') {
            self.consume_eol();
        }
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        let line = self.line;
        let mut fields = Vec::with_capacity(self.expected_fields.unwrap_or(8));
        loop {
            fields.push(self.read_field()?);
            match bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\n' | b'\r') => {
                    self.consume_eol();
                    break;
                }
                None => break,
                Some(_) => {
                    return Err(Error::parse(
                        self.path,
                        Some(self.line),
                        format!("field {} has text after its closing quote", fields.len()),
                    ));
                }
            }
        }
        if let Some(expected) = self.expected_fields
            && fields.len() != expected
        {
            return Err(Error::parse(
                self.path,
                Some(line),
                format!("the record has {} fields but the header has {expected}", fields.len()),
            ));
        }
        Ok(Some(Record { line, fields }))
    }

    /// Consume one end of line (`\r\n`, `\n` or `\r`) at `pos`.
    fn consume_eol(&mut self) {
        let bytes = self.text.as_bytes();
        if bytes[self.pos] == b'\r' && bytes.get(self.pos + 1) == Some(&b'\n') {
            self.pos += 1;
        }
        if bytes[self.pos] == b'\n' {
            self.line += 1;
        }
        self.pos += 1;
    }

    /// Read one field starting at `pos`, leaving `pos` on the delimiter or end of line.
    fn read_field(&mut self) -> Result<Field<'a>> {
        let bytes = self.text.as_bytes();
        let line = self.line;
        if bytes.get(self.pos) != Some(&b'"') {
            let start = self.pos;
            while self.pos < bytes.len() && !matches!(bytes[self.pos], b',' | b'\n' | b'\r') {
                self.pos += 1;
            }
            return Ok(Field { text: Cow::Borrowed(&self.text[start..self.pos]), line });
        }
        self.pos += 1;
        let mut start = self.pos;
        let mut owned: Option<String> = None;
        loop {
            let Some(offset) = bytes[self.pos..].iter().position(|&b| b == b'"' || b == b'\n') else {
                return Err(Error::parse(self.path, Some(line), "unterminated quoted field"));
            };
            self.pos += offset;
            if bytes[self.pos] == b'\n' {
                self.line += 1;
                self.pos += 1;
                continue;
            }
            // A quote: either the end of the field or the first half of `""`.
            if bytes.get(self.pos + 1) == Some(&b'"') {
                let piece = &self.text[start..=self.pos];
                owned.get_or_insert_with(String::new).push_str(piece);
                self.pos += 2;
                start = self.pos;
                continue;
            }
            let tail = &self.text[start..self.pos];
            self.pos += 1;
            let text = match owned {
                Some(mut s) => {
                    s.push_str(tail);
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(tail),
            };
            return Ok(Field { text, line });
        }
    }
}

/// Index of the column `name` in `header`, or an error naming the missing column.
pub fn column_index(path: &Path, header: &Record<'_>, name: &str) -> Result<usize> {
    header.fields.iter().position(|f| f.text == name).ok_or_else(|| {
        Error::parse(path, Some(header.line), format!("missing required column `{name}`")).in_field(name)
    })
}

/// Index of the column `name` in `header`, if present.
pub fn optional_column(header: &Record<'_>, name: &str) -> Option<usize> {
    header.fields.iter().position(|f| f.text == name)
}

/// Write one record, quoting a field when it holds `,`, `"`, `\n` or `\r` (and the lone empty
/// field of a one-field record, so that the record is not an empty line). Ends with `\n`.
pub fn write_record<W: Write, S: AsRef<str>>(out: &mut W, fields: &[S]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let field = field.as_ref();
        let needs_quotes = field.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
            || (field.is_empty() && fields.len() == 1);
        if needs_quotes {
            out.write_all(b"\"")?;
            out.write_all(field.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut reader = CsvReader::new(Path::new("t.csv"), text);
        let mut out = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            out.push((r.line, r.fields.into_iter().map(|f| f.text.into_owned()).collect()));
        }
        out
    }

    #[test]
    fn quotes_newlines_crlf_and_bare_cr() {
        let got = records("a,b\r\n\"x\"\"y\",\"1\n2\"\n\"c\rd\",\n");
        assert_eq!(got[0], (1, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(got[1], (2, vec!["x\"y".to_string(), "1\n2".to_string()]));
        assert_eq!(got[2], (4, vec!["c\rd".to_string(), String::new()]));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn text_after_closing_quote_is_an_error() {
        let mut reader = CsvReader::new(Path::new("t.csv"), "a\n\"x\"y\n");
        reader.next_record().unwrap();
        let err = reader.next_record().unwrap_err().to_string();
        assert_eq!(err, "t.csv:2: field 1 has text after its closing quote");
    }
}
