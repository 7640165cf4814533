//! Document-frequency thresholds (`min_df` / `max_df`) with scikit-learn's int-vs-float rule.
//!
//! ```text
//! threshold = c          for DocFreq::Count(c)      (Python int)
//!           = f · n_docs for DocFreq::Fraction(f)   (Python float, product in f64, not rounded)
//! keep term t  ⇔  df_t ≤ max_threshold  and  df_t ≥ min_threshold     (f64 comparisons)
//! ```
//! So `Count(1)` means "in at least one document" while `Fraction(1.0)` means "in every
//! document". Valid values follow scikit-learn's parameter constraints: counts `≥ 1`,
//! fractions in `[0, 1]`.
//!
//! ```
//! use cinegenre::text::DocFreq;
//! assert_eq!("5".parse::<DocFreq>().unwrap(), DocFreq::Count(5));
//! assert_eq!("1.0".parse::<DocFreq>().unwrap(), DocFreq::Fraction(1.0));
//! assert_eq!(DocFreq::Fraction(0.005).threshold(1595), 0.005 * 1595.0);
//! assert!("1.5".parse::<DocFreq>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A `min_df` / `max_df` value: an absolute document count or a fraction of the documents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DocFreq {
    /// Absolute number of documents (Python `int`), at least 1.
    Count(usize),
    /// Fraction of the documents (Python `float`), in `[0, 1]`.
    Fraction(f64),
}

impl DocFreq {
    /// Check scikit-learn's constraints; `name` (e.g. `"min_df"`) labels the error.
    pub fn validate(self, name: &str) -> Result<Self> {
        match self {
            DocFreq::Count(0) => {
                Err(Error::param(name, "a document count must be at least 1 (use 0.0 for no limit)"))
            }
            DocFreq::Fraction(f) if !(0.0..=1.0).contains(&f) => {
                Err(Error::param(name, format!("a fraction of documents must lie in [0, 1], got {f}")))
            }
            ok => Ok(ok),
        }
    }

    /// The document count this value stands for among `n_docs` documents, as scikit-learn
    /// computes it (`f · n_docs` in f64 for fractions, no rounding).
    pub fn threshold(self, n_docs: usize) -> f64 {
        match self {
            DocFreq::Count(c) => c as f64,
            DocFreq::Fraction(f) => f * n_docs as f64,
        }
    }
}

impl FromStr for DocFreq {
    type Err = Error;

    /// An integer literal (`"5"`) is a count, anything else parsed as `f64` (`"0.5"`, `"1.0"`,
    /// `"1e-3"`) is a fraction, mirroring how Python would type the literal.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let value = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            DocFreq::Count(
                s.parse()
                    .map_err(|e| Error::param("document frequency", format!("{s:?} is not a count: {e}")))?,
            )
        } else {
            DocFreq::Fraction(s.parse().map_err(|_| {
                Error::param("document frequency", format!("{s:?} is neither a count nor a fraction"))
            })?)
        };
        value.validate("document frequency")
    }
}

impl fmt::Display for DocFreq {
    /// Python's spelling: `5` for a count, `0.5` / `1.0` for a fraction.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocFreq::Count(c) => write!(f, "{c}"),
            DocFreq::Fraction(x) => write!(f, "{x:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_distinguishes_int_from_float() {
        assert_eq!("1".parse::<DocFreq>().unwrap(), DocFreq::Count(1));
        assert_eq!("1.0".parse::<DocFreq>().unwrap(), DocFreq::Fraction(1.0));
        assert_eq!("0".parse::<DocFreq>().ok(), None);
        assert_eq!("-0.1".parse::<DocFreq>().ok(), None);
        assert_eq!("nan".parse::<DocFreq>().ok(), None);
        assert_eq!("abc".parse::<DocFreq>().ok(), None);
        assert_eq!(DocFreq::Fraction(1.0).to_string(), "1.0");
    }
}
