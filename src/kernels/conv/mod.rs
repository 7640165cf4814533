//! The two layers of a VGG base, in NHWC: 3×3 same-padded convolution with bias and fused ReLU,
//! and 2×2 stride-2 max-pool.
//!
//! ```text
//! conv:  y[n,h,w,o] = relu(b[o] + Σ_{dh,dw∈0..3} Σ_i x[n, h+dh−1, w+dw−1, i] · K[dh,dw,i,o])
//!        x outside the image is 0; K is HWIO (3, 3, c, o)
//! pool:  y[n,h,w,c] = max_{a,b∈0..2} x[n, 2h+a, 2w+b, c],  h < ⌊H/2⌋, w < ⌊W/2⌋
//! ```
//! Legend: n images, H×W spatial, c input channels, o output channels.
//!
//! A convolution is a GEMM in disguise: with the im2col matrix
//! `A[(n,h,w)][(dh·3+dw)·c + i] = x[n, h+dh−1, w+dw−1, i]` (m = n·H·W rows, k = 9c columns)
//! and the HWIO kernel read as a (9c, o) matrix K, `Y = relu(A·K + b)` — row-major (m, o) is
//! exactly NHWC.
//!
//! Entry points: [`conv3x3_relu`] (f32, kernel as stored), and for a network that runs each
//! layer many times [`pack_kernel`]`(backend, precision, …)` once then [`conv3x3_relu_packed`]
//! (f32 or bf16, [`Precision`]; direct or Winograd, [`Algorithm`]); [`maxpool2x2`]; and
//! [`conv3x3_relu_maxpool_packed`], a conv and the pool after it in one pass where
//! [`fuses_maxpool`] says so.
//!
//! Variants: [`scalar`] is the 7-loop reference (f64 sums); [`simd`] runs the packed GEMM
//! ([`crate::kernels::gemm::gemm_packed`]) on A without writing it out — the GEMM packs its
//! panels straight from x — with a bias + ReLU epilogue in registers, on the f32 micro-kernel
//! or the bf16 units; [`gpu`] is an implicit GEMM in WGSL (`shaders/conv.wgsl`: the GEMM
//! shader's tiles, gathering A from x on the fly) and a one-thread-per-output pool.
//!
//! Cost: 2·n·H·W·9c·o flops per conv (VGG16 at 224²: 30.7 GFLOP per image); the pool reads
//! every input once. Why im2col + GEMM on the CPU: every VGG layer but the first has k = 9c ≥
//! 576, so each layer is one large SGEMM at the packed micro-kernel's speed. Writing A out
//! (9 floats per input float) cost 2–22% of each layer's time on this 2-core AVX-512 machine
//! (`cinegenre bench vgg --layers`); packing panels from x directly removed that, and VGG16 went
//! from 3.7 to 7–8 images/s at batch 1 together with the faster GEMM. A direct kernel would
//! also skip the panel transpose (~10% of the 64-channel layers). Winograd F(2×2, 3×3)
//! (`winograd.rs`) cuts the multiplies 2.25× at the cost of three transforms and a slightly
//! different rounding (~1e-6 relative in f32, the order of the direct sum's own): the default
//! on the SIMD CPU backend from 8 input channels ([`Algorithm::for_layer`]).
//!
//! Reference implementations: Caffe's `im2col_cpu` + `caffe_cpu_gemm` (Y. Jia et al., "Caffe:
//! Convolutional Architecture for Fast Feature Embedding", 2014, arXiv:1408.5093) and
//! K. Chellapilla et al., "High Performance Convolutional Neural Networks for Document
//! Processing", 2006 (the unrolling). Deviation: none in the maths; f32 sums on the fast paths.
//!
//! ```
//! use cinegenre::backend::Backend;
//! use cinegenre::kernels::conv::{conv3x3_relu, Shape};
//! // One 1×1 image, one channel: only the kernel's centre tap meets a non-padding input.
//! let mut kernel = [0.0f32; 9];
//! kernel[4] = 2.0;
//! let mut y = [f32::NAN];
//! conv3x3_relu(&Backend::Scalar, Shape::nhwc((1, 1, 1, 1)), &[3.0], &kernel, &[-1.0], 1, &mut y).unwrap();
//! assert_eq!(y, [5.0]);
//! ```

#[cfg(feature = "gpu")]
pub mod gpu;
mod pretransform;
pub mod scalar;
mod shape;
pub mod simd;
mod tiles;
mod winograd;

