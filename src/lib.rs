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
//!    ([`predictor`]), and the timings against Python ([`bench`](mod@bench)).
//!
//! `ARCHITECTURE.md` at the repository root maps the layers and says where to add a model, a
//! kernel or a command.
//!
//! ## Steps 2–5 in a dozen lines
//!
//! TF-IDF → one-vs-rest linear SVM → the tutorial's per-movie precision and recall, on 400 of
//! the bundled movies, beside the baseline that gives every movie the three most frequent
//! training genres (`examples/` has one program per tutorial section, at full size):
//!
//! ```
//! use cinegenre::dataset::{Bundled, GenreMap, load_bundled, tutorial_clean};
//! use cinegenre::metrics::{Baseline, Evaluation};
//! use cinegenre::svm::{BinarySvm, SvmParams};
//! use cinegenre::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer};
//! use cinegenre::split::{split_from_mask, tutorial_mask};
//! use cinegenre::{labels::binarize, ovr::OneVsRest};
//!
//! let movies = &load_bundled(Bundled::Tutorial)?.0[..400];
//! let y = binarize(movies, None)?.labels; // (400, genres) 0/1
//! let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
//! let counts = CountVectorizer::new(CountVectorizerParams::tutorial()).fit_transform(&docs)?;
//! let x = TfidfTransformer::new(TfidfParams::default()).fit_transform(&counts)?;
//! let s = split_from_mask(&tutorial_mask(x.n_rows(), 42, 0.8)); // seeded 80/20
//! let (y_train, y_test) = (y.select_rows(&s.train), y.select_rows(&s.test));
//! let params = SvmParams { c: 0.1, ..SvmParams::default() }; // balanced class weights
//! let svm = OneVsRest::<BinarySvm>::fit(&params, &x.select_rows(&s.train), y_train.as_slice(), y.n_cols())?;
//! let genres = GenreMap::tmdb_2017().names_for(y.genre_ids());
//! let ours = Evaluation::new(y_test.as_slice(), &svm.predict(&x.select_rows(&s.test))?, &genres, 2)?;
//! let base = Baseline::most_frequent(y_train.as_slice(), y_test.as_slice(), &genres, 3)?.evaluation;
//! println!("per-movie precision {:.2} (baseline {:.2})", ours.mean_precision, base.mean_precision);
//! println!("per-movie recall    {:.2} (baseline {:.2})", ours.mean_recall, base.mean_recall);
//! assert!(ours.mean_recall > base.mean_recall);
//! # Ok::<(), cinegenre::Error>(())
//! ```
//!
//! ## Features
//!
//! `default = ["cli", "gpu", "tmdb"]`. With `default-features = false` the crate is the
//! numerical core alone (everything above except [`tmdb`], CPU kernels only): no wgpu,
//! reqwest, clap or indicatif in the build.
//!
//! | feature | adds | pulls in |
//! |---|---|---|
//! | `gpu` | [`Backend::Gpu`](backend::Backend::Gpu): the WGSL kernels; without it [`Backend::gpu`](backend::Backend::gpu) is an error that says to rebuild with `--features gpu` | wgpu, pollster |
//! | `tmdb` | [`tmdb`]: the TMDB API client behind `cinegenre fetch tmdb` | reqwest (rustls) |
//! | `progress-bars` | bars on a terminal; without it [`progress`] prints plain lines | indicatif |
//! | `cli` | the `cinegenre` binary; turns on the three above | clap |

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
pub mod memory;
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
#[cfg(feature = "tmdb")]
pub mod tmdb;
pub mod vgg;

pub use error::{Error, Result};
