//! Importers: a weight file → [`VggWeights`] in HWIO, with its [`WeightOrigin`] detected.
//!
//! ```text
//! safetensors, torchvision names  features.{i}.weight (out, in, 3, 3) OIHW → K[dh][dw][i][o] = W[o][i][dh][dw]
//!                                 features.{i}.bias   (out,)               (no flip: both cross-correlate)
//! safetensors, Keras names        {layer}.kernel (3, 3, in, out) HWIO as is, {layer}.bias (out,)
//!                                 (also {layer}/kernel:0, {layer}/bias:0)
//! Keras .h5 (HDF5)                root attr layer_names; per layer group attr weight_names;
//!                                 datasets by those names (block1_conv1_W_1:0 or block1_conv1/kernel:0)
//! ```
//! `i` is the conv's index in torchvision's `features` Sequential ([`super::Layer::torch_index`]).
//! The `.h5` path assigns weights by layer ORDER, skipping layers whose `weight_names` is empty,
//! as Keras 2.0's `load_weights(by_name=False)` does (`keras/engine/topology.py`,
//! `load_weights_from_hdf5_group`); a full-model file's `model_weights` group is entered.
//! Tensors other than the convolutions (torchvision's `classifier.*`) are ignored.
//!
//! Reference implementations: Keras 2.0 `load_weights` (h5), torchvision `vgg.py` state-dict
//! names, `safetensors` (Hugging Face) for the container. Deviation: dtypes other than F32 are
//! refused rather than cast, and so are NaN or infinite parameters. Cost: the file is read into memory once (59 MB for VGG16) and
//! every parameter is copied once (OIHW → HWIO is one pass).
//!
//! ```
//! use cinegenre::vgg::import::oihw_to_hwio;
//! // One output channel, two inputs: W[0][i][dh][dw] = 10·i + 3·dh + dw.
//! let oihw: Vec<f32> = (0..2).flat_map(|i| (0..9).map(move |t| (10 * i + t) as f32)).collect();
//! let hwio = oihw_to_hwio(&oihw, 2, 1);
//! assert_eq!(hwio[(4 * 2 + 1) * 1], 14.0); // centre tap (dh = dw = 1), input 1
//! ```

use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors};

use super::arch::{Architecture, Layer};
use super::weights::{ConvWeights, VggWeights, WeightOrigin};
use crate::error::{Error, Result};
use crate::io::hdf5;

/// Dispatch on content: HDF5 signature or `.h5`/`.hdf5` → Keras h5; else safetensors.
pub(crate) fn load(path: &Path, arch: Architecture) -> Result<VggWeights> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let weights = if hdf5::is_hdf5(&bytes) || ext == "h5" || ext == "hdf5" {
        keras_h5(&hdf5::File::from_bytes(path, bytes)?, arch)?
    } else {
        safetensors(path, &bytes, arch)?
    };
    weights.check()?;
    check_finite(path, &weights)?;
    Ok(weights)
}

