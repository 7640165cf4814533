//! Naive Bayes: the multinomial model for word counts ([`MultinomialNb`]), and its binary form
//! for one-vs-rest multi-label training ([`BinaryNb`]).

mod binary;
mod file;
mod multinomial;

pub use binary::BinaryNb;
pub use file::{NB_KIND, NbModel};
pub use multinomial::{MultinomialNb, NbParams};
