//! Nearest words by cosine similarity (gensim's `most_similar` for one positive word).
//!
//! ```text
//! sim(w, q) = (v_w · v_q) / (‖v_w‖ ‖v_q‖)      top k over w ≠ q, ties by row order
//! ```
//!
//! Cost: O(words · dim) for one query (the rows are normalised on the fly, in f64).
//!
//! ```
//! use cinegenre::embed::{WordVectors, nearest};
//! let v = WordVectors::from_rows(2, vec!["a".into(), "b".into(), "c".into()], &[1.0, 0.0, 2.0, 0.1, 0.0, 1.0])?;
//! let n = nearest(&v, "a", 2)?;
//! assert_eq!(n[0].0, "b");
//! # Ok::<(), cinegenre::Error>(())
//! ```

use rayon::prelude::*;

use crate::embed::WordVectors;
use crate::error::{Error, Result};

/// The `k` words most similar to `word` (exact match), with their cosine similarity.
pub fn nearest<'a>(vectors: &'a WordVectors, word: &str, k: usize) -> Result<Vec<(&'a str, f64)>> {
    let query = vectors.get(word).ok_or_else(|| {
        Error::param("word", format!("`{word}` is not among the {} words of the vectors", vectors.len()))
    })?;
    let norm = |v: &[f32]| v.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>().sqrt();
    let qn = norm(query);
    let mut sims: Vec<(usize, f64)> = (0..vectors.len())
        .into_par_iter()
        .filter(|&i| vectors.words()[i] != word)
        .map(|i| {
            let row = vectors.row(i);
            let d: f64 = row.iter().zip(query).map(|(&a, &b)| f64::from(a) * f64::from(b)).sum();
            let n = norm(row) * qn;
            (i, if n > 0.0 { d / n } else { 0.0 })
        })
        .collect();
    sims.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(sims.into_iter().take(k).map(|(i, s)| (vectors.words()[i].as_str(), s)).collect())
}
