//! `cinegenre predict` and `cinegenre evaluate`: a saved model on features, and predictions
//! against the truth.

use std::path::PathBuf;

use clap::Args;

use cinegenre::dataset::GenreMap;
use cinegenre::labels::{self, LabelFile};
use cinegenre::predictor::{Features, Predictor};
use cinegenre::{Result, io, metrics};

use crate::common::{Context, DeviceArg, in_range, say};

/// Apply a saved model (naive Bayes, SVM or MLP, told apart by the file) to features X.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre predict --model nb.safetensors --x X.mtx --out P.npy\n  \
                        cinegenre predict --model mlp.safetensors --x E.npy --out P.npy --top 3"
)]
pub struct PredictArgs {
    /// A model written by `train` or `run`.
    #[arg(long)]
    pub model: PathBuf,
    /// Features with the model's columns: Matrix Market (.mtx) or numpy (.npy), told apart by
    /// content.
    #[arg(long)]
    pub x: PathBuf,
    /// Output .npy: uint8 0/1 predictions, or float64 scores with --proba (an SVM model writes
    /// its decision values unless --labels is given).
    #[arg(long)]
    pub out: PathBuf,
    /// Write per-label scores (probabilities, decision values, MLP outputs) instead of 0/1.
    #[arg(long)]
    pub proba: bool,
    /// Predict each row's k best labels instead of the model's threshold rule.
    #[arg(long, alias = "top-k", alias = "k", value_parser = in_range(1usize, 10_000))]
    pub top: Option<usize>,
    /// Write 0/1 predictions whatever the model (an SVM writes decision values otherwise).
    #[arg(long, conflicts_with = "proba")]
    pub labels: bool,
    #[command(flatten)]
    pub device: DeviceArg,
}

impl PredictArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let inputs = [("--model", Some(self.model.as_path())), ("--x", Some(&self.x))];
        crate::common::refuse_inputs(&[("--out", &self.out)], &inputs)?;
        let backend = self.device.backend()?;
        let (model, x) =
            context.step("read", || Ok((Predictor::load(&self.model)?, Features::read(&self.x)?)))?;
        let (n, k) = (x.shape().0, model.labels().len());
        let inputs = |e: cinegenre::Error| e.for_inputs(&[&self.model, &self.x]);
        let scores = self.proba || (model.scores_by_default() && !self.labels && self.top.is_none());
        if scores {
            let s = context.step("predict", || model.scores(&x, &self.x, &backend).map_err(inputs))?;
            context.step("write", || io::write_npy(&self.out, &[n, k], s.data()))?;
        } else {
            let p =
                context.step("predict", || model.predict(&x, &self.x, &backend, self.top).map_err(inputs))?;
            context.step("write", || io::write_npy(&self.out, &[n, k], &p))?;
        }
        say!("wrote {n}×{k} {} to {}", if scores { "scores" } else { "predictions" }, self.out.display());
        Ok(())
    }
}

/// Compare predicted and true labels: classification report and per-movie precision/recall.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre evaluate --y-true Y.npy --y-pred P.npy --digits 4"
)]
pub struct EvaluateArgs {
    /// True labels (.npy indicator matrix).
    #[arg(long)]
    pub y_true: PathBuf,
    /// Predicted labels (.npy indicator matrix, same shape).
    #[arg(long)]
    pub y_pred: PathBuf,
    /// Genre names for the report rows (default: the sidecar written by `labels`).
    #[arg(long)]
    pub genres: Option<PathBuf>,
    /// Decimal digits in the report (0 to 15).
    #[arg(long, default_value_t = 2, value_parser = in_range(0usize, 15))]
    pub digits: usize,
}

impl EvaluateArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let (truth, pred, names) = context.step("read", || {
            let truth = LabelFile::read(&self.y_true)?;
            let pred = labels::read_predictions(&self.y_pred, &truth.labels)?;
            let names = match &self.genres {
                Some(path) => GenreMap::from_json_file(path)?.names_for(truth.labels.genre_ids()),
                None => truth.names.clone(),
            };
            Ok((truth, pred, names))
        })?;
        let evaluation = context.step("evaluate", || {
            metrics::Evaluation::new(truth.labels.as_slice(), pred.as_slice(), &names, self.digits)
        })?;
        say!("{}", evaluation.to_string().trim_end());
        Ok(())
    }
}
