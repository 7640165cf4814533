//! x86-64 lane types for the generic micro-kernels: AVX2+FMA (8 lanes) and AVX-512F (16 lanes).
//!
//! Each method is `#[inline(always)]` so it is compiled inside the caller's
//! `#[target_feature]` function; calling one from code without that feature is undefined.

use std::arch::x86_64::*;

use super::Lanes;

/// 256-bit AVX2 + FMA.
pub(crate) struct Avx2;

// SAFETY: only instantiated inside `#[target_feature(enable = "avx2,fma")]` functions.
unsafe impl Lanes for Avx2 {
    type V = __m256;
    const W: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> __m256 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm256_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> __m256 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m256 {
        // SAFETY: the caller guarantees 8 readable floats at `p`; unaligned load.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m256) {
        // SAFETY: the caller guarantees 8 writable floats at `p`; unaligned store.
        unsafe { _mm256_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn add(a: __m256, b: __m256) -> __m256 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm256_add_ps(a, b) }
    }
    #[inline(always)]
    unsafe fn max(a: __m256, b: __m256) -> __m256 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm256_max_ps(a, b) }
    }
    #[inline(always)]
    unsafe fn fma(a: __m256, b: __m256, c: __m256) -> __m256 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm256_fmadd_ps(a, b, c) }
    }
}

/// 512-bit AVX-512 Foundation.
pub(crate) struct Avx512;

// SAFETY: only instantiated inside `#[target_feature(enable = "avx512f")]` functions.
unsafe impl Lanes for Avx512 {
    type V = __m512;
    const W: usize = 16;
    #[inline(always)]
    unsafe fn zero() -> __m512 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm512_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> __m512 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m512 {
        // SAFETY: the caller guarantees 16 readable floats at `p`; unaligned load.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m512) {
        // SAFETY: the caller guarantees 16 writable floats at `p`; unaligned store.
        unsafe { _mm512_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn add(a: __m512, b: __m512) -> __m512 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    unsafe fn max(a: __m512, b: __m512) -> __m512 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm512_max_ps(a, b) }
    }
    #[inline(always)]
    unsafe fn fma(a: __m512, b: __m512, c: __m512) -> __m512 {
        // SAFETY: called only with this level's features enabled (the `Lanes` contract).
        unsafe { _mm512_fmadd_ps(a, b, c) }
    }
}
