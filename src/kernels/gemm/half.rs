//! GEMM with half-precision weights: C(f32) = act(op(A)(f32) · op(B)(f16 or bf16) + bias).
//!
//! ```text
//! C[i][j] = act(Σₚ A[i][p] · widen(B[p][j]) + bias[j])     widen: f16/bf16 → f32, exact
//! ```
//!
//! The common inference case: weights stored in half precision (VGG16's 25088 × 4096 layers or
//! the poster MLP's 25088 × 1024 take half the memory and half the bandwidth), activations and
//! accumulation in f32. Widening is exact, so the only error against an f32 GEMM is the
//! rounding of the weights when they were stored: bf16 keeps 8 significant bits (unit roundoff
//! u = 2⁻⁸ ≈ 3.9e-3), f16 keeps 11 (u = 2⁻¹¹ ≈ 4.9e-4; range ±65504, subnormal below 6.1e-5).
//! Each weight is off by at most u relatively (RMS ≈ u/√3 times the mean of 1/mantissa, ≈ 0.4·u);
//! with independent signs the errors of a dot product add like a random walk, so the relative
//! error of C stays ≈ 0.4·u whatever k is — not k·u.
//!
//! Measured (`tests/kernels/half.rs`, uniform [−1, 1) data, ‖C_half − C_f32‖/‖C_f32‖ against
//! the f64-summed f32 product):
//!
//! | shape (m × k · k × n)      | bf16    | f16     |
//! |----------------------------|---------|---------|
//! | 64 × 4096 · 4096 × 256     | 1.47e-3 | 1.84e-4 |
//! | 33 × 300 · 300 × 70        | 1.44e-3 | 1.81e-4 |
//!
//! Variants: [`scalar`](super::scalar::gemm) (each weight widened, f64 sums) is the reference;
//! the SIMD path widens B while packing each KC × NR panel (once per k-slice, vectorised
//! conversions from the `half` crate) and then runs the unchanged f32 micro-kernel, so the
//! half and f32 paths share every line of the blocked algorithm. On the GPU the weights are
//! uploaded as stored, two per 32-bit word, and the GEMM shader widens them while filling its
//! workgroup tiles (`unpack2x16float` for f16, a shift for bf16): core WGSL, so it runs on
//! every adapter, `shader-f16` or not. f16 *arithmetic* is not used: the f32 sums are the
//! accuracy contract of this module.
//!
//! Activations may be stored in half precision too ([`gemm_stored`]): the SIMD path widens
//! A's panels while packing them, so the micro-kernel is again the f32 one; with bf16 A and B
//! the error is 2.1e-3 on the first shape above (√2 × the weight-only error, as the two
//! roundings add in quadrature). Multiplying bf16 *pairs* with AVX512-BF16 `vdpbf16ps` is
//! [`super::dot_bf16`]: the same error, but it runs slower than the f32 kernel on the CPUs
//! measured, so nothing uses it by default.
//!
//! Cost: 2·m·n·k flops as the f32 GEMM; B's memory k·n·2 bytes instead of k·n·4; conversion
//! adds k·n widenings per row block of A (m / MC times — none of it in the inner loop).
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::gemm::half::{gemm_half, to_weights};
//! use cinegenre::kernels::gemm::{Epilogue, Gemm};
//! use half::bf16;
//! let b: Vec<bf16> = to_weights(&[1.0, 0.0, 0.0, 1.0]);
//! let mut c = [f32::NAN; 4];
//! gemm_half(&Backend::Scalar, Gemm::nn(2, 2, 2), &[1.0, 2.0, 3.0, 4.0], &b, Default::default(), &mut c)
//!     .unwrap();
//! assert_eq!(c, [1.0, 2.0, 3.0, 4.0]);
//! ```

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};

use super::{Epilogue, Gemm};
use crate::backend::Backend;
use crate::error::{Error, Result};

