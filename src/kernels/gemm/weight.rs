//! Storage types of the GEMM's operands: f32, f16 and bf16, each widening exactly to f32.
//!
//! ```text
//! f32   24 significant bits    the arithmetic of every path
//! f16   11 significant bits    u = 2⁻¹¹ ≈ 4.9e-4, range ±65504, subnormal below 6.1e-5
//! bf16   8 significant bits    u = 2⁻⁸ ≈ 3.9e-3, f32's range
//! ```
//!
//! Widening is exact, so a product of stored operands differs from the f32 product only by the
//! rounding done when they were stored: each value is off by at most u relatively (RMS ≈ 0.4·u),
//! and with independent signs the errors of a dot product add like a random walk, so the
//! relative error of C stays ≈ 0.4·u whatever k is (measured in `tests/kernels/half.rs`).
//! A leaf module: the kernels import it, it imports none of them.

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};

/// A storage type whose elements widen exactly to f32.
pub trait Weight: Copy + Send + Sync + 'static {
    /// `f32`, `f16` or `bf16`.
    const NAME: &'static str;
    /// Round an f32 to this type (nearest, ties to even).
    fn from_f32(x: f32) -> Self;
    /// The exact f32 value.
    fn to_f32(self) -> f32;
    /// `dst[i] = src[i].to_f32()` (vectorised where the type allows); equal lengths.
    fn widen(src: &[Self], dst: &mut [f32]);
    /// The slice itself when the type is f32 (code that only handles f32 uses it as is).
    fn as_f32(src: &[Self]) -> Option<&[f32]> {
        let _ = src;
        None
    }
    /// The bits of the slice when the type is bf16 (the bf16 units copy them as they are).
    fn as_bf16_bits(src: &[Self]) -> Option<&[u16]> {
        let _ = src;
        None
    }
    /// `b_format` of `shaders/gemm.wgsl`: 0 f32, 1 f16, 2 bf16.
    const GPU_FORMAT: u32;
    /// The raw bits of a 16-bit type (unused for f32).
    fn bits16(self) -> u16;
    /// The storage words the GEMM shader reads: f32 bits, or two 16-bit values per word,
    /// element 2i in the low half (a zero pads an odd length).
    fn gpu_words(src: &[Self]) -> Vec<u32> {
        src.chunks(2)
            .map(|p| p[0].bits16() as u32 | p.get(1).map_or(0, |x| x.bits16() as u32) << 16)
            .collect()
    }
}

impl Weight for f32 {
    const NAME: &'static str = "f32";
    fn from_f32(x: f32) -> Self {
        x
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self
    }
    #[inline(always)]
    fn widen(src: &[f32], dst: &mut [f32]) {
        dst.copy_from_slice(src);
    }
    fn as_f32(src: &[f32]) -> Option<&[f32]> {
        Some(src)
    }
    const GPU_FORMAT: u32 = 0;
    fn bits16(self) -> u16 {
        0
    }
    fn gpu_words(src: &[f32]) -> Vec<u32> {
        src.iter().map(|x| x.to_bits()).collect()
    }
}

/// The `Weight` impl of a 16-bit type of the `half` crate (identical but for the names).
macro_rules! half_weight {
    ($t:ident, $format:expr, $is_bf16:expr) => {
        impl Weight for $t {
            const NAME: &'static str = stringify!($t);
            fn from_f32(x: f32) -> Self {
                $t::from_f32(x)
            }
            #[inline(always)]
            fn to_f32(self) -> f32 {
                $t::to_f32(self)
            }
            #[inline(always)]
            fn widen(src: &[$t], dst: &mut [f32]) {
                src.convert_to_f32_slice(dst);
            }
            fn as_bf16_bits(src: &[$t]) -> Option<&[u16]> {
                $is_bf16.then(|| src.reinterpret_cast())
            }
            const GPU_FORMAT: u32 = $format;
            fn bits16(self) -> u16 {
                self.to_bits()
            }
        }
    };
}
half_weight!(f16, 1, false);
half_weight!(bf16, 2, true);

/// Round f32 values to `W` (the storage step whose error the module doc describes).
pub fn to_weights<W: Weight>(x: &[f32]) -> Vec<W> {
    x.iter().map(|&v| W::from_f32(v)).collect()
}

/// The bits of bf16(x), round to nearest even, NaN kept quiet: the `half` crate's rounding,
/// branch-free so that packing loops vectorise.
#[inline(always)]
pub(crate) fn bf16_bits(x: f32) -> u32 {
    let bits = x.to_bits();
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16;
    if x.is_nan() { (bits >> 16) | 0x40 } else { rounded }
}

/// bf16(x) as an f32: the value the bf16 kernels multiply.
#[inline(always)]
pub(crate) fn round_bf16(x: f32) -> f32 {
    f32::from_bits(bf16_bits(x) << 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_free_rounding_is_the_half_crates() {
        let specials = [0.0, -0.0, 1.0, f32::MAX, f32::MIN_POSITIVE, 1e-40, f32::INFINITY, f32::NEG_INFINITY];
        let mut rng = crate::rng::Mt19937::new(3);
        let randoms = (0..10_000).map(|_| f32::from_bits(rng.next_u32()));
        for x in specials.into_iter().chain(randoms) {
            let want = bf16::from_f32(x).to_bits() as u32;
            if x.is_nan() {
                assert!(bf16::from_bits(bf16_bits(x) as u16).is_nan(), "{x:e}");
            } else {
                assert_eq!(bf16_bits(x), want, "{x:e} ({:#010x})", x.to_bits());
                assert_eq!(round_bf16(x), bf16::from_f32(x).to_f32(), "{x:e}");
            }
        }
    }
}
