//! `cinegenre classify`: the genres of a new movie from every model `run` saved in a folder.
//!
//! ```text
//! overview ─ tutorial_clean ─ counts (vocabulary.json) ─────────────→ naive Bayes P(genre)
//!                                   └─ TF-IDF (idf.npy) ─────────────→ linear SVM decision value
//! overview ─ content words ─ mean vector (vectors.bin) ─────────────→ text MLP output
//! poster   ─ VGG16 features ─────────────────────────────────────────→ poster MLP (its branch)
//! ```
//! Each model gives one score per genre; the report lists them best first with the genres the
//! model would predict (NB and SVM: scikit-learn's threshold rule, probability > 0.5 or
//! decision > 0; the MLPs: the top 3, as the tutorial does). The title is shown, not scored: the
//! tutorial's models read overviews only. Cost: one vectorization and one forward pass per model;
//! reading `vectors.bin` keeps only the overview's words.
//!
//! ```no_run
//! let models = cinegenre::classify::RunModels::load(std::path::Path::new("out"))?;
//! for m in models.classify("Alien", "A crew in space meets a deadly creature.", None)? {
//!     println!("{}: {:?}", m.model, m.top(3));
//! }
//! # Ok::<(), cinegenre::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::backend::Backend;
use crate::bayes::NbModel;
use crate::dataset::tutorial_clean;
use crate::embed::format::{ReadOptions, read_vectors};
use crate::embed::mean::{mean_vectors, needed_words};
use crate::error::{Error, Result};
use crate::io::{NpyData, read_npy};
use crate::mlp::MlpModel;
use crate::svm::SvmModel;
use crate::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer, Vocabulary};
use crate::vgg::FlattenOrder;
use crate::vgg::extract::FeatureIndex;
use crate::vgg::preprocess::Preprocess;

/// The IDF weights `run` saves for the SVM's TF-IDF features.
pub const IDF_FILE: &str = "idf.npy";
/// The poster model the poster branch saves (used only with `--poster`).
pub const POSTER_MLP_FILE: &str = "poster_mlp.safetensors";
/// Genres the MLPs predict per movie (the tutorial's top 3).
pub const MLP_TOP: usize = 3;

/// One model's scores for the movie.
#[derive(Debug, Clone)]
pub struct ModelScores {
    pub model: String,
    /// What the scores are ("probability", "decision value", …).
    pub unit: &'static str,
    /// (genre, score), best first.
    pub scores: Vec<(String, f64)>,
    /// The genres the model predicts.
    pub predicted: Vec<String>,
}

impl ModelScores {
    /// The `k` best genres.
    pub fn top(&self, k: usize) -> &[(String, f64)] {
        &self.scores[..k.min(self.scores.len())]
    }

    fn new(model: &str, unit: &'static str, genres: &[String], scores: &[f64], predicted: &[bool]) -> Self {
        let mut order: Vec<usize> = (0..genres.len().min(scores.len())).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        ModelScores {
            model: model.into(),
            unit,
            scores: order.iter().map(|&i| (genres[i].clone(), scores[i])).collect(),
            predicted: order.iter().filter(|&&i| predicted[i]).map(|&i| genres[i].clone()).collect(),
        }
    }
}

/// Models found in a `run` folder; the text models are optional one by one.
pub struct RunModels {
    pub dir: PathBuf,
    nb: Option<(NbModel, CountVectorizer)>,
    svm: Option<(SvmModel, TfidfTransformer)>,
    text_mlp: Option<MlpModel>,
}

impl RunModels {
    /// Load what `run` wrote in `dir`; an error if it holds no model at all.
    pub fn load(dir: &Path) -> Result<RunModels> {
        let file = |name: &str| Some(dir.join(name)).filter(|p| p.exists());
        let vocabulary = match file("vocabulary.json") {
            Some(p) => Some(Vocabulary::read_json(&p)?),
            None => None,
        };
        let counter = |v: &Vocabulary| {
            CountVectorizer::from_vocabulary(
                CountVectorizerParams { lowercase: true, ..Default::default() },
                v.clone(),
            )
        };
        let nb = match (file("nb.safetensors"), &vocabulary) {
            (Some(p), Some(v)) => Some((NbModel::load(&p)?, counter(v))),
            _ => None,
        };
        let svm = match (file("svm.safetensors"), file(IDF_FILE), &vocabulary) {
            (Some(p), Some(idf), Some(_)) => {
                let idf = match read_npy(&idf)?.data {
                    NpyData::F64(v) => v,
                    _ => return Err(Error::parse(&idf, None, "the IDF weights must be float64")),
                };
                Some((SvmModel::load(&p)?, TfidfTransformer::from_idf(TfidfParams::default(), idf)))
            }
            _ => None,
        };
        let text_mlp = match (file(crate::run::TEXT_MLP_FILE), file(crate::run::VECTORS_FILE)) {
            (Some(p), Some(_)) => Some(MlpModel::load(&p)?),
            _ => None,
        };
        if nb.is_none() && svm.is_none() && text_mlp.is_none() {
            return Err(Error::param(
                "models",
                format!(
                    "{} holds no model written by `cinegenre run` (nb.safetensors + vocabulary.json, \
                     svm.safetensors + idf.npy, text_mlp.safetensors + vectors.bin)",
                    dir.display()
                ),
            ));
        }
        Ok(RunModels { dir: dir.to_path_buf(), nb, svm, text_mlp })
    }

