//! Binary cross-entropy and Keras' binary accuracy.
//!
//! From logits z (stable for any z, as `tf.nn.sigmoid_cross_entropy_with_logits`):
//!
//! ```text
//! ℓ(z, t) = max(z, 0) − z·t + ln(1 + e^(−|z|))        loss = mean over all m·n cells
//! ∂loss/∂z = (σ(z) − t) / (m·n)
//! ```
//!
//! Keras 2.0 instead clips probabilities to [1e−7, 1 − 1e−7] and takes
//! −(t·ln p + (1 − t)·ln(1 − p)); [`bce_clipped`] is that formula, used for softmax outputs
//! (where no logit form exists) and to check the two agree (ALGORITHMS.md §11.3).

/// Keras' `_EPSILON` for the probability clip.
pub const CLIP_EPS: f64 = 1e-7;

/// Mean BCE of logits `z` against 0/1 targets `t`, accumulated in f64.
pub fn bce_from_logits(z: &[f32], t: &[f32]) -> f64 {
    let sum: f64 = z
        .iter()
        .zip(t)
        .map(|(&z, &t)| {
            let (z, t) = (f64::from(z), f64::from(t));
            z.max(0.0) - z * t + (-z.abs()).exp().ln_1p()
        })
        .sum();
    sum / z.len().max(1) as f64
}

/// Mean BCE of probabilities `p` (clipped to [ε, 1 − ε]) against targets `t`.
pub fn bce_clipped(p: &[f32], t: &[f32]) -> f64 {
    let sum: f64 = p
        .iter()
        .zip(t)
        .map(|(&p, &t)| {
            let (p, t) = (f64::from(p).clamp(CLIP_EPS, 1.0 - CLIP_EPS), f64::from(t));
            -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
        })
        .sum();
    sum / p.len().max(1) as f64
}

/// Keras 2.0 `binary_accuracy`: the fraction of cells where round(p) == t, with round half to
/// even (p = 0.5 → 0), i.e. predicted 1 iff p > 0.5.
pub fn binary_accuracy(p: &[f32], t: &[f32]) -> f64 {
    let hits = p.iter().zip(t).filter(|&(&p, &t)| (p > 0.5) == (t > 0.5)).count();
    hits as f64 / p.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logits_and_clipped_forms_agree() {
        let z = [-3.0f32, -0.5, 0.0, 0.7, 4.0];
        let t = [0.0f32, 1.0, 1.0, 0.0, 1.0];
        let p: Vec<f32> = z.iter().map(|&z| crate::kernels::sigmoid(z)).collect();
        // Clip only bites below 1e-7; here the forms differ by f32 rounding of p.
        assert!((bce_from_logits(&z, &t) - bce_clipped(&p, &t)).abs() < 1e-6);
        assert_eq!(binary_accuracy(&[0.5, 0.51, 0.2], &[0.0, 1.0, 1.0]), 2.0 / 3.0);
    }
}
