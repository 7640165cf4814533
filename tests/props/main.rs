//! Property tests: invariants that must hold for every input, checked on random cases
//! (proptest, small case counts).

mod dataset;
mod io;
mod metrics;
mod svm;
mod text;
