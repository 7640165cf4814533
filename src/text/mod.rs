//! Text features for movie overviews, bit-for-bit equal to scikit-learn 1.9.1's
//! `CountVectorizer` + `TfidfTransformer` with default analyzer settings.
//!
//! ```text
//! overview ──python_lower──▶ lowercased ──tokenize──▶ tokens ──CountVectorizer──▶ counts X
//!   X ──TfidfTransformer──▶ rows of  tf · idf / ‖tf · idf‖₂
//! ```
//!
//! * [`tokenize`](mod@tokenize): Python's `str.lower()` and `re` `\w` (generated tables,
//!   Unicode 14.0.0 from Python 3.11) — not the `regex` crate's `\w`.
//! * [`CountVectorizer`] with [`DocFreq`] `min_df`/`max_df` and a code-point sorted
//!   [`Vocabulary`].
//! * [`TfidfTransformer`]: smooth idf, sublinear tf, L1/L2 norms in sklearn's float order.
//!
//! ```
//! use cinegenre::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer};
//! let docs = ["A dog's life", "The dog sat on the log"];
//! let counts = CountVectorizer::new(CountVectorizerParams::default()).fit_transform(&docs).unwrap();
//! let x = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts).unwrap();
//! assert_eq!(x.shape(), (2, 6));
//! ```

mod count;
mod doc_freq;
mod fxhash;
mod input;
mod tfidf;
pub mod tokenize;
#[rustfmt::skip]
mod unicode_tables;
mod vocabulary;

pub use count::{
    CountVectorizer, CountVectorizerParams, EMPTY_VOCABULARY, MAX_DF_BELOW_MIN_DF, NOTHING_LEFT_AFTER_PRUNING,
};
pub use doc_freq::DocFreq;
pub use input::{Cleaning, Features, VectorizeOptions, read_documents, vectorize_documents, vectorize_file};
pub use tfidf::{Norm, TfidfParams, TfidfTransformer};
pub use tokenize::{Tokens, is_python_word_char, python_lower, tokenize, tokens};
pub use unicode_tables::UNICODE_VERSION;
pub use vocabulary::Vocabulary;
