//! Property tests (proptest, small case counts).

mod dataset;
