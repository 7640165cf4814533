//! The GPU-or-skip rule, and the count of skips. A test that needs a GPU adapter gets one;
//! without one it fails when `CINEGENRE_REQUIRE_GPU=1` (CI, the GPU machine) and otherwise
//! prints one line per skipped test —
//! `skipped: no GPU adapter — set CINEGENRE_REQUIRE_GPU=1 to fail instead (TEST: WHY)` — written
//! straight to the process's standard error, past the test harness's capture, so the skip shows
//! in every `cargo test` log. Every skip (GPU or otherwise, [`announce_skip`]) is counted, and
//! the test binary ends with one summary line, `skip summary: N test(s) skipped …`, after the
//! harness's own `test result:` line.

use std::io::Write as _;
use std::sync::{Mutex, Once};

use cinegenre::backend::Backend;
use cinegenre::gpu::{GpuContext, REQUIRE_GPU_ENV};

/// Set to `1`, the GPU tests behave as on a machine without an adapter: how the skip rule
/// itself is tested (`tests/cli/skips.rs`).
pub const HIDE_GPU_ENV: &str = "CINEGENRE_TEST_HIDE_GPU";

/// Whether [`HIDE_GPU_ENV`] hides the adapter.
pub fn gpu_hidden() -> bool {
    std::env::var(HIDE_GPU_ENV).is_ok_and(|v| v == "1")
}

/// The GPU backend, or `None` after the skip line (a failure under `CINEGENRE_REQUIRE_GPU=1`).
pub fn gpu_or_skip() -> Option<Backend> {
    if gpu_hidden() {
        skip_gpu(&format!("{HIDE_GPU_ENV}=1 hides it"));
        return None;
    }
    match Backend::gpu() {
        Ok(gpu) => Some(gpu),
        Err(e) => {
            skip_gpu(&e.to_string());
            None
        }
    }
}

/// There is no GPU adapter, because of `why`: panic under `CINEGENRE_REQUIRE_GPU=1`, else
/// announce the skip once per test.
pub fn skip_gpu(why: &str) {
    let test = std::thread::current().name().unwrap_or("this test").to_string();
    if GpuContext::required() {
        panic!("{REQUIRE_GPU_ENV}=1 but {test} found no GPU adapter: {why}");
    }
    if cfg!(feature = "gpu") {
        announce_skip(&format!("no GPU adapter — set {REQUIRE_GPU_ENV}=1 to fail instead"), why);
    } else {
        // Without the feature there is no GPU code to test: the GPU tests of the default
        // build cover it, and `CINEGENRE_REQUIRE_GPU` does not apply.
        announce_skip("built without the `gpu` feature — the default features test the GPU", why);
    }
}

/// The current test skipped its work because `what` (`no GPU adapter — set … to fail
/// instead`), in detail `why`: print `skipped: WHAT (TEST: WHY)` once per test, and count it
/// in the summary the binary prints at exit.
pub fn announce_skip(what: &str, why: &str) {
    let test = std::thread::current().name().unwrap_or("this test").to_string();
    let first = SKIPS.lock().map_or(true, |mut skips| {
        let first = !skips.iter().any(|(t, _)| *t == test);
        if first {
            skips.push((test.clone(), what.split(" — ").next().unwrap_or(what).to_string()));
        }
        first
    });
    if first {
        summary_at_exit();
        let _ = writeln!(std::io::stderr().lock(), "skipped: {what} ({test}: {why})");
    }
}

/// The skipped tests so far: (test, what it lacked).
static SKIPS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Register [`print_summary`] to run when the process exits (once): after the harness's
/// `test result:` line, whether the binary passed or failed.
fn summary_at_exit() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        unsafe extern "C" {
            /// The C library's `atexit` (std links the C library on every platform it runs on).
            fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: `atexit` has this signature in every C library; `print_summary` takes no
        // arguments, returns nothing and cannot unwind (it catches every panic), as a callback
        // run by `exit` must. Registering cannot fail in a way that matters: at worst no summary.
        unsafe {
            atexit(print_summary);
        }
    });
}

/// `skip summary: N test(s) skipped what needs a missing device — TEST (WHAT), …` on standard
/// error.
extern "C" fn print_summary() {
    let _ = std::panic::catch_unwind(|| {
        let skips = SKIPS.lock().map(|s| s.clone()).unwrap_or_default();
        let list: Vec<String> = skips.iter().map(|(t, what)| format!("{t} ({what})")).collect();
        let _ = writeln!(
            std::io::stderr().lock(),
            "skip summary: {} test(s) skipped what needs a missing device — {}",
            skips.len(),
            list.join(", ")
        );
    });
}
