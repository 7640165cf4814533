//! Property tests (proptest, small case counts).

mod text;
