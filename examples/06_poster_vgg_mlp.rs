//! Tutorial section 7: genres from posters — VGG16 features, then an MLP.
//!
//! Each poster goes through VGG16 without its classifier (`include_top=False`): 13 3×3
//! convolutions with ReLU and 5 max-poolings, Keras' "caffe" preprocessing (BGR, mean
//! subtracted). Those features, standardised on the training posters, train the tutorial's
//! poster MLP — Dense(1024) ReLU → Dense(256) ReLU → Dense(20) sigmoid, RMSprop — and each test
//! poster's three best genres are scored as the tutorial did (mean per-movie precision and
//! recall), beside the baseline (the three most frequent training genres for every poster) and
//! the tutorial's figures (its In [559]).
//!
//! To run offline in seconds this example uses seeded **random weights** and **32×32** inputs
//! (32×32×3 → 1×1×512): the whole network runs, but its features say little about posters, so
//! expect the MLP near the baseline. With pretrained weights (`VggWeights::load`, README "VGG16
//! weights") and 224×224 inputs the same code gives the tutorial's 7×7×512 = 25,088 features per
//! poster (`cinegenre run --vgg-weights FILE` does that for the 1,300 bundled posters).
//!
//! Run: `cargo run --release --example 06_poster_vgg_mlp` (about ten seconds).

use std::collections::HashMap;
use std::path::Path;

use cinegenre::backend::Backend;
use cinegenre::dataset::{Bundled, GenreMap, Movie, load_bundled};
use cinegenre::kernels::Activation;
use cinegenre::labels::binarize;
use cinegenre::metrics::{Baseline, Evaluation};
use cinegenre::mlp::{Mlp, Output, Standardizer, TrainParams, fit};
use cinegenre::split::{split_from_mask, tutorial_mask};
use cinegenre::vgg::extract::list_images;
use cinegenre::vgg::network::Vgg;
use cinegenre::vgg::preprocess::Preprocess;
use cinegenre::vgg::{Architecture, VggWeights};

/// Input side in pixels (the tutorial: 224).
const SIDE: usize = 32;
/// Posters used (1,300 are bundled).
const POSTERS: usize = 400;
/// What the tutorial printed: mean per-movie (precision, recall) of its poster MLP's top 3.
const TUTORIAL: (f64, f64) = (0.4899, 0.5002);

fn main() -> cinegenre::Result<()> {
    // Posters are named `<tmdb id>.jpg`; their genres come from the bundled movies.
    let posters = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("posters");
    let (all, _) = load_bundled(Bundled::All)?;
    let by_id: HashMap<u64, &Movie> = all.iter().map(|m| (m.id, m)).collect();
    let inputs: Vec<_> = list_images(&posters)?
        .into_iter()
        .filter_map(|input| {
            let movie = by_id.get(&input.id.parse().ok()?)?;
            (!movie.genre_ids.is_empty()).then(|| (input, (*movie).clone()))
        })
        .take(POSTERS)
        .collect();
    let movies: Vec<Movie> = inputs.iter().map(|(_, m)| m.clone()).collect();

    // VGG16 features, 32 posters per forward pass, NHWC: (32, SIDE, SIDE, 3) → (32, 1, 1, 512).
    let weights = VggWeights::random(Architecture::vgg16(), 0);
    let preprocess = Preprocess { size: (SIDE, SIDE), ..Preprocess::for_weights(&weights.origin) };
    let backend = Backend::cpu()?;
    let vgg = Vgg::new(weights, backend.clone())?;
    let mut features = Vec::new();
    for batch in inputs.chunks(32) {
        let mut x = Vec::new();
        for (input, _) in batch {
            x.extend(preprocess.load(&input.path)?);
        }
        features.extend(vgg.forward(&x, batch.len(), (SIDE, SIDE))?);
    }
    let dim = features.len() / movies.len();
    println!(
        "{} posters → {:?} = {dim} features each (random weights, {SIDE}×{SIDE} inputs)",
        movies.len(),
        vgg.output_shape((SIDE, SIDE))
    );

    // The tutorial's poster MLP on standardised features, seeded 80/20 split.
    let y = binarize(&movies, None)?.labels;
    let split = split_from_mask(&tutorial_mask(movies.len(), 42, 0.8));
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter().flat_map(|&i| features[i * dim..(i + 1) * dim].iter().copied()).collect()
    };
    let (mut x_train, mut x_test) = (rows(&split.train), rows(&split.test));
    let scale = Standardizer::fit(&x_train, dim)?;
    scale.apply(&mut x_train);
    scale.apply(&mut x_test);
    let (y_train, y_test) = (y.select_rows(&split.train), y.select_rows(&split.test));
    let targets: Vec<f32> = y_train.as_slice().iter().map(|&v| f32::from(v)).collect();
    let model = Mlp::new(&[dim, 1024, 256, y.n_cols()], Activation::Relu, Output::Sigmoid, 0)?;
    let params = TrainParams { epochs: 20, batch: 32, ..TrainParams::default() };
    let (model, history) = fit(&backend, model, &x_train, &targets, &params)?;
    let last = history.epochs.last().map_or(f64::NAN, |e| e.loss);
    println!("{} epochs on {}, final training loss {last:.4}", history.epochs.len(), backend.name());

    let predicted = model.top_k(&backend, &x_test, split.test.len(), 3)?;
    let names = GenreMap::tmdb_2017().names_for(y.genre_ids());
    let ours = Evaluation::new(y_test.as_slice(), &predicted, &names, 2)?;
    let baseline = Baseline::most_frequent(y_train.as_slice(), y_test.as_slice(), &names, 3)?;
    let base = &baseline.evaluation;
    println!("per-movie, top 3 genres            precision  recall");
    println!("poster MLP (random VGG16, 32×32)       {:.3}   {:.3}", ours.mean_precision, ours.mean_recall);
    println!("baseline (top 3)                       {:.3}   {:.3}", base.mean_precision, base.mean_recall);
    println!("the tutorial (ImageNet VGG16, 224×224) {:.3}   {:.3}", TUTORIAL.0, TUTORIAL.1);
    Ok(())
}
