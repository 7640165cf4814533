//! What the test binaries (and the benches that need it) share, in one place:
//!
//! - [`tolerance`]: the named tolerances more than one test uses, each with its reason, and
//!   the one relative-error measure they bound;
//! - [`fixtures`]: reading `fixtures/` (JSON, gzip, `.npy`) and decoding generator values;
//! - [`corpus`]: the tutorial's text-model input (counts and labels of the bundled movies),
//!   built once here for the parity tests and the benches;
//! - [`scratch`]: a test's scratch folder, removed when the test is done;
//! - [`gpu`]: the GPU-or-skip rule (`CINEGENRE_REQUIRE_GPU=1` makes a missing adapter a
//!   failure; otherwise the skip is announced loudly, never a silent pass).
//!
//! Included by path from each binary's `main.rs`: `#[path = "../common/mod.rs"] mod common;`
//! (from a bench: `#[path = "../tests/common/mod.rs"]`). A binary uses only part of it, hence
//! `allow(dead_code)`.
#![allow(dead_code)]

pub mod corpus;
pub mod fixtures;
pub mod gpu;
pub mod movies;
pub mod scratch;
pub mod tolerance;
