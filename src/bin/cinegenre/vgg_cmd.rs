//! `cinegenre features vgg16`: poster folder → VGG16 features (.npy) + ids (JSON).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinegenre::Result;
use cinegenre::backend::{Backend, Device};
use cinegenre::vgg::extract::{ExtractConfig, extract_features, list_images};
use cinegenre::vgg::network::{Precision, Vgg};
use cinegenre::vgg::preprocess::{Normalization, Preprocess, Resize};
use cinegenre::vgg::{Architecture, FlattenOrder, VggWeights};

#[derive(Subcommand)]
pub enum FeaturesCommand {
    /// VGG16 convolutional base (include_top=False): one 7×7×512 = 25,088-float row per image.
    Vgg16(FeaturesVggArgs),
}

#[derive(Args)]
pub struct FeaturesVggArgs {
    /// Weights: safetensors (torchvision or Keras names) or a Keras .h5 file. Without them the
    /// weights are random (seeded) and the features are NOT meaningful.
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// A folder of images (.jpg/.jpeg/.png, sorted by name) or a file listing one path per line.
    #[arg(long)]
    pub images: PathBuf,
    /// Images per forward pass.
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    #[arg(long, default_value = "cpu")]
    pub device: Device,
    /// Arithmetic of the convolutions: f32, or bf16 on a CPU with Intel AMX (activations and
    /// weights rounded to bf16, f32 sums; about 7e-3 relative to f32 on VGG16's features and
    /// 2–3× faster here).
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
    /// Seed of the random weights used when no --weights is given.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Input side in pixels (the tutorial: 224; any multiple of 32).
    #[arg(long, default_value_t = 224)]
    pub size: usize,
    /// Divide every channel count by this (a narrowed network, for tests).
    #[arg(long, default_value_t = 1, hide = true)]
    pub narrow: usize,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

pub fn features_command(command: FeaturesCommand) -> Result<()> {
    let FeaturesCommand::Vgg16(a) = command;
    let inputs = list_images(&a.images)?;
    let arch = match a.narrow {
        0 | 1 => Architecture::vgg16(),
        d => Architecture::vgg16().narrowed(d),
    };
    let weights = match &a.weights {
        Some(path) => VggWeights::load(path, arch)?,
        None => {
            eprintln!(
                "WARNING: no --weights given: VGG16 runs with RANDOM weights (seed {}); the features \
                 exercise the code but are NOT meaningful. Bring pretrained weights (README: VGG16 weights).",
                a.seed
            );
            VggWeights::random(arch, a.seed)
        }
    };
    let mut preprocess =
        Preprocess { size: (a.size, a.size), resize: a.resize, ..Preprocess::for_weights(&weights.origin) };
    if let Some(n) = a.normalization {
        preprocess.normalization = n;
    }
    let flatten = a.flatten.unwrap_or(FlattenOrder::of(&weights.origin));
    let vgg = Vgg::with_precision(weights, Backend::for_device(a.device)?, a.precision)?;
    let ids = a.ids.clone().unwrap_or_else(|| a.out.with_extension("ids.json"));
    let config = ExtractConfig { batch: a.batch, preprocess, flatten, progress: !a.quiet };
    let start = std::time::Instant::now();
    let index = extract_features(&vgg, &inputs, &config, &a.out, &ids)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "wrote {}×{} features of {} images ({} skipped) to {} and {} [{}, {}, {}, {}; {:.1} s]",
        index.ids.len(),
        index.dim,
        inputs.len(),
        index.skipped.len(),
        a.out.display(),
        ids.display(),
        index.weights,
        index.resize,
        index.normalization,
        index.flatten,
        secs
    );
    Ok(())
}
