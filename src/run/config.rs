//! What `cinegenre run` is asked to do, and the checks made before its first stage: a bad flag
//! or an unwritable output folder is an error at once, not after minutes of work.

use std::path::{Path, PathBuf};

use crate::backend::Device;
use crate::dataset::Bundled;
use crate::error::{Error, Result};
use crate::text::DocFreq;
use crate::vgg::network::Precision;

/// Where the movies come from.
#[derive(Debug, Clone)]
pub enum DataChoice {
    /// Data bundled in the binary.
    Bundled(Bundled),
    /// Movie files in any format `cinegenre dataset` reads.
    Files(Vec<PathBuf>),
}

/// How the poster MLP sees the VGG16 features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PosterScaling {
    /// Each feature centred and scaled to unit variance with the training rows' mean and
    /// standard deviation (scikit-learn's `StandardScaler`), saved with the model.
    #[default]
    Standardized,
    /// The raw features, as the tutorial fed them (values up to ~10³ on random weights).
    Raw,
}

/// Everything `run` needs to know.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub data: DataChoice,
    /// Seed of the splits, the models' initial weights and shuffles, skip-gram and k-means.
    pub seed: u32,
    /// Share of movies in the training set.
    pub train_fraction: f64,
    /// Output folder.
    pub out_dir: PathBuf,
    pub min_df: DocFreq,
    pub max_df: DocFreq,
    /// Naive Bayes smoothing.
    pub alpha: f64,
    /// Only the first [`QUICK_MOVIES`] movies, fewer posters and epochs.
    pub quick: bool,
    /// No stage output.
    pub quiet: bool,
    /// Train the SVM stage.
    pub svm: bool,
    /// Folds of the SVM grid search.
    pub svm_cv: usize,
    /// Word vectors for the text MLP; `None` trains skip-gram vectors on the overviews.
    pub word_vectors: Option<PathBuf>,
    /// Skip-gram threads (`None`: 2). Without `skipgram_hogwild` they train in deterministic
    /// rounds (the same vectors for the same seed and thread count).
    pub skipgram_threads: Option<usize>,
    /// Hogwild skip-gram (lock-free shared updates): faster, not reproducible.
    pub skipgram_hogwild: bool,
    /// Output layer of the text MLP.
    pub text_output: crate::mlp::Output,
    /// Where the VGG16 features and the MLPs compute; `None`: `$CINEGENRE_DEVICE`, else the CPU.
    pub device: Option<Device>,
    /// Run the poster branch (VGG16 features → poster MLP).
    pub posters: bool,
    /// VGG16 weights (safetensors or Keras .h5); `None`: random weights, results not meaningful.
    pub vgg_weights: Option<PathBuf>,
    /// Poster folder (`<tmdb_id>.jpg`); `None`: the bundled posters.
    pub posters_dir: Option<PathBuf>,
    /// At most this many posters; `None`: all (`--quick`: 60).
    pub poster_limit: Option<usize>,
    /// Side of the VGG input in pixels (224 as the tutorial; less only to test quickly).
    pub poster_size: usize,
    /// Arithmetic of the VGG convolutions; `None`: bf16 where the CPU has AMX tiles or
    /// AVX512-BF16, else f32.
    pub poster_precision: Option<Precision>,
    /// How the poster MLP sees the features.
    pub poster_scaling: PosterScaling,
}

/// Movies kept by `--quick`.
pub const QUICK_MOVIES: usize = 2000;
/// Posters the poster branch needs at the least.
pub const MIN_POSTERS: usize = 10;
/// Folds of the SVM grid search: at least 2, at most 20.
pub const SVM_CV_RANGE: std::ops::RangeInclusive<usize> = 2..=20;
/// VGG input sides: multiples of 32 in this range.
pub const POSTER_SIZE_RANGE: std::ops::RangeInclusive<usize> = 32..=1024;

impl Default for RunConfig {
    /// The tutorial's settings on all bundled data.
    fn default() -> Self {
        RunConfig {
            data: DataChoice::Bundled(Bundled::All),
            seed: 42,
            train_fraction: 0.8,
            out_dir: PathBuf::from("out"),
            min_df: DocFreq::Fraction(0.005),
            max_df: DocFreq::Fraction(0.95),
            alpha: 1.0,
            quick: false,
            quiet: false,
            svm: true,
            svm_cv: 3,
            word_vectors: None,
            skipgram_threads: None,
            skipgram_hogwild: false,
            text_output: crate::mlp::Output::Sigmoid,
            device: None,
            posters: true,
            vgg_weights: None,
            posters_dir: None,
            poster_limit: None,
            poster_size: crate::vgg::preprocess::INPUT_SIZE,
            poster_precision: None,
            poster_scaling: PosterScaling::Standardized,
        }
    }
}

