//! What the report shows beyond the metrics: the machine and devices, sample predictions.

use std::path::Path;

use serde::Serialize;

use crate::backend::Backend;

/// Where the run computed: CPU SIMD level and threads, and the GPU adapter when one was used.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Environment {
    /// The SIMD level the CPU kernels use (`avx512`, `avx2`, `scalar`, …).
    pub simd: String,
    /// Threads of the parallel CPU kernels.
    pub threads: usize,
    /// Name, driver and type of the GPU adapter, when a stage ran on it.
    pub gpu_adapter: Option<String>,
    /// Stage → the backend it ran on (only stages with a choice of device).
    pub devices: Vec<(String, String)>,
    /// `std::env::consts::{OS, ARCH}`.
    pub platform: String,
}

impl Environment {
    /// This machine, with the GPU adapter named if `backend` is the GPU.
    pub fn detect(stage_backends: &[(&str, &Backend)]) -> Environment {
        let simd =
            crate::simd::SimdLevel::get().map(|l| l.name().to_string()).unwrap_or_else(|e| e.to_string());
        let gpu_adapter = stage_backends.iter().find_map(|(_, b)| match b {
            Backend::Gpu(ctx) => Some(format!(
                "{} ({}, {}, driver {})",
                ctx.report.name, ctx.report.backend, ctx.report.device_type, ctx.report.driver
            )),
            _ => None,
        });
        Environment {
            simd,
            threads: rayon::current_num_threads(),
            gpu_adapter,
            devices: stage_backends.iter().map(|(s, b)| (s.to_string(), b.name())).collect(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// One test movie with its true genres and what each model predicted.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub title: String,
    pub true_genres: Vec<String>,
    /// (model name, predicted genres), one entry per model that scored this movie.
    pub predicted: Vec<(String, Vec<String>)>,
    /// A poster image file beside `report.html` (relative path), when the poster branch has one.
    pub poster: Option<String>,
}

/// The names of the columns set in one 0/1 row.
pub fn genres_of(row: &[u8], names: &[String]) -> Vec<String> {
    row.iter().zip(names).filter(|(v, _)| **v != 0).map(|(_, n)| n.clone()).collect()
}

/// Poster thumbnails of the samples: `posters/ID.jpg` from `posters` (one id per sample, in
/// order) copied beside the report into `out/posters/`, where such a file exists.
pub fn attach_posters(
    samples: &mut [Sample],
    ids: impl Iterator<Item = String>,
    posters: &Path,
    out: &Path,
) -> crate::Result<()> {
    for (sample, id) in samples.iter_mut().zip(ids) {
        let src = posters.join(format!("{id}.jpg"));
        let Ok(bytes) = std::fs::read(&src) else { continue };
        let name = format!("posters/{id}.jpg");
        let dst = out.join(&name);
        std::fs::create_dir_all(out.join("posters")).map_err(|e| crate::Error::io(out.join("posters"), e))?;
        crate::io::write_atomic(&dst, |w| {
            std::io::Write::write_all(w, &bytes).map_err(|e| crate::Error::io(&dst, e))
        })?;
        sample.poster = Some(name);
    }
    Ok(())
}

/// `path` relative to `dir` when it lies inside it, else as given (for links in the report).
pub fn relative_to(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Sample test movies shown in the report.
pub const SAMPLES: usize = 12;

/// The first [`SAMPLES`] test movies (`test` indexes `movies`; `truth` and every prediction have
/// one row per test movie, `names.len()` columns) with each model's predicted genres.
pub fn samples(
    movies: &[crate::dataset::Movie],
    test: &[usize],
    truth: &crate::labels::LabelMatrix,
    names: &[String],
    predictions: &[(&str, &[u8])],
) -> Vec<Sample> {
    let k = names.len();
    test.iter()
        .take(SAMPLES)
        .enumerate()
        .filter_map(|(row, &movie)| {
            let predicted = predictions
                .iter()
                .filter_map(|(model, p)| {
                    p.get(row * k..(row + 1) * k).map(|r| (model.to_string(), genres_of(r, names)))
                })
                .collect();
            Some(Sample {
                title: movies.get(movie)?.title.clone(),
                true_genres: genres_of(truth.row(row), names),
                predicted,
                poster: None,
            })
        })
        .collect()
}
