//! Tile sizes per adapter: time each candidate [`TileConfig`] once, keep the fastest in a small
//! JSON file, reuse it on later runs.
//!
//! Steps, on the first GPU GEMM or convolution of a process ([`chosen`]):
//!
//! 1. `CINEGENRE_GEMM_TUNE=off` → [`TileConfig::DEFAULT`], nothing timed or written.
//! 2. Otherwise the cache file `gemm-tune-<key>.json` in the cache folder (`$CINEGENRE_CACHE`,
//!    else `$XDG_CACHE_HOME/cinegenre`, else `~/.cache/cinegenre`) is read; the key hashes the
//!    adapter name, driver and `shader_hash`, so a new driver or kernel retunes. A file for
//!    another key, an unknown format or a configuration this device cannot run is ignored.
//!    So is, with a warning, anything but a regular file of at most 64 KiB (a FIFO or
//!    `/dev/zero` in its place is never opened or read: `io::state`).
//! 3. Missing: each of [`TileConfig::candidates`] runs C = A·B on uploaded random operands of
//!    one representative size (n = 2048 on a GPU, n = 256 on a CPU adapter such as lavapipe,
//!    so tuning takes about a second there): one warm-up (compiles the pipeline), then the
//!    best of `REPS` timed runs to completion. The fastest is saved by write-and-rename;
//!    an unwritable folder only costs the saving.
//!
//! Every configuration computes the same sums in the same k order per output, so the choice
//! changes speed, never results beyond f32 rounding of the fused multiply-adds (tests force
//! each candidate against the scalar reference).
//!
//! File format (`format_version` 1):
//! ```json
//! {"format_version":1,"adapter":"llvmpipe (LLVM 19.1.7, 256 bits)","driver":"llvmpipe Mesa 25.0.7",
//!  "shader_hash":"5e1f…","size":256,"choice":{"bm":64,"bn":64,"bk":16,"subgroups":false},
//!  "timings":[{"config":"128x128x8","ms":3.1},…]}
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::gpu_tile::{self, Kernel, TileConfig, Variant};
use crate::error::Result;
use crate::gpu::GpuContext;
use crate::kernels::Activation;

/// `off` keeps [`TileConfig::DEFAULT`]; `on` (the default) tunes once per adapter.
pub const TUNE_ENV: &str = "CINEGENRE_GEMM_TUNE";
/// Overrides the cache folder.
pub const CACHE_ENV: &str = "CINEGENRE_CACHE";
/// Timed runs per candidate, after one warm-up.
const REPS: usize = 3;
const FORMAT_VERSION: u32 = 1;
/// How much faster than [`TileConfig::DEFAULT`] a candidate must run to replace it.
const MARGIN: f64 = 1.05;

#[derive(Debug, Serialize, Deserialize)]
struct Timing {
    config: String,
    ms: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct TuneFile {
    format_version: u32,
    adapter: String,
    driver: String,
    shader_hash: String,
    size: usize,
    choice: TileConfig,
    timings: Vec<Timing>,
}

/// The configuration every GEMM and convolution on `ctx` uses, decided once per process.
pub fn chosen(ctx: &GpuContext) -> TileConfig {
    static CHOICE: OnceLock<TileConfig> = OnceLock::new();
    *CHOICE.get_or_init(|| {
        if std::env::var(TUNE_ENV).is_ok_and(|v| v == "off") {
            return TileConfig::DEFAULT;
        }
        let path = cache_file(ctx);
        if let Some(config) = path.as_ref().and_then(|p| read(ctx, p)) {
            return config;
        }
        match tune(ctx) {
            Ok(file) => {
                let choice = file.choice;
                if let Some(path) = path {
                    // A read-only or missing home only costs the saving: tuning reruns next time.
                    let _ = save(&path, &file);
                }
                choice
            }
            Err(_) => TileConfig::DEFAULT,
        }
    })
}

/// The cache folder, or `None` when no variable names one.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var(CACHE_ENV)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("cinegenre")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("cinegenre")))
}

