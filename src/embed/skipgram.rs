//! Skip-gram with negative sampling, trained from scratch on the overviews, so the word-vector
//! branch works without the 3.6 GB GoogleNews file.
//!
//! For each kept center word `w` and each context word `c` within a randomly reduced window,
//! with `k` noise words `n₁…n_k` drawn from the unigram distribution raised to ¾:
//!
//! ```text
//! loss  = −log σ(u_w · v_c) − Σᵢ log σ(−u_{nᵢ} · v_c)            v = input (the vectors kept),
//! g_t   = α · (label_t − σ(u_t · v_c))       label = 1 for w, 0 for noise; u = output (syn1neg)
//! u_t  += g_t · v_c ;   v_c += Σ_t g_t · u_t                      (u_t updated one by one)
//! α     = α₀ − (α₀ − α_min) · (words done / (epochs · corpus words))   linear decay
//! keep w with probability (√(f/t) + 1) · t/f,  t = sample · corpus words, f = count(w)
//! noise ~ count^0.75 (a cumulative table and binary search)
//! ```
//!
//! Paper: T. Mikolov, I. Sutskever, K. Chen, G. Corrado, J. Dean, "Distributed Representations of
//! Words and Phrases and their Compositionality", NIPS 2013, <https://arxiv.org/abs/1310.4546>.
//! Reference implementation: gensim 4.4 `word2vec_inner.pyx` (`train_batch_sg`,
//! `fast_sentence_sg_neg`), itself the C tool's `word2vec.c`: the same context→center pairing,
//! σ from a 1000-entry table on (−6, 6) with pairs outside skipped, gensim's sub-sampling formula
//! (`sample = 1e-3`), its `cum_table` over `[0, 2³¹−1]`, its 48-bit LCG
//! `next = next · 25214903917 + 11` for every random draw, and α updated per job of ~10,000
//! words. Deviations: vectors start uniform in ±0.5/dim from the LCG (the C tool's rule; gensim
//! hashes each word); each job's LCG is seeded from (seed, epoch, job), so a run is reproducible
//! with one thread, and α follows the job's position in the corpus rather than the progress of
//! other threads.
//!
//! **Hogwild** (Recht et al. 2011): threads take jobs from a rayon pool and update the two shared
//! matrices without locks, as the C tool and gensim do. Two threads may read and write the same
//! row at once; an update can then be lost or mix old and new values of a few coordinates. With
//! sparse updates (each pair touches 1 + k rows of tens of thousands) this is rare and does not
//! hurt convergence — it is the "benign race" these trainers rely on. In Rust's memory model it is
//! still a data race, confined to [`Shared`] and its `unsafe` accessors; with `threads = 1` there
//! is no race and the result is deterministic for a seed.
//!
//! Cost: per epoch O(corpus words · 2·window · (k+1) · dim) flops; memory 2 · vocabulary · dim
//! float32 plus the corpus as u32 word ids.
//!
//! ```
//! use cinegenre::embed::{SkipGramParams, train_skipgram};
//! let docs = vec!["the cat sat on the mat"; 50];
//! let params = SkipGramParams { dim: 8, min_count: 1, epochs: 2, threads: 1, ..SkipGramParams::default() };
//! let (vectors, report) = train_skipgram(&docs, &params, false)?;
//! assert_eq!((vectors.len(), vectors.dim()), (5, 8));
//! assert_eq!(vectors.words()[0], "the"); // most frequent first
//! assert_eq!(report.raw_words, 2 * 50 * 6);
//! # Ok::<(), cinegenre::Error>(())
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::embed::{WordVectors, word_tokens};
use crate::error::{Error, Result};
use crate::text::python_lower;

const MAX_EXP: f32 = 6.0;
const EXP_TABLE_SIZE: usize = 1000;
/// Words per job (gensim's `MAX_WORDS_IN_BATCH`): the unit of α updates and thread scheduling.
const JOB_WORDS: usize = 10_000;
/// gensim's `cum_table` domain.
const CUM_DOMAIN: f64 = 2147483647.0;

/// Training settings; the defaults are gensim's (`vector_size` aside: 300, as GoogleNews).
#[derive(Debug, Clone, Copy)]
pub struct SkipGramParams {
    pub dim: usize,
    /// Maximum distance between center and context word.
    pub window: usize,
    /// Noise words per pair.
    pub negative: usize,
    pub epochs: usize,
    /// Words seen fewer times are dropped.
    pub min_count: usize,
    /// Sub-sampling threshold (0 disables).
    pub sample: f64,
    /// Initial and final learning rate.
    pub alpha: f32,
    pub min_alpha: f32,
    pub seed: u64,
    /// Worker threads; 0 = all of rayon's.
    pub threads: usize,
}

