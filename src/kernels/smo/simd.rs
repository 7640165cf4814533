//! AVX-512F loops: 16 kernel values gathered per iteration (`vgatherdps`), the f64 work in
//! two halves of 8 lanes. The arg-max/min scans keep per lane the best value and the last
//! index that reached it, with the scalar comparison (`>=` / `<=`); the lanes are then reduced
//! to the best value with ties to the larger index — which is what one scalar pass returns —
//! and the tail (fewer than 16) runs the scalar loop from there. Only called on CPUs with
//! AVX-512F ([`crate::simd::SimdLevel::Avx512`]) and with every index inside the row.

#[cfg(not(target_arch = "x86_64"))]
use super::scalar;
use super::{Active, Best, Selection};

/// See [`super::step`].
#[allow(clippy::too_many_arguments)]
pub(super) fn step(
    row_j: &[f32],
    y_j: f32,
    active: Active<'_>,
    col_i: &[f32],
    d_i: f64,
    d_j: f64,
    g: &mut [f64],
) -> Best {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `Avx512` is only chosen on CPUs with AVX-512F, and the caller checked that
        // the row is shorter than 2³¹ and that the slices have one length.
        unsafe { x86::step(row_j, y_j, active, col_i, d_i, d_j, g) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    scalar::step(row_j, y_j, active, col_i, d_i, d_j, g, Best::MAX, 0)
}

/// See [`super::select`].
#[allow(clippy::too_many_arguments)]
pub(super) fn select(
    row_i: &[f32],
    y_i: f32,
    qd_i: f64,
    gmax: f64,
    active: Active<'_>,
    qd: &[f64],
    g: &[f64],
    col_i: &mut [f32],
) -> Selection {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: as in `step`.
        unsafe { x86::select(row_i, y_i, qd_i, gmax, active, qd, g, col_i) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    scalar::select(
        row_i,
        y_i,
        qd_i,
        gmax,
        active,
        qd,
        g,
        col_i,
        Selection { low: f64::NEG_INFINITY, j: Best::MIN },
        0,
    )
}

/// See [`super::add_column`].
pub(super) fn add_column(row_i: &[f32], y_i: f32, index: &[u32], ys: &[f32], c: f64, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: as in `step`.
        unsafe { x86::add_column(row_i, y_i, index, ys, c, out) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    scalar::add_column(row_i, y_i, index, ys, c, out)
}

/// Reduce per-lane bests `(value, index or −1)` to the best value (`better(v, best)`: strictly
/// better) with ties to the larger index.
#[cfg(target_arch = "x86_64")]
fn reduce(values: &[f64; 16], indices: &[i64; 16], better: impl Fn(f64, f64) -> bool, start: Best) -> Best {
    let mut best = start;
    for (&v, &i) in values.iter().zip(indices) {
        if i < 0 {
            continue;
        }
        let i = i as usize;
        if best.index.is_none() || better(v, best.value) || (v == best.value && Some(i) > best.index) {
            best = Best { value: v, index: Some(i) };
        }
    }
    best
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::super::TAU;
    use super::super::{Active, Best, Bound, Selection, scalar};
    use super::reduce;

    /// The low and high 8 f32 lanes of `v` widened to f64.
    #[inline(always)]
    unsafe fn widen(v: __m512) -> (__m512d, __m512d) {
        // SAFETY: register-only AVX-512F operations (the caller has the feature).
        unsafe {
            let lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
            let hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v))));
            (lo, hi)
        }
    }

    /// `v` with its sign flipped in the lanes of `mask` (exact negation, −0 included).
    #[inline(always)]
    unsafe fn negate(v: __m512d, mask: __mmask8) -> __m512d {
        // SAFETY: register-only AVX-512F operations (the caller has the feature).
        unsafe {
            let bits = _mm512_castpd_si512(v);
            _mm512_castsi512_pd(_mm512_mask_xor_epi64(bits, mask, bits, _mm512_set1_epi64(i64::MIN)))
        }
    }

    /// The lane numbers `k..k+8` as i64.
    #[inline(always)]
    unsafe fn lanes(k: usize) -> __m512i {
        // SAFETY: register-only AVX-512F operations (the caller has the feature).
        unsafe { _mm512_add_epi64(_mm512_set1_epi64(k as i64), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0)) }
    }

    /// A row to gather from: its start and its length in 16 u32 lanes.
    struct Row {
        ptr: *const f32,
        len: __m512i,
    }

    impl Row {
        /// `row` must be shorter than 2³¹ (the gathers' offsets are signed 32-bit).
        #[inline(always)]
        unsafe fn new(row: &[f32]) -> Row {
            // SAFETY: register-only AVX-512F operation (the caller has the feature).
            Row { ptr: row.as_ptr(), len: unsafe { _mm512_set1_epi32(row.len() as i32) } }
        }

        /// `row[index[k..k+16]]`; lanes whose index is outside the row read 0 and are added
        /// to `outside` (the caller then panics, as indexing would).
        #[inline(always)]
        unsafe fn gather16(&self, index: &[u32], k: usize, outside: &mut __mmask16) -> __m512 {
            // SAFETY: the caller guarantees k + 16 ≤ index.len(); only lanes with an index
            // below the row's length (< 2³¹) are read.
            unsafe {
                let idx = _mm512_loadu_si512(index.as_ptr().add(k) as *const _);
                let inside = _mm512_cmplt_epu32_mask(idx, self.len);
                *outside |= !inside;
                _mm512_mask_i32gather_ps::<4>(_mm512_setzero_ps(), inside, idx, self.ptr)
            }
        }
    }

    /// Lanes `k..k+16`: the gathered `y y_t K[r][index_t]`, the lanes with `y_t > 0`, and the
    /// status bytes widened to i32.
    #[inline(always)]
    unsafe fn load16(
        row: &Row,
        y: __m512,
        active: &Active<'_>,
        k: usize,
        outside: &mut __mmask16,
    ) -> (__m512, __mmask16, __m512i) {
        // SAFETY: the caller guarantees k + 16 ≤ a; `Bound` is one byte (`repr(u8)`).
        unsafe {
            let kv = row.gather16(active.index, k, outside);
            let ys = _mm512_loadu_ps(active.ys.as_ptr().add(k));
            let q = _mm512_mul_ps(_mm512_mul_ps(y, ys), kv);
            let positive = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(ys, _mm512_setzero_ps());
            let status =
                _mm512_cvtepu8_epi32(_mm_loadu_si128(active.status.as_ptr().add(k) as *const __m128i));
            (q, positive, status)
        }
    }

    /// Spill two halves of per-lane bests for [`reduce`].
    #[inline(always)]
    unsafe fn spill(v: [__m512d; 2], i: [__m512i; 2]) -> ([f64; 16], [i64; 16]) {
        let (mut values, mut indices) = ([0.0f64; 16], [0i64; 16]);
        // SAFETY: each store writes 8 lanes inside the 16-element arrays.
        unsafe {
            _mm512_storeu_pd(values.as_mut_ptr(), v[0]);
            _mm512_storeu_pd(values.as_mut_ptr().add(8), v[1]);
            _mm512_storeu_si512(indices.as_mut_ptr() as *mut _, i[0]);
            _mm512_storeu_si512(indices.as_mut_ptr().add(8) as *mut _, i[1]);
        }
        (values, indices)
    }

    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn step(
        row_j: &[f32],
        y_j: f32,
        active: Active<'_>,
        col_i: &[f32],
        d_i: f64,
        d_j: f64,
        g: &mut [f64],
    ) -> Best {
        let a = g.len();
        let body = a / 16 * 16;
        let (vy, vdi, vdj) = (_mm512_set1_ps(y_j), _mm512_set1_pd(d_i), _mm512_set1_pd(d_j));
        // Not in I_up: Upper for y = +1, Lower for y = −1.
        let (upper, lower) = (_mm512_set1_epi32(Bound::Upper as i32), _mm512_set1_epi32(Bound::Lower as i32));
        let mut best = [_mm512_set1_pd(f64::NEG_INFINITY); 2];
        let mut best_idx = [_mm512_set1_epi64(-1); 2];
        // SAFETY: the caller checked row_j.len() < 2³¹.
        let (row, mut outside) = (unsafe { Row::new(row_j) }, 0);
        let mut k = 0;
        while k < body {
            // SAFETY: k + 16 ≤ a for every slice of length a; gathers are bounds-masked.
            unsafe {
                let (q, positive, status) = load16(&row, vy, &active, k, &mut outside);
                let in_up = _mm512_cmpneq_epi32_mask(status, _mm512_mask_blend_epi32(positive, lower, upper));
                let (ci, qj) = (widen(_mm512_loadu_ps(col_i.as_ptr().add(k))), widen(q));
                for (h, (ci, qj)) in [(ci.0, qj.0), (ci.1, qj.1)].into_iter().enumerate() {
                    let at = k + 8 * h;
                    let gp = g.as_mut_ptr().add(at);
                    let change = _mm512_add_pd(_mm512_mul_pd(ci, vdi), _mm512_mul_pd(qj, vdj));
                    let gk = _mm512_add_pd(_mm512_loadu_pd(gp), change);
                    _mm512_storeu_pd(gp, gk);
                    let up_value = negate(gk, (positive >> (8 * h)) as __mmask8);
                    let take = ((in_up >> (8 * h)) as __mmask8)
                        & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(up_value, best[h]);
                    best[h] = _mm512_mask_mov_pd(best[h], take, up_value);
                    best_idx[h] = _mm512_mask_mov_epi64(best_idx[h], take, lanes(at));
                }
            }
            k += 16;
        }
        assert_eq!(outside, 0, "smo::step: an index is outside the kernel row");
        // SAFETY: register spills into local arrays.
        let (values, indices) = unsafe { spill(best, best_idx) };
        let up = reduce(&values, &indices, |v, b| v > b, Best::MAX);
        let tail =
            Active { index: &active.index[body..], ys: &active.ys[body..], status: &active.status[body..] };
        scalar::step(row_j, y_j, tail, &col_i[body..], d_i, d_j, &mut g[body..], up, body)
    }

    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn select(
        row_i: &[f32],
        y_i: f32,
        qd_i: f64,
        gmax: f64,
        active: Active<'_>,
        qd: &[f64],
        g: &[f64],
        col_i: &mut [f32],
    ) -> Selection {
        let a = g.len();
        let body = a / 16 * 16;
        let vy = _mm512_set1_ps(y_i);
        let (two_y_i, vqd_i, vgmax) =
            (_mm512_set1_pd(2.0 * f64::from(y_i)), _mm512_set1_pd(qd_i), _mm512_set1_pd(gmax));
        let (zero, tau) = (_mm512_setzero_pd(), _mm512_set1_pd(TAU));
        // Not in I_low: Lower for y = +1, Upper for y = −1.
        let (upper, lower) = (_mm512_set1_epi32(Bound::Upper as i32), _mm512_set1_epi32(Bound::Lower as i32));
        let mut low = [_mm512_set1_pd(f64::NEG_INFINITY); 2];
        let mut low_idx = [_mm512_set1_epi64(-1); 2];
        let mut obj = [_mm512_set1_pd(f64::INFINITY); 2];
        let mut obj_idx = [_mm512_set1_epi64(-1); 2];
        // SAFETY: the caller checked row_i.len() < 2³¹.
        let (row, mut outside) = (unsafe { Row::new(row_i) }, 0);
        let mut t = 0;
        while t < body {
            // SAFETY: t + 16 ≤ a for every slice of length a; gathers are bounds-masked.
            unsafe {
                let (q, positive, status) = load16(&row, vy, &active, t, &mut outside);
                _mm512_storeu_ps(col_i.as_mut_ptr().add(t), q);
                let in_low =
                    _mm512_cmpneq_epi32_mask(status, _mm512_mask_blend_epi32(positive, upper, lower));
                let q = widen(q);
                for (h, q) in [q.0, q.1].into_iter().enumerate() {
                    let at = t + 8 * h;
                    let pos = (positive >> (8 * h)) as __mmask8;
                    let in_low = (in_low >> (8 * h)) as __mmask8;
                    // y_t g_t.
                    let low_value = negate(_mm512_loadu_pd(g.as_ptr().add(at)), !pos);
                    let take = in_low & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(low_value, low[h]);
                    low[h] = _mm512_mask_mov_pd(low[h], take, low_value);
                    low_idx[h] = _mm512_mask_mov_epi64(low_idx[h], take, lanes(at));
                    let grad_diff = _mm512_add_pd(vgmax, low_value);
                    let violating = in_low & _mm512_cmp_pd_mask::<_CMP_GT_OQ>(grad_diff, zero);
                    // Q_ii + Q_tt ∓ 2 y_i q_t as (Q_ii + Q_tt) + (∓ 2 y_i q_t): a − b is a + (−b).
                    let quad = _mm512_add_pd(
                        _mm512_add_pd(vqd_i, _mm512_loadu_pd(qd.as_ptr().add(at))),
                        negate(_mm512_mul_pd(two_y_i, q), pos),
                    );
                    let curvature =
                        _mm512_mask_mov_pd(tau, _mm512_cmp_pd_mask::<_CMP_GT_OQ>(quad, zero), quad);
                    let obj_diff =
                        _mm512_div_pd(negate(_mm512_mul_pd(grad_diff, grad_diff), 0xff), curvature);
                    let take = violating & _mm512_cmp_pd_mask::<_CMP_LE_OQ>(obj_diff, obj[h]);
                    obj[h] = _mm512_mask_mov_pd(obj[h], take, obj_diff);
                    obj_idx[h] = _mm512_mask_mov_epi64(obj_idx[h], take, lanes(at));
                }
            }
            t += 16;
        }
        assert_eq!(outside, 0, "smo::select: an index is outside the kernel row");
        // SAFETY: register spills into local arrays.
        let ((lv, li), (ov, oi)) = unsafe { (spill(low, low_idx), spill(obj, obj_idx)) };
        let low = reduce(&lv, &li, |v, b| v > b, Best::MAX).value;
        let j = reduce(&ov, &oi, |v, b| v < b, Best::MIN);
        let tail =
            Active { index: &active.index[body..], ys: &active.ys[body..], status: &active.status[body..] };
        let state = Selection { low, j };
        scalar::select(row_i, y_i, qd_i, gmax, tail, &qd[body..], &g[body..], &mut col_i[body..], state, body)
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn add_column(
        row_i: &[f32],
        y_i: f32,
        index: &[u32],
        ys: &[f32],
        c: f64,
        out: &mut [f64],
    ) {
        let len = out.len();
        let body = len / 16 * 16;
        let (vy, vc) = (_mm512_set1_ps(y_i), _mm512_set1_pd(c));
        // SAFETY: the caller checked row_i.len() < 2³¹.
        let (row, mut outside) = (unsafe { Row::new(row_i) }, 0);
        let mut k = 0;
        while k < body {
            // SAFETY: k + 16 ≤ len for every slice; gathers are bounds-masked.
            unsafe {
                let kv = row.gather16(index, k, &mut outside);
                let q = widen(_mm512_mul_ps(_mm512_mul_ps(vy, _mm512_loadu_ps(ys.as_ptr().add(k))), kv));
                for (h, q) in [q.0, q.1].into_iter().enumerate() {
                    let op = out.as_mut_ptr().add(k + 8 * h);
                    _mm512_storeu_pd(op, _mm512_add_pd(_mm512_loadu_pd(op), _mm512_mul_pd(vc, q)));
                }
            }
            k += 16;
        }
        assert_eq!(outside, 0, "smo::add_column: an index is outside the kernel row");
        scalar::add_column(row_i, y_i, &index[body..], &ys[body..], c, &mut out[body..]);
    }
}