/// Every parameter must be a finite number: one NaN would make every feature NaN.
fn check_finite(path: &Path, weights: &VggWeights) -> Result<()> {
    for conv in &weights.convs {
        for (what, values) in [("kernel", &conv.kernel), ("bias", &conv.bias)] {
            if let Some(k) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::model(
                    path,
                    format!(
                        "layer `{}`: {what} value {k} is {}: weights must be finite",
                        conv.name, values[k]
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn weights(path: &Path, arch: Architecture, convs: Vec<ConvWeights>, origin: WeightOrigin) -> VggWeights {
    let source = format!("{} ({origin:?} layout)", path.display());
    VggWeights { arch, convs, origin, source }
}

/// The (name, torch index, in, out) of each conv.
fn conv_layers(arch: &Architecture) -> Vec<(String, usize, usize, usize)> {
    arch.layers
        .iter()
        .filter_map(|l| match l {
            Layer::Conv { name, torch_index, in_ch, out_ch } => {
                Some((name.clone(), *torch_index, *in_ch, *out_ch))
            }
            Layer::MaxPool { .. } => None,
        })
        .collect()
}

fn safetensors(path: &Path, bytes: &[u8], arch: Architecture) -> Result<VggWeights> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| {
        Error::parse(path, None, format!("neither an HDF5 file nor a valid safetensors file: {e}"))
    })?;
    let names = file.names();
    let torch = names.iter().any(|n| n.starts_with("features."));
    let keras = names.iter().any(|n| n.starts_with("block1_conv1"));
    let origin = match (torch, keras) {
        (true, false) => WeightOrigin::Torchvision,
        (false, true) => WeightOrigin::Keras,
        (true, true) => {
            return Err(Error::model(
                path,
                "has both torchvision (features.N) and Keras (block1_conv1) names",
            ));
        }
        (false, false) => {
            return Err(Error::model(
                path,
                "has neither torchvision names (features.0.weight) nor Keras names (block1_conv1.kernel)",
            ));
        }
    };
    let tensor = |candidates: &[String], shape: &[usize]| -> Result<Vec<f32>> {
        let name = candidates
            .iter()
            .find(|n| names.iter().any(|m| m == n))
            .ok_or_else(|| Error::model(path, format!("tensor `{}` is missing", candidates[0])))?;
        let view = file.tensor(name).map_err(|e| Error::model(path, format!("tensor `{name}`: {e}")))?;
        if view.dtype() != Dtype::F32 {
            return Err(Error::model(path, format!("tensor `{name}` is {:?}, expected F32", view.dtype())));
        }
        if view.shape() != shape {
            return Err(Error::model(
                path,
                format!("tensor `{name}` has shape {:?}, expected {shape:?}", view.shape()),
            ));
        }
        Ok(view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    };
    let mut convs = Vec::new();
    for (name, index, in_ch, out_ch) in conv_layers(&arch) {
        let (kernel, bias) = if origin == WeightOrigin::Torchvision {
            let oihw = tensor(&[format!("features.{index}.weight")], &[out_ch, in_ch, 3, 3])?;
            (oihw_to_hwio(&oihw, in_ch, out_ch), tensor(&[format!("features.{index}.bias")], &[out_ch])?)
        } else {
            let k = [format!("{name}.kernel"), format!("{name}/kernel:0")];
            let b = [format!("{name}.bias"), format!("{name}/bias:0")];
            (tensor(&k, &[3, 3, in_ch, out_ch])?, tensor(&b, &[out_ch])?)
        };
        convs.push(ConvWeights { name, in_ch, out_ch, kernel, bias });
    }
    Ok(weights(path, arch, convs, origin))
}

/// `K[dh][dw][i][o] = W[o][i][dh][dw]`.
pub fn oihw_to_hwio(oihw: &[f32], in_ch: usize, out_ch: usize) -> Vec<f32> {
    let mut hwio = vec![0.0; oihw.len()];
    for o in 0..out_ch {
        for i in 0..in_ch {
            for t in 0..9 {
                hwio[(t * in_ch + i) * out_ch + o] = oihw[(o * in_ch + i) * 9 + t];
            }
        }
    }
    hwio
}

fn keras_h5(file: &hdf5::File, arch: Architecture) -> Result<VggWeights> {
    let path = file.path();
    let mut root = file.root()?;
    let mut layer_names = root.attribute_strings("layer_names")?;
    // A full-model file (`model.save`) keeps the weights under `model_weights`.
    if layer_names.is_none()
        && let Some(inner) = root.member("model_weights")?
    {
        layer_names = inner.attribute_strings("layer_names")?;
        root = inner;
    }
    let layer_names = layer_names.ok_or_else(|| {
        Error::model(
            path,
            "has no `layer_names` attribute: not a Keras weight file (save_weights or model.save)",
        )
    })?;
    // Layers with weights, in file order, as Keras' load_weights_from_hdf5_group (one walk of
    // the root group for all the lookups: a hostile file may list many layers).
    let members = root.member_map()?;
    let mut with_weights = Vec::new();
    for layer in &layer_names {
        let addr = members.get(layer).ok_or_else(|| {
            Error::model(path, format!("layer `{layer}` is listed in layer_names but has no group"))
        })?;
        let group = root.load_member(layer, *addr)?;
        let names = group
            .attribute_strings("weight_names")?
            .ok_or_else(|| Error::model(path, format!("layer `{layer}` has no `weight_names` attribute")))?;
        if !names.is_empty() {
            with_weights.push((layer.clone(), group, names));
        }
    }
    let convs_wanted = conv_layers(&arch);
    if with_weights.len() != convs_wanted.len() {
        let found: Vec<&str> = with_weights.iter().map(|(l, _, _)| l.as_str()).collect();
        return Err(Error::model(
            path,
            format!(
                "has {} layers with weights ({}) but {} has {} convolutions",
                found.len(),
                found.join(", "),
                arch.name,
                convs_wanted.len()
            ),
        ));
    }
    let mut convs = Vec::new();
    for ((name, _, in_ch, out_ch), (layer, group, names)) in convs_wanted.into_iter().zip(with_weights) {
        if names.len() != 2 {
            return Err(Error::model(
                path,
                format!(
                    "layer `{layer}` (for {name}) has {} weights {names:?}, expected kernel and bias",
                    names.len()
                ),
            ));
        }
        let read = |dataset: &str, shape: &[usize]| -> Result<Vec<f32>> {
            let object = group.member(dataset)?.ok_or_else(|| {
                Error::model(
                    path,
                    format!("layer `{layer}`: dataset `{dataset}` named in weight_names is missing"),
                )
            })?;
            let (dims, values) = object.read_f32()?;
            if dims != shape {
                return Err(Error::model(
                    path,
                    format!(
                        "layer `{layer}` (for {name}): dataset `{dataset}` has shape {dims:?}, expected {shape:?}"
                    ),
                ));
            }
            Ok(values)
        };
        let kernel = read(&names[0], &[3, 3, in_ch, out_ch])?;
        let bias = read(&names[1], &[out_ch])?;
        convs.push(ConvWeights { name, in_ch, out_ch, kernel, bias });
    }
    Ok(weights(path, arch, convs, WeightOrigin::Keras))
}