impl Default for SkipGramParams {
    fn default() -> Self {
        SkipGramParams {
            dim: 300,
            window: 5,
            negative: 5,
            epochs: 5,
            min_count: 5,
            sample: 1e-3,
            alpha: 0.025,
            min_alpha: 0.0001,
            seed: 1,
            threads: 0,
        }
    }
}

/// What training did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainReport {
    /// Words in the vocabulary.
    pub vocabulary: usize,
    /// In-vocabulary corpus words × epochs (before sub-sampling).
    pub raw_words: u64,
    /// Words left after sub-sampling, summed over epochs.
    pub effective_words: u64,
    /// Wall-clock seconds of the training loop (vocabulary building excluded).
    pub seconds: f64,
}

impl TrainReport {
    /// Raw words per second.
    pub fn words_per_second(&self) -> f64 {
        self.raw_words as f64 / self.seconds.max(1e-9)
    }
}

/// Train skip-gram vectors on `docs` (tokens: `\w+`, lowercased as Python does).
pub fn train_skipgram<S: AsRef<str>>(
    docs: &[S],
    params: &SkipGramParams,
    progress: bool,
) -> Result<(WordVectors, TrainReport)> {
    check(params)?;
    let corpus = Corpus::new(docs, params.min_count)?;
    let (v, dim) = (corpus.words.len(), params.dim);
    let sample_int = sample_thresholds(&corpus.counts, params.sample);
    let cum_table = cum_table(&corpus.counts);
    let exp_table = exp_table();
    let mut syn0 = vec![0f32; v * dim];
    let mut next = params.seed;
    for x in syn0.iter_mut() {
        next = lcg(next);
        *x = ((next & 0xFFFF) as f32 / 65536.0 - 0.5) / dim as f32;
    }
    let mut syn1 = vec![0f32; v * dim];
    let jobs = corpus.jobs();
    let total = corpus.ids.len() as u64 * params.epochs as u64;
    let bar = progress.then(|| indicatif::ProgressBar::new(total));
    let effective = AtomicU64::new(0);
    let start = Instant::now();
    {
        let shared = Shared { syn0: syn0.as_mut_ptr(), syn1: syn1.as_mut_ptr(), rows: v, dim };
        let ctx = Context {
            params,
            corpus: &corpus,
            sample_int: &sample_int,
            cum_table: &cum_table,
            exp_table: &exp_table,
            shared: &shared,
        };
        let run_job = |&(epoch, job): &(usize, usize)| {
            let done = ctx.train_job(epoch, &jobs[job], total);
            effective.fetch_add(done, Ordering::Relaxed);
            if let Some(bar) = &bar {
                bar.inc((jobs[job].2 - jobs[job].1) as u64);
            }
        };
        let all: Vec<(usize, usize)> =
            (0..params.epochs).flat_map(|e| (0..jobs.len()).map(move |j| (e, j))).collect();
        if params.threads == 1 {
            all.iter().for_each(run_job);
        } else {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(params.threads)
                .build()
                .map_err(|e| Error::param("threads", e.to_string()))?;
            pool.install(|| all.par_iter().for_each(run_job));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = TrainReport {
        vocabulary: v,
        raw_words: total,
        effective_words: effective.into_inner(),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((WordVectors::from_rows(dim, corpus.words, &syn0)?, report))
}

/// Largest worker count: more threads than this only contend (the machine has far fewer cores).
pub const MAX_THREADS: usize = 256;
/// Upper bounds of the sizes, far above any useful value (GoogleNews: 300 dimensions, window 5).
const LIMITS: [(&str, usize); 4] =
    [("dim", 10_000), ("window", 1_000), ("negative", 1_000), ("epochs", 100_000)];

/// `threads` (0: all of rayon's) is at most [`MAX_THREADS`]; the message says the cap.
pub fn check_threads(threads: usize) -> std::result::Result<(), String> {
    if threads > MAX_THREADS {
        return Err(format!("{threads} threads: at most {MAX_THREADS} (0 uses every core)"));
    }
    Ok(())
}

fn check(p: &SkipGramParams) -> Result<()> {
    let positive = [("dim", p.dim), ("window", p.window), ("epochs", p.epochs), ("min-count", p.min_count)];
    for (name, value) in positive {
        if value == 0 {
            return Err(Error::param(name, "must be at least 1"));
        }
    }
    if p.negative == 0 {
        return Err(Error::param("negative", "negative sampling needs at least 1 noise word"));
    }
    let values = [p.dim, p.window, p.negative, p.epochs];
    for ((name, max), value) in LIMITS.iter().zip(values) {
        if value > *max {
            return Err(Error::param(*name, format!("{value} is above the limit of {max}")));
        }
    }
    check_threads(p.threads).map_err(|m| Error::param("threads", m))?;
    if !(p.sample >= 0.0 && p.sample.is_finite()) {
        return Err(Error::param("sample", format!("{} is not a threshold ≥ 0", p.sample)));
    }
    if !(p.alpha > 0.0 && p.min_alpha >= 0.0 && p.min_alpha <= p.alpha) {
        return Err(Error::param("alpha", "need 0 ≤ min_alpha ≤ alpha and alpha > 0"));
    }
    Ok(())
}

/// The corpus as word ids (vocabulary sorted by count, most frequent first).
struct Corpus {
    words: Vec<String>,
    counts: Vec<u64>,
    /// All documents' in-vocabulary word ids, concatenated.
    ids: Vec<u32>,
    /// Document `d` is `ids[ends[d-1]..ends[d]]`.
    ends: Vec<usize>,
}

impl Corpus {
    fn new<S: AsRef<str>>(docs: &[S], min_count: usize) -> Result<Self> {
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
    fn jobs(&self) -> Vec<(usize, usize, usize)> {
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
fn sample_thresholds(counts: &[u64], sample: f64) -> Vec<u32> {
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
fn cum_table(counts: &[u64]) -> Vec<u32> {
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

/// σ on (−6, 6) in 1000 steps, as word2vec.c / gensim build it.
fn exp_table() -> Vec<f32> {
    (0..EXP_TABLE_SIZE)
        .map(|i| {
            let e = ((i as f32 / EXP_TABLE_SIZE as f32 * 2.0 - 1.0) * MAX_EXP).exp();
            e / (e + 1.0)
        })
        .collect()
}

/// word2vec.c's 48-bit linear congruential generator.
#[inline]
fn lcg(next: u64) -> u64 {
    next.wrapping_mul(25214903917).wrapping_add(11) & 0xFFFF_FFFF_FFFF
}

/// gensim's `random_int32`.
#[inline]
fn random_int32(next: &mut u64) -> u32 {
    let r = (*next >> 16) as u32;
    *next = lcg(*next);
    r
}

/// The two weight matrices, shared by all threads without locks (see "Hogwild" in the module
/// docs). `syn0`: input vectors, `syn1`: output vectors, both (rows, dim) row-major.
struct Shared {
    syn0: *mut f32,
    syn1: *mut f32,
    rows: usize,
    dim: usize,
}

// SAFETY: the pointers stay valid for the whole training (the Vecs outlive every job); the
// concurrent unsynchronised row updates are the documented Hogwild races.
unsafe impl Sync for Shared {}

impl Shared {
    /// Row `i` of syn0 and row `j` of syn1 as slices.
    ///
    /// SAFETY (callers): `i, j < rows`. The two rows are in different allocations, so they
    /// never alias each other; other threads may write them concurrently (Hogwild).
    #[allow(clippy::mut_from_ref)]
    unsafe fn rows(&self, i: usize, j: usize) -> (&mut [f32], &mut [f32]) {
        debug_assert!(i < self.rows && j < self.rows);
        // SAFETY: in bounds by the caller's contract; see the type's docs for the races.
        unsafe {
            (
                std::slice::from_raw_parts_mut(self.syn0.add(i * self.dim), self.dim),
                std::slice::from_raw_parts_mut(self.syn1.add(j * self.dim), self.dim),
            )
        }
    }
}

/// Everything a job reads.
struct Context<'a> {
    params: &'a SkipGramParams,
    corpus: &'a Corpus,
    sample_int: &'a [u32],
    cum_table: &'a [u32],
    exp_table: &'a [f32],
    shared: &'a Shared,
}

impl Context<'_> {
    /// Train one job of `epoch`; returns the words kept by sub-sampling.
    fn train_job(&self, epoch: usize, &(doc0, word0, word1): &(usize, usize, usize), total: u64) -> u64 {
        let p = self.params;
        let done = epoch as u64 * self.corpus.ids.len() as u64 + word0 as u64;
        let alpha = p.alpha - (p.alpha - p.min_alpha) * (done as f64 / total as f64) as f32;
        let mut next = splitmix(p.seed ^ ((epoch as u64) << 40) ^ word0 as u64) & 0xFFFF_FFFF_FFFF;
        let mut kept = Vec::new();
        let mut work = vec![0f32; p.dim];
        let mut effective = 0;
        let mut start = word0;
        for &end in &self.corpus.ends[doc0..] {
            if start >= word1 {
                break;
            }
            kept.clear();
            for &w in &self.corpus.ids[start..end] {
                if p.sample == 0.0 || self.sample_int[w as usize] > random_int32(&mut next) {
                    kept.push(w);
                }
            }
            effective += kept.len() as u64;
            for i in 0..kept.len() {
                let b = (random_int32(&mut next) as usize) % p.window;
                let lo = i.saturating_sub(p.window - b);
                let hi = (i + p.window + 1 - b).min(kept.len());
                for j in (lo..hi).filter(|&j| j != i) {
                    self.pair(kept[i] as usize, kept[j] as usize, alpha, &mut work, &mut next);
                }
            }
            start = end;
        }
        effective
    }

    /// gensim's `fast_sentence_sg_neg`: predict `word` from `context`.
    fn pair(&self, word: usize, context: usize, alpha: f32, work: &mut [f32], next: &mut u64) {
        work.fill(0.0);
        let last = *self.cum_table.last().unwrap_or(&1) as u64;
        for d in 0..=self.params.negative {
            let (target, label) = if d == 0 {
                (word, 1.0)
            } else {
                let draw = ((*next >> 16) % last) as u32;
                *next = lcg(*next);
                let t = self.cum_table.partition_point(|&c| c < draw);
                if t == word {
                    continue;
                }
                (t, 0.0)
            };
            // SAFETY: word ids index the vocabulary, the matrices have one row per word.
            let (l1, l2) = unsafe { self.shared.rows(context, target) };
            let f = dot(l1, l2);
            if f <= -MAX_EXP || f >= MAX_EXP {
                continue;
            }
            let sigma = self.exp_table[((f + MAX_EXP) * (EXP_TABLE_SIZE as f32 / MAX_EXP / 2.0)) as usize];
            let g = (label - sigma) * alpha;
            axpy(g, l2, work);
            axpy(g, l1, l2);
        }
        // SAFETY: as above (row 0 of syn1 is any valid row; only syn0's is used).
        let (l1, _) = unsafe { self.shared.rows(context, 0) };
        axpy(1.0, work, l1);
    }
}

/// A 64-bit mix to seed each job's LCG.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// x · y with eight independent partial sums (vectorizes).
#[inline]
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let tail: f32 = xc.remainder().iter().zip(yc.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in xc.zip(yc) {
        for k in 0..8 {
            acc[k] += a[k] * b[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// y += a · x.
#[inline]
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<String> {
        (0..200).map(|i| format!("the cat {} sat on the mat while the dog {} barked", i % 7, i % 5)).collect()
    }

    #[test]
    fn one_thread_is_deterministic_for_a_seed() {
        let params =
            SkipGramParams { dim: 16, min_count: 1, epochs: 2, threads: 1, ..SkipGramParams::default() };
        let (a, _) = train_skipgram(&docs(), &params, false).unwrap();
        let (b, _) = train_skipgram(&docs(), &params, false).unwrap();
        assert_eq!(a, b);
        let (c, _) = train_skipgram(&docs(), &SkipGramParams { seed: 2, ..params }, false).unwrap();
        assert_ne!(a.data(), c.data());
        assert!(a.data().iter().all(|x| x.is_finite()));
    }

    #[test]
    fn tables_follow_gensim() {
        let cum = cum_table(&[16, 1]);
        assert_eq!(cum, vec![(8.0 / 9.0 * CUM_DOMAIN).round() as u32, CUM_DOMAIN as u32]);
        // A word at 1e-3 of the corpus is kept with probability (√1 + 1) · 1 → capped at 1.
        let s = sample_thresholds(&[1, 999], 1e-3);
        assert_eq!(s[0], u32::MAX);
        assert!(s[1] < u32::MAX / 10);
        let e = exp_table();
        assert!((e[500] - 0.5).abs() < 1e-2 && e[0] < 0.01 && e[999] > 0.99);
        assert!(train_skipgram(&["a b"], &SkipGramParams::default(), false).is_err());
    }
}
