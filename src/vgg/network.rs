//! The forward pass of a VGG convolutional base over a batch of NHWC images.
//!
//! ```text
//! x: (n, h, w, 3) ─▶ for each layer: conv3×3 + bias + ReLU  |  maxpool 2×2  ─▶ (n, h/32, w/32, c)
//! ```
//! Layers run through [`crate::kernels::conv`] on the network's backend.

use super::weights::VggWeights;
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::conv;
use crate::vgg::arch::Layer;

/// A VGG convolutional base ready to run on one backend.
#[derive(Debug)]
pub struct Vgg {
    pub weights: VggWeights,
    backend: Backend,
}

impl Vgg {
    /// Check the weights against their graph and keep them for `backend`.
    pub fn new(weights: VggWeights, backend: Backend) -> Result<Vgg> {
        weights.check()?;
        Ok(Vgg { weights, backend })
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Output (h, w, c) of one (h, w) image.
    pub fn output_shape(&self, hw: (usize, usize)) -> (usize, usize, usize) {
        self.weights.arch.output_shape(hw)
    }

    /// Run `n` images `x`: (n, h, w, 3) NHWC → (n, h', w', c') NHWC.
    pub fn forward(&self, x: &[f32], n: usize, (h, w): (usize, usize)) -> Result<Vec<f32>> {
        let in_ch = self.weights.convs.first().map_or(3, |c| c.in_ch);
        if x.len() != n * h * w * in_ch {
            return Err(Error::Shape(format!(
                "VGG input has {} numbers but {n} images of {h}×{w}×{in_ch} need {}",
                x.len(),
                n * h * w * in_ch
            )));
        }
        let (mut act, mut shape, mut convs) = (x.to_vec(), (n, h, w, in_ch), self.weights.convs.iter());
        for layer in &self.weights.arch.layers {
            match layer {
                Layer::Conv { .. } => {
                    let p = convs.next().expect("checked by VggWeights::check");
                    let mut out = vec![0.0; shape.0 * shape.1 * shape.2 * p.out_ch];
                    conv::conv3x3_relu(
                        &self.backend,
                        conv::Shape::nhwc(shape),
                        &act,
                        &p.kernel,
                        &p.bias,
                        p.out_ch,
                        &mut out,
                    )?;
                    (act, shape) = (out, (shape.0, shape.1, shape.2, p.out_ch));
                }
                Layer::MaxPool { .. } => {
                    let next = (shape.0, shape.1 / 2, shape.2 / 2, shape.3);
                    let mut out = vec![0.0; next.0 * next.1 * next.2 * next.3];
                    conv::maxpool2x2(&self.backend, conv::Shape::nhwc(shape), &act, &mut out)?;
                    (act, shape) = (out, next);
                }
            }
        }
        Ok(act)
    }
}
