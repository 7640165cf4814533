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
//! **Threads.** By default (`hogwild: false`) `threads` jobs train at once, each on its own copy
//! of the weights, and their changes are summed in job order at the end of each round
//! (`train`): the same seed and thread count give the same vectors, whatever the machine.
//! With `hogwild: true` the threads update the two shared matrices without locks, as the C tool
//! and gensim do (Recht et al. 2011): two threads may read and write the same row at once, and
//! an update can then be lost or mix old and new values of a few coordinates. With sparse
//! updates (each pair touches 1 + k rows of tens of thousands) this is rare and does not hurt
//! convergence — the "benign race" these trainers rely on — but the result differs from run to
//! run. In Rust's memory model it is a data race, confined to `train::Shared` and its `unsafe`
//! accessors. `threads = 1` is plain sequential SGD.
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

mod corpus;
mod train;

use std::time::Instant;

use crate::embed::WordVectors;
use crate::error::{Error, Result};
use crate::progress::Counter;
use crate::simd::SimdLevel;

use corpus::{Corpus, NoiseTable, cum_table, exp_table, lcg, log_tables, sample_thresholds};
use train::{Context, train_all};

/// Words per job (gensim's `MAX_WORDS_IN_BATCH`): the unit of α updates and thread scheduling.
const JOB_WORDS: usize = 10_000;

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
    /// Lock-free shared updates (faster, not reproducible) instead of deterministic rounds.
    pub hogwild: bool,
    /// Sum the loss `−log σ(u_w·v_c) − Σᵢ log σ(−u_{nᵢ}·v_c)` of every pair trained, per epoch
    /// ([`TrainReport::epoch_loss`]; gensim's `compute_loss`, off by default: one logarithm
    /// per term when on, one predicted branch when off).
    pub compute_loss: bool,
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
            hogwild: false,
            compute_loss: false,
        }
    }
}

/// What training did.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Words in the vocabulary.
    pub vocabulary: usize,
    /// In-vocabulary corpus words × epochs (before sub-sampling).
    pub raw_words: u64,
    /// Words left after sub-sampling, summed over epochs.
    pub effective_words: u64,
    /// Wall-clock seconds of the training loop (vocabulary building excluded).
    pub seconds: f64,
    /// The loss summed over each epoch's pairs, when [`SkipGramParams::compute_loss`] asked
    /// (gensim's `running_training_loss`, reset every epoch); empty otherwise. Terms whose
    /// `|u·v|` reaches the sigmoid table's edge (6) are skipped, as gensim skips them. With
    /// sub-sampling the pairs differ from epoch to epoch, and the sum wanders with their number.
    pub epoch_loss: Vec<f64>,
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
    train_at(docs, params, progress, SimdLevel::get()?)
}

