//! The inner loop of skip-gram and the three ways to schedule its jobs.
//!
//! ```text
//! sequential      one thread, jobs in order, updates in place            deterministic
//! rounds of k     k jobs at a time, each on its own copy of the weights;  deterministic
//!                 then w += Σ_j (w_j − w) in job order (delayed updates)   for a seed and k
//! Hogwild         k threads update the shared weights without locks       fastest, varies
//! ```
//! Rounds trade a copy and a merge of the two matrices per round (O(vocabulary · dim), a few
//! ms here) for reproducibility: each job sees the weights as they were when its round began —
//! Hogwild's staleness, made fixed — and the sum runs in the same order whatever the thread
//! scheduling, so the same seed and k give the same bytes on any machine.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::progress::Counter;
use crate::simd::SimdLevel;

use super::SkipGramParams;
use super::corpus::{Corpus, EXP_TABLE_SIZE, MAX_EXP, NoiseTable, lcg, random_int32};

/// The two weight matrices, shared by all threads without locks (see "Hogwild" in the module
/// docs). `syn0`: input vectors, `syn1`: output vectors, both (rows, dim) row-major.
pub(super) struct Shared {
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

    /// Ask the CPU to bring row `j` of syn1 into L1 ahead of its use (a no-op off x86-64).
    #[inline(always)]
    fn prefetch_syn1(&self, j: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let p = self.syn1.wrapping_add(j * self.dim).cast::<i8>();
            for line in 0..(p as usize % 64 + 4 * self.dim).div_ceil(64) {
                // SAFETY: prefetch is SSE (baseline x86-64); it reads nothing architecturally
                // and never faults, whatever the address.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64 * line)) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = j;
    }
}

/// Everything a job reads.
pub(super) struct Context<'a> {
    pub params: &'a SkipGramParams,
    pub corpus: &'a Corpus,
    pub sample_int: &'a [u32],
    pub noise: &'a NoiseTable,
    pub exp_table: &'a [f32],
    /// `ln σ` and `ln(1 − σ)` of each `exp_table` entry (corpus::log_tables).
    pub ln_sigma: &'a [f64],
    pub ln_not_sigma: &'a [f64],
    /// The instructions the inner loops are compiled for (crate::simd).
    pub level: SimdLevel,
}

