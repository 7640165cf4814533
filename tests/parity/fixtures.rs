//! Paths to files under `fixtures/` (the same `path` helper as the lead's shared module).

use std::path::PathBuf;

/// Absolute path of a file under `fixtures/`.
pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}
