//! Naive Bayes: the multinomial model for word counts ([`MultinomialNb`]), and its binary form
//! for one-vs-rest multi-label training ([`BinaryNb`]).
//!
//! One-vs-rest naive Bayes on word counts, the tutorial's second text model:
//!
//! ```
//! use cinegenre::bayes::{BinaryNb, MultinomialNb, NbParams};
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::ovr::OneVsRest;
//! // Four overviews over three words; genre 0 uses word 0, genre 1 uses word 2.
//! let x = CsrMatrix::from_dense(4, 3, &[3.0, 1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0, 4.0, 0.0, 0.0, 2.0]);
//! let y = [1, 0, 1, 0, 0, 1, 0, 1];
//! let model = OneVsRest::<BinaryNb>::fit(&NbParams::default(), &x, &y, 2)?;
//! assert_eq!(model.predict(&x)?, y);
//! // The multinomial model behind it: P(class | words), each row summing to 1.
//! let nb = MultinomialNb::fit(&NbParams::default(), &x, &[0, 0, 1, 1], 2)?;
//! let p = nb.predict_proba(&x)?;
//! assert!(p.get(0, 0) > 0.9 && (p.get(0, 0) + p.get(0, 1) - 1.0).abs() < 1e-12);
//! assert_eq!(nb.predict(&x)?, vec![0, 0, 1, 1]);
//! # Ok::<(), cinegenre::Error>(())
//! ```

mod binary;
mod file;
mod multinomial;

pub use binary::BinaryNb;
pub use file::{NB_KIND, NbModel};
pub use multinomial::{MultinomialNb, NbParams};
