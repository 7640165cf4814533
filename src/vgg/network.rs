//! The forward pass of a VGG convolutional base over a batch of NHWC images.
//!
//! ```text
//! x: (n, h, w, 3) ─▶ for each layer: conv3×3 + bias + ReLU  |  maxpool 2×2  ─▶ (n, h/32, w/32, c)
//! ```
//! Layers run through [`crate::kernels::conv`] on the network's backend. On the CPU a pass
//! ping-pongs between two host buffers sized for its largest activation. On the GPU the weights
//! are uploaded once by [`Vgg::new`]; a forward pass uploads the batch once, records every layer
//! into one command encoder on two ping-pong device buffers (activations never leave the
//! device) and downloads only the output.

use std::sync::Mutex;

use super::weights::VggWeights;
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::gpu::{GpuBuffer, GpuContext};
use crate::kernels::conv;
use crate::kernels::gemm::amx::{self, PackedBf16};
use crate::kernels::gemm::simd::PackedB;
use crate::vgg::arch::Layer;

/// A VGG convolutional base ready to run on one backend.
#[derive(Debug)]
pub struct Vgg {
    pub weights: VggWeights,
    backend: Backend,
    /// (kernel, bias) per conv, resident on the GPU (GPU backend only).
    device: Vec<(GpuBuffer, GpuBuffer)>,
    /// Each conv's kernel packed into GEMM panels once (SIMD CPU backend only).
    packed: Vec<PackedB>,
    /// Each conv's kernel rounded to bf16 and packed for AMX tiles ([`Precision::Bf16`] only).
    bf16: Vec<PackedBf16>,
    scratch: Scratch,
}

/// The arithmetic of the convolutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f32 operands and sums (the reference; every backend).
    #[default]
    F32,
    /// Activations and weights rounded to bf16, products on AMX tiles, f32 sums: measured
    /// 7.0e-3 relative to f32 on VGG16's output for a real poster (`tests/parity/vgg.rs`).
    Bf16,
}

impl std::str::FromStr for Precision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            other => Err(Error::param("precision", format!("`{other}` is not f32 or bf16"))),
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
        })
    }
}

/// The CPU pass's two activation buffers, kept for the next pass.
#[derive(Default)]
struct Scratch(Mutex<(Vec<f32>, Vec<f32>)>);

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

impl Vgg {
    /// Check the weights against their graph and keep them for `backend` (on the GPU: upload
    /// them once).
    pub fn new(weights: VggWeights, backend: Backend) -> Result<Vgg> {
        Vgg::with_precision(weights, backend, Precision::F32)
    }

    /// As [`Vgg::new`], with the convolutions' arithmetic chosen: [`Precision::Bf16`] runs them
    /// on AMX tiles (SIMD CPU backend on a CPU with AMX only; an error otherwise).
    pub fn with_precision(weights: VggWeights, backend: Backend, precision: Precision) -> Result<Vgg> {
        weights.check()?;
        let bf16 = match (precision, &backend) {
            (Precision::F32, _) => Vec::new(),
            (Precision::Bf16, Backend::Cpu { .. }) if amx::available() => weights
                .convs
                .iter()
                .map(|p| conv::simd::pack_kernel_bf16(&p.kernel, p.in_ch, p.out_ch))
                .collect::<Result<_>>()?,
            (Precision::Bf16, _) => {
                return Err(Error::param(
                    "precision",
                    format!("bf16 runs on the CPU with Intel AMX; not on {} here", backend.name()),
                ));
            }
        };
        let device = match &backend {
            Backend::Gpu(ctx) => weights
                .convs
                .iter()
                .map(|p| Ok((ctx.upload(&p.kernel, &p.name)?, ctx.upload(&p.bias, &p.name)?)))
                .collect::<Result<_>>()?,
            _ => Vec::new(),
        };
        let packed = match &backend {
            Backend::Cpu { simd, .. } => weights
                .convs
                .iter()
                .map(|p| conv::simd::pack_kernel(*simd, &p.kernel, p.in_ch, p.out_ch))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Vgg { weights, backend, device, packed, bf16, scratch: Scratch::default() })
    }

