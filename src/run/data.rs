//! Stages 1–3 of `run`: the movies, their genre labels, the overviews' counts and TF-IDF, and
//! the seeded split — everything the models share, in one [`RunData`].
//!
//! ```text
//! load      bundled TMDB files (or --data), de-duplicate by id, drop empty overviews
//! labels    one 0/1 column per genre id, ascending (20 with 10769 "Foreign")
//! features  overviews with ',' and '.' deleted → CountVectorizer(min_df, max_df) → TF-IDF;
//!           fitted on every movie before the split, as the tutorial does
//! split     msk = rand(n) < 0.8 with numpy's legacy MT19937 seeded by --seed
//! ```

use crate::backend::Backend;
use crate::dataset::{self, GenreMap, Movie, PrepareReport, tutorial_clean};
use crate::error::{Error, Result};
use crate::labels::{LabelMatrix, binarize};
use crate::layout::RunLayout;
use crate::matrix::CsrMatrix;
use crate::progress::Stages;
use crate::results::{DataSummary, FeatureSummary};
use crate::split::{Split, split_from_mask, tutorial_mask};
use crate::text::{CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer, Vocabulary};

use super::config::{DataChoice, QUICK_MOVIES, RunConfig};

/// What every model of the run starts from.
pub struct RunData<'a> {
    pub config: &'a RunConfig,
    pub layout: RunLayout,
    /// Where the stages that can use a GPU compute (resolved once for the run).
    pub backend: Backend,
    pub movies: Vec<Movie>,
    pub labels: LabelMatrix,
    /// One name per label column.
    pub genres: Vec<String>,
    pub genre_map: GenreMap,
    pub counts: CsrMatrix,
    pub tfidf: CsrMatrix,
    pub vocabulary: Vocabulary,
    /// The TF-IDF weights, for `classify` to rebuild the SVM's features.
    pub idf: Vec<f64>,
    /// The split of the count and TF-IDF models (the MLPs draw their own over their rows).
    pub split: Split,
    pub data: DataSummary,
    pub features: FeatureSummary,
}

impl RunData<'_> {
    /// Labels of the training and the test movies of [`RunData::split`].
    pub fn split_labels(&self) -> (LabelMatrix, LabelMatrix) {
        (self.labels.select_rows(&self.split.train), self.labels.select_rows(&self.split.test))
    }
}

/// Run the stages `load`, `labels`, `features` and `split`.
pub fn prepare<'a>(config: &'a RunConfig, backend: Backend, stages: &mut Stages) -> Result<RunData<'a>> {
    stages.start("load", "Loading movies");
    let (source, mut movies, prepare) = load(&config.data)?;
    if config.quick {
        movies.truncate(QUICK_MOVIES);
    }
    if movies.len() < 10 {
        return Err(Error::Shape(format!(
            "{source} has only {} usable movies; at least 10 are needed",
            movies.len()
        )));
    }
    stages.done(&format!("{} movies from {source} ({prepare})", movies.len()));

    stages.start("labels", "Binarizing genres");
    let genre_map = GenreMap::tmdb_2017();
    let labels = binarize(&movies, Some(genre_map.ids()))?.labels;
    let genres = genre_map.names_for(labels.genre_ids());
    stages.done(&format!(
        "{} genres, {} labels in all",
        labels.n_cols(),
        labels.as_slice().iter().filter(|&&v| v != 0).count()
    ));

    stages.start("features", "Vectorizing overviews (counts and TF-IDF)");
    let docs: Vec<String> = movies.iter().map(|m| tutorial_clean(&m.overview)).collect();
    let params = CountVectorizerParams { min_df: config.min_df, max_df: config.max_df, lowercase: true };
    let mut vectorizer = CountVectorizer::new(params);
    let counts = vectorizer.fit_transform(&docs)?;
    let mut transformer = TfidfTransformer::new(TfidfParams::default());
    let tfidf = transformer.fit_transform(&counts)?;
    let vocabulary = vectorizer
        .vocabulary()
        .cloned()
        .ok_or_else(|| Error::Shape("the vectorizer was not fitted".into()))?;
    let features = FeatureSummary {
        min_df: config.min_df.to_string(),
        max_df: config.max_df.to_string(),
        n_features: counts.n_cols(),
        count_nnz: counts.nnz(),
        tfidf_nnz: tfidf.nnz(),
    };
    stages.done(&format!("{} × {} counts, {} non-zeros", counts.n_rows(), counts.n_cols(), counts.nnz()));

    stages.start("split", "Splitting into training and test movies");
    let split = split_from_mask(&tutorial_mask(movies.len(), config.seed, config.train_fraction));
    stages.done(&format!(
        "{} training, {} test movies (seed {})",
        split.train.len(),
        split.test.len(),
        config.seed
    ));
    let data = DataSummary {
        source,
        prepare,
        movies: movies.len(),
        genres: genres.clone(),
        genre_counts: labels.column_sums(),
    };
    Ok(RunData {
        config,
        layout: RunLayout::new(&config.out_dir),
        backend,
        movies,
        labels,
        genres,
        genre_map,
        counts,
        tfidf,
        vocabulary,
        idf: transformer.idf().unwrap_or_default().to_vec(),
        split,
        data,
        features,
    })
}

fn load(choice: &DataChoice) -> Result<(String, Vec<Movie>, PrepareReport)> {
    match choice {
        DataChoice::Bundled(which) => {
            let (movies, report) = dataset::load_bundled(*which)?;
            Ok((format!("the bundled data ({which})"), movies, report))
        }
        DataChoice::Files(paths) => {
            let (movies, report) = dataset::load_prepared(paths)?;
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            Ok((names.join(", "), movies, report))
        }
    }
}
