//! `cinegenre train nb|svm|mlp`: fit a model on features X and labels Y, save it.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::labels::LabelFile;
use cinegenre::predictor::Features;
use cinegenre::{Error, Result};

use crate::common::{Context, DeviceArg, OutputArg, describe_backend, in_range, non_negative, positive, say};

/// The group's example (`cinegenre train --help`).
pub const EXAMPLE: &str = "Example:\n  cinegenre train nb --x X.mtx --y Y.npy --out nb.safetensors\n  \
                           cinegenre train mlp --x E.npy --y Y.npy --layers 300 --out mlp.safetensors";

/// Train a model on features X and labels Y.
#[derive(Subcommand)]
pub enum TrainCommand {
    Nb(TrainNbArgs),
    Svm(TrainSvmArgs),
    Mlp(TrainMlpArgs),
}

impl TrainCommand {
    pub fn run(self, context: &Context) -> Result<()> {
        match self {
            TrainCommand::Nb(a) => a.run(context),
            TrainCommand::Svm(a) => a.run(context),
            TrainCommand::Mlp(a) => a.run(context),
        }
    }
}

/// Read X (.mtx or .npy) and Y (.npy), both naming the same movies.
fn read_xy(x: &Path, y: &Path, context: &Context) -> Result<(Features, LabelFile)> {
    let (features, labels) = context.step("read", || Ok((Features::read(x)?, LabelFile::read(y)?)))?;
    if features.shape().0 != labels.labels.n_rows() {
        return Err(Error::Shape(format!(
            "X has {} rows but Y has {}: they must describe the same movies",
            features.shape().0,
            labels.labels.n_rows()
        ))
        .for_inputs(&[x, y]));
    }
    Ok((features, labels))
}

/// One-vs-rest multinomial naive Bayes on counts.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre train nb --x X.mtx --y Y.npy --out nb.safetensors"
)]
pub struct TrainNbArgs {
    /// Features: non-negative counts, Matrix Market (.mtx) or numpy (.npy).
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Additive smoothing (finite, ≥ 0).
    #[arg(long, default_value_t = 1.0, value_parser = non_negative(1e12f64))]
    pub alpha: f64,
    /// Uniform class priors instead of learned ones.
    #[arg(long)]
    pub no_fit_prior: bool,
    /// The vocabulary file X was made with (recorded in the model).
    #[arg(long)]
    pub vocab: Option<PathBuf>,
    /// Output model (safetensors).
    #[arg(long, alias = "model")]
    pub out: PathBuf,
}

impl TrainNbArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let inputs =
            [("--x", Some(self.x.as_path())), ("--y", Some(&self.y)), ("--vocab", self.vocab.as_deref())];
        crate::common::refuse_inputs(&[("--out", &self.out)], &inputs)?;
        let (x, y) = read_xy(&self.x, &self.y, context)?;
        let x = x.to_sparse();
        let params = NbParams { alpha: self.alpha, fit_prior: !self.no_fit_prior };
        let vocab = self.vocab.as_ref().map(|p| p.display().to_string());
        let model = context.step("fit", || {
            NbModel::train(&params, &x, &y, vocab).map_err(|e| e.for_inputs(&[&self.x, &self.y]))
        })?;
        context.step("write", || model.save(&self.out))?;
        say!(
            "trained naive Bayes on {} rows × {} features, {} labels → {}",
            x.n_rows(),
            x.n_cols(),
            y.names.len(),
            self.out.display()
        );
        Ok(())
    }
}

