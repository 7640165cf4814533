//! `cinegenre dataset` and `cinegenre labels`: movies in, normalised movies and genre labels out.

use std::path::PathBuf;

use clap::Args;

use cinegenre::Result;
use cinegenre::dataset::{self, GenreMap};
use cinegenre::labels::LabelFile;

use crate::common::{BundledArg, Context, check_outputs, say};

/// Load movie files (TMDB 5000 CSV, The Movies Dataset CSV, TMDB API JSON, movies.jsonl),
/// de-duplicate by id, drop empty overviews, write normalised JSON lines.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre dataset --out movies.jsonl                 # the bundled data\n  \
                        cinegenre dataset --input tmdb_5000_movies.csv --out movies.jsonl"
)]
pub struct DatasetArgs {
    /// Movie files; without any, the bundled data.
    #[arg(long, num_args = 1.., alias = "data")]
    pub input: Vec<PathBuf>,
    /// Bundled data set to use when no --input is given.
    #[arg(long, value_enum, default_value = "all", alias = "dataset")]
    pub bundled: BundledArg,
    /// Output JSON lines, one normalised movie per line.
    #[arg(long)]
    pub out: PathBuf,
}

impl DatasetArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let (movies, report) = context.step("read", || {
            if self.input.is_empty() {
                dataset::load_bundled(self.bundled.into())
            } else {
                dataset::load_prepared(&self.input)
            }
        })?;
        context.step("write", || dataset::write_jsonl(&self.out, &movies))?;
        say!("{report}");
        say!("wrote {} movies to {}", movies.len(), self.out.display());
        Ok(())
    }
}

/// Write the multi-label indicator matrix (one column per genre id, ascending) as .npy, with a
/// `.genres.json` sidecar naming the columns.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre labels --input movies.jsonl --out Y.npy   # + Y.genres.json"
)]
pub struct LabelsArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads).
    #[arg(long, alias = "data")]
    pub input: PathBuf,
    /// Output indicator matrix (uint8, rows = movies, columns = genres).
    #[arg(long)]
    pub out: PathBuf,
    /// Genre map fixing the columns ({"28": "Action", …} or TMDB's {"genres": […]});
    /// default: the genre ids present, ascending.
    #[arg(long)]
    pub genres: Option<PathBuf>,
}

impl LabelsArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let sidecar = cinegenre::labels::sidecar_path(&self.out);
        check_outputs(&[&self.out, &sidecar], &[&self.input])?;
        let (movies, map) = context.step("read", || {
            let (movies, _) = dataset::load_prepared(std::slice::from_ref(&self.input))?;
            let map = self.genres.as_deref().map(GenreMap::from_json_file).transpose()?;
            Ok((movies, map))
        })?;
        let file = context.step("binarize", || LabelFile::from_movies(&movies, map.as_ref()))?;
        context.step("write", || file.write(&self.out))?;
        say!(
            "wrote {}×{} labels to {} (columns: {})",
            file.labels.n_rows(),
            file.labels.n_cols(),
            self.out.display(),
            file.names.join(", ")
        );
        if file.unknown > 0 {
            cinegenre::progress::note(&format!(
                "warning: {} genre ids are not in the genre map and were ignored",
                file.unknown
            ));
        }
        Ok(())
    }
}