    /// The arithmetic of the convolutions.
    pub fn precision(&self) -> Precision {
        if self.bf16.is_empty() { Precision::F32 } else { Precision::Bf16 }
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
        if let Backend::Gpu(ctx) = &self.backend {
            return self.forward_gpu(ctx, x, (n, h, w, in_ch));
        }
        // Two ping-pong buffers sized for the largest activation, kept between passes: fresh
        // ones would page-fault tens of MB per pass (~5% of a 224² image's time here). A pass
        // that finds them in use by another thread allocates its own.
        let mut s = conv::Shape::nhwc((n, h, w, in_ch));
        let most = self.weights.arch.layers.iter().fold((s, s.len()), |(s, most), l| {
            let t = next_shape(l, s);
            (t, most.max(t.len()))
        });
        let mut kept = self.scratch.0.try_lock().ok();
        let mut own = (Vec::new(), Vec::new());
        let (act, out) = match kept.as_deref_mut() {
            Some((act, out)) => (act, out),
            None => (&mut own.0, &mut own.1),
        };
        for buffer in [&mut *act, &mut *out] {
            buffer.resize(buffer.len().max(most.1), 0.0);
        }
        act[..x.len()].copy_from_slice(x);
        let mut convs = self.weights.convs.iter().enumerate();
        for layer in &self.weights.arch.layers {
            let next = next_shape(layer, s);
            let (src, dst) = (&act[..s.len()], &mut out[..next.len()]);
            match layer {
                Layer::Conv { .. } => {
                    let (i, p) = convs.next().expect("checked by VggWeights::check");
                    match (&self.backend, self.packed.get(i)) {
                        (Backend::Cpu { par, .. }, _) if !self.bf16.is_empty() => {
                            conv::simd::conv3x3_relu_bf16(*par, s, src, &self.bf16[i], &p.bias, dst)?
                        }
                        // Shapes: the weights were checked against the graph, which made `s`.
                        (Backend::Cpu { simd, par }, Some(kernel)) => {
                            conv::simd::conv3x3_relu_packed(*simd, *par, s, src, kernel, &p.bias, dst)
                        }
                        _ => conv::conv3x3_relu(&self.backend, s, src, &p.kernel, &p.bias, p.out_ch, dst)?,
                    }
                }
                Layer::MaxPool { .. } => conv::maxpool2x2(&self.backend, s, src, dst)?,
            }
            std::mem::swap(act, out);
            s = next;
        }
        Ok(act[..s.len()].to_vec())
    }

    /// The GPU pass: one upload, every layer recorded on resident buffers, one download.
    fn forward_gpu(
        &self,
        ctx: &GpuContext,
        x: &[f32],
        shape: (usize, usize, usize, usize),
    ) -> Result<Vec<f32>> {
        let (n, h, w, _) = shape;
        // The largest activation of the pass sizes both ping-pong buffers.
        let (mut most, mut s) = (x.len(), conv::Shape::nhwc(shape));
        for layer in &self.weights.arch.layers {
            s = next_shape(layer, s);
            most = most.max(s.len());
        }
        let mut bufs = [ctx.zeros(most, "vgg activations a")?, ctx.zeros(most, "vgg activations b")?];
        ctx.write(&bufs[0], x);
        let (mut encoder, mut s, mut convs) = (ctx.encoder(), conv::Shape::nhwc(shape), self.device.iter());
        for layer in &self.weights.arch.layers {
            let out = next_shape(layer, s);
            match layer {
                Layer::Conv { out_ch, .. } => {
                    let (k, b) = convs.next().expect("one device buffer pair per conv");
                    conv::gpu::encode_conv(ctx, &mut encoder, s, &bufs[0], k, b, *out_ch, &bufs[1])?
                }
                Layer::MaxPool { .. } => conv::gpu::encode_pool(ctx, &mut encoder, s, &bufs[0], &bufs[1])?,
            }
            bufs.swap(0, 1);
            s = out;
        }
        // Read back only the output, not the whole ping-pong buffer.
        let (oh, ow, oc) = self.output_shape((h, w));
        let result = ctx.zeros(n * oh * ow * oc, "vgg output")?;
        encoder.copy_buffer_to_buffer(&bufs[0].buffer, 0, &result.buffer, 0, (result.len * 4) as u64);
        ctx.finish_and_download(encoder, &result)
    }
}

/// The activation shape after `layer`.
fn next_shape(layer: &Layer, s: conv::Shape) -> conv::Shape {
    match layer {
        Layer::Conv { out_ch, .. } => conv::Shape { c: *out_ch, ..s },
        Layer::MaxPool { .. } => conv::Shape { h: s.h / 2, w: s.w / 2, ..s },
    }
}
