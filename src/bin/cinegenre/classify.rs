//! `cinegenre classify`: the genres of a new movie from every model a run saved.

use std::path::PathBuf;

use clap::Args;

use cinegenre::Result;
use cinegenre::classify::RunModels;
use cinegenre::run::models::{NewMovie, Scored};

use crate::common::{Context, in_range, say};

/// Genres of a new movie from every model `run` saved in a folder, best first.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre classify --models out --title \"Alien\" \\\n    \
                        --overview \"The crew of a space tug meets a deadly creature.\" --explain 3\n  \
                        cinegenre classify --models out --overview \"…\" --poster alien.jpg --top 5"
)]
pub struct ClassifyArgs {
    /// Folder written by `cinegenre run --out`.
    #[arg(long)]
    pub models: PathBuf,
    /// The movie's title, shown above the scores when given (the models read the overview and
    /// the poster only).
    #[arg(long)]
    pub title: Option<String>,
    /// The movie's plot summary.
    #[arg(long)]
    pub overview: String,
    /// A poster image (JPEG/PNG) for the poster model, when the run trained one.
    #[arg(long)]
    pub poster: Option<PathBuf>,
    /// Genres shown per model (1 to 50).
    #[arg(long, default_value_t = 3, alias = "top-k", alias = "k", value_parser = in_range(1usize, 50))]
    pub top: usize,
    /// Also list, for each genre shown, the words of the overview that pushed naive Bayes' and
    /// the SVM's score up most (this many, 1 to 50).
    #[arg(long, num_args = 0..=1, default_missing_value = "5", value_parser = in_range(1usize, 50))]
    pub explain: Option<usize>,
}

impl ClassifyArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let models = context.step("load", || RunModels::load(&self.models))?;
        let movie = NewMovie {
            title: self.title.clone().unwrap_or_default(),
            overview: self.overview.clone(),
            poster: self.poster.clone(),
        };
        let verdicts = context.step("classify", || models.classify(&movie, self.explain.unwrap_or(0)))?;
        if let Some(title) = &self.title {
            say!("{title}");
        }
        for verdict in &verdicts {
            match verdict {
                Scored::Skipped { model, reason, expected } => {
                    say!("  {model:<12} no score: {reason}");
                    if !expected {
                        cinegenre::progress::note(&format!("warning: {model}: {reason}"));
                    }
                }
                Scored::Scores(m) => {
                    let shown = m.top(self.top);
                    let top: Vec<String> = shown.iter().map(|(g, s)| format!("{g} {s:.3}")).collect();
                    say!("  {:<12} {} ({})", m.model, top.join(", "), m.unit);
                    let (predicted, below): (Vec<&str>, Vec<&str>) = m
                        .predicted
                        .iter()
                        .map(String::as_str)
                        .partition(|g| shown.iter().any(|(s, _)| s == g));
                    let tail = if below.is_empty() {
                        String::new()
                    } else {
                        format!(" (also {} below the top {}; --top shows more)", below.join(", "), self.top)
                    };
                    say!(
                        "  {:<12} predicts: {}{tail}",
                        "",
                        if predicted.is_empty() { "-".to_string() } else { predicted.join(", ") }
                    );
                    // Each note once, beside the scores it qualifies.
                    for note in m.seen_in_training.iter().chain(&m.caveat) {
                        say!("  {:<12} note: {note}", "");
                    }
                    for (genre, words) in
                        m.explanations.iter().filter(|(g, _)| shown.iter().any(|(s, _)| s == g))
                    {
                        let pushes: Vec<String> = words.iter().map(|(w, p)| format!("{w} +{p:.3}")).collect();
                        say!(
                            "  {:<12} {genre} ← {}",
                            "",
                            if pushes.is_empty() { "no word pushed it up".into() } else { pushes.join(", ") }
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
