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
//! Variants: [`scalar`] is the 7-loop reference.

pub mod gpu;
pub mod scalar;
pub mod simd;

use crate::backend::Backend;
use crate::error::{Error, Result};

/// The shape of an NHWC activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub n: usize,
    pub h: usize,
    pub w: usize,
    pub c: usize,
}

impl Shape {
    pub fn nhwc((n, h, w, c): (usize, usize, usize, usize)) -> Shape {
        Shape { n, h, w, c }
    }

    pub fn len(&self) -> usize {
        self.n * self.h * self.w * self.c
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn want(what: &str, got: usize, need: usize) -> Result<()> {
    if got != need {
        return Err(Error::Shape(format!("conv: {what} has {got} numbers but needs {need}")));
    }
    Ok(())
}

/// y = relu(conv3×3(x, kernel) + bias) with `out_ch` outputs per pixel.
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
    want("x", x.len(), s.len())?;
    want("kernel", kernel.len(), 9 * s.c * out_ch)?;
    want("bias", bias.len(), out_ch)?;
    want("y", y.len(), s.n * s.h * s.w * out_ch)?;
    match backend {
        Backend::Scalar => scalar::conv3x3_relu(s, x, kernel, bias, out_ch, y),
        Backend::Cpu { simd, par } => simd::conv3x3_relu(*simd, *par, s, x, kernel, bias, out_ch, y),
        Backend::Gpu(ctx) => gpu::conv3x3_relu(ctx, s, x, kernel, bias, out_ch, y)?,
    }
    Ok(())
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
        Backend::Cpu { par, .. } => simd::maxpool2x2(*par, s, x, y),
        Backend::Gpu(ctx) => gpu::maxpool2x2(ctx, s, x, y)?,
    }
    Ok(())
}
