//! A right operand packed once for many products ([`PackedB`]): a layer's weights, a
//! convolution's kernel. Packing decides the kernel that will read it.
//!
//! ```text
//! backend        precision   panels                         read by
//! Scalar, GPU    any         op(B) as a row-major (k, n)    scalar::gemm / gpu::gemm
//!                            f32 matrix (bf16-rounded values for Bf16 on the scalar backend)
//! Cpu { simd }   F32         NR-column f32 panels           simd (the level's micro-kernel)
//! Cpu            Bf16        VNNI bf16 tiles                amx            (AMX available)
//!                            NR-column bf16 pairs           simd + pairs   (AVX512-BF16)
//! ```
//! Cost: the panels hold k·n values (padded to the tile), as f32 or bf16.

use super::problem::{Gemm, Precision};
use super::simd::{self, F32};
use super::weight::{Weight, round_bf16};
use super::{amx, pairs};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::simd::SimdLevel;

/// op(B) (k × n) packed for one backend and precision (see the module doc).
#[derive(Debug, Clone)]
pub struct PackedB {
    pub(super) k: usize,
    pub(super) n: usize,
    pub(super) precision: Precision,
    pub(super) panels: Panels,
}

/// The layouts, one per kernel.
#[derive(Debug, Clone)]
pub(super) enum Panels {
    /// op(B) row-major (k, n), for the scalar reference and the GPU.
    Plain(Vec<f32>),
    /// The f32 micro-kernel's panels at a SIMD level.
    F32(SimdLevel, simd::LinePanels),
    /// AVX512-BF16 pairs ([`pairs`]).
    Pairs(simd::LinePanels),
    /// AMX tiles ([`amx`]).
    Tiles(amx::Tiles),
}

/// The CPU's bf16 units, fastest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bf16Unit {
    /// Intel AMX tiles (TDPBF16PS).
    Tiles,
    /// AVX512-BF16 `vdpbf16ps` pairs.
    Pairs,
}

impl Bf16Unit {
    /// Whether this unit runs here at `level`.
    pub(crate) fn available(self, level: SimdLevel) -> bool {
        match self {
            Bf16Unit::Tiles => amx::available(),
            Bf16Unit::Pairs => pairs::available(level),
        }
    }

    /// The fastest unit at `level`, or an error that names both.
    pub(crate) fn best(level: SimdLevel) -> Result<Bf16Unit> {
        if amx::available() {
            Ok(Bf16Unit::Tiles)
        } else if pairs::available(level) {
            Ok(Bf16Unit::Pairs)
        } else {
            Err(Error::param(
                "precision",
                format!(
                    "bf16 needs Intel AMX (AMX-TILE, AMX-BF16, Linux ≥ 5.16) or AVX512-BF16 at SIMD level \
                     avx512; this CPU at level `{level}` has neither"
                ),
            ))
        }
    }
}

impl Precision {
    /// `Ok` when this arithmetic runs on `backend` here: f32 everywhere, bf16 on a CPU backend
    /// with AMX or AVX512-BF16 (the error says which is missing).
    pub fn supported_on(self, backend: &Backend) -> Result<()> {
        match (self, backend) {
            (Precision::F32, _) | (Precision::Bf16, Backend::Scalar) => Ok(()),
            (Precision::Bf16, Backend::Cpu { simd, .. }) => Bf16Unit::best(*simd).map(|_| ()),
            (Precision::Bf16, Backend::Gpu(_)) => {
                Err(Error::param("precision", "bf16 arithmetic runs on the CPU, not on the GPU"))
            }
        }
    }
}

impl PackedB {
    /// Pack op(B) — shape (`g.k`, `g.n`), transposed if `g.trans_b`, stored as `W` — for
    /// [`gemm_packed`](super::gemm_packed) on `backend` in `precision` (`g.m` is unused).
    ///
    /// # Errors
    /// [`Error::Shape`] if `b` is not k·n long; [`Error::Param`] for bf16 on the GPU, or on a
    /// CPU with neither AMX nor AVX512-BF16.
    pub fn new<W: Weight>(backend: &Backend, precision: Precision, g: Gemm, b: &[W]) -> Result<PackedB> {
        g.want("b", b.len(), g.k * g.n)?;
        precision.supported_on(backend)?;
        let panels = match (backend, precision) {
            (Backend::Scalar, Precision::Bf16) => Panels::Plain(plain(g, b, round_bf16)),
            (Backend::Scalar | Backend::Gpu(_), _) => Panels::Plain(plain(g, b, |x| x)),
            (Backend::Cpu { simd, .. }, Precision::F32) => {
                Panels::F32(*simd, simd::pack_all(&F32(*simd), g, b))
            }
            (Backend::Cpu { simd, .. }, Precision::Bf16) => {
                return PackedB::bf16(Bf16Unit::best(*simd)?, g, b);
            }
        };
        Ok(PackedB { k: g.k, n: g.n, precision, panels })
    }

    /// Pack for one bf16 unit (which the caller found available): for timing one against
    /// the other.
    pub(crate) fn bf16<W: Weight>(unit: Bf16Unit, g: Gemm, b: &[W]) -> Result<PackedB> {
        g.want("b", b.len(), g.k * g.n)?;
        let panels = match unit {
            Bf16Unit::Tiles => Panels::Tiles(amx::pack(g, b)),
            Bf16Unit::Pairs => Panels::Pairs(simd::pack_all(&pairs::Pairs, g, b)),
        };
        Ok(PackedB { k: g.k, n: g.n, precision: Precision::Bf16, panels })
    }

    /// Whether B was packed for the AMX tiles.
    pub(crate) fn on_tiles(&self) -> bool {
        matches!(self.panels, Panels::Tiles(_))
    }

    /// Whether B was packed for the AVX512-BF16 pairs.
    pub(crate) fn on_pairs(&self) -> bool {
        matches!(self.panels, Panels::Pairs(_))
    }

    /// (k, n) of op(B).
    pub fn shape(&self) -> (usize, usize) {
        (self.k, self.n)
    }

    /// The arithmetic the products with this operand do.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The row-major (k, n) matrix of the scalar and GPU layouts.
    pub(crate) fn plain(&self) -> Option<&[f32]> {
        match &self.panels {
            Panels::Plain(b) => Some(b),
            _ => None,
        }
    }
}

/// op(B) as a row-major (k, n) f32 matrix, each value passed through `f`.
fn plain<W: Weight>(g: Gemm, b: &[W], f: impl Fn(f32) -> f32) -> Vec<f32> {
    let (rs, cs) = g.b_strides();
    let mut out = Vec::with_capacity(g.k * g.n);
    for p in 0..g.k {
        out.extend((0..g.n).map(|j| f(b[p * rs + j * cs].to_f32())));
    }
    out
}