pub use shape::Shape;
use shape::want;
pub(crate) use tiles::{Bf16Image, bordered_len};

use crate::backend::{Backend, Par};
use crate::error::{Error, Result};
use crate::gpu::on_gpu;
use crate::kernels::Activation;
use crate::kernels::gemm::amx::TilesOut;
use crate::kernels::gemm::{Bf16Unit, Epilogue, Gemm, PackedB, Precision, gemm_packed};

/// How a 3×3 convolution is computed on the SIMD CPU backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// The im2col GEMM of the module doc: 9·c·o multiply-adds per pixel (every backend).
    Direct,
    /// Winograd F(2×2, 3×3): 4·c·o per pixel, three cheap transforms around 16 GEMMs
    /// (SIMD CPU backend; f32 sums, ~1e-6 relative from the direct sum in f32).
    Winograd,
}

impl Algorithm {
    /// The default for a layer on the SIMD CPU backend, from 8 input channels: Winograd in
    /// f32 (its error is of the direct sum's order: VGG16 against PyTorch's f32 output 9.9e-7,
    /// direct 9.8e-7; 1.7–1.8× the images/s on a 2-core Zen 4) and in bf16 on the AVX512-BF16
    /// pairs (bf16 rounding already departs from f32: 7.0e-3 → 7.2e-3; 10–11 → 14.6 images/s
    /// when it was introduced). Direct elsewhere: the first layer (c = 3 would make 16 GEMMs of
    /// depth 3), the scalar reference and the GPU, and bf16 on AMX, which keeps the kernel it
    /// was measured with (Winograd on tiles is untimed). [`pack_kernel_with`] picks either.
    pub fn for_layer(backend: &Backend, precision: Precision, in_ch: usize) -> Algorithm {
        match (backend, precision) {
            (Backend::Cpu { .. }, Precision::F32) if in_ch >= 8 => Algorithm::Winograd,
            (Backend::Cpu { simd, .. }, Precision::Bf16)
                if in_ch >= 8 && Bf16Unit::best(*simd).ok() == Some(Bf16Unit::Pairs) =>
            {
                Algorithm::Winograd
            }
            _ => Algorithm::Direct,
        }
    }
}

/// A 3×3 kernel packed once for one backend, precision and [`Algorithm`].
#[derive(Debug, Clone)]
pub struct ConvKernel {
    in_ch: usize,
    out_ch: usize,
    precision: Precision,
    algorithm: Algorithm,
    /// The (9c, o) matrix K (direct), or the 16 (c, o) transformed kernels (Winograd).
    packed: Vec<PackedB>,
}

impl ConvKernel {
    /// (input channels, output channels).
    pub fn channels(&self) -> (usize, usize) {
        (self.in_ch, self.out_ch)
    }

