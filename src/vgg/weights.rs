//! VGG parameters in one layout — kernels HWIO `(3, 3, in, out)` as Keras stores them, biases
//! `(out,)` — and where they came from.
//!
//! Importers ([`VggWeights::load`], in [`super::import`]): safetensors with torchvision names (`features.N.weight`, OIHW, converted
//! by `W_hwio[dh][dw][i][o] = W_oihw[o][i][dh][dw]`, no flip) or Keras names
//! (`block1_conv1…`, HWIO as is), and Keras `.h5` files through the read-only HDF5 reader.
//!
//! [`VggWeights::random`] draws every parameter from numpy's legacy MT19937 so that
//! `tools/gen_vgg.py` can draw the very same network in numpy:
//! ```text
//! rng = RandomState(seed); for each conv in order:
//!     K = (2·rng.random_sample((3,3,in,out)) − 1) · sqrt(6 / (9·in))     (He-uniform, HWIO, C order)
//!     b = (2·rng.random_sample(out) − 1) · 0.05
//! computed in f64, rounded to f32
//! ```

use super::arch::Architecture;
use crate::error::{Error, Result};
use crate::rng::Mt19937;

/// Which framework's training (and hence preprocessing and flatten order) the weights carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightOrigin {
    /// The original Caffe VGG weights as Keras ships them: BGR, 0–255, mean-subtracted.
    Keras,
    /// torchvision's weights: RGB, ÷255, ImageNet mean/std.
    Torchvision,
    /// Drawn by [`VggWeights::random`]: features exercise the code but mean nothing.
    Random { seed: u32 },
}

/// One convolution's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvWeights {
    /// Keras layer name, e.g. `block1_conv1`.
    pub name: String,
    pub in_ch: usize,
    pub out_ch: usize,
    /// (3, 3, in_ch, out_ch) row-major, HWIO.
    pub kernel: Vec<f32>,
    /// (out_ch,).
    pub bias: Vec<f32>,
}

impl ConvWeights {
    /// Check lengths against the declared channels; `source` names the file in the error.
    pub fn check(&self, source: &str) -> Result<()> {
        let want = 9 * self.in_ch * self.out_ch;
        if self.kernel.len() != want || self.bias.len() != self.out_ch {
            return Err(Error::Shape(format!(
                "{source}: layer {} has a kernel of {} numbers and a bias of {}, but (3, 3, {}, {}) needs {want} and {}",
                self.name,
                self.kernel.len(),
                self.bias.len(),
                self.in_ch,
                self.out_ch,
                self.out_ch
            )));
        }
        Ok(())
    }
}

/// A whole convolutional base: graph, parameters per conv in graph order, origin.
#[derive(Debug, Clone)]
pub struct VggWeights {
    pub arch: Architecture,
    pub convs: Vec<ConvWeights>,
    pub origin: WeightOrigin,
    /// What to tell the user: a file path, or `random weights (seed 7)`.
    pub source: String,
}

impl VggWeights {
    /// He-uniform weights from numpy's MT19937 (see the module doc for the exact recipe).
    pub fn random(arch: Architecture, seed: u32) -> VggWeights {
        let mut rng = Mt19937::new(seed);
        let convs = arch
            .convs()
            .map(|(name, in_ch, out_ch)| {
                let limit = (6.0 / (9 * in_ch) as f64).sqrt();
                let kernel =
                    (0..9 * in_ch * out_ch).map(|_| ((2.0 * rng.random_sample() - 1.0) * limit) as f32);
                let kernel = kernel.collect();
                let bias = (0..out_ch).map(|_| ((2.0 * rng.random_sample() - 1.0) * 0.05) as f32).collect();
                ConvWeights { name: name.to_string(), in_ch, out_ch, kernel, bias }
            })
            .collect();
        VggWeights {
            arch,
            convs,
            origin: WeightOrigin::Random { seed },
            source: format!("random weights (seed {seed})"),
        }
    }

    /// Import `arch`'s weights from `path`: safetensors with torchvision or Keras names, or a
    /// Keras `.h5` file; the layout is detected from the content (see [`super::import`]).
    ///
    /// # Errors
    /// [`Error::Io`] when unreadable, [`Error::Parse`] for a malformed or truncated file,
    /// [`Error::Model`] naming the file and the layer or tensor for a missing layer, a wrong
    /// shape or dtype, [`Error::Shape`] when the weights do not fit `arch`.
    pub fn load(path: &std::path::Path, arch: Architecture) -> Result<VggWeights> {
        super::import::load(path, arch)
    }

    /// Check every conv against the graph.
    pub fn check(&self) -> Result<()> {
        let want: Vec<_> = self.arch.convs().collect();
        if want.len() != self.convs.len() {
            return Err(Error::Shape(format!(
                "{}: {} has {} convolutions but the weights have {}",
                self.source,
                self.arch.name,
                want.len(),
                self.convs.len()
            )));
        }
        for ((name, in_ch, out_ch), conv) in want.into_iter().zip(&self.convs) {
            if (conv.in_ch, conv.out_ch) != (in_ch, out_ch) {
                return Err(Error::Shape(format!(
                    "{}: layer {name} should map {in_ch} → {out_ch} channels but its weights map {} → {}",
                    self.source, conv.in_ch, conv.out_ch
                )));
            }
            conv.check(&self.source)?;
        }
        Ok(())
    }
}
