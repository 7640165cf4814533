//! Property tests: invariants that must hold for every input, checked on random cases
//! (proptest, small case counts).

#[path = "../common/mod.rs"]
mod common;

mod bayes;
mod cocluster;
mod conv;
mod dataset;
mod embed;
mod io;
mod matrix;
mod metrics;
mod svm;
mod text;
