//! VGG convolutional bases (tutorial section 5): poster → 7×7×512 = 25,088 features.
//!
//! ```text
//! image (224, 224, 3) NHWC ─ preprocess ─▶ 13 × [conv3×3 same + bias + ReLU], 5 × maxpool2×2
//!                                         ─▶ (7, 7, 512) ─ flatten (Keras NHWC or PyTorch NCHW)
//! y[h,w,o] = b[o] + Σ_{dh,dw∈{0,1,2}} Σ_i x[h+dh−1, w+dw−1, i] · K[dh,dw,i,o]   (zero outside)
//! ```
//!
//! - [`arch`]: the graph as data (VGG11/13/16/19 from one table, as torchvision's `cfgs`).
//! - [`weights`]: parameters in one layout (HWIO kernels), imported from safetensors
//!   (torchvision or Keras names) or a Keras `.h5` file, or drawn at random from a seed.
//! - [`preprocess`]: decode, resize to 224×224, Keras 'caffe' or torchvision normalisation.
//! - [`network`]: the forward pass on a [`Backend`](crate::backend::Backend), layers in
//!   [`crate::kernels::conv`].
//! - [`extract`]: a folder of posters → one feature row each, streamed and resumable
//!   (`cinegenre features vgg16`).
//!
//! Paper: K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
//! Recognition", ICLR 2015, arXiv:1409.1556. Reference implementations: Keras 2.0
//! `keras/applications/vgg16.py` (`include_top=False`) and torchvision `models/vgg.py`
//! (`features`). Cost: 15.35 G multiply-adds (30.7 GFLOP) per 224×224 image, 14.7 M parameters.
//!
//! A tiny VGG16 (every channel count ÷ 32, seeded random weights) on one 32×32 image, on the
//! scalar reference backend: the same 13 convolutions and 5 pools, in milliseconds.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::vgg::network::Vgg;
//! use cinegenre::vgg::{Architecture, VggWeights};
//! let arch = Architecture::vgg16().narrowed(32); // 2 … 16 channels instead of 64 … 512
//! let vgg = Vgg::new(VggWeights::random(arch, 0), Backend::Scalar)?;
//! let image = vec![0.5f32; 32 * 32 * 3]; // NHWC, already preprocessed
//! let features = vgg.forward(&image, 1, (32, 32))?;
//! assert_eq!(vgg.output_shape((32, 32)), (1, 1, 16)); // 32 / 2⁵ = 1
//! assert_eq!(features.len(), 16);
//! assert!(features.iter().all(|v| v.is_finite() && *v >= 0.0)); // the last conv's ReLU
//! # Ok::<(), cinegenre::Error>(())
//! ```

pub mod arch;
pub mod extract;
pub mod import;
pub mod network;
pub mod preprocess;
pub mod weights;

pub use arch::{Architecture, Layer};
pub use weights::{ConvWeights, VggWeights, WeightOrigin};

/// The order of the 25,088 numbers a (7, 7, 512) output is flattened into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlattenOrder {
    /// Keras channels_last: `f = (h·W + w)·C + c`.
    Nhwc,
    /// PyTorch `flatten(1)` of NCHW: `f = c·H·W + h·W + w`.
    Nchw,
}

impl FlattenOrder {
    /// The order the weights' framework flattens in.
    pub fn of(origin: &WeightOrigin) -> FlattenOrder {
        match origin {
            WeightOrigin::Torchvision => FlattenOrder::Nchw,
            WeightOrigin::Keras | WeightOrigin::Random { .. } => FlattenOrder::Nhwc,
        }
    }

    /// Flatten one image's (h, w, c) NHWC activation into `out` in this order.
    pub fn flatten(self, nhwc: &[f32], (h, w, c): (usize, usize, usize), out: &mut [f32]) {
        match self {
            FlattenOrder::Nhwc => out.copy_from_slice(nhwc),
            FlattenOrder::Nchw => {
                for y in 0..h {
                    for x in 0..w {
                        for ch in 0..c {
                            out[ch * h * w + y * w + x] = nhwc[(y * w + x) * c + ch];
                        }
                    }
                }
            }
        }
    }
}

impl std::str::FromStr for FlattenOrder {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nhwc" | "keras" => Ok(FlattenOrder::Nhwc),
            "nchw" | "torch" | "pytorch" => Ok(FlattenOrder::Nchw),
            other => Err(crate::Error::param("flatten", format!("`{other}` is not one of nhwc, nchw"))),
        }
    }
}
