//! SGEMM with optional transposes and a bias + activation epilogue.
//!
//! ```text
//! C = act(op(A) · op(B) + 1·biasᵀ)        C: (m, n)
//! op(A): (m, k) — A stored (m, k), or (k, m) when trans_a
//! op(B): (k, n) — B stored (k, n), or (n, k) when trans_b
//! C[i][j] = act(Σₚ op(A)[i][p] · op(B)[p][j] + bias[j])
//! ```
//!
//! The three products of a dense layer's forward and backward pass are all of this form:
//! Z = X·W + b (`nn`), ∂X = ∂Z·Wᵀ (`nt`), ∂W = Xᵀ·∂Z (`tn`).
//!
//! Variants: [`scalar::gemm`] is the triple loop with f64 accumulation (the reference);
//! [`simd::gemm`] is the BLIS algorithm — pack a k-slice of A into MR-row panels and of B into
//! NR-column panels, then a register-blocked MR × NR micro-kernel (AVX-512, AVX2+FMA or portable)
//! over tiles spread across cores; [`gpu::gemm`] is a 128 × 128 workgroup-tiled WGSL kernel with 8 × 8 register blocks.
//! Reduced precision: [`half`] (f16/bf16 storage, f32 arithmetic), [`dot_bf16`] (AVX512-BF16
//! pairs) and [`amx`] (bf16 on Intel AMX tiles, the fast one).
//!
//! Reference: F. Van Zee, R. van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS
//! Functionality", ACM TOMS 41(3), 2015, doi:10.1145/2764454; the micro-kernel style follows
//! bluss/matrixmultiply. Deviation from BLAS: C is overwritten (β = 0) and α = 1.
//!
//! Cost: 2·m·n·k flops; extra memory KC·min(n, NC) floats for a packed k-slice of B (kept per
//! thread between calls) and MR·KC per task for its A panel.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::gemm::{gemm, Epilogue, Gemm};
//! let (a, b) = ([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 0.0, 1.0]);
//! let mut c = [f32::NAN; 4];
//! gemm(&Backend::Scalar, Gemm::nn(2, 2, 2), &a, &b, Epilogue::default(), &mut c).unwrap();
//! assert_eq!(c, [1.0, 2.0, 3.0, 4.0]);
//! ```

pub mod amx;
pub mod dot_bf16;
pub mod gpu;
pub mod half;
mod micro;
mod pack;
pub mod scalar;
pub mod simd;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::Activation;

/// The shape of one product (see the module doc for the meaning of each field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gemm {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub trans_a: bool,
    pub trans_b: bool,
}

impl Gemm {
    /// C = A·B.
    pub fn nn(m: usize, n: usize, k: usize) -> Gemm {
        Gemm { m, n, k, trans_a: false, trans_b: false }
    }

    /// C = A·Bᵀ (B stored (n, k)).
    pub fn nt(m: usize, n: usize, k: usize) -> Gemm {
        Gemm { m, n, k, trans_a: false, trans_b: true }
    }

    /// C = Aᵀ·B (A stored (k, m)).
    pub fn tn(m: usize, n: usize, k: usize) -> Gemm {
        Gemm { m, n, k, trans_a: true, trans_b: false }
    }

    /// 2·m·n·k.
    pub fn flops(&self) -> f64 {
        2.0 * self.m as f64 * self.n as f64 * self.k as f64
    }

    /// (row stride, column stride) of op(A) in A's storage.
    pub(crate) fn a_strides(&self) -> (usize, usize) {
        if self.trans_a { (1, self.m) } else { (self.k, 1) }
    }

    /// (row stride, column stride) of op(B) in B's storage.
    pub(crate) fn b_strides(&self) -> (usize, usize) {
        if self.trans_b { (1, self.k) } else { (self.n, 1) }
    }

    fn check(&self, a_len: usize, b_len: usize, epilogue: &Epilogue<'_>, c: &[f32]) -> Result<()> {
        let want = |name: &str, got: usize, want: usize| {
            if got == want {
                Ok(())
            } else {
                Err(Error::Shape(format!("gemm {self:?}: `{name}` has {got} elements, expected {want}")))
            }
        };
        want("a", a_len, self.m * self.k)?;
        want("b", b_len, self.k * self.n)?;
        want("c", c.len(), self.m * self.n)?;
        if let Some(bias) = epilogue.bias {
            want("bias", bias.len(), self.n)?;
        }
        Ok(())
    }
}

/// What happens to each output after the sum: `act(sum + bias[j])`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Epilogue<'a> {
    /// One value per output column, or none.
    pub bias: Option<&'a [f32]>,
    pub activation: Activation,
}

impl Epilogue<'_> {
    #[inline(always)]
    pub(crate) fn apply(&self, j: usize, x: f32) -> f32 {
        let x = match self.bias {
            Some(bias) => x + bias[j],
            None => x,
        };
        self.activation.apply(x)
    }
}

/// C = act(op(A)·op(B) + bias) on `backend`.
///
/// # Shapes
/// `a`: m·k, `b`: k·n, `c`: m·n, `bias`: n (row-major; see [`Gemm`] for the transposes).
///
/// # Errors
/// [`Error::Shape`] if a length does not match; [`Error::Gpu`] if the GPU fails.
pub fn gemm(
    backend: &Backend,
    g: Gemm,
    a: &[f32],
    b: &[f32],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    g.check(a.len(), b.len(), &epilogue, c)?;
    match backend {
        Backend::Scalar => scalar::gemm(g, a, b, epilogue, c),
        Backend::Cpu { simd, par } => simd::gemm(*simd, *par, g, a, b, epilogue, c),
        Backend::Gpu(ctx) => gpu::gemm(ctx, g, a, b, epilogue, c)?,
    }
    Ok(())
}
