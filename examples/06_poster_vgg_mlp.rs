//! Tutorial section 7: poster features from VGG16's convolutional base.
//!
//! Each poster goes through VGG16 without its classifier (`include_top=False`): 13 3×3
//! convolutions with ReLU and 5 max-poolings, Keras' "caffe" preprocessing (BGR, mean
//! subtracted). The output is what the tutorial fed its poster MLP.
//!
//! To run offline in a second or two this example uses seeded **random weights** and **32×32**
//! inputs (32×32×3 → 1×1×512): the whole network runs, but the features say nothing about
//! posters. With pretrained weights (`VggWeights::load`, README "VGG16 weights") and 224×224
//! inputs the same code gives the tutorial's 7×7×512 = 25,088 features per poster.
//!
//! Run: `cargo run --release --example 05_vgg_features`

use std::path::Path;

use cinegenre::backend::Backend;
use cinegenre::vgg::extract::list_images;
use cinegenre::vgg::network::Vgg;
use cinegenre::vgg::preprocess::Preprocess;
use cinegenre::vgg::{Architecture, VggWeights};

/// Input side in pixels (the tutorial: 224).
const SIDE: usize = 32;

fn main() -> cinegenre::Result<()> {
    let posters = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters");
    let inputs: Vec<_> = list_images(&posters)?.into_iter().take(8).collect();
    let weights = VggWeights::random(Architecture::vgg16(), 0);
    let preprocess = Preprocess { size: (SIDE, SIDE), ..Preprocess::for_weights(&weights.origin) };
    let vgg = Vgg::new(weights, Backend::cpu()?)?;

    // One batch, NHWC: (posters, SIDE, SIDE, 3) → (posters, h, w, 512).
    let mut x = Vec::new();
    for input in &inputs {
        x.extend(preprocess.load(&input.path)?);
    }
    let n = inputs.len();
    let features = vgg.forward(&x, n, (SIDE, SIDE))?;
    let dim = features.len() / n;
    println!(
        "{n} posters → {:?} = {dim} features each (random weights: not meaningful)",
        vgg.output_shape((SIDE, SIDE))
    );

    // Which two posters does the network find most alike (cosine similarity)?
    let row = |i: usize| &features[i * dim..(i + 1) * dim];
    let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
    let cosine = |i: usize, j: usize| {
        row(i).iter().zip(row(j)).map(|(a, b)| a * b).sum::<f32>() / (norm(row(i)) * norm(row(j)))
    };
    let (i, j) = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .max_by(|&(a, b), &(c, d)| cosine(a, b).total_cmp(&cosine(c, d)))
        .unwrap_or((0, 0));
    println!("most alike: posters {} and {} (cosine {:.3})", inputs[i].id, inputs[j].id, cosine(i, j));
    Ok(())
}
