//! # cinegenre
//!
//! Multi-modal movie-genre classification, rebuilt from scratch in Rust after Harvard CS209's
//! "An end to end implementation of a Machine Learning pipeline" (Spandan Madan, 2017).
//!
//! The pipeline, in the tutorial's order:
//!
//! 1. **Collect** movies: the bundled real TMDB data ([`dataset`]), or a fresh crawl of the
//!    TMDB API ([`tmdb`]).
//! 2. **Prepare** labels: one indicator column per genre ([`labels`]).
//! 3. **Vectorize** overviews: tokens, counts, TF-IDF with scikit-learn parity ([`text`]) into
//!    sparse matrices ([`matrix`]).
//! 4. **Train** classic models: multinomial naive Bayes ([`bayes`]) and the linear SVM with a grid
//!    search over `C` ([`svm`]), one-vs-rest ([`ovr`]).
//! 5. **Evaluate**: precision/recall per genre and per movie, classification report ([`metrics`]).
//! 6. **Co-cluster** genres: co-occurrence counts, spectral co-clustering and heatmaps
//!    ([`cluster`], on the hand-written SVDs of [`linalg`]).
//! 7. **Embed** overviews as mean word vectors, from word2vec files or our own skip-gram
//!    ([`embed`]).
//! 8. **Run** it all: [`run`], the main job behind `cinegenre run`: a pipeline of stages and a
//!    registry of models ([`run::models`]), writing the files [`layout`] names and the results
//!    [`results`] holds.
//! 9. **Report** and use it: the HTML page of a run ([`report`]), the genres of a new movie
//!    from the saved models ([`classify`]), predictions from any saved model file
//!    ([`predictor`]), and the timings against Python ([`bench`]).
//!
//! `ARCHITECTURE.md` at the repository root maps the layers and says where to add a model, a
//! kernel or a command.

pub mod backend;
pub mod bayes;
pub mod bench;
pub mod classify;
pub mod cluster;
pub mod dataset;
pub mod embed;
pub mod error;
pub mod gpu;
pub mod io;
pub mod kernels;
pub mod labels;
pub mod layout;
pub mod linalg;
pub mod matrix;
pub mod metrics;
pub mod mlp;
pub mod model_file;
pub mod ovr;
pub mod predictor;
pub mod progress;
pub mod report;
pub mod results;
pub mod rng;
pub mod run;
pub mod simd;
pub mod split;
pub mod svm;
pub mod text;
pub mod tmdb;
pub mod vgg;

pub use error::{Error, Result};
