//! Property tests: invariants that must hold for every input, checked on random cases.

mod io;
mod metrics;
