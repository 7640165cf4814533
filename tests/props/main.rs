//! Property tests: invariants that must hold for every input, checked on random cases
//! (proptest, small case counts).

mod cocluster;
mod dataset;
mod io;
mod metrics;
mod text;
