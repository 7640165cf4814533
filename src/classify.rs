//! `cinegenre classify`: the genres of a new movie from every model `run` saved in a folder.
//!
//! ```text
//! overview ─ tutorial_clean ─ counts (vocabulary.json) ─────────────→ naive Bayes P(genre)
//!                                   └─ TF-IDF (idf.npy) ─────────────→ linear SVM decision value
//! overview ─ content words ─ mean vector (vectors.bin) ─────────────→ text MLP output
//! poster   ─ VGG16 features (the run's recipe) ──────────────────────→ poster MLP output
//! ```
//! Each model of the run's registry (`crate::run::models`) loads what it saved and scores the
//! movie; a model with nothing to say (no word of the overview has a vector, no poster given)
//! says why instead. NB and SVM predict with scikit-learn's threshold rule (probability > 0.5,
//! decision > 0); the MLPs predict their top 3, as the tutorial does. With `explain = k`, NB
//! and the SVM also list, per genre, the k words that pushed its score up most (their
//! log-likelihood-ratio or weight contributions). The title is shown, not scored: the tutorial's
//! models read overviews and posters only.
//!
//! Cost: one vectorization and one forward pass per model; reading `vectors.bin` keeps only the
//! overview's words.
//!
//! ```no_run
//! use cinegenre::run::models::{NewMovie, Scored};
//! let models = cinegenre::classify::RunModels::load(std::path::Path::new("out"))?;
//! let movie = NewMovie { title: "Alien".into(), overview: "A crew in space meets a creature.".into(), poster: None };
//! for scored in models.classify(&movie, 0)? {
//!     if let Scored::Scores(m) = scored {
//!         println!("{}: {:?}", m.model, m.top(3));
//!     }
//! }
//! # Ok::<(), cinegenre::Error>(())
//! ```

use std::path::Path;

use crate::error::{Error, Result};
use crate::layout::RunLayout;
use crate::run::models::{NewMovie, REGISTRY, Scored, Scorer};

/// The models found in a `run` folder, in the registry's order.
pub struct RunModels {
    pub layout: RunLayout,
    scorers: Vec<Box<dyn Scorer>>,
}

impl RunModels {
    /// Load what `run` wrote in `dir`; an error if it holds no model at all.
    pub fn load(dir: &Path) -> Result<RunModels> {
        let layout = RunLayout::new(dir);
        if !dir.is_dir() {
            return Err(Error::param(
                "--models",
                format!("{} is not a folder written by `cinegenre run`", dir.display()),
            ));
        }
        let mut scorers = Vec::new();
        for model in REGISTRY.iter() {
            if let Some(scorer) = model.load(&layout)? {
                scorers.push(scorer);
            }
        }
        if scorers.is_empty() {
            let keys: Vec<&str> = REGISTRY.iter().map(|m| m.key()).collect();
            return Err(Error::param(
                "--models",
                format!(
                    "{} holds none of the models `cinegenre run` writes ({})",
                    dir.display(),
                    keys.join(", ")
                ),
            ));
        }
        Ok(RunModels { layout, scorers })
    }

    /// Every loaded model's verdict on `movie`; `explain` words per genre for the models that
    /// can say which words pushed a score.
    pub fn classify(&self, movie: &NewMovie, explain: usize) -> Result<Vec<Scored>> {
        self.scorers.iter().map(|s| s.score(movie, explain)).collect()
    }
}
