//! The `.npy` header: magic, version, length, and the Python dict literal that describes the
//! array — parsed by a small hand-written reader of the literals numpy writes (strings,
//! `True`/`False`, tuples of integers), and encoded exactly as numpy does.

use std::path::Path;

use crate::error::{Error, Result};

const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// Magic, version and header length are padded with the header to a multiple of this.
const ARRAY_ALIGN: usize = 64;
/// numpy leaves room for the first axis to grow to this many digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// Byte order of multi-byte elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ByteOrder {
    Little,
    Big,
}

/// The element types cinegenre reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bool,
    U8,
    I32,
    I64,
    F32,
    F64,
}

/// A parsed header.
#[derive(Debug)]
pub(super) struct Header {
    pub descr: String,
    pub order: ByteOrder,
    pub kind: Kind,
    pub item_size: usize,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
}

/// A value of the header dict.
enum Literal {
    Str(String),
    Bool(bool),
    Tuple(Vec<u64>),
}

impl Header {
    /// Parse the header at the start of `bytes`; returns it and the offset of the data.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<(Header, usize)> {
        let err = |field: &str, msg: String| Error::parse(path, None, msg).in_field(field);
        if bytes.len() < 8 || &bytes[..6] != MAGIC {
            let got = &bytes[..bytes.len().min(6)];
            return Err(err(
                "magic",
                format!("not an .npy file: it starts with b\"{}\", not b\"\\x93NUMPY\"", got.escape_ascii()),
            ));
        }
        let (major, minor) = (bytes[6], bytes[7]);
        let (len_size, utf8) = match (major, minor) {
            (1, 0) => (2, false),
            (2, 0) => (4, false),
            (3, 0) => (4, true),
            _ => return Err(err("version", format!("unsupported .npy format version {major}.{minor}"))),
        };
        let start = 8 + len_size;
        if bytes.len() < start {
            return Err(err(
                "header length",
                format!("the file ends after {} bytes, inside the header length", bytes.len()),
            ));
        }
        let mut len_bytes = [0u8; 4];
        len_bytes[..len_size].copy_from_slice(&bytes[8..start]);
        let header_len = u32::from_le_bytes(len_bytes) as usize;
        let end = start + header_len;
        if bytes.len() < end {
            return Err(err(
                "header length",
                format!(
                    "the header claims {header_len} bytes but the file ends after {}",
                    bytes.len() - start
                ),
            ));
        }
        let raw = &bytes[start..end];
        let text: String = if utf8 {
            std::str::from_utf8(raw)
                .map_err(|e| err("header", format!("the header is not UTF-8: {e}")))?
                .to_owned()
        } else {
            raw.iter().map(|&b| b as char).collect() // latin-1
        };
        let entries = parse_dict(&text).map_err(|msg| err("header", msg))?;
        let mut descr = None;
        let mut fortran_order = None;
        let mut shape = None;
        for (key, value) in entries {
            match (key.as_str(), value) {
                ("descr", Literal::Str(s)) => descr = Some(s),
                ("fortran_order", Literal::Bool(b)) => fortran_order = Some(b),
                ("shape", Literal::Tuple(dims)) => shape = Some(dims),
                ("descr" | "fortran_order" | "shape", _) => {
                    return Err(err(&key, format!("'{key}' has a value of the wrong type")));
                }
                _ => return Err(err(&key, format!("unexpected key '{key}' in the header"))),
            }
        }
        let descr = descr.ok_or_else(|| err("descr", "the header has no 'descr'".into()))?;
        let fortran_order =
            fortran_order.ok_or_else(|| err("fortran_order", "the header has no 'fortran_order'".into()))?;
        let shape = shape.ok_or_else(|| err("shape", "the header has no 'shape'".into()))?;
        let shape = shape
            .into_iter()
            .map(|d| {
                usize::try_from(d).map_err(|_| err("shape", format!("dimension {d} does not fit in memory")))
            })
            .collect::<Result<Vec<_>>>()?;
        let (order, kind, item_size) = parse_descr(&descr).ok_or_else(|| {
            err(
                "descr",
                format!("unsupported element type '{descr}' (cinegenre reads |b1, |u1, i4, i8, f4, f8)"),
            )
        })?;
        Ok((Header { descr, order, kind, item_size, fortran_order, shape }, end))
    }

    /// Number of elements, `Π shape` (1 for a 0-d array).
    pub fn element_count(&self, path: &Path) -> Result<usize> {
        self.shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).ok_or_else(|| {
            Error::parse(path, None, format!("shape {:?} has too many elements", self.shape))
                .in_field("shape")
        })
    }
}

