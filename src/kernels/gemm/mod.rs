//! GEMM with optional transposes, half-precision operands, bf16 arithmetic and a bias +
//! activation epilogue.
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
//! Two entry points, the backend and the arithmetic chosen by arguments:
//!
//! - [`gemm`]`(backend, g, a: &[A], b: &[B], epilogue, c)` — stored operands, each f32, f16 or
//!   bf16 ([`Weight`], widened exactly), f32 products and sums.
//! - [`gemm_packed`]`(backend, g, a: &impl PanelSource, b: &PackedB, epilogue, c)` — B packed
//!   once by [`PackedB::new`]`(backend, precision, g, b)` for many products (layer weights, conv
//!   kernels); op(A) from any [`PanelSource`] (a stored matrix: [`Strided`]; an image: the
//!   convolution's implicit im2col). [`Precision::Bf16`] runs here: both operands rounded to
//!   bf16, f32 sums, on AMX tiles or AVX512-BF16 pairs.
//!
//! Variants, each a file: [`scalar`] is the triple loop with f64 sums (the reference); `simd`
//! is the BLIS algorithm — pack a k-slice of A into MR-row panels and of B into NR-column
//! panels, then a register-blocked MR × NR micro-kernel (`micro`: AVX-512, AVX2+FMA or
//! portable; `pairs`: AVX512-BF16) over tiles spread across cores (`tasks`); `amx` is the bf16
//! tile kernel; [`gpu`] is a workgroup-tiled WGSL kernel (double-buffered tiles, vec4 loads,
//! 8 × 8 register blocks, optional subgroup shuffles: [`gpu_tile`]) whose tile sizes are tuned
//! per adapter ([`gpu_tune`]); its [`gpu::encode`] records products on resident buffers.
//!
//! Layering (no cycles): `problem`, `weight` and `panel` are leaves (shapes, storage types,
//! the A-panel contract); `tasks`, `micro` and `transpose` serve the CPU drivers `simd`,
//! `pairs` and `amx`; `packed` picks a layout and so a driver; this file validates once and
//! dispatches. Callers outside the family use only what this file exports.
//!
//! Reference: F. Van Zee, R. van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS
//! Functionality", ACM TOMS 41(3), 2015, doi:10.1145/2764454; the micro-kernel style follows
//! bluss/matrixmultiply. Deviation from BLAS: C is overwritten (β = 0) and α = 1.
//!
//! Cost: 2·m·n·k flops; extra memory KC·min(n, NC) floats for a packed k-slice of B (kept per
//! thread between calls) and MR·KC per task for its A panel; a [`PackedB`] holds k·n values.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::gemm::{gemm, gemm_packed, Epilogue, Gemm, PackedB, Precision, Strided};
//! let (a, b) = ([1.0f32, 2.0, 3.0, 4.0], [1.0f32, 0.0, 0.0, 1.0]);
//! let mut c = [f32::NAN; 4];
//! gemm(&Backend::Scalar, Gemm::nn(2, 2, 2), &a, &b, Epilogue::default(), &mut c).unwrap();
//! assert_eq!(c, [1.0, 2.0, 3.0, 4.0]);
//! let g = Gemm::nn(2, 2, 2);
//! let packed = PackedB::new(&Backend::Scalar, Precision::Bf16, g, &b).unwrap();
//! gemm_packed(&Backend::Scalar, g, &Strided::of(g, &a[..]), &packed, Epilogue::default(), &mut c).unwrap();
//! assert_eq!(c, [1.0, 2.0, 3.0, 4.0]); // small integers are exact in bf16
//! ```

pub mod amx;
#[cfg(feature = "gpu")]
pub mod gpu;
#[cfg(feature = "gpu")]
pub mod gpu_tile;
#[cfg(feature = "gpu")]
pub mod gpu_tune;
mod micro;
mod packed;
mod pairs;
mod panel;
mod problem;
pub mod rows;
pub mod scalar;
mod simd;
mod tasks;
mod transpose;
mod weight;

pub(crate) use packed::Bf16Unit;
pub use packed::PackedB;
use packed::Panels;
pub(crate) use pairs::round_to_bf16;
pub use panel::{A_STRIDE, Panel, PanelSource, Strided, zero_rows};
pub use problem::{Epilogue, Gemm, Precision};
pub use rows::gemm_by_rows;
pub use weight::{Weight, to_weights};

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::on_gpu;

/// C = act(op(A)·op(B) + bias) on `backend`, A and B stored as f32, f16 or bf16 (widened
/// exactly; f32 products and sums).
///
/// # Shapes
/// `a`: m·k, `b`: k·n, `c`: m·n, `bias`: n (row-major; see [`Gemm`] for the transposes).
///
/// # Errors
/// [`Error::Shape`] if a length does not match; [`Error::Gpu`] if the GPU fails.
pub fn gemm<A: Weight, B: Weight>(
    backend: &Backend,
    g: Gemm,
    a: &[A],
    b: &[B],
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    g.want("a", a.len(), g.m * g.k)?;
    g.want("b", b.len(), g.k * g.n)?;
    g.check_output(&epilogue, c)?;
    match backend {
        Backend::Scalar => scalar::gemm(g, a, b, epilogue, c),
        Backend::Cpu { simd, par } => {
            let (unit, a) = (simd::F32(*simd), Strided::of(g, a));
            simd::blocked(&unit, *par, g, &a, simd::Right::<B, f32>::Stored(b), epilogue, c)
        }
        Backend::Gpu(ctx) => on_gpu!(ctx => match A::as_f32(a) {
            Some(a) => gpu::gemm(ctx, g, (a, b), epilogue, c)?,
            None => {
                let mut wide = vec![0.0f32; a.len()];
                A::widen(a, &mut wide);
                gpu::gemm(ctx, g, (&wide, b), epilogue, c)?
            }
        }),
    }
    Ok(())
}

