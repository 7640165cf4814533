//! `cinegenre run`: the main job.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use cinegenre::Result;
use cinegenre::run::{DataChoice, PosterScaling, RunConfig};
use cinegenre::text::DocFreq;
use cinegenre::vgg::network::Precision;

use crate::common::{BundledArg, Context, DeviceArg, OutputArg, in_range, say};

/// The main job: the whole tutorial pipeline on the bundled TMDB data, offline.
///
/// Loads the ~10,000 bundled movies (or --input), labels their genres, turns the overviews into
/// counts and TF-IDF, and on a seeded 80/20 split trains and evaluates: one-vs-rest naive Bayes
/// on the counts; one-vs-rest linear SVMs on TF-IDF with C chosen by grid search; skip-gram word
/// vectors (or --word-vectors) and the text MLP on mean vectors; VGG16 features of the 1,300
/// bundled posters (random weights unless --vgg-weights) and the poster MLP. Every model is
/// shown beside the most-frequent-genres baseline and the tutorial's printed figures. It also
/// co-clusters the genres of the 1,000 most popular movies. Writes OUT/metrics.json (the same
/// bytes for the same seed), OUT/timings.json, every model, the vocabulary, the heatmaps and
/// OUT/report.html (one self-contained page).
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre run --quick --out out && open out/report.html\n  \
                        cinegenre run --vgg-weights vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
)]
pub struct RunArgs {
    /// Movie files or `fetch tmdb` folders to use instead of the bundled data (any format
    /// `dataset` reads).
    #[arg(long, num_args = 1.., alias = "data")]
    pub input: Vec<PathBuf>,
    /// Bundled data set to use when no --input is given.
    #[arg(long, value_enum, default_value = "all", alias = "dataset")]
    pub bundled: BundledArg,
    /// Seed of the splits, initial weights, shuffles, skip-gram and k-means.
    #[arg(long, default_value_t = 42)]
    pub seed: u32,
    /// Output folder (metrics.json, timings.json, models, report.html).
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Ignore terms in fewer documents than this (integer count or fraction).
    #[arg(long, default_value = "0.005")]
    pub min_df: DocFreq,
    /// Ignore terms in more documents than this (integer count or fraction).
    #[arg(long, default_value = "0.95")]
    pub max_df: DocFreq,
    /// A small run for a fast look: the first 2,000 movies, 60 posters, fewer epochs.
    #[arg(long)]
    pub quick: bool,
    /// Print only the results, not the stages and progress.
    #[arg(long)]
    pub quiet: bool,
    /// Skip the SVM stage.
    #[arg(long)]
    pub no_svm: bool,
    /// Folds of the SVM grid search over C (default: 3, as the 2017 tutorial's scikit-learn;
    /// today's scikit-learn default is 5).
    #[arg(long, default_value_t = 3, value_parser = in_range(2usize, 20))]
    pub svm_cv: usize,
    /// Word vectors for the text MLP (word2vec .bin / text / GloVe, read filtered to the
    /// overviews' words); default: skip-gram vectors trained on the overviews.
    #[arg(long)]
    pub word_vectors: Option<PathBuf>,
    /// Skip-gram worker threads (1 to 256; default 2). Jobs train in rounds of this many, so
    /// the same seed and thread count give the same vectors on any machine.
    #[arg(long, value_parser = in_range(1usize, 256))]
    pub threads: Option<usize>,
    /// Let the skip-gram threads update shared weights without locks (Hogwild, as gensim):
    /// faster, but the vectors (and the text MLP's figures) differ slightly from run to run.
    #[arg(long)]
    pub hogwild: bool,
    /// Output layer of the text MLP: sigmoid, or the tutorial's softmax.
    #[arg(long, value_enum, default_value = "sigmoid", alias = "text-output")]
    pub text_output_layer: OutputArg,
    #[command(flatten)]
    pub device: DeviceArg,
    /// VGG16 weights for the poster branch (safetensors or Keras .h5); without them the
    /// network's weights are random and the poster scores are not meaningful.
    #[arg(long)]
    pub vgg_weights: Option<PathBuf>,
    /// Poster folder (`<tmdb_id>.jpg`); default: the 1,300 bundled posters (fixtures/posters,
    /// found next to the binary, through $CINEGENRE_POSTERS or in the source tree).
    #[arg(long)]
    pub posters: Option<PathBuf>,
    /// Use at most this many posters (at least 10; default: 800 of the 1,300 bundled, 60 with
    /// --quick; 1300 takes them all).
    #[arg(long, value_parser = in_range(10usize, 1_000_000))]
    pub poster_limit: Option<usize>,
    /// Skip the poster branch.
    #[arg(long)]
    pub no_posters: bool,
    /// Side of the VGG16 input in pixels (a multiple of 32; smaller only for fast tests).
    #[arg(long, default_value_t = 224, hide = true, alias = "poster-size")]
    pub image_size: usize,
    /// Arithmetic of the VGG16 convolutions: f32, or bf16 on a CPU with Intel AMX or
    /// AVX512-BF16 (features within 7.2e-3 of f32, ~1.8× faster on a Zen 4). Default: bf16
    /// where the CPU has either, else f32.
    #[arg(long, alias = "poster-precision")]
    pub precision: Option<Precision>,
    /// How the poster MLP sees the features: standardized (each feature scaled with the
    /// training posters' mean and deviation, saved with the model) or raw (the tutorial).
    #[arg(long, value_enum, default_value = "standardized")]
    pub poster_scaling: ScalingArg,
}

/// How the poster MLP sees its features.
#[derive(Clone, Copy, ValueEnum)]
pub enum ScalingArg {
    /// Per-feature standardisation fitted on the training posters.
    Standardized,
    /// The raw VGG16 features, as the tutorial fed them.
    Raw,
}

impl RunArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let data = if self.input.is_empty() {
            DataChoice::Bundled(self.bundled.into())
        } else {
            DataChoice::Files(self.input)
        };
        let config = RunConfig {
            data,
            seed: self.seed,
            out_dir: self.out,
            min_df: self.min_df,
            max_df: self.max_df,
            quick: self.quick,
            quiet: self.quiet,
            svm: !self.no_svm,
            svm_cv: self.svm_cv,
            word_vectors: self.word_vectors,
            skipgram_threads: self.threads,
            skipgram_hogwild: self.hogwild,
            text_output: self.text_output_layer.into(),
            device: self.device.device,
            posters: !self.no_posters,
            vgg_weights: self.vgg_weights,
            posters_dir: self.posters,
            poster_limit: self.poster_limit,
            poster_size: self.image_size,
            poster_precision: self.precision,
            poster_scaling: match self.poster_scaling {
                ScalingArg::Standardized => PosterScaling::Standardized,
                ScalingArg::Raw => PosterScaling::Raw,
            },
            ..RunConfig::default()
        };
        let results = cinegenre::run::run(&config)?;
        if context.timings {
            for (stage, secs) in &results.timings.stages {
                cinegenre::progress::note(&format!("timing {stage} {secs:.6}"));
            }
        }
        say!("{}", results.summary().trim_end());
        Ok(())
    }
}
