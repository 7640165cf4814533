//! Saving and loading MLPs ([`ModelFile`] kind `mlp`).
//!
//! Tensors `dense_{l}.kernel` (n_in, n_out) and `dense_{l}.bias` (n_out) for l = 0, 1, … in
//! Keras' layout, stored as F32 — the arithmetic of the model, so nothing is lost (files from
//! earlier versions hold F64 and still load). With a [`Standardizer`], `input.mean` and
//! `input.scale` (n_in). Metadata: `layers` (JSON list of sizes), `hidden`
//! (`relu`/`identity`/`sigmoid`), `output` (`sigmoid`/`softmax`), `labels` (JSON list of names).

use std::path::Path;

use super::{Dense, Mlp, Output, Standardizer};
use crate::error::{Error, Result};
use crate::kernels::Activation;
use crate::model_file::ModelFile;

/// The model kind written into the file.
pub const MLP_KIND: &str = "mlp";

/// A trained MLP with its label names.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpModel {
    pub mlp: Mlp,
    pub labels: Vec<String>,
    /// Applied to every input row before the first layer, when the model was trained so.
    pub scaler: Option<Standardizer>,
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Identity => "identity",
        Activation::Relu => "relu",
        Activation::Sigmoid => "sigmoid",
    }
}

impl MlpModel {
    /// Write to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut file = ModelFile::new(MLP_KIND);
        let mut sizes = vec![self.mlp.n_inputs()];
        for (l, layer) in self.mlp.layers.iter().enumerate() {
            sizes.push(layer.n_out);
            file.put_f32(&format!("dense_{l}.kernel"), vec![layer.n_in, layer.n_out], layer.w.clone());
            file.put_f32(&format!("dense_{l}.bias"), vec![layer.n_out], layer.b.clone());
        }
        if let Some(s) = &self.scaler {
            file.put_f32("input.mean", vec![s.dim()], s.mean.clone());
            file.put_f32("input.scale", vec![s.dim()], s.scale.clone());
        }
        file.set_meta("layers", serde_json::to_string(&sizes).unwrap_or_default());
        file.set_meta("hidden", activation_name(self.mlp.hidden));
        file.set_meta("output", self.mlp.output.name());
        file.set_meta("labels", serde_json::to_string(&self.labels).unwrap_or_default());
        file.save(path)
    }

    /// Read a model written by [`Self::save`].
    pub fn load(path: &Path) -> Result<MlpModel> {
        Self::from_file(&ModelFile::load(path, MLP_KIND)?, path)
    }

    /// Build from a loaded model file.
    pub fn from_file(file: &ModelFile, path: &Path) -> Result<MlpModel> {
        // Weights, biases and the input scaling: all finite.
        file.check_all_finite()?;
        let bad = |key: &str| Error::model(path, format!("metadata entry `{key}` is not valid"));
        let sizes: Vec<usize> = serde_json::from_str(file.meta("layers")?).map_err(|_| bad("layers"))?;
        let labels: Vec<String> = serde_json::from_str(file.meta("labels")?).map_err(|_| bad("labels"))?;
        let hidden = match file.meta("hidden")? {
            "relu" => Activation::Relu,
            "identity" => Activation::Identity,
            "sigmoid" => Activation::Sigmoid,
            _ => return Err(bad("hidden")),
        };
        let output = match file.meta("output")? {
            "sigmoid" => Output::Sigmoid,
            "softmax" => Output::Softmax,
            _ => return Err(bad("output")),
        };
        if sizes.len() < 2 || labels.len() != sizes[sizes.len() - 1] {
            return Err(Error::model(path, format!("{} labels for layer sizes {sizes:?}", labels.len())));
        }
        let mut layers = Vec::new();
        for (l, w) in sizes.windows(2).enumerate() {
            let kernel = file.f32_tensor(&format!("dense_{l}.kernel"), &[w[0], w[1]])?;
            let bias = file.f32_tensor(&format!("dense_{l}.bias"), &[w[1]])?;
            layers.push(Dense { n_in: w[0], n_out: w[1], w: kernel, b: bias });
        }
        let scaler = if file.has_tensor("input.mean") {
            let mean = file.f32_tensor("input.mean", &sizes[..1])?;
            let scale = file.f32_tensor("input.scale", &sizes[..1])?;
            if scale.iter().any(|s| !s.is_finite() || *s == 0.0) || mean.iter().any(|m| !m.is_finite()) {
                return Err(Error::model(path, "the input scaler holds a zero or non-finite value"));
            }
            Some(Standardizer { mean, scale })
        } else {
            None
        };
        Ok(MlpModel { mlp: Mlp { layers, hidden, output }, labels, scaler })
    }

    /// Output probabilities (m, n_out) of raw rows `x` (m, n_in): standardised first when the
    /// model carries a scaler.
    pub fn predict_proba(&self, backend: &crate::backend::Backend, x: &[f32], m: usize) -> Result<Vec<f32>> {
        match &self.scaler {
            Some(s) => {
                let mut scaled = x.to_vec();
                s.apply(&mut scaled);
                self.mlp.predict_proba(backend, &scaled, m)
            }
            None => self.mlp.predict_proba(backend, x, m),
        }
    }
}

/// Read a 2-D `.npy` feature matrix (f32, f64, integer or 0/1) as row-major f32:
/// `(values, rows, columns)`.
pub fn read_features(path: &Path) -> Result<(Vec<f32>, usize, usize)> {
    let array = crate::io::read_npy(path)?;
    if array.shape.len() != 2 {
        return Err(Error::parse(path, None, format!("expected a 2-D array, found shape {:?}", array.shape)));
    }
    let values = match array.data {
        crate::io::NpyData::F32(v) => v,
        crate::io::NpyData::F64(v) => v.into_iter().map(|x| x as f32).collect(),
        crate::io::NpyData::I64(v) => v.into_iter().map(|x| x as f32).collect(),
        crate::io::NpyData::U8(v) => v.into_iter().map(f32::from).collect(),
    };
    let cols = array.shape[1].max(1);
    if let Some(i) = values.iter().position(|x| !x.is_finite()) {
        return Err(Error::parse(
            path,
            None,
            format!(
                "row {}, column {} holds {}: features must be finite numbers",
                i / cols,
                i % cols,
                values[i]
            ),
        ));
    }
    Ok((values, array.shape[0], array.shape[1]))
}
