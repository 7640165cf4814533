//! `cinegenre classify`: the genres of a new movie from every model `run` saved in a folder.
//!
//! ```text
//! for each model of the run's registry (crate::run::models, in its order):
//!     RunModel::load(folder)  → its Scorer, or nothing when the folder lacks its files
//!     Scorer::score(movie)    → its scores per genre and the genres it predicts,
//!                               or why it has nothing to say (Scored::Skipped)
//! ```
//! What a model reads (the overview, the poster), how it predicts (a threshold, its top 3) and
//! which words it can name as pushing a score (`explain = k`) belong to its registry file; the
//! table of models is in `crate::run::models`. The title is shown, not scored.
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
