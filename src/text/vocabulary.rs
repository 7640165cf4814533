//! The fitted vocabulary: terms in column order and the term → column map.
//!
//! scikit-learn stores it as `vocabulary_`, a dict `{term: column}`; [`Vocabulary::write_json`]
//! writes the same JSON object (keys in column order) so Python can load it with
//! `CountVectorizer(vocabulary=json.load(f))`, and [`Vocabulary::read_json`] reads one back
//! (any key order; the columns must be exactly `0..n`).
//!
//! ```
//! use cinegenre::text::Vocabulary;
//! let vocab = Vocabulary::from_terms(vec!["cat".into(), "dog".into()]).unwrap();
//! assert_eq!(vocab.get("dog"), Some(1));
//! assert_eq!(vocab.get("cow"), None);
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::fxhash::FxHashMap;
use crate::error::{Error, Result};
use crate::io::write_atomic;

/// Terms in column order plus the reverse map.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    terms: Vec<String>,
    columns: FxHashMap<String, u32>,
}

impl PartialEq for Vocabulary {
    fn eq(&self, other: &Self) -> bool {
        self.terms == other.terms
    }
}

impl Vocabulary {
    /// A vocabulary whose column `j` is `terms[j]`; duplicate terms are an error.
    pub fn from_terms(terms: Vec<String>) -> Result<Self> {
        if terms.len() > u32::MAX as usize {
            return Err(Error::Vocabulary(format!("{} terms do not fit u32 column indices", terms.len())));
        }
        let mut columns = FxHashMap::default();
        columns.reserve(terms.len());
        for (j, term) in terms.iter().enumerate() {
            if columns.insert(term.clone(), j as u32).is_some() {
                return Err(Error::Vocabulary(format!("the term {term:?} appears twice in the vocabulary")));
            }
        }
        Ok(Vocabulary { terms, columns })
    }

    /// Number of terms (= columns).
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there is no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Terms in column order (code-point sorted when fitted by [`super::CountVectorizer`]).
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Column of `term`, if present.
    pub fn get(&self, term: &str) -> Option<u32> {
        self.columns.get(term).copied()
    }

    /// Write `{term: column, …}` in column order, atomically.
    pub fn write_json(&self, path: &Path) -> Result<()> {
        write_atomic(path, |w| {
            let io = |e| Error::io(path, e);
            w.write_all(b"{").map_err(io)?;
            for (j, term) in self.terms.iter().enumerate() {
                let key = serde_json::to_string(term)
                    .map_err(|e| Error::parse(path, None, format!("cannot encode term {term:?}: {e}")))?;
                let sep = if j == 0 { "" } else { ", " };
                write!(w, "{sep}{key}: {j}").map_err(io)?;
            }
            w.write_all(b"}\n").map_err(io)
        })
    }

    /// Read a `{term: column}` JSON object whose columns are exactly `0..n`.
    pub fn read_json(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let map: BTreeMap<String, u64> = serde_json::from_str(&text)
            .map_err(|e| Error::parse(path, Some(e.line()), format!("not a {{term: column}} object: {e}")))?;
        let n = map.len();
        let mut terms: Vec<Option<String>> = vec![None; n];
        for (term, column) in map {
            let slot = usize::try_from(column).ok().and_then(|c| terms.get_mut(c)).ok_or_else(|| {
                Error::parse(path, None, format!("column {column} of {term:?} is out of range for {n} terms"))
            })?;
            if let Some(previous) = slot.replace(term.clone()) {
                return Err(Error::parse(
                    path,
                    None,
                    format!("{previous:?} and {term:?} share column {column}"),
                ));
            }
        }
        // n distinct keys filled n slots without collision, so every slot is set.
        Self::from_terms(terms.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_column_order() {
        let dir = std::env::temp_dir().join(format!("cinegenre-vocab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("vocab.json");
        let vocab = Vocabulary::from_terms(vec!["zeta".into(), "\"q\"".into(), "ünï".into()]).unwrap();
        vocab.write_json(&path).unwrap();
        assert_eq!(Vocabulary::read_json(&path).unwrap(), vocab);
        std::fs::write(&path, r#"{"a": 0, "b": 0}"#).unwrap();
        assert!(Vocabulary::read_json(&path).is_err());
        std::fs::write(&path, r#"{"a": 0, "b": 2}"#).unwrap();
        assert!(Vocabulary::read_json(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn duplicate_terms_are_rejected() {
        assert!(Vocabulary::from_terms(vec!["a".into(), "a".into()]).is_err());
    }
}