impl RunConfig {
    /// Check every flag and the output folder before any work: the folder is created if
    /// missing and must be a writable folder.
    pub fn validate(&self) -> Result<()> {
        if !(self.train_fraction > 0.0 && self.train_fraction < 1.0) {
            return Err(Error::param("train fraction", format!("{} is not in (0, 1)", self.train_fraction)));
        }
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(Error::param("--alpha", format!("{} is not a finite value ≥ 0", self.alpha)));
        }
        if self.svm && !SVM_CV_RANGE.contains(&self.svm_cv) {
            return Err(Error::param(
                "--svm-cv",
                format!("{} folds: give {} to {}", self.svm_cv, SVM_CV_RANGE.start(), SVM_CV_RANGE.end()),
            ));
        }
        if let Some(threads) = self.skipgram_threads {
            crate::embed::check_threads(threads).map_err(|m| Error::param("--threads", m))?;
        }
        if let Some(path) = &self.word_vectors {
            existing_file("--word-vectors", path)?;
        }
        if self.posters {
            self.validate_posters()?;
        }
        if let DataChoice::Files(paths) = &self.data {
            for path in paths {
                if !path.exists() {
                    return Err(Error::param(
                        "--data",
                        format!("{}: no such file or folder", path.display()),
                    ));
                }
            }
        }
        check_output_dir(&self.out_dir)?;
        self.refuse_inputs_among_outputs()
    }

    /// No input file is one of the files the run writes into its folder (device and inode,
    /// through links): a run would overwrite what it reads.
    fn refuse_inputs_among_outputs(&self) -> Result<()> {
        let mut inputs: Vec<(&str, &Path)> = Vec::new();
        if let DataChoice::Files(paths) = &self.data {
            inputs.extend(paths.iter().map(|p| ("--input", p.as_path())));
        }
        inputs.extend(self.word_vectors.iter().map(|p| ("--word-vectors", p.as_path())));
        inputs.extend(self.vgg_weights.iter().map(|p| ("--vgg-weights", p.as_path())));
        for name in crate::layout::ALL {
            let output = self.out_dir.join(name);
            if let Some((flag, input)) = inputs.iter().find(|(_, input)| crate::io::same_file(&output, input))
            {
                return Err(Error::param(
                    "--out",
                    format!(
                        "{} is the same file as the input `{flag}` {}; choose another output folder",
                        output.display(),
                        input.display()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_posters(&self) -> Result<()> {
        if let Some(limit) = self.poster_limit
            && limit < MIN_POSTERS
        {
            return Err(Error::param(
                "--poster-limit",
                format!("{limit} posters: the poster branch needs at least {MIN_POSTERS} (or --no-posters)"),
            ));
        }
        if !POSTER_SIZE_RANGE.contains(&self.poster_size) || !self.poster_size.is_multiple_of(32) {
            return Err(Error::param(
                "--image-size",
                format!(
                    "{} pixels: give a multiple of 32 from {} to {}",
                    self.poster_size,
                    POSTER_SIZE_RANGE.start(),
                    POSTER_SIZE_RANGE.end()
                ),
            ));
        }
        if let Some(path) = &self.vgg_weights {
            existing_file("--vgg-weights", path)?;
        }
        let dir = self.effective_posters_dir()?;
        if !dir.is_dir() {
            return Err(Error::param("--posters", format!("{} is not a folder of posters", dir.display())));
        }
        Ok(())
    }

    /// Where the posters are: `--posters`, else the `posters/` folder of a `--data` folder
    /// (what `fetch tmdb` writes), else the bundled posters
    /// ([`crate::run::posters::bundled_posters_dir`]).
    pub fn effective_posters_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.posters_dir {
            return Ok(dir.clone());
        }
        if let DataChoice::Files(paths) = &self.data
            && let Some(fetched) = paths.iter().map(|p| p.join("posters")).find(|p| p.is_dir())
        {
            return Ok(fetched);
        }
        crate::run::posters::bundled_posters_dir()
    }
}

/// `dir` is a folder this process can write in: created when missing, probed with a file.
pub fn check_output_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::param("--out", format!("{} is not a folder", dir.display())));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let probe = dir.join(format!(".cinegenre-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| Error::io(dir, e))?;
    std::fs::remove_file(&probe).map_err(|e| Error::io(&probe, e))
}

fn existing_file(flag: &str, path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(Error::param(flag, format!("{} is not a regular file", path.display()))),
        Err(e) => Err(Error::param(flag, format!("{}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posters_come_from_the_flag_then_a_fetched_folder_then_the_bundle() {
        let fetched = std::env::temp_dir().join(format!("cinegenre-posters-{}", std::process::id()));
        std::fs::create_dir_all(fetched.join("posters")).unwrap();
        let mut config = RunConfig { data: DataChoice::Files(vec![fetched.clone()]), ..RunConfig::default() };
        assert_eq!(config.effective_posters_dir().unwrap(), fetched.join("posters"));
        config.posters_dir = Some(PathBuf::from("mine"));
        assert_eq!(config.effective_posters_dir().unwrap(), PathBuf::from("mine"));
        let bundled = RunConfig::default();
        assert_eq!(
            bundled.effective_posters_dir().unwrap(),
            crate::run::posters::bundled_posters_dir().unwrap()
        );
        std::fs::remove_dir_all(&fetched).unwrap();
    }

    #[test]
    fn bad_flags_are_refused_before_any_work() {
        let out = std::env::temp_dir().join(format!("cinegenre-config-{}", std::process::id()));
        let refused = |config: RunConfig, flag: &str| {
            let e = RunConfig { out_dir: out.clone(), ..config }.validate().unwrap_err().to_string();
            assert!(e.contains(flag), "{e}");
        };
        refused(RunConfig { poster_limit: Some(3), ..RunConfig::default() }, "--poster-limit");
        refused(RunConfig { poster_size: 33, ..RunConfig::default() }, "--image-size");
        refused(RunConfig { poster_size: 0, ..RunConfig::default() }, "--image-size");
        refused(RunConfig { svm_cv: 1, ..RunConfig::default() }, "--svm-cv");
        refused(RunConfig { alpha: f64::NAN, ..RunConfig::default() }, "--alpha");
        refused(RunConfig { skipgram_threads: Some(100_000), ..RunConfig::default() }, "--threads");
        std::fs::write(&out, b"a file").unwrap();
        let e = RunConfig { out_dir: out.clone(), ..RunConfig::default() }.validate().unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
        std::fs::remove_file(&out).unwrap();
    }
}