/// `'<f8'` → (order, kind, item size), for the supported types only.
fn parse_descr(descr: &str) -> Option<(ByteOrder, Kind, usize)> {
    let (order_char, code) = descr.split_at_checked(1)?;
    let order = match order_char {
        "<" | "|" => ByteOrder::Little,
        ">" => ByteOrder::Big,
        _ => return None,
    };
    let (kind, size) = match code {
        "b1" => (Kind::Bool, 1),
        "u1" => (Kind::U8, 1),
        "i4" => (Kind::I32, 4),
        "i8" => (Kind::I64, 8),
        "f4" => (Kind::F32, 4),
        "f8" => (Kind::F64, 8),
        _ => return None,
    };
    // '|' (not applicable) is only valid for one-byte types, as numpy writes it.
    if order_char == "|" && size != 1 {
        return None;
    }
    Some((order, kind, size))
}

/// Parse `{'key': value, ...}` (trailing comma and whitespace allowed).
fn parse_dict(text: &str) -> std::result::Result<Vec<(String, Literal)>, String> {
    let mut p = Cursor { chars: text.chars().collect(), at: 0 };
    p.skip_ws();
    p.expect('{')?;
    let mut entries = Vec::new();
    loop {
        p.skip_ws();
        if p.eat('}') {
            break;
        }
        let key = match p.literal()? {
            Literal::Str(s) => s,
            _ => return Err(format!("expected a string key at character {}", p.at)),
        };
        p.skip_ws();
        p.expect(':')?;
        p.skip_ws();
        let value = p.literal()?;
        entries.push((key, value));
        p.skip_ws();
        if !p.eat(',') {
            p.skip_ws();
            p.expect('}')?;
            break;
        }
    }
    p.skip_ws();
    if p.at != p.chars.len() {
        return Err(format!("unexpected text after the dict at character {}", p.at));
    }
    Ok(entries)
}

struct Cursor {
    chars: Vec<char>,
    at: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, c: char) -> std::result::Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            let got = self.peek().map_or("the end".to_string(), |g| format!("'{g}'"));
            Err(format!("expected '{c}' at character {}, found {got}", self.at))
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// A string, `True`/`False`, or a tuple of non-negative integers.
    fn literal(&mut self) -> std::result::Result<Literal, String> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|c| c != q) {
                    self.at += 1;
                }
                let s: String = self.chars[start..self.at].iter().collect();
                self.expect(q)?;
                Ok(Literal::Str(s))
            }
            Some('(') => {
                self.at += 1;
                let mut dims = Vec::new();
                loop {
                    self.skip_ws();
                    if self.eat(')') {
                        break;
                    }
                    dims.push(self.integer()?);
                    self.skip_ws();
                    if !self.eat(',') {
                        self.expect(')')?;
                        break;
                    }
                }
                Ok(Literal::Tuple(dims))
            }
            _ => {
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.at += 1;
                }
                match self.chars[start..self.at].iter().collect::<String>().as_str() {
                    "True" => Ok(Literal::Bool(true)),
                    "False" => Ok(Literal::Bool(false)),
                    other => Err(format!("unsupported value '{other}' at character {start}")),
                }
            }
        }
    }

    /// A non-negative decimal integer (Python 2 files may add an `L` suffix).
    fn integer(&mut self) -> std::result::Result<u64, String> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits: String = self.chars[start..self.at].iter().collect();
        self.eat('L');
        digits.parse().map_err(|_| format!("expected a non-negative integer at character {start}"))
    }
}

/// The header numpy writes for a C-order array of `descr` and `shape`, prefix and padding
/// included: version 1.0, or 2.0 when the header does not fit a 16-bit length.
pub(super) fn encode(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape_repr = match shape {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_repr}, }}");
    if let Some(first) = shape.first() {
        let digits = first.to_string().len();
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let with_newline = dict.len() + 1;
    // numpy pads by ALIGN - (total % ALIGN): a full 64 spaces when already aligned.
    let padded = |prefix: usize| with_newline + ARRAY_ALIGN - (prefix + with_newline) % ARRAY_ALIGN;
    let (version, len_size) = if padded(MAGIC.len() + 4) <= u16::MAX as usize { (1u8, 2) } else { (2u8, 4) };
    let prefix = MAGIC.len() + 2 + len_size;
    let header_len = padded(prefix);
    let pad = header_len - with_newline;
    let mut out = Vec::with_capacity(prefix + header_len);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    if len_size == 2 {
        out.extend_from_slice(&(header_len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header_len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    out
}
