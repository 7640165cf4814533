//! A small transpose for packing A panels from a column-major op(A) (the `tn` product).
//!
//! ```text
//! rows[i][0..width]   (i < lanes ≤ 16; None or missing = zeros)
//!        │ transpose
//!        ▼
//! dst[j·stride + i] = rows[i][j]          j < width ≤ 16
//! ```
//!
//! On AVX-512 it is a register transpose of a 16 × 16 block (unpack pairs, then quads, then
//! 128-bit lanes twice: 64 shuffles for 256 floats) with masked loads and stores for the
//! ragged edges, instead of 256 scalar stores. [`transpose_scalar`] is the reference the tests
//! compare it with.

use crate::simd::SimdLevel;

/// Columns handled per call.
pub(crate) const WIDTH: usize = 16;

/// Write `dst[j·stride + i] = rows[i][j]` for `j < width ≤ 16`, `i < lanes ≤ 16`; rows past
/// `rows.len()` and `None` rows give zeros. Each row slice holds at least `width` floats;
/// `dst` holds `(width − 1)·stride + lanes` floats.
pub(crate) fn transpose(
    level: SimdLevel,
    rows: &[Option<&[f32]>],
    width: usize,
    (lanes, stride): (usize, usize),
    dst: &mut [f32],
) {
    assert!(width <= WIDTH && lanes <= WIDTH && rows.len() <= lanes && lanes <= stride);
    assert!(width == 0 || dst.len() >= (width - 1) * stride + lanes);
    assert!(rows.iter().flatten().all(|row| row.len() >= width));
    #[cfg(target_arch = "x86_64")]
    if level == SimdLevel::Avx512 {
        // SAFETY: AVX-512F is available (the level says so); extents checked above.
        unsafe { x86::transpose(rows, width, (lanes, stride), dst) };
        return;
    }
    let _ = level;
    transpose_scalar(rows, width, (lanes, stride), dst);
}

/// The reference: one element at a time.
pub(crate) fn transpose_scalar(
    rows: &[Option<&[f32]>],
    width: usize,
    (lanes, stride): (usize, usize),
    dst: &mut [f32],
) {
    for j in 0..width {
        for (i, x) in dst[j * stride..j * stride + lanes].iter_mut().enumerate() {
            *x = match rows.get(i) {
                Some(Some(row)) => row[j],
                _ => 0.0,
            };
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::WIDTH;

    /// # Safety
    /// AVX-512F is available; as [`super::transpose`]'s assertions.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn transpose(
        rows: &[Option<&[f32]>],
        width: usize,
        (lanes, stride): (usize, usize),
        dst: &mut [f32],
    ) {
        let load_mask: __mmask16 = ((1u32 << width) - 1) as u16;
        let store_mask: __mmask16 = ((1u32 << lanes) - 1) as u16;
        // SAFETY (whole body): masked loads read `width` floats of each row, masked stores
        // write `lanes` floats at j·stride for j < width; both within the checked extents.
        unsafe {
            let mut v = [_mm512_setzero_ps(); WIDTH];
            for (slot, row) in v.iter_mut().zip(rows) {
                if let Some(row) = row {
                    *slot = _mm512_maskz_loadu_ps(load_mask, row.as_ptr());
                }
            }
            let v = transpose16(v);
            for (j, column) in v.iter().enumerate().take(width) {
                _mm512_mask_storeu_ps(dst.as_mut_ptr().add(j * stride), store_mask, *column);
            }
        }
    }

    /// Transpose a 16 × 16 block held as 16 row vectors.
    #[inline(always)]
    unsafe fn transpose16(r: [__m512; 16]) -> [__m512; 16] {
        // SAFETY: register-only shuffles; the caller has AVX-512F enabled.
        unsafe {
            // 1. Interleave pairs of rows: 2 × 2 blocks.
            let mut t = [_mm512_setzero_ps(); 16];
            for i in 0..8 {
                t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
                t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
            }
            // 2. Interleave pairs of pairs (as f64): 4 × 4 blocks within each 128-bit lane.
            let mut q = [_mm512_setzero_ps(); 16];
            for i in 0..4 {
                let (a, b, c, d) = (t[4 * i], t[4 * i + 1], t[4 * i + 2], t[4 * i + 3]);
                let pd = _mm512_castps_pd;
                q[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a), pd(c)));
                q[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a), pd(c)));
                q[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(b), pd(d)));
                q[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(b), pd(d)));
            }
            // 3. and 4. Exchange 128-bit lanes between row groups 4 and then 8 apart.
            let mut s = [_mm512_setzero_ps(); 16];
            for g in 0..2 {
                for i in 0..4 {
                    let (a, b) = (q[8 * g + i], q[8 * g + 4 + i]);
                    s[8 * g + i] = _mm512_shuffle_f32x4::<0x88>(a, b);
                    s[8 * g + 4 + i] = _mm512_shuffle_f32x4::<0xdd>(a, b);
                }
            }
            let mut out = [_mm512_setzero_ps(); 16];
            for i in 0..8 {
                out[i] = _mm512_shuffle_f32x4::<0x88>(s[i], s[8 + i]);
                out[8 + i] = _mm512_shuffle_f32x4::<0xdd>(s[i], s[8 + i]);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_width_and_height_matches_the_scalar_transpose() {
        let level = SimdLevel::detected();
        let data: Vec<Vec<f32>> = (0..16).map(|r| (0..16).map(|p| (r * 100 + p) as f32).collect()).collect();
        for (lanes, stride) in [(4, 4), (6, 6), (14, 14), (16, 16), (14, 20), (3, 37)] {
            for n_rows in 0..=lanes {
                for width in 0..=WIDTH {
                    let rows: Vec<Option<&[f32]>> =
                        (0..n_rows).map(|r| if r == 3 { None } else { Some(&data[r][..]) }).collect();
                    let len = WIDTH * stride;
                    let (mut want, mut got) = (vec![f32::NAN; len], vec![f32::NAN; len]);
                    transpose_scalar(&rows, width, (lanes, stride), &mut want);
                    transpose(level, &rows, width, (lanes, stride), &mut got);
                    let same = want.iter().zip(&got).all(|(a, b)| a == b || (a.is_nan() && b.is_nan()));
                    assert!(same, "lanes {lanes}, stride {stride}, rows {n_rows}, width {width}");
                    let written = got.iter().filter(|x| !x.is_nan()).count();
                    assert_eq!(written, width * lanes, "wrote outside the block");
                }
            }
        }
    }
}