    /// Scores of every loaded model for one movie.
    pub fn classify(&self, title: &str, overview: &str, poster: Option<&Path>) -> Result<Vec<ModelScores>> {
        let _ = title;
        let mut out = Vec::new();
        let doc = [tutorial_clean(overview)];
        if let Some((model, counter)) = &self.nb {
            let x = counter.transform(&doc)?;
            let p = model.ovr.scores(&x)?;
            let predicted: Vec<bool> = p.row(0).iter().map(|&v| v > 0.5).collect();
            out.push(ModelScores::new("naive Bayes", "probability", &model.labels, p.row(0), &predicted));
        }
        if let (Some((model, tfidf)), Some((_, counter))) = (&self.svm, &self.nb) {
            let x = tfidf.transform(&counter.transform(&doc)?)?;
            let d = model.ovr.scores(&x)?;
            let predicted: Vec<bool> = d.row(0).iter().map(|&v| v > 0.0).collect();
            out.push(ModelScores::new("linear SVM", "decision value", &model.labels, d.row(0), &predicted));
        }
        if let Some(model) = &self.text_mlp {
            out.extend(self.text_scores(model, overview)?);
        }
        if let Some(poster) = poster {
            out.extend(self.poster_scores(poster)?);
        }
        Ok(out)
    }

    /// The text MLP on the overview's mean vector; `None` when no word of it has a vector.
    fn text_scores(&self, model: &MlpModel, overview: &str) -> Result<Option<ModelScores>> {
        let path = self.dir.join(crate::run::VECTORS_FILE);
        let docs = [overview.to_string()];
        let keep = needed_words(&docs);
        let (table, _) =
            read_vectors(&path, None, &ReadOptions { keep: Some(&keep), ..ReadOptions::default() })?;
        let means = mean_vectors(&docs, &table);
        if means.kept.is_empty() {
            return Ok(None);
        }
        mlp_scores("text MLP", model, &means.rows).map(Some)
    }

    /// The poster MLP on the VGG features of `poster`, made with the network and recipe the
    /// run's feature index records (weights, input size, preprocessing, flatten order).
    fn poster_scores(&self, poster: &Path) -> Result<Option<ModelScores>> {
        if !poster.exists() {
            return Err(Error::param("poster", format!("{}: no such file", poster.display())));
        }
        let model = self.dir.join(POSTER_MLP_FILE);
        if !model.exists() {
            return Err(Error::param(
                "poster",
                format!(
                    "{} has no poster model ({POSTER_MLP_FILE}); run the poster branch first",
                    self.dir.display()
                ),
            ));
        }
        let index = FeatureIndex::read(&self.dir.join(crate::vgg::branch::FEATURES_IDS_FILE))?;
        let backend = Backend::cpu()?;
        let vgg = crate::vgg::branch::network_of_index(&index, backend.clone())?;
        let preprocess = Preprocess { size: index.input_hw, ..Preprocess::for_weights(&vgg.weights.origin) };
        let out = vgg.forward(&preprocess.load(poster)?, 1, index.input_hw)?;
        let mut features = vec![0.0f32; out.len()];
        FlattenOrder::of(&vgg.weights.origin).flatten(&out, vgg.output_shape(index.input_hw), &mut features);
        mlp_scores("poster MLP", &MlpModel::load(&model)?, &features).map(Some)
    }
}

/// One MLP's outputs for one row of features, its [`MLP_TOP`] best genres predicted (the
/// tutorial's top-3 rule).
fn mlp_scores(name: &str, model: &MlpModel, features: &[f32]) -> Result<ModelScores> {
    let p = model.mlp.predict_proba(&Backend::cpu()?, features, 1)?;
    let p: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut predicted = vec![false; p.len()];
    order.iter().take(MLP_TOP).for_each(|&i| predicted[i] = true);
    Ok(ModelScores::new(name, "output", &model.labels, &p, &predicted))
}
