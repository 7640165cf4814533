//! The Mersenne Twister MT19937 exactly as numpy's legacy `np.random.RandomState` runs it, so a
//! seed gives the same stream in cinegenre and in Python.
//!
//! ```text
//! seeding (init_genrand):  mt[0] = s,  mt[i] = 1812433253 · (mt[i-1] ⊕ (mt[i-1] ≫ 30)) + i  (mod 2³²)
//! refill, every 624 draws: y = (mt[i] & 0x80000000) | (mt[i+1] & 0x7fffffff)
//!                          mt[i] = mt[i+397] ⊕ (y ≫ 1) ⊕ (0x9908b0df if y odd)
//! tempering:               y ⊕= y ≫ 11;  y ⊕= (y ≪ 7) & 0x9d2c5680;  y ⊕= (y ≪ 15) & 0xefc60000;  y ⊕= y ≫ 18
//! random_sample:           a = u32 ≫ 5, b = u32 ≫ 6,  (a · 2²⁶ + b) / 2⁵³   ∈ [0, 1), 53 random bits
//! ```
//!
//! Paper: M. Matsumoto and T. Nishimura, "Mersenne Twister: a 623-dimensionally equidistributed
//! uniform pseudo-random number generator", ACM TOMACS 8(1), 1998,
//! <https://doi.org/10.1145/272991.272995>.
//!
//! Reference implementation matched: numpy 2.4.6 `numpy/random/src/mt19937` with the legacy
//! seeding of `np.random.seed(int)` (`_legacy_seeding` → `mt19937_seed`, which is
//! `init_genrand`) and `random_standard_uniform` / `legacy_double`. `np.random.rand(n)` is `n`
//! calls of [`Mt19937::random_sample`]. Not matched: seeding from arrays (`init_by_array`) and
//! numpy's new `Generator` API (whose `MT19937(seed)` goes through `SeedSequence`).
//!
//! Cost: 2.5 KiB of state; O(1) amortised per draw.
//!
//! ```
//! use cinegenre::rng::Mt19937;
//! let mut rng = Mt19937::new(5489); // the reference implementation's default seed
//! assert_eq!(rng.next_u32(), 3499211612); // first output listed in mt19937ar.out
//! let x = Mt19937::new(0).random_sample();
//! assert_eq!(x, 0.5488135039273248); // np.random.seed(0); np.random.rand()
//! ```

/// Number of 32-bit words of state.
const N: usize = 624;
/// The middle word offset of the recurrence.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// numpy's legacy MT19937 generator.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; N],
    /// Next word of `state` to temper; `N` means "refill first".
    pos: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("pos", &self.pos).finish_non_exhaustive()
    }
}

impl Mt19937 {
    /// The generator after `np.random.seed(seed)` (numpy accepts integer seeds in `0..2³²`).
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Mt19937 { state, pos: N }
    }

    /// The next raw 32-bit output (numpy's `MT19937.random_raw`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.refill();
        }
        let mut y = self.state[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A double in `[0, 1)` with 53 random bits, as `np.random.random_sample()` draws it.
    pub fn random_sample(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }

    /// Regenerate all 624 words of state (the "twist").
    fn refill(&mut self) {
        let mt = &mut self.state;
        for i in 0..N {
            let y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            mt[i] = mt[(i + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_stream_of_the_default_seed() {
        // mt19937ar.c seeded with init_genrand(5489): outputs 1..3 and the 10 000th.
        let mut rng = Mt19937::new(5489);
        let first: Vec<u32> = (0..3).map(|_| rng.next_u32()).collect();
        assert_eq!(first, vec![3_499_211_612, 581_869_302, 3_890_346_734]);
        for _ in 3..9_999 {
            rng.next_u32();
        }
        assert_eq!(rng.next_u32(), 4_123_659_995);
    }
}
