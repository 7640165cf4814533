//! `cinegenre features vgg16`: poster folder → VGG16 features (.npy) + ids (JSON).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinegenre::vgg::extract::{ExtractConfig, extract_features, list_images};
use cinegenre::vgg::network::{Precision, Vgg};
use cinegenre::vgg::preprocess::{Normalization, Preprocess, Resize};
use cinegenre::vgg::{Architecture, FlattenOrder, VggWeights};
use cinegenre::{Error, Result};

use crate::common::{Context, DeviceArg, in_range, say};

/// The group's example (`cinegenre features --help`).
pub const EXAMPLE: &str =
    "Example:\n  cinegenre features vgg16 --images posters/ --vgg-weights vgg16.safetensors --out F.npy";

/// Extract image features with a pretrained network (VGG16 for posters).
#[derive(Subcommand)]
pub enum FeaturesCommand {
    Vgg16(FeaturesVggArgs),
}

impl FeaturesCommand {
    pub fn run(self, context: &Context) -> Result<()> {
        match self {
            FeaturesCommand::Vgg16(a) => a.run(context),
        }
    }
}

/// VGG16 convolutional base (include_top=False): one 7×7×512 = 25,088-float row per image;
/// an interrupted extraction continues where it stopped.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre features vgg16 --images posters/ --vgg-weights vgg16.safetensors --out F.npy"
)]
pub struct FeaturesVggArgs {
    /// Weights: safetensors (torchvision or Keras names) or a Keras .h5 file. Without them the
    /// weights are random (seeded) and the features are NOT meaningful.
    #[arg(long, alias = "weights")]
    pub vgg_weights: Option<PathBuf>,
    /// A folder of images (.jpg/.jpeg/.png, sorted by name) or a file listing one path per line.
    #[arg(long)]
    pub images: PathBuf,
    /// Images per forward pass (1 to 256).
    #[arg(long, default_value_t = 8, value_parser = in_range(1usize, 256))]
    pub batch: usize,
    #[command(flatten)]
    pub device: DeviceArg,
    /// Arithmetic of the convolutions: f32, or bf16 on a CPU with Intel AMX or AVX512-BF16
    /// (activations and weights rounded to bf16, f32 sums; about 7e-3 relative to f32 on
    /// VGG16's features and ~1.8× faster on a Zen 4).
    #[arg(long, default_value_t = Precision::F32)]
    pub precision: Precision,
    /// Output features (.npy, float32, one row per readable image).
    #[arg(long)]
    pub out: PathBuf,
    /// Output index: ids and paths of the rows, skipped images (default: OUT with .ids.json).
    #[arg(long)]
    pub ids: Option<PathBuf>,
    /// Flatten order of each (7, 7, 512) output: nhwc (Keras) or nchw (PyTorch); default: the
    /// weights' framework.
    #[arg(long)]
    pub flatten: Option<FlattenOrder>,
    /// Resize filter: nearest (Keras 2.0 / Pillow NEAREST), bilinear or bicubic.
    #[arg(long, default_value = "nearest")]
    pub resize: Resize,
    /// caffe (Keras: BGR, mean subtraction) or torchvision (÷255, mean/std); default: the
    /// weights' framework (random weights: caffe).
    #[arg(long)]
    pub normalization: Option<Normalization>,
    /// Seed of the random weights used when no --vgg-weights is given.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Input side in pixels (the tutorial: 224; a multiple of 32 from 32 to 1024).
    #[arg(long, default_value_t = 224, alias = "size", value_parser = in_range(32usize, 1024))]
    pub image_size: usize,
    /// Divide every channel count by this (a narrowed network, for tests).
    #[arg(long, default_value_t = 1, hide = true, value_parser = in_range(1usize, 64))]
    pub narrow: usize,
    /// No progress bar or lines.
    #[arg(long)]
    pub quiet: bool,
}

impl FeaturesVggArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        if !self.image_size.is_multiple_of(32) {
            return Err(Error::param("--image-size", format!("{} is not a multiple of 32", self.image_size)));
        }
        let ids = self.ids.clone().unwrap_or_else(|| self.out.with_extension("ids.json"));
        let outputs = [("--out", self.out.as_path()), ("--ids", &ids)];
        crate::common::refuse_inputs(
            &outputs,
            &[("--images", Some(&self.images)), ("--vgg-weights", self.vgg_weights.as_deref())],
        )?;
        let backend = self.device.backend()?;
        let inputs = context.step("list", || list_images(&self.images))?;
        for image in &inputs {
            crate::common::refuse_inputs(&outputs, &[("--images", Some(&image.path))])?;
        }
        let arch = match self.narrow {
            1 => Architecture::vgg16(),
            d => Architecture::vgg16().narrowed(d),
        };
        let weights = context.step("weights", || match &self.vgg_weights {
            Some(path) => VggWeights::load(path, arch),
            None => {
                cinegenre::progress::note(&format!(
                    "WARNING: no --vgg-weights given: VGG16 runs with RANDOM weights (seed {}); the features \
                     exercise the code but are NOT meaningful. Bring pretrained weights (README: VGG16 weights).",
                    self.seed
                ));
                Ok(VggWeights::random(arch, self.seed))
            }
        })?;
        let mut preprocess = Preprocess {
            size: (self.image_size, self.image_size),
            resize: self.resize,
            ..Preprocess::for_weights(&weights.origin)
        };
        if let Some(n) = self.normalization {
            preprocess.normalization = n;
        }
        let flatten = self.flatten.unwrap_or(FlattenOrder::of(&weights.origin));
        let vgg = Vgg::with_precision(weights, backend, self.precision)?;
        let config = ExtractConfig { batch: self.batch, preprocess, flatten, progress: !self.quiet };
        let start = std::time::Instant::now();
        let index = context.step("extract", || extract_features(&vgg, &inputs, &config, &self.out, &ids))?;
        say!(
            "wrote {}×{} features of {} images ({} skipped) to {} and {} [{}, {}, {}, {}; {:.1} s]",
            index.ids.len(),
            index.dim,
            inputs.len(),
            index.skipped.len(),
            self.out.display(),
            ids.display(),
            index.weights,
            index.resize,
            index.normalization,
            index.flatten,
            start.elapsed().as_secs_f64()
        );
        Ok(())
    }
}
