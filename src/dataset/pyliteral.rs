//! A recursive-descent parser for the Python literals in The Movies Dataset's CSV cells.
//!
//! `movies_metadata.csv` stores its nested columns with Python's `repr`, not JSON:
//! `[{'id': 16, 'name': 'Animation'}]`, `{'name': "D'Pelicula", 'id': 93489}`, `None`, `False`.
//! The grammar covered (a subset of `ast.literal_eval`):
//!
//! ```text
//! value = list | dict | str | number | "None" | "True" | "False"
//! list  = "[" [value *("," value) [","]] "]"
//! dict  = "{" [value ":" value *("," value ":" value) [","]] "}"
//! str   = "'" chars "'" | '"' chars '"'    escapes: \\ \' \" \n \r \t \0 \xhh \uhhhh \Uhhhhhhhh
//! number = ["-"] digits ["." digits] [("e"|"E") ["+"|"-"] digits]   -- int unless "." or exponent
//! ```
//!
//! Unknown escapes keep their backslash, as Python does. Nesting is limited to
//! [`MAX_DEPTH`] levels so hostile input cannot overflow the stack. Cost: `O(n)`.
//!
//! ```
//! use cinegenre::dataset::pyliteral::{parse, PyValue};
//! let v = parse("[{'id': 35, 'name': \"D'Comedy\"}]").unwrap();
//! let PyValue::List(items) = v else { panic!() };
//! assert_eq!(items[0].get("id"), Some(&PyValue::Int(35)));
//! ```

use std::fmt;

/// Deepest nesting of lists and dicts accepted.
pub const MAX_DEPTH: usize = 64;

/// A parsed Python literal.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<PyValue>),
    /// Key/value pairs in source order.
    Dict(Vec<(PyValue, PyValue)>),
}

