//! numpy's pairwise summation, reproduced operation for operation.
//!
//! `np.sum` over a contiguous `float64` axis does not add left to right: it splits the input
//! in halves down to blocks of at most 128 values, and sums each block with eight running
//! partial sums (numpy `loops_utils.h.src`, `pairwise_sum_DOUBLE`):
//!
//! ```text
//! n < 8        : ((a0 + a1) + a2) + …                     left to right
//! n ≤ 128      : r[k] = a[k] + a[k+8] + a[k+16] + …       k = 0..8, for the first n − n mod 8
//!                ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)), then the tail left to right
//! n > 128      : half = n/2 rounded down to a multiple of 8; sum(a[..half]) + sum(a[half..])
//! ```
//! Using the same order makes results bit-identical to numpy's, which matters where
//! scikit-learn normalises with a row sum (naive Bayes' `feature_log_prob_`).
//!
//! ```
//! use cinegenre::matrix::pairwise_sum;
//! let xs: Vec<f64> = (0..1000).map(|i| 0.1 * i as f64).collect();
//! assert!((pairwise_sum(&xs) - 49950.0).abs() < 1e-9);
//! ```

const BLOCK: usize = 128;

/// Sum `a` in numpy's pairwise order.
pub fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for chunk in a[8..whole].chunks_exact(8) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += x;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[whole..] {
            res += x;
        }
        res
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inputs_add_left_to_right() {
        assert_eq!(pairwise_sum(&[]), 0.0);
        assert_eq!(pairwise_sum(&[1e16, 1.0, -1e16]), (1e16 + 1.0) - 1e16);
    }

    #[test]
    fn matches_values_printed_by_numpy() {
        // numpy 2.4.6: np.sum([0.1] * 10), np.sum([0.1] * 16), np.sum(np.arange(1, 20) / 7);
        // Python's sequential sum() differs on all three.
        assert_eq!(pairwise_sum(&[0.1; 10]), 1.0);
        assert_eq!(pairwise_sum(&[0.1; 16]), 1.6);
        let sevenths: Vec<f64> = (1..20).map(|i| i as f64 / 7.0).collect();
        assert_eq!(pairwise_sum(&sevenths), 27.142857142857146);
        assert_eq!(sevenths.iter().sum::<f64>(), 27.142857142857142);
    }

    #[test]
    fn blocks_use_eight_partial_sums() {
        // 1e16 + 1 loses the 1 left to right, but the partial sums keep it apart.
        let mut a = vec![0.0; 16];
        a[0] = 1e16;
        a[1] = 1.0;
        a[9] = 1.0;
        a[8] = -1e16;
        assert_eq!(pairwise_sum(&a), 2.0);
    }
}