/// [`train_skipgram`] with its inner loops compiled for `level` (at most this CPU's).
fn train_at<S: AsRef<str>>(
    docs: &[S],
    params: &SkipGramParams,
    progress: bool,
    level: SimdLevel,
) -> Result<(WordVectors, TrainReport)> {
    check(params)?;
    let corpus = Corpus::new(docs, params.min_count)?;
    let (v, dim) = (corpus.words.len(), params.dim);
    let sample_int = sample_thresholds(&corpus.counts, params.sample);
    let noise = NoiseTable::new(cum_table(&corpus.counts));
    let exp_table = exp_table();
    let (ln_sigma, ln_not_sigma) = log_tables(&exp_table);
    let mut syn0 = vec![0f32; v * dim];
    let mut next = params.seed;
    for x in syn0.iter_mut() {
        next = lcg(next);
        *x = ((next & 0xFFFF) as f32 / 65536.0 - 0.5) / dim as f32;
    }
    let mut syn1 = vec![0f32; v * dim];
    let jobs = corpus.jobs();
    let total = corpus.ids.len() as u64 * params.epochs as u64;
    let counter = Counter::new("skip-gram", total, "words", progress);
    let start = Instant::now();
    let ctx = Context {
        params,
        corpus: &corpus,
        sample_int: &sample_int,
        noise: &noise,
        exp_table: &exp_table,
        ln_sigma: &ln_sigma,
        ln_not_sigma: &ln_not_sigma,
        level,
    };
    let (effective, epoch_loss) = train_all(&ctx, &jobs, &mut syn0, &mut syn1, &counter)?;
    counter.finish();
    let report = TrainReport {
        vocabulary: v,
        raw_words: total,
        effective_words: effective,
        seconds: start.elapsed().as_secs_f64(),
        epoch_loss: if params.compute_loss { epoch_loss } else { Vec::new() },
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

#[cfg(test)]
mod tests {
    use super::corpus::{CUM_DOMAIN, NoiseTable, cum_table, exp_table, lcg, log_tables, sample_thresholds};
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
    fn the_loss_falls_per_epoch_and_costs_the_vectors_nothing() {
        let params = SkipGramParams {
            dim: 16,
            min_count: 1,
            epochs: 4,
            threads: 2,
            compute_loss: true,
            sample: 0.0,
            ..SkipGramParams::default()
        };
        // Two topics of twenty words each, every document drawn from one of them.
        let mut next = 7u64;
        let topical: Vec<String> = (0..300)
            .map(|d| {
                let words: Vec<String> = (0..12)
                    .map(|_| {
                        next = lcg(next);
                        format!("t{}w{}", d % 2, (next >> 16) % 20)
                    })
                    .collect();
                words.join(" ")
            })
            .collect();
        let (a, report) = train_skipgram(&topical, &params, false).unwrap();
        let (b, plain) =
            train_skipgram(&topical, &SkipGramParams { compute_loss: false, ..params }, false).unwrap();
        assert_eq!(a, b, "computing the loss changed the vectors");
        assert!(plain.epoch_loss.is_empty());
        let l = &report.epoch_loss;
        assert_eq!(l.len(), 4);
        assert!(l.iter().all(|v| v.is_finite() && *v > 0.0), "{l:?}");
        assert!(l[3] < l[0], "the loss did not fall: {l:?}");
        // Deterministic in rounds, as the vectors are.
        assert_eq!(train_skipgram(&topical, &params, false).unwrap().1.epoch_loss, *l);
        // Untrained output vectors (syn1 = 0) give σ(0) = ½ for every term: the loss is a
        // whole number of ln 2.
        let still = SkipGramParams { alpha: 1e-12, min_alpha: 0.0, epochs: 1, ..params };
        let l0 = train_skipgram(&topical, &still, false).unwrap().1.epoch_loss[0] / std::f64::consts::LN_2;
        assert!(l0 > 1000.0 && (l0 - l0.round()).abs() < 1e-3, "{l0} terms of ln 2?");
    }

    #[test]
    fn rounds_are_deterministic_and_train_like_one_thread() {
        let one =
            SkipGramParams { dim: 16, min_count: 1, epochs: 3, threads: 1, ..SkipGramParams::default() };
        let two = SkipGramParams { threads: 2, ..one };
        let (a, _) = train_skipgram(&docs(), &two, false).unwrap();
        let (b, _) = train_skipgram(&docs(), &two, false).unwrap();
        assert_eq!(a, b, "two threads in rounds must give the same bytes");
        // Rounds are delayed updates of the same jobs: the vectors stay close to sequential SGD's
        // (cosine of each word's vector with its one-thread vector, averaged over the vocabulary).
        let (s, _) = train_skipgram(&docs(), &one, false).unwrap();
        let cos = |x: &[f32], y: &[f32]| {
            let d: f32 = x.iter().zip(y).map(|(a, b)| a * b).sum();
            d / (x.iter().map(|a| a * a).sum::<f32>().sqrt() * y.iter().map(|b| b * b).sum::<f32>().sqrt())
        };
        let mean: f32 = a.data().chunks(16).zip(s.data().chunks(16)).map(|(x, y)| cos(x, y)).sum::<f32>()
            / a.len() as f32;
        assert!(mean > 0.9, "mean cosine to sequential SGD {mean}");
    }

    /// Every SIMD level trains the same bytes (and the same loss): the loops are compiled
    /// wider, never reordered.
    #[test]
    fn every_simd_level_trains_the_same_vectors() {
        let params = SkipGramParams {
            dim: 100,
            min_count: 1,
            epochs: 2,
            threads: 2,
            compute_loss: true,
            ..SkipGramParams::default()
        };
        let runs: Vec<_> = SimdLevel::supported()
            .into_iter()
            .map(|l| train_at(&docs(), &params, false, l).unwrap())
            .collect();
        for (a, b) in runs.iter().zip(&runs[1..]) {
            assert_eq!(a.0, b.0);
            assert_eq!(a.1.epoch_loss, b.1.epoch_loss);
        }
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

    /// The bucketed draw finds the word the binary search over the whole table finds: at every
    /// boundary (each cumulative value and its neighbours), at bucket edges and at random.
    #[test]
    fn the_noise_table_draws_the_words_of_a_binary_search() {
        let mut next = 5u64;
        // A Zipf-like vocabulary: a few huge counts, thousands of rare words sharing buckets.
        let counts: Vec<u64> = (1..=5000u64).map(|r| 200_000 / r + 5).collect();
        for counts in [&counts[..], &[16, 1], &[3]] {
            let cum = cum_table(counts);
            let table = NoiseTable::new(cum.clone());
            assert_eq!(table.last(), *cum.last().unwrap());
            let mut draws: Vec<u32> =
                cum.iter().flat_map(|&c| [c.saturating_sub(1), c, c.saturating_add(1)]).collect();
            draws.extend((0..=(u32::MAX >> 18)).flat_map(|b| [b << 18, (b << 18).saturating_sub(1)]));
            draws.extend((0..20_000).map(|_| {
                next = lcg(next);
                ((next >> 16) % u64::from(table.last())) as u32
            }));
            draws.extend([0, u32::MAX]);
            for x in draws {
                assert_eq!(table.word(x), cum.partition_point(|&c| c < x), "draw {x}");
            }
        }
    }

    /// The loss tables hold the loss formula's values, bit for bit.
    #[test]
    fn log_tables_are_the_loss_terms() {
        let e = exp_table();
        let (ln_s, ln_not) = log_tables(&e);
        for (i, &s) in e.iter().enumerate() {
            assert_eq!(ln_s[i].to_bits(), f64::from(s).max(f64::MIN_POSITIVE).ln().to_bits());
            assert_eq!(ln_not[i].to_bits(), f64::from(1.0 - s).max(f64::MIN_POSITIVE).ln().to_bits());
        }
        assert!((ln_s[500] - 0.5f64.ln()).abs() < 1e-2);
    }
}