/// C = act(op(A)·B + bias) on AMX tiles with op(A) read as bf16 rows ([`amx::TileRows`]),
/// C in f32 or rounded to bf16 ([`amx::TilesOut`]): `None` (nothing done) unless B was packed
/// for the tiles. Shapes as [`gemm_packed`].
///
/// # Errors
/// [`Error::Shape`] if `g` does not match B, C or the bias.
pub(crate) fn gemm_tile_rows<T: amx::TileRows>(
    par: crate::backend::Par,
    g: Gemm,
    a: &T,
    b: &PackedB,
    epilogue: Epilogue<'_>,
    c: amx::TilesOut<'_>,
) -> Result<Option<()>> {
    let Panels::Tiles(tiles) = &b.panels else { return Ok(None) };
    let g = Gemm::nn(g.m, g.n, g.k);
    if b.shape() != (g.k, g.n) {
        return Err(Error::Shape(format!("gemm {g:?}: B was packed as {:?} (k, n)", b.shape())));
    }
    match &c {
        amx::TilesOut::F32(c) => g.check_output(&epilogue, c)?,
        amx::TilesOut::Bf16(c) => g.want("c", c.len(), g.m * g.n)?,
        amx::TilesOut::Bf16Bordered(c, (h, w)) => {
            if h * w == 0 || !g.m.is_multiple_of(h * w) {
                return Err(Error::Shape(format!("gemm {g:?}: {} rows are not images of {h} × {w}", g.m)));
            }
            g.want("c", c.len(), g.m / (h * w) * (h + 2) * (w + 2) * g.n)?
        }
    }
    if let (amx::TilesOut::Bf16(_) | amx::TilesOut::Bf16Bordered(..), Some(bias)) = (&c, epilogue.bias) {
        g.want("bias", bias.len(), g.n)?;
    }
    amx::gemm_rows(par, g, (a, tiles), epilogue, c);
    Ok(Some(()))
}

/// C = act(op(A)·op(B) + bias) on `backend` with B packed by [`PackedB::new`] (whose
/// precision the product takes) and op(A) (`g.m` × `g.k`) read from `a`; `g.trans_a` and
/// `g.trans_b` are not used (the source and the packing fixed the layouts).
///
/// # Errors
/// [`Error::Shape`] if `g` does not match A, B, C or the bias; [`Error::Param`] if B was
/// packed for another backend or SIMD level; [`Error::Gpu`] if the GPU fails.
pub fn gemm_packed<A: PanelSource + ?Sized>(
    backend: &Backend,
    g: Gemm,
    a: &A,
    b: &PackedB,
    epilogue: Epilogue<'_>,
    c: &mut [f32],
) -> Result<()> {
    let g = Gemm::nn(g.m, g.n, g.k);
    if b.shape() != (g.k, g.n) {
        return Err(Error::Shape(format!("gemm {g:?}: B was packed as {:?} (k, n)", b.shape())));
    }
    a.check(g.m, g.k)?;
    g.check_output(&epilogue, c)?;
    let bf16 = b.precision() == Precision::Bf16;
    match (backend, &b.panels) {
        (Backend::Scalar, Panels::Plain(bp)) => {
            let mut rows = panel::materialise(a, g.m, g.k);
            if bf16 {
                rows.iter_mut().for_each(|x| *x = weight::round_bf16(*x));
            }
            scalar::gemm(g, &rows, bp, epilogue, c);
        }
        (Backend::Gpu(ctx), Panels::Plain(bp)) => {
            on_gpu!(ctx, bp => gpu::gemm(ctx, g, (&panel::materialise(a, g.m, g.k), bp), epilogue, c)?)
        }
        (Backend::Cpu { simd, par }, Panels::F32(level, bp)) if level == simd => simd::blocked(
            &simd::F32(*simd),
            *par,
            g,
            a,
            simd::Right::<f32, f32>::Packed(bp.as_slice()),
            epilogue,
            c,
        ),
        (Backend::Cpu { par, .. }, Panels::Pairs(bp)) => simd::blocked(
            &pairs::Pairs,
            *par,
            g,
            a,
            simd::Right::<f32, u32>::Packed(bp.as_slice()),
            epilogue,
            c,
        ),
        (Backend::Cpu { par, .. }, Panels::Tiles(bp)) => amx::gemm(*par, g, (a, bp), epilogue, c),
        (backend, _) => {
            return Err(Error::param(
                "backend",
                format!("B was packed for another backend than {}: pack it for this one", backend.name()),
            ));
        }
    }
    Ok(())
}
