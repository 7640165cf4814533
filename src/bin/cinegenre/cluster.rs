//! `cinegenre cooccur` and `cinegenre cocluster`: which genres go together (tutorial section 4).

use std::path::PathBuf;

use clap::Args;

use cinegenre::dataset::{self, GenreMap};
use cinegenre::{Result, cluster, labels};

use crate::common::{Context, check_outputs, declare_outputs, in_range, say};

/// Count how often two genres share a movie (the tutorial's list2pairs / visGrid), as .npy with
/// a `.genres.json` sidecar naming the rows and columns.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre cooccur --out C.npy                      # the tutorial's top-1000 movies\n  \
                        cinegenre cooccur --input movies.jsonl --out C.npy"
)]
pub struct CooccurArgs {
    /// Movie file (movies.jsonl or any format `dataset` reads); default: the tutorial's
    /// top-1000 popular movies (bundled `paritoshgoyal_movie_list123`).
    #[arg(long, alias = "data")]
    pub input: Option<PathBuf>,
    /// Output co-occurrence matrix (.npy, float64, genres × genres).
    #[arg(long)]
    pub out: PathBuf,
    /// Genre map fixing rows/columns and names; default: the genre ids present, ascending.
    #[arg(long)]
    pub genres: Option<PathBuf>,
}

impl CooccurArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let inputs: Vec<&std::path::Path> = self.input.iter().map(PathBuf::as_path).collect();
        check_outputs(&[&self.out, &labels::sidecar_path(&self.out)], &inputs)?;
        let (movies, source, map) = context.step("read", || {
            let (movies, source) = match &self.input {
                Some(path) => {
                    (dataset::load_prepared(std::slice::from_ref(path))?.0, path.display().to_string())
                }
                None => (
                    dataset::load_bundled_file(cluster::TOP_MOVIES_FILE)?,
                    "the top-1000 popular movies".into(),
                ),
            };
            let map = match &self.genres {
                Some(path) => GenreMap::from_json_file(path)?,
                None => GenreMap::tmdb_2017(),
            };
            Ok((movies, source, map))
        })?;
        let c = context
            .step("count", || Ok(cluster::cooccurrence(&movies, self.genres.as_ref().map(|_| map.ids()))))?;
        context.step("write", || cluster::write_cooccurrence(&self.out, &c, &map))?;
        let g = c.ids.len();
        say!(
            "wrote a {g}×{g} genre co-occurrence matrix of {} movies from {source} to {}",
            movies.len(),
            self.out.display()
        );
        if c.unknown > 0 {
            cinegenre::progress::note(&format!(
                "warning: {} genre ids are not in the genre map and were ignored",
                c.unknown
            ));
        }
        Ok(())
    }
}

/// Spectral co-clustering (Dhillon 2001) of a non-negative matrix: row and column labels,
/// optionally a heatmap before and after reordering by bicluster.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre cocluster --x C.npy --clusters 5 --out biclusters.json --heatmap C.png"
)]
pub struct CoclusterArgs {
    /// Matrix to co-cluster: .npy (dense) or .mtx (sparse), non-negative.
    #[arg(long)]
    pub x: PathBuf,
    /// Number of biclusters (1 to 10,000, and at most the smaller side of X).
    #[arg(long, default_value_t = 5, value_parser = in_range(1usize, 10_000))]
    pub clusters: usize,
    /// Seed of the random SVD start and of k-means.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// k-means restarts (1 to 1,000).
    #[arg(long, default_value_t = 10, value_parser = in_range(1usize, 1_000))]
    pub n_init: usize,
    /// Use Lanczos bidiagonalisation instead of the randomized SVD.
    #[arg(long)]
    pub lanczos: bool,
    /// Output labels (JSON: row_labels, column_labels, named biclusters).
    #[arg(long)]
    pub out: PathBuf,
    /// Also draw the matrix before/after reordering: .png or .svg (by extension).
    #[arg(long)]
    pub heatmap: Option<PathBuf>,
    /// Names of the rows and columns of a square matrix (genre map JSON); default: the
    /// `.genres.json` sidecar written by `cooccur`, if present.
    #[arg(long)]
    pub names: Option<PathBuf>,
}

impl CoclusterArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        if let Some(path) = &self.heatmap {
            cluster::heatmap::check_extension(path)?;
        }
        let outputs = declare_outputs(&[Some(&self.out), self.heatmap.as_deref()], &[&self.x])?;
        let (x, names) = context.step("read", || {
            let x = cluster::read_matrix(&self.x)?;
            let (m, n) = x.input().shape();
            let sidecar = labels::sidecar_path(&self.x);
            let names = match self.names.clone().or_else(|| sidecar.exists().then_some(sidecar)) {
                Some(path) => Some(cluster::read_names(&path, (m, n))?),
                None => None,
            };
            Ok((x, names))
        })?;
        let (m, n) = x.input().shape();
        let mut params = cluster::CoclusterParams::new(self.clusters, self.seed);
        params.n_init = self.n_init;
        if self.lanczos {
            params.svd_method = cluster::SvdMethod::Lanczos;
        }
        let fit = context.step("cocluster", || {
            cluster::cocluster(x.input(), &params).map_err(|e| e.for_inputs(&[&self.x]))
        })?;
        let named = names.as_deref().map(|v| (v, v));
        context.step("write", || {
            let mut outputs = outputs;
            outputs
                .write_path(&self.out, |p| cluster::LabelsJson::new(&fit, self.clusters, named).write(p))?;
            if let Some(path) = &self.heatmap {
                let title = format!("{} ({m} x {n}), {} biclusters", self.x.display(), self.clusters);
                let spec = cluster::heatmap::HeatmapSpec {
                    title: &title,
                    row_names: names.as_deref(),
                    column_names: names.as_deref(),
                };
                outputs.write_path(path, |p| cluster::heatmap::write_heatmap(p, x.input(), &fit, &spec))?;
            }
            outputs.commit()
        })?;
        say!("co-clustered a {m}×{n} matrix into {} biclusters → {}", self.clusters, self.out.display());
        if let Some(names) = &names {
            for c in 0..self.clusters {
                let group: Vec<&str> = fit
                    .row_labels
                    .iter()
                    .zip(names)
                    .filter(|&(&l, _)| l == c)
                    .map(|(_, s)| s.as_str())
                    .collect();
                say!("  bicluster {c}: {}", group.join(", "));
            }
        }
        Ok(())
    }
}