impl PyValue {
    /// The value of string key `key` in a dict, `None` for other values or a missing key.
    pub fn get(&self, key: &str) -> Option<&PyValue> {
        match self {
            PyValue::Dict(pairs) => {
                pairs.iter().find(|(k, _)| matches!(k, PyValue::Str(s) if s == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

/// Writes the value as Python's `repr` would (strings in `'…'` unless they hold `'` and no `"`).
impl fmt::Display for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyValue::None => f.write_str("None"),
            PyValue::Bool(true) => f.write_str("True"),
            PyValue::Bool(false) => f.write_str("False"),
            PyValue::Int(i) => write!(f, "{i}"),
            PyValue::Float(x) => write!(f, "{x:?}"),
            PyValue::Str(s) => write_str_literal(f, s),
            PyValue::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            PyValue::Dict(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_str_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    write!(f, "{quote}")?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c == quote => write!(f, "\\{c}")?,
            c if (c as u32) < 0x20 || c == '\x7f' => write!(f, "\\x{:02x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    write!(f, "{quote}")
}

/// Why a literal did not parse: the message and the byte offset in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct PyLiteralError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for PyLiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// Parse one complete literal (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<PyValue, PyLiteralError> {
    let mut parser = Parser { text, pos: 0 };
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.pos != text.len() {
        return Err(parser.error("unexpected text after the literal"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> PyLiteralError {
        PyLiteralError { offset: self.pos, message: message.into() }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<PyValue, PyLiteralError> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.error("expected a value, found the end of the text")),
            Some(b'[') | Some(b'{') if depth >= MAX_DEPTH => {
                Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")))
            }
            Some(b'[') => self.list(depth),
            Some(b'{') => self.dict(depth),
            Some(q @ (b'\'' | b'"')) => self.string(q).map(PyValue::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.keyword(),
        }
    }

    /// Items up to `close`, separated by commas, trailing comma allowed.
    fn sequence<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<T, PyLiteralError>,
    ) -> Result<Vec<T>, PyLiteralError> {
        self.pos += 1; // the opening bracket
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(item(self)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return Err(self.error(format!("expected ',' or '{}'", close as char))),
            }
        }
    }

    fn list(&mut self, depth: usize) -> Result<PyValue, PyLiteralError> {
        self.sequence(b']', |p| p.value(depth + 1)).map(PyValue::List)
    }

    fn dict(&mut self, depth: usize) -> Result<PyValue, PyLiteralError> {
        let pairs = self.sequence(b'}', |p| {
            let key = p.value(depth + 1)?;
            p.skip_ws();
            if p.peek() != Some(b':') {
                return Err(p.error("expected ':' after a dict key"));
            }
            p.pos += 1;
            Ok((key, p.value(depth + 1)?))
        })?;
        Ok(PyValue::Dict(pairs))
    }

    fn string(&mut self, quote: u8) -> Result<String, PyLiteralError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(offset) = rest.bytes().position(|b| b == quote || b == b'\\') else {
                self.pos = start;
                return Err(self.error("unterminated string"));
            };
            out.push_str(&rest[..offset]);
            self.pos += offset;
            if self.peek() == Some(quote) {
                self.pos += 1;
                return Ok(out);
            }
            self.escape(&mut out)?;
        }
    }

    /// One backslash escape at `pos`, appended to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), PyLiteralError> {
        let at = self.pos;
        self.pos += 1;
        let Some(c) = self.text[self.pos..].chars().next() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += c.len_utf8();
        let simple = match c {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '0' => Some('\0'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            return Ok(());
        }
        let digits = match c {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => {
                out.push('\\');
                out.push(c);
                return Ok(());
            }
        };
        let hex = self.text.get(self.pos..self.pos + digits).unwrap_or("");
        let code = u32::from_str_radix(hex, 16).ok().filter(|_| hex.len() == digits);
        match code.and_then(char::from_u32) {
            Some(ch) => {
                out.push(ch);
                self.pos += digits;
                Ok(())
            }
            None => {
                self.pos = at;
                Err(self.error(format!("invalid \\{c} escape")))
            }
        }
    }

    fn number(&mut self) -> Result<PyValue, PyLiteralError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut end = self.pos;
        let mut is_float = false;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        while end < bytes.len() {
            match bytes[end] {
                b'0'..=b'9' => {}
                b'.' => is_float = true,
                b'e' | b'E' => {
                    is_float = true;
                    if matches!(bytes.get(end + 1), Some(b'+' | b'-')) {
                        end += 1;
                    }
                }
                _ => break,
            }
            end += 1;
        }
        let token = &self.text[start..end];
        let value = if is_float {
            token.parse::<f64>().ok().map(PyValue::Float)
        } else {
            token.parse::<i64>().ok().map(PyValue::Int)
        };
        match value {
            Some(v) => {
                self.pos = end;
                Ok(v)
            }
            None => Err(self.error(format!("invalid number `{token}`"))),
        }
    }

    fn keyword(&mut self) -> Result<PyValue, PyLiteralError> {
        let rest = &self.text[self.pos..];
        let word_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        let value = match &rest[..word_len] {
            "None" => PyValue::None,
            "True" => PyValue::Bool(true),
            "False" => PyValue::Bool(false),
            _ => {
                let shown: String = rest.chars().take(20).collect();
                return Err(self.error(format!("unexpected `{shown}`")));
            }
        };
        self.pos += word_len;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movies_dataset_cells() {
        let v = parse("[{'name': \"D'Pelicula\", 'id': 93489}, None, True, -2.5e3, 'a\\'b\\xe9']").unwrap();
        let PyValue::List(items) = &v else { panic!("not a list: {v:?}") };
        assert_eq!(items[0].get("name"), Some(&PyValue::Str("D'Pelicula".into())));
        assert_eq!(items[1..4], [PyValue::None, PyValue::Bool(true), PyValue::Float(-2500.0)]);
        assert_eq!(items[4], PyValue::Str("a'bé".into()));
    }

    #[test]
    fn errors_give_an_offset() {
        let err = parse("[{'id': 35, 'name': 'Comedy'} GATORADE").unwrap_err();
        assert_eq!(err.to_string(), "expected ',' or ']' at byte 30");
        assert!(parse(&"[".repeat(1000)).unwrap_err().message.contains("nesting"));
    }
}
