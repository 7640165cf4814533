//! What one product is: its shape ([`Gemm`]), what happens to each sum ([`Epilogue`]) and the
//! arithmetic ([`Precision`]). A leaf module: every variant of the family imports it, it imports
//! none of them.

use crate::error::{Error, Result};
use crate::kernels::Activation;

/// The shape of one product (see the [module doc](super) for the meaning of each field).
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
    pub fn a_strides(&self) -> (usize, usize) {
        if self.trans_a { (1, self.m) } else { (self.k, 1) }
    }

    /// (row stride, column stride) of op(B) in B's storage.
    pub fn b_strides(&self) -> (usize, usize) {
        if self.trans_b { (1, self.k) } else { (self.n, 1) }
    }

    /// `Ok` when `got` elements are the `want` the operand `name` needs.
    pub(crate) fn want(&self, name: &str, got: usize, want: usize) -> Result<()> {
        if got == want {
            Ok(())
        } else {
            Err(Error::Shape(format!("gemm {self:?}: `{name}` has {got} elements, expected {want}")))
        }
    }

    /// Check C and the bias against the shape (A and B are checked where they are read).
    pub(crate) fn check_output(&self, epilogue: &Epilogue<'_>, c: &[f32]) -> Result<()> {
        self.want("c", c.len(), self.m * self.n)?;
        match epilogue.bias {
            Some(bias) => self.want("bias", bias.len(), self.n),
            None => Ok(()),
        }
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

/// The arithmetic of a product (for a convolution, of its GEMM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f32 products and sums; f16/bf16 operands are widened to f32 exactly (every backend).
    #[default]
    F32,
    /// Both operands rounded to bf16 (nearest even), products exact, sums in f32: on Intel AMX
    /// tiles where the CPU has them, else on AVX512-BF16 `vdpbf16ps` pairs (SIMD CPU backend);
    /// the scalar backend is its reference (f64 sums). Relative error against f32 ≈ 2.1e-3 on
    /// uniform data, 7e-3 on VGG16's 13 layers.
    Bf16,
}

impl Precision {
    /// The name `--precision` takes and reports print.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let name = s.trim().to_ascii_lowercase();
        [Precision::F32, Precision::Bf16]
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| Error::param("precision", format!("`{name}` is not f32 or bf16")))
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
