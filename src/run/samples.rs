//! The sample predictions of the report: a dozen test movies drawn across genres, each with
//! every model's predicted genres and a thumbnail of its poster.
//!
//! ```text
//! candidates  movies in the test set of every model (the models split their own rows), else
//!             those tested by the most models
//! draw        a seeded shuffle of the candidates, then round-robin over the genres: for each
//!             genre in turn, the next candidate that carries it and is not drawn yet
//! poster      the movie's poster shrunk to 92 px wide, JPEG, inlined as a data: URI
//! ```
//! The report is one file that can be mailed: no image sits beside it.

use std::collections::HashMap;
use std::path::Path;

use crate::dataset::Movie;
use crate::results::{Sample, genres_of};
use crate::rng::Mt19937;

use super::models::Trained;

/// Sample test movies shown in the report.
pub const SAMPLES: usize = 12;
/// Width of a poster thumbnail in pixels.
pub const THUMBNAIL_WIDTH: u32 = 92;

/// Draw the samples from the trained models' test predictions.
pub fn draw(
    movies: &[Movie],
    labels: &crate::labels::LabelMatrix,
    genres: &[String],
    trained: &[&Trained],
    posters: Option<&Path>,
    seed: u32,
) -> Vec<Sample> {
    let by_model: Vec<HashMap<usize, &[u8]>> =
        trained.iter().map(|t| t.predictions.iter().map(|(m, row)| (*m, row.as_slice())).collect()).collect();
    let mut tested: HashMap<usize, usize> = HashMap::new();
    for m in by_model.iter().flat_map(|p| p.keys()) {
        *tested.entry(*m).or_default() += 1;
    }
    let most = tested.values().copied().max().unwrap_or(0);
    let mut candidates: Vec<usize> = tested.iter().filter(|&(_, &k)| k == most).map(|(&m, _)| m).collect();
    candidates.sort_unstable();
    let mut rng = Mt19937::new(seed);
    for i in (1..candidates.len()).rev() {
        let j = ((rng.random_sample() * (i + 1) as f64) as usize).min(i);
        candidates.swap(i, j);
    }
    let picked = round_robin(&candidates, labels, SAMPLES);
    picked
        .into_iter()
        .filter_map(|m| {
            let movie = movies.get(m)?;
            let predicted = trained
                .iter()
                .zip(&by_model)
                .map(|(t, p)| {
                    let shown = p.get(&m).map_or_else(Vec::new, |row| genres_of(row, genres));
                    (t.result.name.clone(), shown)
                })
                .collect();
            Some(Sample {
                title: movie.title.clone(),
                true_genres: genres_of(labels.row(m), genres),
                predicted,
                poster: posters.and_then(|dir| thumbnail(&dir.join(format!("{}.jpg", movie.id)))),
            })
        })
        .collect()
}

/// Up to `n` of `candidates` (already shuffled), taking for each genre in turn the next one
/// that carries it; movies without a genre come last.
fn round_robin(candidates: &[usize], labels: &crate::labels::LabelMatrix, n: usize) -> Vec<usize> {
    let g = labels.n_cols();
    let mut picked: Vec<usize> = Vec::new();
    let mut progress = true;
    while picked.len() < n && progress {
        progress = false;
        for genre in 0..g {
            if picked.len() == n {
                break;
            }
            let next = candidates.iter().find(|&&m| labels.row(m)[genre] != 0 && !picked.contains(&m));
            if let Some(&m) = next {
                picked.push(m);
                progress = true;
            }
        }
    }
    for &m in candidates {
        if picked.len() == n {
            break;
        }
        if !picked.contains(&m) {
            picked.push(m);
        }
    }
    picked
}

/// A small JPEG of the poster at `path` as a `data:` URI; `None` when there is no readable one.
pub fn thumbnail(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let image = crate::vgg::preprocess::decode_rgb(path).ok()?;
    let height =
        (u64::from(image.height()) * u64::from(THUMBNAIL_WIDTH) / u64::from(image.width().max(1))).max(1);
    let small = image::imageops::thumbnail(&image, THUMBNAIL_WIDTH, height.min(1024) as u32);
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80);
    small.write_with_encoder(encoder).ok()?;
    Some(crate::report::html::data_uri("image/jpeg", &jpeg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::LabelMatrix;

    #[test]
    fn draws_go_round_the_genres() {
        // Movies 0–5 carry genre 0, movie 6 genre 1, movie 7 genre 2.
        let mut rows = vec![0u8; 8 * 3];
        (0..6).for_each(|m| rows[m * 3] = 1);
        rows[6 * 3 + 1] = 1;
        rows[7 * 3 + 2] = 1;
        let labels = LabelMatrix::from_parts(vec![1, 2, 3], 8, rows).unwrap();
        let picked = round_robin(&(0..8).collect::<Vec<_>>(), &labels, 3);
        assert_eq!(picked, vec![0, 6, 7]);
        let all = round_robin(&(0..8).collect::<Vec<_>>(), &labels, 20);
        assert_eq!(all.len(), 8);
    }

    #[test]
    fn thumbnails_are_small_jpeg_data_uris() {
        let dir = crate::run::posters::bundled_posters_dir().unwrap();
        let uri = thumbnail(&dir.join("10009.jpg")).unwrap();
        assert!(uri.starts_with("data:image/jpeg;base64,/9j/"), "{}", &uri[..40]);
        assert!(uri.len() < 16_000, "{} bytes", uri.len());
        assert!(thumbnail(&dir.join("no-such-poster.jpg")).is_none());
    }
}