fn key_fields(ctx: &GpuContext) -> (String, String, String) {
    let r = &ctx.report;
    (r.name.clone(), r.driver.clone(), format!("{:016x}", gpu_tile::shader_hash()))
}

/// `gemm-tune-<FNV of adapter, driver, shader hash>.json` in [`cache_dir`].
pub fn cache_file(ctx: &GpuContext) -> Option<PathBuf> {
    let (adapter, driver, shaders) = key_fields(ctx);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [adapter, driver, shaders].join("\n").bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    Some(cache_dir()?.join(format!("gemm-tune-{h:016x}.json")))
}

fn read(ctx: &GpuContext, path: &Path) -> Option<TileConfig> {
    // Regular files of bounded size only: a FIFO or /dev/zero in its place is ignored, unread.
    let bytes = match crate::io::state::read_state(path, MAX_TUNE_FILE_BYTES) {
        Ok(bytes) => bytes?,
        Err(e) => {
            crate::progress::note(&format!("warning: {}: {e}; ignored (tuning afresh)", path.display()));
            return None;
        }
    };
    let file: TuneFile = serde_json::from_slice(&bytes).ok()?;
    let (adapter, driver, shaders) = key_fields(ctx);
    let ours = file.format_version == FORMAT_VERSION
        && (file.adapter, file.driver, file.shader_hash) == (adapter, driver, shaders);
    (ours && TileConfig::candidates(ctx).contains(&file.choice)).then_some(file.choice)
}

fn save(path: &Path, file: &TuneFile) -> std::io::Result<()> {
    let dir = path.parent().ok_or(std::io::ErrorKind::NotFound)?;
    std::fs::create_dir_all(dir)?;
    crate::io::state::write_state(path, &serde_json::to_vec_pretty(file).map_err(std::io::Error::other)?)
}

/// Larger tuning files are not read: one choice and a few dozen timings fit in 64 KiB.
const MAX_TUNE_FILE_BYTES: u64 = 64 * 1024;

/// Time every candidate on one square product; the fastest wins (ties: the earlier, and the
/// default unless beaten by [`MARGIN`]).
fn tune(ctx: &GpuContext) -> Result<TuneFile> {
    let cpu = ctx.report.device_type == "Cpu";
    let n = if cpu { 256 } else { 2048 };
    let values: Vec<f32> = (0..n * n).map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5).collect();
    let (a, b) = (ctx.upload(&values, "tune a")?, ctx.upload(&values, "tune b")?);
    let c = ctx.zeros(n * n, "tune c")?;
    let g = super::Gemm::nn(n, n, n);
    let mut timings = Vec::new();
    let mut best: Option<(f64, TileConfig)> = None;
    for config in TileConfig::candidates(ctx) {
        let variant = Variant { config, vec_a: true, vec_b: true };
        if gpu_tile::pipeline(ctx, Kernel::Gemm, variant).is_err() {
            continue;
        }
        let mut ms = f64::INFINITY;
        for rep in 0..=REPS {
            let mut encoder = ctx.encoder();
            super::gpu::encode_config(
                ctx,
                &mut encoder,
                config,
                g,
                &a,
                (&b, 0),
                None,
                Activation::Identity,
                &c,
            )?;
            let start = Instant::now();
            ctx.finish_and_wait(encoder)?;
            if rep > 0 {
                ms = ms.min(start.elapsed().as_secs_f64() * 1e3);
            }
        }
        timings.push(Timing { config: config.name(), ms });
        // The default stands unless a candidate beats it by MARGIN: timer noise must not
        // swap configurations from run to run.
        let ms_fair = if config == TileConfig::DEFAULT { ms / MARGIN } else { ms };
        if best.is_none_or(|(t, _)| ms_fair < t) {
            best = Some((ms_fair, config));
        }
    }
    let (adapter, driver, shader_hash) = key_fields(ctx);
    let choice = best.map_or(TileConfig::DEFAULT, |(_, c)| c);
    Ok(TuneFile { format_version: FORMAT_VERSION, adapter, driver, shader_hash, size: n, choice, timings })
}