    /// `Ok` when `x` (shape `s`), `bias` and `y` (`s.n` images of `out_hw` pixels) fit this
    /// kernel's channels; else the [`Error::Shape`] naming the first that does not.
    fn check_operands(
        &self,
        s: Shape,
        x: &[f32],
        bias: &[f32],
        (y, out_hw): (&[f32], (usize, usize)),
    ) -> Result<()> {
        want("x", x.len(), s.len())?;
        want("kernel input channels", self.in_ch, s.c)?;
        want("bias", bias.len(), self.out_ch)?;
        want("y", y.len(), s.n * out_hw.0 * out_hw.1 * self.out_ch)
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// Pack an HWIO kernel (3, 3, `in_ch`, `out_ch`) for [`conv3x3_relu_packed`] on `backend` in
/// `precision`, with the layer's default [`Algorithm`]: a network packs each layer once.
///
/// # Errors
/// When the kernel's length is not 9·in_ch·out_ch, or `precision` cannot run on `backend`
/// (bf16 needs AMX or AVX512-BF16 on the CPU).
pub fn pack_kernel(
    backend: &Backend,
    precision: Precision,
    kernel: &[f32],
    in_ch: usize,
    out_ch: usize,
) -> Result<ConvKernel> {
    let algorithm = Algorithm::for_layer(backend, precision, in_ch);
    pack_kernel_with(algorithm, backend, precision, kernel, (in_ch, out_ch))
}

/// [`pack_kernel`] with the algorithm chosen.
///
/// # Errors
/// As [`pack_kernel`]; [`Algorithm::Winograd`] off the SIMD CPU backend.
pub fn pack_kernel_with(
    algorithm: Algorithm,
    backend: &Backend,
    precision: Precision,
    kernel: &[f32],
    (in_ch, out_ch): (usize, usize),
) -> Result<ConvKernel> {
    want("kernel", kernel.len(), 9 * in_ch * out_ch)?;
    let packed = match (algorithm, backend) {
        (Algorithm::Direct, _) => {
            vec![PackedB::new(backend, precision, Gemm::nn(0, out_ch, 9 * in_ch), kernel)?]
        }
        (Algorithm::Winograd, Backend::Cpu { .. }) => {
            winograd::pack(backend, precision, kernel, in_ch, out_ch)?
        }
        (Algorithm::Winograd, _) => {
            return Err(Error::param(
                "algorithm",
                format!("Winograd runs on the SIMD CPU backend, not {}", backend.name()),
            ));
        }
    };
    Ok(ConvKernel { in_ch, out_ch, precision, algorithm, packed })
}

/// y = relu(conv3×3(x, kernel) + bias) with `out_ch` outputs per pixel, in f32 (direct).
///
/// # Shapes
/// `x`: (n, h, w, c), `kernel`: (3, 3, c, o) HWIO, `bias`: o, `y`: (n, h, w, o).
pub fn conv3x3_relu(
    backend: &Backend,
    s: Shape,
    x: &[f32],
    kernel: &[f32],
    bias: &[f32],
    out_ch: usize,
    y: &mut [f32],
) -> Result<()> {
    let packed = pack_kernel_with(Algorithm::Direct, backend, Precision::F32, kernel, (s.c, out_ch))?;
    conv3x3_relu_packed(backend, s, x, &packed, bias, y)
}

/// [`conv3x3_relu`] with the kernel packed by [`pack_kernel`] (for this backend), in the
/// kernel's precision and algorithm; the output channels are the kernel's.
///
/// # Errors
/// [`Error::Shape`] when a length does not match; [`Error::Param`] when the kernel was packed
/// for another backend.
pub fn conv3x3_relu_packed(
    backend: &Backend,
    s: Shape,
    x: &[f32],
    kernel: &ConvKernel,
    bias: &[f32],
    y: &mut [f32],
) -> Result<()> {
    kernel.check_operands(s, x, bias, (y, (s.h, s.w)))?;
    let (in_ch, out_ch) = kernel.channels();
    let direct = &kernel.packed[0];
    match (backend, kernel.algorithm, direct.plain()) {
        (Backend::Scalar, Algorithm::Direct, Some(k)) => match kernel.precision {
            Precision::F32 => scalar::conv3x3_relu(s, x, k, bias, y),
            Precision::Bf16 => {
                let x: Vec<f32> = x.iter().map(|&v| half::bf16::from_f32(v).to_f32()).collect();
                scalar::conv3x3_relu(s, &x, k, bias, y)
            }
        },
        (Backend::Gpu(ctx), Algorithm::Direct, Some(k)) => {
            on_gpu!(ctx, k => gpu::conv3x3_relu(ctx, s, x, k, bias, y)?)
        }
        (Backend::Cpu { par, .. }, Algorithm::Direct, None) => {
            let g = Gemm::nn(s.n * s.h * s.w, out_ch, 9 * in_ch);
            let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
            let on_tiles = direct.on_tiles() && tiles::fits(s.c);
            if on_tiles {
                tiles::with_bf16_image(*par, x, |xb| {
                    tiles::conv_gemm(*par, s, Bf16Image::Dense(xb), direct, epilogue, TilesOut::F32(y))
                })?;
            } else {
                simd::with_im2col(*par, s, x, |a| gemm_packed(backend, g, a, direct, epilogue, y))?
            }
        }
        (Backend::Cpu { simd, par }, Algorithm::Winograd, None) => {
            winograd::conv3x3_relu((*simd, *par), s, (x, y), (&kernel.packed, bias), false)?
        }
        _ => {
            return Err(Error::param(
                "backend",
                format!("the conv kernel was packed for another backend than {}", backend.name()),
            ));
        }
    }
    Ok(())
}

/// Whether [`conv3x3_relu_bf16`] runs for this kernel on `backend` and input shape `s`: the
/// direct convolution on AMX tiles (a bf16 kernel packed for them, input channels a multiple
/// of 32 — every VGG16 layer after the first, on a CPU with AMX).
pub(crate) fn takes_bf16(backend: &Backend, kernel: &ConvKernel, s: Shape) -> bool {
    matches!(backend, Backend::Cpu { .. })
        && kernel.algorithm == Algorithm::Direct
        && kernel.packed[0].on_tiles()
        && tiles::fits(s.c)
}

/// Whether [`conv3x3_relu_bf16`] reads an input of shape `s` in place from a bordered image
/// ([`Bf16Image::Bordered`]), which the layer before can then write directly
/// ([`TilesOut::Bf16Bordered`], [`maxpool2x2_bf16`]) instead of the conv copying it there.
pub(crate) fn reads_bordered(s: Shape) -> bool {
    tiles::reads_in_place(s)
}

/// [`conv3x3_relu_packed`] on AMX tiles where [`takes_bf16`] holds, its input already bf16
/// bits (`x`, the image [`conv3x3_relu_packed`] would round; bordered only where
/// [`reads_bordered`]) and its output f32 or rounded to bf16 (`y`: the bits of the f32 output,
/// rounded to nearest even; bordered for a next conv that reads it so). Between two such
/// layers a network keeps its activations in bf16: no layer writes f32 that the next one
/// only reads to round.
///
/// # Errors
/// [`Error::Shape`] if `x`, the bias or `y` do not match `s` and the kernel;
/// [`Error::Param`] if the kernel was not packed for the tiles, or `x` is bordered where
/// the conv does not read it so.
pub(crate) fn conv3x3_relu_bf16(
    par: Par,
    s: Shape,
    x: Bf16Image<'_>,
    kernel: &ConvKernel,
    bias: &[f32],
    y: TilesOut<'_>,
) -> Result<()> {
    want("x", x.bits().len(), x.len_for(s))?;
    if matches!(x, Bf16Image::Bordered(_)) && !reads_bordered(s) {
        return Err(Error::param("x", format!("a bordered input of shape {s:?} is not read in place")));
    }
    want("kernel input channels", kernel.in_ch, s.c)?;
    want("bias", bias.len(), kernel.out_ch)?;
    if !tiles::fits(s.c) {
        return Err(Error::param(
            "kernel",
            format!("{} input channels are neither a multiple of 32 nor at most 3", s.c),
        ));
    }
    let epilogue = Epilogue { bias: Some(bias), activation: Activation::Relu };
    match tiles::conv_gemm(par, s, x, &kernel.packed[0], epilogue, y)? {
        Some(()) => Ok(()),
        None => Err(Error::param("kernel", "the conv kernel was not packed for the AMX tiles")),
    }
}

/// `x` (f32) rounded to bf16 bits into `bits` (as long as `x`), nearest even: the image
/// [`conv3x3_relu_bf16`] takes, as [`conv3x3_relu_packed`] rounds it on the tiles.
pub(crate) fn round_to_bf16(par: Par, x: &[f32], bits: &mut [u16]) {
    crate::kernels::gemm::amx::to_bf16(par, x, bits)
}

/// [`maxpool2x2`] of bf16 bits holding non-negative values (ReLU outputs, sign bit clear),
/// whose bits order as the values do: as rounding to nearest is monotone, the bits of the f32
/// pool's output rounded. With `bordered`, `y` is that output inside a border of one zero
/// pixel ([`Bf16Image::Bordered`], for a next conv that [`reads_bordered`]).
///
/// # Errors
/// [`Error::Shape`] if `x` or `y` do not match `s`.
pub(crate) fn maxpool2x2_bf16(par: Par, s: Shape, x: &[u16], y: &mut [u16], bordered: bool) -> Result<()> {
    want("x", x.len(), s.len())?;
    let out = Shape { h: s.h / 2, w: s.w / 2, ..s };
    want("y", y.len(), if bordered { tiles::bordered_len(out) } else { out.len() })?;
    tiles::maxpool2x2_bits(par, s, x, y, bordered);
    Ok(())
}

/// Whether [`conv3x3_relu_maxpool_packed`] runs in one pass for this kernel on `backend` and
/// input shape `s`: Winograd on the SIMD CPU backend with even h and w, where each 2×2 output
/// tile is exactly one pooling window. Otherwise it runs the conv, then the pool.
pub fn fuses_maxpool(backend: &Backend, kernel: &ConvKernel, s: Shape) -> bool {
    matches!(backend, Backend::Cpu { .. })
        && kernel.algorithm == Algorithm::Winograd
        && s.h.is_multiple_of(2)
        && s.w.is_multiple_of(2)
}

/// A conv layer and the 2×2 max-pool after it: y = maxpool2x2(relu(conv3×3(x) + bias)).
///
/// ```text
/// y[n,h,w,o] = max_{a,b∈0..2} relu(b[o] + conv(x)[n, 2h+a, 2w+b, o])      h < ⌊H/2⌋, w < ⌊W/2⌋
/// ```
/// Where [`fuses_maxpool`] holds, Winograd's output transform pools each 2×2 tile as it
/// leaves the products: the full-size output is never written nor read back (VGG16's
/// `block1_conv2` makes 12.8 MB of it per 224² image). The values and the order of the maxima
/// are the pool's, so the bits are those of [`conv3x3_relu_packed`] then [`maxpool2x2`];
/// elsewhere it runs exactly those two, through a temporary (n, H, W, o) buffer.
///
/// ```
/// use cinegenre::backend::Backend;
/// use cinegenre::kernels::conv::{self, Shape};
/// use cinegenre::kernels::gemm::Precision;
/// let backend = Backend::cpu()?;
/// let s = Shape::nhwc((1, 4, 6, 8));
/// let x: Vec<f32> = (0..s.len()).map(|i| (i % 7) as f32 - 3.0).collect();
/// let kernel: Vec<f32> = (0..9 * 8 * 2).map(|i| (i % 5) as f32 * 0.1 - 0.2).collect();
/// let (packed, bias) = (conv::pack_kernel(&backend, Precision::F32, &kernel, 8, 2)?, [0.1, -0.1]);
/// let mut full = vec![0.0; 4 * 6 * 2];
/// conv::conv3x3_relu_packed(&backend, s, &x, &packed, &bias, &mut full)?;
/// let mut pooled = vec![0.0; 2 * 3 * 2];
/// conv::maxpool2x2(&backend, Shape::nhwc((1, 4, 6, 2)), &full, &mut pooled)?;
/// let mut fused = vec![f32::NAN; 2 * 3 * 2];
/// conv::conv3x3_relu_maxpool_packed(&backend, s, &x, &packed, &bias, &mut fused)?;
/// assert_eq!(fused, pooled);
/// # Ok::<(), cinegenre::Error>(())
/// ```
///
/// # Shapes
/// `x`: (n, H, W, c), `bias`: o, `y`: (n, ⌊H/2⌋, ⌊W/2⌋, o).
///
/// # Errors
/// As [`conv3x3_relu_packed`].
pub fn conv3x3_relu_maxpool_packed(
    backend: &Backend,
    s: Shape,
    x: &[f32],
    kernel: &ConvKernel,
    bias: &[f32],
    y: &mut [f32],
) -> Result<()> {
    kernel.check_operands(s, x, bias, (y, (s.h / 2, s.w / 2)))?;
    let (_, out_ch) = kernel.channels();
    match backend {
        Backend::Cpu { simd, par } if fuses_maxpool(backend, kernel, s) => {
            winograd::conv3x3_relu((*simd, *par), s, (x, y), (&kernel.packed, bias), true)
        }
        _ => {
            let mut full = vec![0.0f32; s.n * s.h * s.w * out_ch];
            conv3x3_relu_packed(backend, s, x, kernel, bias, &mut full)?;
            maxpool2x2(backend, Shape { c: out_ch, ..s }, &full, y)
        }
    }
}

/// y = maxpool2×2(x).
///
/// # Shapes
/// `x`: (n, h, w, c), `y`: (n, ⌊h/2⌋, ⌊w/2⌋, c).
pub fn maxpool2x2(backend: &Backend, s: Shape, x: &[f32], y: &mut [f32]) -> Result<()> {
    want("x", x.len(), s.len())?;
    want("y", y.len(), s.n * (s.h / 2) * (s.w / 2) * s.c)?;
    match backend {
        Backend::Scalar => scalar::maxpool2x2(s, x, y),
        Backend::Cpu { simd, par } => simd::maxpool2x2(*simd, *par, s, x, y),
        Backend::Gpu(ctx) => on_gpu!(ctx => gpu::maxpool2x2(ctx, s, x, y)?),
    }
    Ok(())
}