/// A storage type for B whose elements widen exactly to f32.
pub trait Weight: Copy + Send + Sync + 'static {
    /// `f32`, `f16` or `bf16`.
    const NAME: &'static str;
    /// Round an f32 to this type (nearest, ties to even).
    fn from_f32(x: f32) -> Self;
    /// The exact f32 value.
    fn to_f32(self) -> f32;
    /// `dst[i] = src[i].to_f32()` (vectorised where the type allows); equal lengths.
    fn widen(src: &[Self], dst: &mut [f32]);
    /// The slice itself when the type is f32 (kernels that only handle f32 use it as is).
    fn as_f32(src: &[Self]) -> Option<&[f32]> {
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

impl Weight for f16 {
    const NAME: &'static str = "f16";
    fn from_f32(x: f32) -> Self {
        f16::from_f32(x)
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        f16::to_f32(self)
    }
    #[inline(always)]
    fn widen(src: &[f16], dst: &mut [f32]) {
        src.convert_to_f32_slice(dst);
    }
    const GPU_FORMAT: u32 = 1;
    fn bits16(self) -> u16 {
        self.to_bits()
    }
}

impl Weight for bf16 {
    const NAME: &'static str = "bf16";
    fn from_f32(x: f32) -> Self {
        bf16::from_f32(x)
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
    #[inline(always)]
    fn widen(src: &[bf16], dst: &mut [f32]) {
        src.convert_to_f32_slice(dst);
    }
    const GPU_FORMAT: u32 = 2;
    fn bits16(self) -> u16 {
        self.to_bits()
    }
}

/// Round f32 weights to `W` (the storage step whose error the module doc measures).
pub fn to_weights<W: Weight>(x: &[f32]) -> Vec<W> {
    x.iter().map(|&v| W::from_f32(v)).collect()
}

/// The storage type of B, as the user names it (`--dtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    F32,
    F16,
    Bf16,
    /// Both operands rounded to bf16 and multiplied in pairs ([`super::dot_bf16`]).
    Bf16Dot,
    /// Both operands rounded to bf16, multiplied on AMX tiles ([`super::amx`]).
    Bf16Amx,
}

impl std::str::FromStr for Dtype {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f32" => Ok(Dtype::F32),
            "f16" => Ok(Dtype::F16),
            "bf16" => Ok(Dtype::Bf16),
            "bf16-dot" | "bf16dot" => Ok(Dtype::Bf16Dot),
            "bf16-amx" | "bf16amx" => Ok(Dtype::Bf16Amx),
            other => Err(Error::param(
                "dtype",
                format!("`{other}` is not one of f32, f16, bf16, bf16-dot, bf16-amx"),
            )),
        }
    }
}

impl std::fmt::Display for Dtype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dtype::F32 => f32::NAME,
            Dtype::F16 => f16::NAME,
            Dtype::Bf16 => bf16::NAME,
            Dtype::Bf16Dot => "bf16-dot",
            Dtype::Bf16Amx => "bf16-amx",
        })
    }
}

/// C = act(op(A)·op(B) + bias) with B stored as `W` on `backend`.
///
/// # Shapes
/// As [`gemm`](super::gemm): `a`: m·k, `b`: k·n, `c`: m·n, `bias`: n.
///
/// # Errors
/// [`Error::Shape`] if a length does not match; [`Error::Gpu`] if the GPU fails.
pub fn gemm_half<W: Weight>(
    backend: &Backend,
    g: Gemm,
    a: &[f32],
    b: &[W],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    g.check(a.len(), b.len(), &epilogue, c)?;
    match backend {
        Backend::Scalar => super::scalar::gemm(g, a, b, epilogue, c),
        Backend::Cpu { simd, par } => super::simd::gemm(*simd, *par, g, a, b, epilogue, c),
        Backend::Gpu(ctx) => super::gpu::gemm(ctx, g, a, b, epilogue, c)?,
    }
    Ok(())
}

/// C = act(op(A)·op(B) + bias) with A stored as `A` and B as `B` (each f32, f16 or bf16) on
/// `backend`: half-precision activations as well as weights, f32 sums.
///
/// Widening is exact, so the result is the f32 GEMM of the widened operands; the only error
/// against f32 storage is the rounding of each operand when it was stored (for bf16 A and B
/// about √2 × the weight-only error in the module doc's table). On the SIMD CPU path A's
/// panels are widened while they are packed, so a half A is read at half the bandwidth; the
/// scalar reference and the GPU widen A on the host first (the GPU keeps reading B as stored).
///
/// # Errors
/// As [`gemm_half`].
pub fn gemm_stored<A: Weight, B: Weight>(
    backend: &Backend,
    g: Gemm,
    a: &[A],
    b: &[B],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    g.check(a.len(), b.len(), &epilogue, c)?;
    match backend {
        Backend::Cpu { simd, par } => {
            let (rs, cs) = g.a_strides();
            super::simd::gemm_from(
                *simd,
                *par,
                g,
                &super::simd::Strided::new(a, rs, cs, *simd),
                b,
                epilogue,
                c,
            );
        }
        _ => {
            let mut wide = vec![0.0f32; a.len()];
            A::widen(a, &mut wide);
            gemm_half(backend, g, &wide, b, epilogue, c)?;
        }
    }
    Ok(())
}