/// One-vs-rest linear SVM, C chosen per label by stratified k-fold grid search (micro-F1).
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre train svm --x X_tfidf.mtx --y Y.npy --out svm.safetensors\n  \
                        cinegenre train svm --x X_tfidf.mtx --y Y.npy --solver dcd --c 1 --out svm.safetensors"
)]
pub struct TrainSvmArgs {
    /// Features, e.g. TF-IDF: Matrix Market (.mtx) or numpy (.npy).
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Grid of C values (comma-separated, each finite and > 0); ties go to the first.
    #[arg(long, value_delimiter = ',', default_value = "0.01,0.1,1", value_parser = positive(1e12f64))]
    pub c: Vec<f64>,
    /// Number of stratified folds (scikit-learn today: 5; the 2017 tutorial ran 3).
    #[arg(long, default_value_t = 5, value_parser = in_range(2usize, 20))]
    pub cv: usize,
    /// `balanced`, `none`, or two weights `W0,W1` (label absent, present).
    #[arg(long, default_value = "balanced")]
    pub class_weight: cinegenre::svm::ClassWeight,
    /// `smo` (libsvm, SVC(kernel='linear')) or `dcd` (liblinear, LinearSVC).
    #[arg(long, default_value = "smo")]
    pub solver: cinegenre::svm::SolverKind,
    /// Stopping tolerance (default: 1e-3 for smo, 1e-4 for dcd, as scikit-learn).
    #[arg(long, value_parser = positive(1.0f64))]
    pub tol: Option<f64>,
    /// Turn the shrinking heuristic off (libsvm's for smo, liblinear's for dcd).
    #[arg(long)]
    pub no_shrinking: bool,
    /// Start each C from the previous C's solution (faster; same optimum, different path).
    #[arg(long)]
    pub warm_start: bool,
    /// Output model (safetensors).
    #[arg(long, alias = "model")]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl TrainSvmArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        use cinegenre::svm::{GridConfig, SolverKind, SvmModel, SvmParams};
        let inputs = [("--x", Some(self.x.as_path())), ("--y", Some(&self.y))];
        crate::common::refuse_inputs(&[("--out", &self.out)], &inputs)?;
        let (x, y) = read_xy(&self.x, &self.y, context)?;
        let x = x.to_sparse();
        let base =
            if self.solver == SolverKind::Dcd { SvmParams::linear_svc() } else { SvmParams::default() };
        let params = SvmParams {
            class_weight: self.class_weight,
            tol: self.tol.unwrap_or(base.tol),
            shrinking: !self.no_shrinking,
            ..base
        };
        let config = GridConfig {
            grid: self.c.clone(),
            cv: self.cv,
            params,
            warm_start: self.warm_start,
            quiet: self.quiet,
        };
        let (model, search) = context.step("fit", || {
            SvmModel::train(&x, &y, &config).map_err(|e| e.for_inputs(&[&self.x, &self.y]))
        })?;
        context.step("write", || model.save(&self.out))?;
        if search.lazy_kernel {
            cinegenre::progress::note(&format!(
                "note: {} rows > {}: kernel rows computed on demand with an LRU cache instead of one shared Gram matrix",
                x.n_rows(),
                cinegenre::svm::kernel::GRAM_MAX_ROWS
            ));
        }
        say!(
            "{:<18} {:>8} {:>22} {:>9} {:>7} {:>14}",
            "label",
            "C",
            "mean CV micro-F1",
            "iter",
            "SVs",
            "dual objective"
        );
        for (name, label) in model.labels.iter().zip(&search.labels) {
            let scores: Vec<String> = label.mean_scores.iter().map(|s| format!("{s:.4}")).collect();
            match (&label.model, label.chosen_c) {
                (cinegenre::ovr::LabelModel::Fitted(svm), Some(c)) => say!(
                    "{name:<18} {c:>8} {:>22} {:>9} {:>7} {:>14.6}",
                    scores.join("/"),
                    svm.info.n_iter,
                    svm.info.support.len(),
                    svm.info.objective
                ),
                _ => say!("{name:<18} {:>8}", "constant"),
            }
            for warning in &label.warnings {
                cinegenre::progress::note(&format!("warning: {warning}"));
            }
        }
        say!(
            "trained a linear SVM ({}) on {} rows × {} features, {} labels, {} fits → {}",
            model.solver,
            x.n_rows(),
            x.n_cols(),
            model.labels.len(),
            search.n_fits,
            self.out.display()
        );
        Ok(())
    }
}

/// Hidden-layer activation.
#[derive(Clone, Copy, ValueEnum)]
pub enum ActivationArg {
    Relu,
    Identity,
}

/// The optimizer of an MLP.
#[derive(Clone, Copy, ValueEnum)]
pub enum OptimizerArg {
    /// Keras 2.0's RMSprop (ε outside the square root).
    Rmsprop,
    /// Keras 3's RMSprop (ε inside).
    RmspropKeras3,
    /// SGD with momentum 0.9.
    Sgd,
    Adam,
}