impl Context<'_> {
    /// Train one job of `epoch`; returns the words kept by sub-sampling and the job's loss
    /// (0 unless `compute_loss`).
    ///
    /// The loops are compiled for AVX2 when the SIMD level allows it: `dot` and `axpy` then
    /// run 8 lanes at a time instead of 4, each lane the same multiplications and additions
    /// in the same order (no fused multiply-add: Rust never contracts), so the same vectors
    /// come out at every level. (AVX-512 was slower here: 100 dimensions are 6 × 16 + 4, and
    /// the run ~15% longer on the 2-vCPU Xeon.)
    fn train_job(
        &self,
        shared: &Shared,
        epoch: usize,
        job: &(usize, usize, usize),
        total: u64,
    ) -> (u64, f64) {
        #[cfg(target_arch = "x86_64")]
        if self.level >= SimdLevel::Avx2 && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: this CPU has AVX2, just checked.
            return unsafe { self.train_job_avx2(shared, epoch, job, total) };
        }
        self.train_job_body(shared, epoch, job, total)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn train_job_avx2(
        &self,
        shared: &Shared,
        epoch: usize,
        job: &(usize, usize, usize),
        total: u64,
    ) -> (u64, f64) {
        self.train_job_body(shared, epoch, job, total)
    }

    #[inline(always)]
    fn train_job_body(
        &self,
        shared: &Shared,
        epoch: usize,
        &(doc0, word0, word1): &(usize, usize, usize),
        total: u64,
    ) -> (u64, f64) {
        let p = self.params;
        let done = epoch as u64 * self.corpus.ids.len() as u64 + word0 as u64;
        let alpha = p.alpha - (p.alpha - p.min_alpha) * (done as f64 / total as f64) as f32;
        let mut next = splitmix(p.seed ^ ((epoch as u64) << 40) ^ word0 as u64) & 0xFFFF_FFFF_FFFF;
        let mut kept = Vec::new();
        let mut work = vec![0f32; p.dim];
        let mut noise = Vec::with_capacity(p.negative);
        let mut effective = 0;
        let mut loss = 0.0;
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
                    let (word, context) = (kept[i] as usize, kept[j] as usize);
                    loss += self.pair(shared, word, context, alpha, &mut work, &mut noise, &mut next);
                }
            }
            start = end;
        }
        (effective, loss)
    }

    /// gensim's `fast_sentence_sg_neg`: predict `word` from `context`; returns the pair's loss
    /// `−log σ(±u·v)` summed over its terms when `compute_loss`, else 0.
    ///
    /// The noise words are all drawn first (the same draws of the LCG, in the same order: it
    /// is used for nothing else in between) and their rows of syn1 prefetched, so their cache
    /// misses overlap instead of stalling one term after another; the terms then run in order
    /// as before. `noise` is scratch for the draws.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn pair(
        &self,
        shared: &Shared,
        word: usize,
        context: usize,
        alpha: f32,
        work: &mut [f32],
        noise: &mut Vec<usize>,
        next: &mut u64,
    ) -> f64 {
        let last = u64::from(self.noise.last());
        noise.clear();
        for _ in 0..self.params.negative {
            let draw = ((*next >> 16) % last) as u32;
            *next = lcg(*next);
            let t = self.noise.word(draw);
            shared.prefetch_syn1(t);
            noise.push(t);
        }
        work.fill(0.0);
        let mut loss = 0.0;
        for d in 0..=noise.len() {
            let (target, label) = if d == 0 {
                (word, 1.0)
            } else {
                let t = noise[d - 1];
                if t == word {
                    continue;
                }
                (t, 0.0)
            };
            // SAFETY: word ids index the vocabulary, the matrices have one row per word.
            let (l1, l2) = unsafe { shared.rows(context, target) };
            let f = dot(l1, l2);
            if f <= -MAX_EXP || f >= MAX_EXP {
                continue;
            }
            let at = ((f + MAX_EXP) * (EXP_TABLE_SIZE as f32 / MAX_EXP / 2.0)) as usize;
            let sigma = self.exp_table[at];
            if self.params.compute_loss {
                // σ(−f) = 1 − σ(f) for a noise word.
                loss -= if d == 0 { self.ln_sigma[at] } else { self.ln_not_sigma[at] };
            }
            let g = (label - sigma) * alpha;
            axpy(g, l2, work);
            axpy(g, l1, l2);
        }
        // SAFETY: as above (row 0 of syn1 is any valid row; only syn0's is used).
        let (l1, _) = unsafe { shared.rows(context, 0) };
        axpy(1.0, work, l1);
        loss
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
#[inline(always)]
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
#[inline(always)]
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

impl Shared {
    /// The two matrices of one worker (or of all, under Hogwild).
    fn new(syn0: &mut [f32], syn1: &mut [f32], dim: usize) -> Shared {
        Shared { syn0: syn0.as_mut_ptr(), syn1: syn1.as_mut_ptr(), rows: syn0.len() / dim.max(1), dim }
    }
}

/// Jobs in training order: (epoch, job).
fn schedule(epochs: usize, jobs: usize) -> Vec<(usize, usize)> {
    (0..epochs).flat_map(|e| (0..jobs).map(move |j| (e, j))).collect()
}

/// Train every job of every epoch into `syn0`/`syn1`; returns the words kept by sub-sampling
/// and the loss of each epoch (zeros unless `compute_loss`), summed job by job in job order
/// whatever the threads did.
pub(super) fn train_all(
    ctx: &Context,
    jobs: &[(usize, usize, usize)],
    syn0: &mut [f32],
    syn1: &mut [f32],
    progress: &Counter,
) -> Result<(u64, Vec<f64>)> {
    let p = ctx.params;
    let total = ctx.corpus.ids.len() as u64 * p.epochs as u64;
    let effective = AtomicU64::new(0);
    // One slot per (epoch, job), written once: the f64 bits of its loss.
    let job_loss: Vec<AtomicU64> = (0..p.epochs * jobs.len()).map(|_| AtomicU64::new(0)).collect();
    let losses = || -> Vec<f64> {
        job_loss
            .chunks(jobs.len().max(1))
            .map(|epoch| epoch.iter().map(|l| f64::from_bits(l.load(Ordering::Relaxed))).sum())
            .collect()
    };
    let run = |shared: &Shared, &(epoch, job): &(usize, usize)| {
        let (kept, loss) = ctx.train_job(shared, epoch, &jobs[job], total);
        effective.fetch_add(kept, Ordering::Relaxed);
        job_loss[epoch * jobs.len() + job].store(loss.to_bits(), Ordering::Relaxed);
        progress.inc((jobs[job].2 - jobs[job].1) as u64);
    };
    let all = schedule(p.epochs, jobs.len());
    let threads = if p.threads == 0 { rayon::current_num_threads() } else { p.threads };
    if threads == 1 {
        let shared = Shared::new(syn0, syn1, p.dim);
        all.iter().for_each(|job| run(&shared, job));
        return Ok((effective.into_inner(), losses()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::param("threads", e.to_string()))?;
    if p.hogwild {
        let shared = Shared::new(syn0, syn1, p.dim);
        pool.install(|| all.par_iter().for_each(|job| run(&shared, job)));
        return Ok((effective.into_inner(), losses()));
    }
    // Each copy starts every round equal to the weights: made here, then refreshed by `merge`.
    let mut copies0: Vec<Vec<f32>> = (0..threads).map(|_| syn0.to_vec()).collect();
    let mut copies1: Vec<Vec<f32>> = (0..threads).map(|_| syn1.to_vec()).collect();
    for round in all.chunks(threads) {
        pool.install(|| {
            copies0.par_iter_mut().zip(copies1.par_iter_mut()).zip(round).for_each(|((c0, c1), job)| {
                run(&Shared::new(c0, c1, p.dim), job);
            });
            merge(syn0, &mut copies0, round.len());
            merge(syn1, &mut copies1, round.len());
        });
    }
    Ok((effective.into_inner(), losses()))
}

/// `base += Σ_j (copy_j − base)` over the first `used` copies, added in their order
/// (deterministic), then every copy set to the new base for the next round, in the same pass
/// while the chunk is in cache (a separate copy per job re-read the whole matrix); chunks in
/// parallel.
fn merge(base: &mut [f32], copies: &mut [Vec<f32>], used: usize) {
    const CHUNK: usize = 1 << 14;
    let mut per_chunk: Vec<Vec<&mut [f32]>> =
        (0..base.len().div_ceil(CHUNK)).map(|_| Vec::with_capacity(copies.len())).collect();
    for copy in copies.iter_mut() {
        for (slot, chunk) in per_chunk.iter_mut().zip(copy.chunks_mut(CHUNK)) {
            slot.push(chunk);
        }
    }
    base.par_chunks_mut(CHUNK).zip(per_chunk).for_each(|(out, mut chunks)| {
        let start: Vec<f32> = out.to_vec();
        for copy in &chunks[..used] {
            for ((o, &s), &x) in out.iter_mut().zip(&start).zip(copy.iter()) {
                *o += x - s;
            }
        }
        for copy in &mut chunks {
            copy.copy_from_slice(out);
        }
    });
}
