//! Tolerances shared by several tests, each with the reason for its size, and the error
//! measure they bound. A tolerance one test alone uses stays next to that test.

/// f32 results against an f64-accumulated (or differently ordered f32) reference,
/// ‖got − want‖/‖want‖: f32 rounding of sums of up to a few thousand terms stays ~1e-6.
pub const F32_REL: f64 = 1e-5;

/// A whole VGG16 base in f32 (13 layers, sums of up to 4,608 terms) against an f64 or a
/// torch-f32 reference: ~1e-6 per layer, and ReLU and max-pooling only keep or zero an error.
pub const F32_NETWORK_REL: f64 = 1e-4;

/// A whole VGG16 base with bf16 convolutions (AMX) against f32: every layer rounds its
/// input and weights to 8 significant bits; measured 7.0e-3 over 13 layers, bound 2⁻⁶.
pub const BF16_NETWORK_REL: f64 = 1.0 / 64.0;

/// f64 results a handful of roundings away from the exact value (probabilities summing to 1,
/// unit-norm rows, closed forms against scikit-learn): a few ulps, 1e-12 leaves room.
pub const F64_ROUNDING: f64 = 1e-12;

/// ‖got − want‖ / ‖want‖ accumulated in f64 (‖got − want‖ when `want` is all zeros): the error
/// measure of the tolerances above.
pub fn rel_error<G, W>(got: &[G], want: &[W]) -> f64
where
    G: Copy + Into<f64>,
    W: Copy + Into<f64>,
{
    assert_eq!(got.len(), want.len(), "rel_error: lengths differ");
    let (mut d2, mut r2) = (0.0f64, 0.0f64);
    for (&g, &w) in got.iter().zip(want) {
        let (g, w): (f64, f64) = (g.into(), w.into());
        d2 += (g - w).powi(2);
        r2 += w.powi(2);
    }
    if r2 > 0.0 { (d2 / r2).sqrt() } else { d2.sqrt() }
}
