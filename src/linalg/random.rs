//! Standard normal draws exactly as numpy's legacy `RandomState.normal` / `standard_normal`
//! makes them (Marsaglia's polar method, the second value of each pair cached):
//!
//! ```text
//! repeat x1 = 2u - 1, x2 = 2u - 1, r² = x1² + x2²  until 0 < r² < 1
//! f = sqrt(-2 ln r² / r²);  return f·x2, keep f·x1 for the next call
//! ```
//! so `LegacyGauss::new(s)` filling an `(n, l)` block in C order is
//! `np.random.RandomState(s).normal(size=(n, l))`, the random test matrix of scikit-learn's
//! `randomized_svd(random_state=s)`.

use crate::matrix::DenseMatrix;
use crate::rng::Mt19937;

/// numpy's legacy Gaussian generator on top of [`Mt19937`].
#[derive(Debug, Clone)]
pub struct LegacyGauss {
    rng: Mt19937,
    cached: Option<f64>,
}

impl LegacyGauss {
    /// The generator after `np.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        LegacyGauss { rng: Mt19937::new(seed), cached: None }
    }

    /// One standard normal value.
    pub fn next_gauss(&mut self) -> f64 {
        if let Some(v) = self.cached.take() {
            return v;
        }
        loop {
            let x1 = 2.0 * self.rng.random_sample() - 1.0;
            let x2 = 2.0 * self.rng.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.cached = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// An `(n_rows, n_cols)` block filled in C order.
    pub fn matrix(&mut self, n_rows: usize, n_cols: usize) -> DenseMatrix {
        let data = (0..n_rows * n_cols).map(|_| self.next_gauss()).collect();
        DenseMatrix::from_vec(n_rows, n_cols, data).expect("n_rows · n_cols values")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_draws_match_numpy() {
        // np.random.RandomState(0).normal(size=3)
        let mut g = LegacyGauss::new(0);
        let got: Vec<f64> = (0..3).map(|_| g.next_gauss()).collect();
        let want = [1.764052345967664, 0.4001572083672233, 0.9787379841057392];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
    }
}
