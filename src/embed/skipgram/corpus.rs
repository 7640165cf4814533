//! The corpus as word ids and the tables skip-gram draws from (gensim's `sample_int`,
//! `cum_table`, the σ table and word2vec.c's LCG).

use std::collections::HashMap;

use crate::embed::word_tokens;
use crate::error::{Error, Result};
use crate::text::python_lower;

use super::JOB_WORDS;

/// σ is tabulated on (−MAX_EXP, MAX_EXP).
pub(super) const MAX_EXP: f32 = 6.0;
pub(super) const EXP_TABLE_SIZE: usize = 1000;
/// gensim's `cum_table` domain.
pub(super) const CUM_DOMAIN: f64 = 2147483647.0;

/// The corpus as word ids (vocabulary sorted by count, most frequent first).
pub(super) struct Corpus {
    pub words: Vec<String>,
    pub counts: Vec<u64>,
    /// All documents' in-vocabulary word ids, concatenated.
    pub ids: Vec<u32>,
    /// Document `d` is `ids[ends[d-1]..ends[d]]`.
    pub ends: Vec<usize>,
}

impl Corpus {
    pub fn new<S: AsRef<str>>(docs: &[S], min_count: usize) -> Result<Self> {
        let tokens: Vec<Vec<String>> =
            docs.iter().map(|d| word_tokens(d.as_ref()).map(python_lower).collect()).collect();
        let mut first: HashMap<&str, (u64, usize)> = HashMap::new();
        for t in tokens.iter().flatten() {
            let n = first.len();
            first.entry(t).or_insert((0, n)).0 += 1;
        }
        let mut vocab: Vec<(&str, u64, usize)> = first
            .into_iter()
            .filter(|&(_, (c, _))| c >= min_count as u64)
            .map(|(w, (c, o))| (w, c, o))
            .collect();
        vocab.sort_by_key(|&(_, c, order)| (std::cmp::Reverse(c), order));
        if vocab.is_empty() {
            return Err(Error::param(
                "min-count",
                format!("no word occurs {min_count} times in the {} documents: nothing to train", docs.len()),
            ));
        }
        let index: HashMap<&str, u32> =
            vocab.iter().enumerate().map(|(i, &(w, _, _))| (w, i as u32)).collect();
        let (mut ids, mut ends) = (Vec::new(), Vec::with_capacity(docs.len()));
        for doc in &tokens {
            ids.extend(doc.iter().filter_map(|t| index.get(t.as_str())));
            ends.push(ids.len());
        }
        Ok(Corpus {
            words: vocab.iter().map(|&(w, _, _)| w.to_string()).collect(),
            counts: vocab.iter().map(|&(_, c, _)| c).collect(),
            ids,
            ends,
        })
    }

    /// Jobs of whole documents, ≥ JOB_WORDS words each (the last may be shorter):
    /// (first document, first word, end word).
    pub fn jobs(&self) -> Vec<(usize, usize, usize)> {
        let mut jobs = Vec::new();
        let (mut doc0, mut word0) = (0, 0);
        for (d, &end) in self.ends.iter().enumerate() {
            if end - word0 >= JOB_WORDS || d + 1 == self.ends.len() {
                jobs.push((doc0, word0, end));
                (doc0, word0) = (d + 1, end);
            }
        }
        jobs
    }
}

/// gensim's `sample_int`: keep a word when `sample_int > random_int32`.
pub(super) fn sample_thresholds(counts: &[u64], sample: f64) -> Vec<u32> {
    let total: u64 = counts.iter().sum();
    let threshold = if sample == 0.0 { total as f64 } else { sample * total as f64 };
    counts
        .iter()
        .map(|&c| {
            let p = ((c as f64 / threshold).sqrt() + 1.0) * (threshold / c as f64);
            let p = if sample == 0.0 { 1.0 } else { p.min(1.0) };
            (p * 4294967295.0) as u32
        })
        .collect()
}

/// gensim's `make_cum_table(ns_exponent=0.75)`.
pub(super) fn cum_table(counts: &[u64]) -> Vec<u32> {
    let pow: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
    let total: f64 = pow.iter().sum();
    let mut cumulative = 0.0;
    pow.iter()
        .map(|p| {
            cumulative += p;
            (cumulative / total * CUM_DOMAIN).round() as u32
        })
        .collect()
}

/// Bits of a draw below its bucket in [`NoiseTable`]: 2³²⁻¹⁸ = 16,384 buckets (64 KiB), a
/// few of the rarest words per bucket on the bundled overviews.
const BUCKET_SHIFT: u32 = 18;

/// `cum_table` with an index of where each bucket of draws starts, so a draw costs a search
/// of its bucket's few words instead of a binary search of the whole vocabulary (that search,
/// a chain of dependent loads, was a fifth of skip-gram's time). The same words come out:
///
/// ```text
/// word(x)  = #{t : cum[t] < x}               (gensim's bisect_left on cum_table)
/// first[b] = word(b · 2^18)                  word(x) ∈ [first[b], first[b + 1]] for x in bucket b
/// ```
pub(super) struct NoiseTable {
    cum: Vec<u32>,
    first: Vec<u32>,
}

impl NoiseTable {
    pub fn new(cum: Vec<u32>) -> NoiseTable {
        let buckets = (u32::MAX >> BUCKET_SHIFT) as u64 + 2;
        let first =
            (0..buckets).map(|b| cum.partition_point(|&c| u64::from(c) < b << BUCKET_SHIFT) as u32).collect();
        NoiseTable { cum, first }
    }

    /// The end of the domain: draws are taken modulo this.
    pub fn last(&self) -> u32 {
        *self.cum.last().unwrap_or(&1)
    }

    /// The word of `draw`: the first whose cumulative value reaches it
    /// (`cum.partition_point(|&c| c < draw)`).
    #[inline]
    pub fn word(&self, draw: u32) -> usize {
        let b = (draw >> BUCKET_SHIFT) as usize;
        let (lo, hi) = (self.first[b] as usize, (self.first[b + 1] as usize + 1).min(self.cum.len()));
        lo + self.cum[lo..hi].partition_point(|&c| c < draw)
    }
}

/// The loss terms of the σ table's entries: `ln σ` (the true word's term) and `ln(1 − σ)` (a
/// noise word's), each floored at the smallest normal f64 as the loss formula does, so the
/// loss costs a load per term instead of a logarithm (the same values: the same expression
/// on the same f32 entries).
pub(super) fn log_tables(exp_table: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let ln = |p: f32| f64::from(p).max(f64::MIN_POSITIVE).ln();
    (exp_table.iter().map(|&s| ln(s)).collect(), exp_table.iter().map(|&s| ln(1.0 - s)).collect())
}

/// σ on (−6, 6) in 1000 steps, as word2vec.c / gensim build it.
pub(super) fn exp_table() -> Vec<f32> {
    (0..EXP_TABLE_SIZE)
        .map(|i| {
            let e = ((i as f32 / EXP_TABLE_SIZE as f32 * 2.0 - 1.0) * MAX_EXP).exp();
            e / (e + 1.0)
        })
        .collect()
}

/// word2vec.c's 48-bit linear congruential generator.
#[inline]
pub(super) fn lcg(next: u64) -> u64 {
    next.wrapping_mul(25214903917).wrapping_add(11) & 0xFFFF_FFFF_FFFF
}

/// gensim's `random_int32`.
#[inline]
pub(super) fn random_int32(next: &mut u64) -> u32 {
    let r = (*next >> 16) as u32;
    *next = lcg(*next);
    r
}