/// A multi-layer perceptron (Keras 2.0 semantics) on dense features.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre train mlp --x E.npy --y Y.npy --layers 300 --out mlp.safetensors --device gpu"
)]
pub struct TrainMlpArgs {
    /// Features: .npy (2-D, any numeric dtype; used as float32) or .mtx.
    #[arg(long)]
    pub x: PathBuf,
    /// Labels (.npy 0/1 indicator matrix, one row per row of X).
    #[arg(long)]
    pub y: PathBuf,
    /// Hidden layer sizes (comma-separated, each 1 to 65536; at most 2²⁸ parameters in all).
    #[arg(long, value_delimiter = ',', default_values_t = [1024usize, 256], value_parser = in_range(1usize, 65536))]
    pub layers: Vec<usize>,
    /// Hidden activation.
    #[arg(long, value_enum, default_value = "relu")]
    pub activation: ActivationArg,
    /// Output layer: sigmoid (independent per-genre probabilities) or softmax.
    #[arg(long, value_enum, default_value = "sigmoid", alias = "output")]
    pub output_layer: OutputArg,
    /// Epochs; 0 writes the freshly initialised model.
    #[arg(long, default_value_t = 10, value_parser = in_range(0usize, 100_000))]
    pub epochs: usize,
    /// Rows per batch (the last batch of an epoch may be smaller).
    #[arg(long, default_value_t = 64, value_parser = in_range(1usize, 1 << 20))]
    pub batch: usize,
    /// The optimizer.
    #[arg(long, value_enum, default_value = "rmsprop")]
    pub optimizer: OptimizerArg,
    /// Learning rate (finite, > 0, at most 10).
    #[arg(long, default_value_t = 1e-4, value_parser = positive(10.0f32))]
    pub lr: f32,
    /// Keras 2.0 learning-rate decay: lr / (1 + decay·t) (finite, ≥ 0).
    #[arg(long, default_value_t = 1e-6, value_parser = non_negative(1e6f32))]
    pub decay: f32,
    /// Seeds the initial weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Keep the rows in file order (no shuffling between epochs).
    #[arg(long)]
    pub no_shuffle: bool,
    /// Hold out this fraction of rows (the last ones) for validation, in [0, 0.99].
    #[arg(long, default_value_t = 0.0, value_parser = non_negative(0.99f64))]
    pub validation_split: f64,
    /// Stop after this many epochs without a better validation loss.
    #[arg(long, value_parser = in_range(1usize, 100_000))]
    pub patience: Option<usize>,
    #[command(flatten)]
    pub device: DeviceArg,
    /// Output model (safetensors, f32).
    #[arg(long, alias = "model")]
    pub out: PathBuf,
}

impl TrainMlpArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        use cinegenre::kernels::Activation;
        use cinegenre::mlp::{Mlp, MlpModel, OptimizerKind, TrainParams, fit};
        let inputs = [("--x", Some(self.x.as_path())), ("--y", Some(&self.y))];
        crate::common::refuse_inputs(&[("--out", &self.out)], &inputs)?;
        let backend = self.device.backend()?;
        let (features, y) = read_xy(&self.x, &self.y, context)?;
        let (n, d) = features.shape();
        let x = features.to_dense(&self.x)?;
        let hidden = match self.activation {
            ActivationArg::Relu => Activation::Relu,
            ActivationArg::Identity => Activation::Identity,
        };
        let optimizer = match self.optimizer {
            OptimizerArg::Rmsprop => "rmsprop",
            OptimizerArg::RmspropKeras3 => "rmsprop-keras3",
            OptimizerArg::Sgd => "sgd",
            OptimizerArg::Adam => "adam",
        };
        let mut sizes = vec![d];
        sizes.extend(&self.layers);
        sizes.push(y.labels.n_cols());
        let model = Mlp::new(&sizes, hidden, self.output_layer.into(), self.seed)?;
        let params = TrainParams {
            epochs: self.epochs,
            batch: self.batch,
            shuffle: !self.no_shuffle,
            seed: self.seed,
            optimizer: OptimizerKind::from_name(optimizer, self.lr, self.decay)?,
            validation_split: self.validation_split,
            patience: self.patience,
            quiet: false,
        };
        let t: Vec<f32> = y.labels.as_slice().iter().map(|&v| f32::from(v)).collect();
        let (mlp, history) = context.step("fit", || fit(&backend, model, &x, &t, &params))?;
        context.step("write", || MlpModel { mlp, labels: y.names.clone(), scaler: None }.save(&self.out))?;
        let last = history
            .epochs
            .last()
            .map(cinegenre::mlp::train::describe)
            .unwrap_or_else(|| "initial weights".into());
        say!(
            "trained an MLP {sizes:?} on {n} rows for {} epochs on {}: {last} → {}",
            history.epochs.len(),
            describe_backend(&backend),
            self.out.display()
        );
        Ok(())
    }
}
