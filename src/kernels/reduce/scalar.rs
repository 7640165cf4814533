//! The reference column sums: each column in f64, rows in order.

/// `out[j] = Σᵢ x[i][j]` for the n-wide rows of `x`.
pub fn column_sums(n: usize, x: &[f32], out: &mut [f32]) {
    let m = x.len().checked_div(n).unwrap_or(0);
    for j in 0..n {
        let mut sum = 0.0f64;
        for i in 0..m {
            sum += f64::from(x[i * n + j]);
        }
        out[j] = sum as f32;
    }
}
