//! Linear support vector machines: libsvm's SMO (what `SVC(kernel='linear')` runs) and
//! liblinear's dual coordinate descent (what `LinearSVC` runs), one-vs-rest with a grid search
//! over `C` — the tutorial's first model.
//!
//! ```text
//! primal  min_{w,b}  ½‖w‖² + Σ_i C_i max(0, 1 − t_i (w·x_i + b))        t_i = ±1
//! dual    min_α      ½ αᵀQα − eᵀα    s.t.  yᵀα = 0,  0 ≤ α_i ≤ C_i,     Q_ij = y_i y_j x_i·x_j
//! model   w = Σ α_i t_i x_i,   decision(x) = w·x + b
//! ```
//! The pieces, in the order a reader should follow them:
//! [`params`] (C, class weights, tolerance) → [`kernel`] (the Gram matrix shared by every fit) →
//! [`smo`] (the solver loop) → `wss` (second-order working-set selection, shrinking) →
//! [`update`] (the two-variable step) → [`binary`] (one label: problem order, `w`, `b`) →
//! [`folds`] + [`grid`] (stratified k-fold grid search, one-vs-rest) → [`file`](mod@file) (model file).
//! [`dcd`] is the second solver.
//!
//! ## Why Thriller and Science Fiction get recall 1.00 in the tutorial (ALGORITHMS §5.9)
//! With `class_weight='balanced'` both classes carry the same total bound `Σ C_i = C·n/2`, so
//! `α_i = C_i` for **every** sample satisfies `yᵀα = 0`; for small `C`, when every point violates
//! the margin anyway, it is the optimum. Then no α is free, `w` is a scaled difference of the two
//! class means, and the bias is the midpoint of the interval the KKT conditions allow: it is set
//! by two extreme training points, not by the bulk. On overlapping text data that often puts
//! every movie on one side, and the label's model predicts a constant: all-positive gives recall
//! 1.00 and precision = prevalence. Cross-validation picks `C` by accuracy, and a constant sign
//! can flip between a fold fit and the refit, so a small `C` can win and still be constant.
//! [`binary::FitInfo::constant_prediction`] flags it and `train svm` prints a warning.
//!
//! The grid search on a toy problem: two genres, each following one word, `C` chosen per genre
//! by 2-fold cross-validation over the tutorial's grid.
//!
//! ```
//! use cinegenre::matrix::CsrMatrix;
//! use cinegenre::svm::{GridConfig, grid_search};
//! let x = CsrMatrix::from_dense(8, 2, &[
//!     1.0, 0.0, 0.9, 0.1, 1.0, 0.2, 0.8, 0.0, // genre 0: word 0
//!     0.0, 1.0, 0.1, 0.9, 0.2, 1.0, 0.0, 0.8, // genre 1: word 1
//! ]);
//! let y = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1];
//! let names = ["Drama".to_string(), "Comedy".to_string()];
//! let search = grid_search(&x, &y, &names, &GridConfig { cv: 2, ..GridConfig::default() })?;
//! assert_eq!(search.n_fits, 2 * (3 * 2 + 1)); // genres × (C × folds + the refit)
//! assert!(search.labels.iter().all(|l| l.chosen_c.is_some()));
//! assert_eq!(search.ovr().predict(&x)?, y);
//! # Ok::<(), cinegenre::Error>(())
//! ```

pub mod binary;
pub mod dcd;
pub mod file;
pub mod folds;
pub mod grid;
pub mod kernel;
pub mod params;
pub mod smo;
pub mod update;
mod wss;

pub use binary::{BinarySvm, FitInfo};
pub use file::{SVM_KIND, SvmModel};
pub use grid::{GridConfig, LabelSearch, SearchResult, grid_search};
pub use kernel::{Gram, LinearKernel};
pub use params::{ClassWeight, DcdLoss, SolverKind, SvmParams};
