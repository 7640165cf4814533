//! The main job, `cinegenre run`: the tutorial's pipeline end to end, as a sequence of stages.
//!
//! ```text
//! validate     every flag and the output folder, before any work (config.rs)
//! load…split   movies → genre labels → counts and TF-IDF → seeded 80/20 split (data.rs)
//! models       every model of the registry, in order (models/): train on the training movies,
//!              evaluate on the test movies beside the most-frequent-genres baseline, save
//!                naive_bayes  counts → one-vs-rest multinomial NB
//!                linear_svm   TF-IDF → one-vs-rest linear SVM, C by grid search
//!                text_mlp     skip-gram (or --word-vectors) mean vectors → MLP
//!                poster_mlp   VGG16 poster features (standardised) → MLP
//! biclusters   genre co-occurrence of the top-1000 movies → spectral co-clustering → heatmaps
//! samples      a dozen test movies across genres, every model's genres, poster thumbnails
//! write        metrics.json, timings.json, genres.json, vocabulary.json, report.html (write.rs)
//! ```
//! The data flows one way: stages fill a [`RunData`] (shared, read-only) and each model returns
//! a [`models::Trained`]; [`RunResults`] gathers them for
//! `metrics.json` and the report. Every file name comes from [`crate::layout`].
//!
//! The device is resolved once per run into a [`Backend`] (`--device`,
//! else `$CINEGENRE_DEVICE`, else the CPU) and recorded per stage in `timings.json` and the
//! report. Determinism: with the same seed on the same machine, `metrics.json` and every model
//! file are byte-identical (skip-gram trains deterministically, on any `--threads`, unless
//! `--hogwild` asks for lock-free updates).

pub mod biclusters;
pub mod config;
pub mod data;
pub mod models;
pub mod posters;
pub mod samples;
pub mod word_vectors;
pub mod write;

pub use config::{DataChoice, PosterScaling, QUICK_MOVIES, RunConfig};
pub use data::RunData;

use crate::backend::{Backend, Device};
use crate::error::Result;
use crate::progress::Stages;
use crate::results::RunResults;

use models::{REGISTRY, RunModel, Trained};

/// Run the pipeline.
pub fn run(config: &RunConfig) -> Result<RunResults> {
    config.validate()?;
    // One run per folder: a second run into it refuses, naming this process.
    let _lock = crate::io::FolderLock::acquire(&config.out_dir)?;
    let backend = Backend::for_device(Device::resolve(config.device)?)?;
    let enabled: Vec<&dyn RunModel> = REGISTRY.iter().copied().filter(|m| m.enabled(config)).collect();
    let n_stages = 4 + enabled.iter().map(|m| m.stages()).sum::<usize>() + 2;
    let mut stages = Stages::new(n_stages, config.quiet);
    let run = data::prepare(config, backend, &mut stages)?;
    let mut trained: Vec<Trained> = Vec::with_capacity(enabled.len());
    for model in &enabled {
        trained.push(model.train(&run, &mut stages)?);
    }
    let (biclusters, heatmaps) = biclusters::stage(&run, &mut stages)?;

    stages.start("write", "Writing the results and the report");
    let mut results = gather(&run, trained, biclusters, heatmaps)?;
    write::outputs(&run, &mut results)?;
    stages.done(&format!("{}", run.layout.dir().display()));
    write::timings(&run, &mut results, &stages)?;
    Ok(results)
}

/// The run's results from its data and its trained models.
fn gather(
    run: &RunData,
    trained: Vec<Trained>,
    biclusters: crate::cluster::GenreBiclusters,
    heatmaps: Vec<std::path::PathBuf>,
) -> Result<RunResults> {
    let posters = run.config.posters.then(|| run.config.effective_posters_dir()).transpose()?;
    let refs: Vec<&Trained> = trained.iter().collect();
    let samples =
        samples::draw(&run.movies, &run.labels, &run.genres, &refs, posters.as_deref(), run.config.seed);
    let mut results = RunResults {
        cinegenre_version: env!("CARGO_PKG_VERSION"),
        data: run.data.clone(),
        seed: run.config.seed,
        train_rows: run.split.train.len(),
        test_rows: run.split.test.len(),
        features: run.features.clone(),
        models: Vec::new(),
        biclusters: Some(biclusters),
        warnings: Vec::new(),
        details: Default::default(),
        traces: Default::default(),
        notes: Vec::new(),
        samples,
        inputs: Vec::new(),
        outputs: heatmaps,
        out_dir: run.layout.dir().to_path_buf(),
        timings: Default::default(),
    };
    let mut devices = Vec::new();
    for t in trained {
        let key = t.result.key.clone();
        results.models.push(t.result);
        results.outputs.extend(t.outputs);
        results.warnings.extend(t.warnings);
        results.inputs.extend(t.inputs);
        devices.extend(t.devices);
        results.details.0.extend(t.details);
        results.notes.extend(t.notes);
        if let Some(trace) = t.trace {
            results.traces.push(key, trace);
        }
    }
    if let Some(b) = &results.biclusters {
        results.traces.push("co-clustering", biclusters::trace(b));
    }
    results.timings.environment = crate::results::Environment::detect(&devices);
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same seed, same machine → the same bytes in metrics.json and in every model file.
    #[test]
    fn two_quick_runs_write_the_same_bytes() {
        let dir = std::env::temp_dir().join(format!("cinegenre-reproducible-{}", std::process::id()));
        let config = |name: &str| RunConfig {
            out_dir: dir.join(name),
            quick: true,
            quiet: true,
            poster_size: 32,
            poster_limit: Some(16),
            ..RunConfig::default()
        };
        let first = run(&config("a")).unwrap();
        let compare = |other: &str| {
            let mut compared = 0;
            for name in &first.outputs {
                if name.as_os_str() == crate::layout::TIMINGS || name.as_os_str() == crate::layout::REPORT {
                    continue; // seconds differ between runs, and the report shows them
                }
                let a = std::fs::read(dir.join("a").join(name)).unwrap();
                let b = std::fs::read(dir.join(other).join(name)).unwrap();
                assert!(a == b, "{} differs between two runs with the same seed", name.display());
                compared += 1;
            }
            assert!(compared >= 12, "only {compared} files compared");
        };
        // A fresh folder, then the first folder again (reusing its poster features).
        run(&config("b")).unwrap();
        compare("b");
        std::fs::rename(dir.join("a"), dir.join("c")).unwrap();
        std::fs::create_dir_all(dir.join("a")).unwrap();
        for name in ["poster_features.npy", "poster_features.ids.json"] {
            std::fs::copy(dir.join("c").join(name), dir.join("a").join(name)).unwrap();
        }
        let cached = run(&config("a")).unwrap();
        assert!(
            cached.notes.iter().any(|(what, d)| what == "Posters" && d.contains("cached")),
            "{:?}",
            cached.notes
        );
        compare("c");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
