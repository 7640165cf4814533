//! Packing rows of A into a micro-kernel panel: a small transpose.
//!
//! ```text
//! rows[r][0..width]  (r < mr, each a slice of op(A) or of an im2col row; None = zeros)
//!        │ transpose
//!        ▼
//! dst[p·mr + r] = rows[r][p]          p < width ≤ 16
//! ```
//!
//! Every A element passes through here once per column block of C, so on AVX-512 it is a
//! register transpose of a 16 × 16 block (unpack pairs, then quads, then 128-bit lanes twice:
//! 64 shuffles for 256 floats) with masked loads and stores for the ragged edges, instead of
//! 256 scalar stores at stride mr. [`pack_rows_scalar`] is the reference the property tests
//! compare it with.

use crate::simd::SimdLevel;

/// Columns handled per call.
pub(crate) const WIDTH: usize = 16;

/// Transpose `width ≤ 16` columns of up to `mr ≤ 16` rows into `dst[p·mr + r]`; rows past
/// `rows.len()` and `None` rows are zeros. Each row slice holds at least `width` floats.
pub(crate) fn pack_rows(level: SimdLevel, rows: &[Option<&[f32]>], width: usize, mr: usize, dst: &mut [f32]) {
    debug_assert!(width <= WIDTH && mr <= WIDTH && rows.len() <= mr && dst.len() >= width * mr);
    debug_assert!(rows.iter().flatten().all(|row| row.len() >= width));
    #[cfg(target_arch = "x86_64")]
    if level == SimdLevel::Avx512 {
        // SAFETY: AVX-512F is available (the level says so); extents checked above.
        unsafe { x86::pack_rows(rows, width, mr, dst) };
        return;
    }
    let _ = level;
    pack_rows_scalar(rows, width, mr, dst);
}

/// The reference: one element at a time.
pub(crate) fn pack_rows_scalar(rows: &[Option<&[f32]>], width: usize, mr: usize, dst: &mut [f32]) {
    for (p, column) in dst.chunks_mut(mr).take(width).enumerate() {
        for (r, x) in column.iter_mut().enumerate() {
            *x = match rows.get(r) {
                Some(Some(row)) => row[p],
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
    /// AVX-512F is available; as [`super::pack_rows`]'s debug assertions.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn pack_rows(rows: &[Option<&[f32]>], width: usize, mr: usize, dst: &mut [f32]) {
        let load_mask: __mmask16 = ((1u32 << width) - 1) as u16;
        let store_mask: __mmask16 = ((1u32 << mr) - 1) as u16;
        // SAFETY (whole body): masked loads read `width` floats of each row, masked stores
        // write `mr` floats at p·mr for p < width; both within the slices' checked extents.
        unsafe {
            let mut v = [_mm512_setzero_ps(); WIDTH];
            for (slot, row) in v.iter_mut().zip(rows) {
                if let Some(row) = row {
                    *slot = _mm512_maskz_loadu_ps(load_mask, row.as_ptr());
                }
            }
            let v = transpose16(v);
            for (p, column) in v.iter().enumerate().take(width) {
                _mm512_mask_storeu_ps(dst.as_mut_ptr().add(p * mr), store_mask, *column);
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
        for mr in [4, 6, 14, 16] {
            for n_rows in 0..=mr {
                for width in 0..=WIDTH {
                    let rows: Vec<Option<&[f32]>> =
                        (0..n_rows).map(|r| if r == 3 { None } else { Some(&data[r][..]) }).collect();
                    let (mut want, mut got) = (vec![f32::NAN; WIDTH * mr], vec![f32::NAN; WIDTH * mr]);
                    pack_rows_scalar(&rows, width, mr, &mut want);
                    pack_rows(level, &rows, width, mr, &mut got);
                    let n = width * mr;
                    assert_eq!(got[..n], want[..n], "mr {mr}, rows {n_rows}, width {width}");
                    assert!(got[n..].iter().all(|x| x.is_nan()), "wrote past width {width}");
                }
            }
        }
    }
}
