//! Skipped tests say so: a GPU test on a machine without an adapter prints one `skipped: …`
//! line naming the way to make it a failure, and the test binary ends with a count of its
//! skips. Checked by running this binary's own probe test again with the adapter hidden.

use std::process::Command;

use crate::common::gpu::{HIDE_GPU_ENV, gpu_or_skip};

/// A GPU test in miniature, run by [`gpu_skips_are_announced_and_counted`].
#[test]
#[ignore = "a probe: run by gpu_skips_are_announced_and_counted"]
fn gpu_skip_probe() {
    if let Some(gpu) = gpu_or_skip() {
        assert!(gpu.is_gpu(), "gpu_or_skip gave {}", gpu.name());
    }
}

/// Run the probe in a fresh process of this binary with `env`.
fn probe(env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--ignored", "--exact", "skips::gpu_skip_probe", "--test-threads=1"]);
    command.env_remove(cinegenre::gpu::REQUIRE_GPU_ENV);
    command.envs(env.iter().copied());
    command.output().unwrap()
}

#[test]
fn gpu_skips_are_announced_and_counted() {
    let out = probe(&[(HIDE_GPU_ENV, "1")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the probe failed:\n{stderr}");
    let skipped: Vec<&str> = stderr.lines().filter(|l| l.starts_with("skipped: ")).collect();
    assert_eq!(skipped.len(), 1, "one skip line per skipped test:\n{stderr}");
    assert!(
        skipped[0].starts_with("skipped: no GPU adapter — set CINEGENRE_REQUIRE_GPU=1 to fail instead (")
            && skipped[0].contains("gpu_skip_probe"),
        "{stderr}"
    );
    let summary =
        stderr.lines().find(|l| l.starts_with("skip summary: ")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        summary.starts_with("skip summary: 1 test(s) skipped")
            && summary.contains("gpu_skip_probe (no GPU adapter)")
    );

    // Under CINEGENRE_REQUIRE_GPU=1 the same missing adapter is a failure, not a skip.
    let out = probe(&[(HIDE_GPU_ENV, "1"), (cinegenre::gpu::REQUIRE_GPU_ENV, "1")]);
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
