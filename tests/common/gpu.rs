//! The GPU-or-skip rule. A test that needs a GPU adapter gets one; without one it fails when
//! `CINEGENRE_REQUIRE_GPU=1` (CI, the GPU machine) and otherwise says loudly that it skipped —
//! written straight to the process's standard error, past the test harness's capture, so the
//! skip shows in every `cargo test` log.

use std::collections::HashSet;
use std::io::Write as _;
use std::sync::Mutex;

use cinegenre::backend::Backend;
use cinegenre::gpu::{GpuContext, REQUIRE_GPU_ENV};

/// The GPU backend, or `None` after the skip notice (a failure under `CINEGENRE_REQUIRE_GPU=1`).
pub fn gpu_or_skip() -> Option<Backend> {
    match Backend::gpu() {
        Ok(gpu) => Some(gpu),
        Err(e) => {
            skip_gpu(&e.to_string());
            None
        }
    }
}

/// There is no GPU adapter, because of `why`: panic under `CINEGENRE_REQUIRE_GPU=1`, else print
/// the skip notice once per test.
pub fn skip_gpu(why: &str) {
    let test = std::thread::current().name().unwrap_or("this test").to_string();
    if GpuContext::required() {
        panic!("{REQUIRE_GPU_ENV}=1 but {test} found no GPU adapter: {why}");
    }
    static TOLD: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let first = TOLD.lock().map_or(true, |mut told| told.get_or_insert_default().insert(test.clone()));
    if first {
        let _ = writeln!(
            std::io::stderr().lock(),
            "\n*** SKIPPED the GPU part of {test}: no GPU adapter ({why}); \
             set {REQUIRE_GPU_ENV}=1 to make this a failure ***\n"
        );
    }
}
