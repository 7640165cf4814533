//! # cinegenre
//!
//! Multi-modal movie-genre classification, rebuilt from scratch in Rust after Harvard CS209's
//! "An end to end implementation of a Machine Learning pipeline" (Spandan Madan, 2017).
//!
//! The pipeline, in the tutorial's order:
//!
//! 1. **Collect** movies: the bundled real TMDB data ([`dataset`]).
//! 2. **Prepare** labels: one indicator column per genre ([`labels`]).
//! 3. **Vectorize** overviews: tokens, counts, TF-IDF with scikit-learn parity ([`text`]) into
//!    sparse matrices ([`matrix`]).
//! 4. **Train** classic models: multinomial naive Bayes ([`bayes`]) and the linear SVM with a grid
//!    search over `C` ([`svm`]), one-vs-rest ([`ovr`]).
//! 5. **Evaluate**: precision/recall per genre and per movie, classification report ([`metrics`]).
//! 6. **Run** it all: [`run`], the main job behind `cinegenre run`.

pub mod bayes;
pub mod classifier;
pub mod dataset;
pub mod error;
pub mod io;
pub mod labels;
pub mod matrix;
pub mod metrics;
pub mod model_file;
pub mod ovr;
pub mod progress;
pub mod rng;
pub mod run;
pub mod split;
pub mod svm;
pub mod text;

pub use error::{Error, Result};
