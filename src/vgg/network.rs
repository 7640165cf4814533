//! The forward pass of a VGG convolutional base over a batch of NHWC images.
//!
//! ```text
//! x: (n, h, w, 3) ─▶ for each layer: conv3×3 + bias + ReLU  |  maxpool 2×2  ─▶ (n, h/32, w/32, c)
//! ```
//! Layers run through [`crate::kernels::conv`] on the network's backend; a conv followed by a
//! pool runs as one call where [`conv::fuses_maxpool`] says so (Winograd on the CPU: the
//! output transform pools each 2×2 tile, so the full-size activation is never written), with
//! the same bits. On the CPU a pass ping-pongs between two host buffers sized for its largest
//! activation. On the GPU the weights are uploaded once by [`Vgg::new`]; a forward pass
//! uploads the batch once, records every layer into one command encoder on two ping-pong
//! device buffers (activations never leave the device) and downloads only the output.

use std::sync::Mutex;

use super::weights::VggWeights;
use crate::backend::Backend;
use crate::error::{Error, Result};
#[cfg(feature = "gpu")]
use crate::gpu::GpuContext;
use crate::gpu::{GpuBuffer, on_gpu};
use crate::kernels::conv;
use crate::kernels::conv::{Bf16Image, ConvKernel};
/// The arithmetic of the convolutions: f32, or bf16 (AMX tiles or AVX512-BF16 pairs, f32
/// sums) — measured 7.0e-3 relative to f32 on VGG16's output for a real poster
/// (`tests/parity/vgg.rs`).
pub use crate::kernels::gemm::Precision;
use crate::kernels::gemm::amx::TilesOut;
use crate::vgg::arch::Layer;

/// A VGG convolutional base ready to run on one backend.
#[derive(Debug)]
pub struct Vgg {
    pub weights: VggWeights,
    backend: Backend,
    precision: Precision,
    /// (kernel, bias) per conv, resident on the GPU (GPU backend only).
    #[cfg_attr(not(feature = "gpu"), allow(dead_code))]
    device: Vec<(GpuBuffer, GpuBuffer)>,
    /// Each conv's kernel packed once for the backend and precision (CPU backends).
    packed: Vec<ConvKernel>,
    scratch: Scratch,
}

/// The CPU pass's activation buffers, kept for the next pass: two f32 and two bf16.
#[derive(Default)]
struct Scratch(Mutex<Buffers>);

/// How one layer of a CPU pass runs ([`Vgg::bf16_plan`]).
#[derive(Debug, Clone, Copy)]
struct Bf16Step {
    /// A conv on the AMX tiles: it takes its input as bf16 bits.
    tiles: bool,
    /// Its output stays in bf16 for the next layer.
    keep: bool,
    /// Its bf16 output (a tile conv's that it keeps, or a pool's of bf16 bits) is written
    /// inside a border of zero pixels, where the next layer, a tile conv, reads it in place.
    bordered: bool,
}

/// bf16 values in a 64-byte line.
const BITS_LINE: usize = 32;

/// `len` values of `bits` from its first 64-byte line, to write a bf16 activation (grown as
/// needed, with a line of slack): rows of 32 channels are then whole lines, which the AMX
/// kernel writes with non-temporal stores.
fn on_lines(bits: &mut Vec<u16>, len: usize) -> &mut [u16] {
    crate::memory::grow(bits, len + BITS_LINE);
    let at = bits.as_ptr().align_offset(2 * BITS_LINE).min(BITS_LINE);
    &mut bits[at..at + len]
}

/// The `len` values [`on_lines`] gave to write, to read them back (the buffer not grown since).
fn read_lines(bits: &[u16], len: usize) -> &[u16] {
    let at = bits.as_ptr().align_offset(2 * BITS_LINE).min(BITS_LINE);
    &bits[at..at + len]
}

#[derive(Default)]
struct Buffers {
    act: Vec<f32>,
    out: Vec<f32>,
    act_bits: Vec<u16>,
    out_bits: Vec<u16>,
}

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

    /// As [`Vgg::new`], with the convolutions' arithmetic chosen: [`Precision::Bf16`] runs on
    /// the CPU's bf16 units (AMX tiles, else AVX512-BF16; an error on a CPU with neither, or
    /// on the GPU).
    pub fn with_precision(weights: VggWeights, backend: Backend, precision: Precision) -> Result<Vgg> {
        weights.check()?;
        let (device, packed) = match &backend {
            Backend::Gpu(_) if precision == Precision::Bf16 => {
                return Err(Error::param(
                    "precision",
                    "bf16 runs on the CPU (Intel AMX or AVX512-BF16), not on the GPU".to_string(),
                ));
            }
            Backend::Gpu(ctx) => on_gpu!(ctx => {
                let upload = |p: &super::weights::ConvWeights| {
                    Ok((ctx.upload(&p.kernel, &p.name)?, ctx.upload(&p.bias, &p.name)?))
                };
                (weights.convs.iter().map(upload).collect::<Result<_>>()?, Vec::new())
            }),
            _ => {
                let pack = |p: &super::weights::ConvWeights| {
                    conv::pack_kernel(&backend, precision, &p.kernel, p.in_ch, p.out_ch)
                };
                (Vec::new(), weights.convs.iter().map(pack).collect::<Result<_>>()?)
            }
        };
        Ok(Vgg { weights, backend, precision, device, packed, scratch: Scratch::default() })
    }

    /// The arithmetic of the convolutions.
    pub fn precision(&self) -> Precision {
        self.precision
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
            on_gpu!(ctx => return self.forward_gpu(ctx, x, (n, h, w, in_ch)));
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
        let mut own = Buffers::default();
        let Buffers { act, out, act_bits, out_bits } = kept.as_deref_mut().unwrap_or(&mut own);
        // Each activation starts on a 64-byte line (`LINE` floats of slack), so that whole rows
        // of 16 floats can be stored as aligned lines (the AMX kernel's streaming stores).
        const LINE: usize = 16;
        for buffer in [&mut *act, &mut *out] {
            crate::memory::grow(buffer, most.1 + LINE);
        }
        let aligned = |buffer: &mut Vec<f32>| buffer.as_ptr().align_offset(4 * LINE).min(LINE);
        let (mut act, mut out) = ((aligned(act), act), (aligned(out), out));
        let (act, out) = (&mut act, &mut out);
        act.1[act.0..act.0 + x.len()].copy_from_slice(x);
        // Between two convs on the AMX tiles the activation stays in bf16 (`act_bits`): the
        // next conv would round it anyway, and pools commute with that rounding.
        let (mut in_bits, mut in_bordered) = (false, false);
        let mut convs = self.packed.iter().zip(&self.weights.convs);
        let mut layers = self.weights.arch.layers.iter().zip(self.bf16_plan(s)).peekable();
        while let Some((layer, step)) = layers.next() {
            let mut next = next_shape(layer, s);
            let is_pool = matches!(layer, Layer::MaxPool { .. });
            assert!(!in_bits || step.tiles || is_pool, "bf16 activations reach only tile convs and pools");
            assert!(!in_bordered || step.tiles, "bordered activations reach only tile convs");
            let src = &act.1[act.0..act.0 + s.len()];
            match (layer, &self.backend) {
                (Layer::Conv { .. }, Backend::Cpu { par, .. }) if step.tiles => {
                    let (kernel, p) = convs.next().expect("checked by VggWeights::check");
                    if !in_bits {
                        conv::round_to_bf16(*par, src, on_lines(act_bits, s.len()));
                    }
                    let x = match in_bordered {
                        true => Bf16Image::Bordered(read_lines(act_bits, conv::bordered_len(s))),
                        false => Bf16Image::Dense(read_lines(act_bits, s.len())),
                    };
                    let y = match (step.keep, step.bordered) {
                        (true, true) => TilesOut::Bf16Bordered(
                            on_lines(out_bits, conv::bordered_len(next)),
                            (next.h, next.w),
                        ),
                        (true, false) => TilesOut::Bf16(on_lines(out_bits, next.len())),
                        (false, _) => TilesOut::F32(&mut out.1[out.0..out.0 + next.len()]),
                    };
                    conv::conv3x3_relu_bf16(*par, s, x, kernel, &p.bias, y)?;
                    (in_bits, in_bordered) = (step.keep, step.bordered);
                }
                (Layer::Conv { .. }, _) => {
                    let (kernel, p) = convs.next().expect("checked by VggWeights::check");
                    // A conv followed by a pool runs as one pass where the kernel allows it.
                    let pool = layers.next_if(|(l, _)| {
                        matches!(l, Layer::MaxPool { .. }) && conv::fuses_maxpool(&self.backend, kernel, s)
                    });
                    if let Some((pool, _)) = pool {
                        next = next_shape(pool, next);
                        let dst = &mut out.1[out.0..out.0 + next.len()];
                        conv::conv3x3_relu_maxpool_packed(&self.backend, s, src, kernel, &p.bias, dst)?
                    } else {
                        let dst = &mut out.1[out.0..out.0 + next.len()];
                        conv::conv3x3_relu_packed(&self.backend, s, src, kernel, &p.bias, dst)?
                    }
                }
                (Layer::MaxPool { .. }, Backend::Cpu { par, .. }) if in_bits => {
                    let len = if step.bordered { conv::bordered_len(next) } else { next.len() };
                    let (x, y) = (read_lines(act_bits, s.len()), on_lines(out_bits, len));
                    conv::maxpool2x2_bf16(*par, s, x, y, step.bordered)?;
                    in_bordered = step.bordered;
                }
                (Layer::MaxPool { .. }, _) => {
                    conv::maxpool2x2(&self.backend, s, src, &mut out.1[out.0..out.0 + next.len()])?
                }
            }
            std::mem::swap(act, out);
            std::mem::swap(act_bits, out_bits);
            s = next;
        }
        assert!(!in_bits, "the last conv writes f32");
        Ok(act.1[act.0..act.0 + s.len()].to_vec())
    }

    /// For each layer of a pass on input shape `s`, how it runs: a conv on the AMX tiles
    /// ([`conv::takes_bf16`]), and whether it leaves its output in bf16 — a tile conv whose
    /// next conv, past any pools, is on the tiles too (the pools between then run on the bf16
    /// bits) — and whether that bf16 output is written inside a zero border, for a next layer
    /// that is a tile conv reading it so ([`conv::reads_bordered`]). The last conv writes f32.
    fn bf16_plan(&self, mut s: conv::Shape) -> Vec<Bf16Step> {
        let layers = &self.weights.arch.layers;
        let (mut convs, mut on_tiles) = (self.packed.iter(), Vec::with_capacity(layers.len()));
        let mut outputs = Vec::with_capacity(layers.len());
        for layer in layers {
            on_tiles.push(match layer {
                Layer::Conv { .. } => {
                    Some(convs.next().is_some_and(|kernel| conv::takes_bf16(&self.backend, kernel, s)))
                }
                Layer::MaxPool { .. } => None,
            });
            s = next_shape(layer, s);
            outputs.push(s);
        }
        let mut bits = false;
        (0..layers.len())
            .map(|i| {
                let tiles = on_tiles[i] == Some(true);
                let next_on_tiles = on_tiles[i + 1..].iter().flatten().next() == Some(&true);
                let keep = tiles && next_on_tiles;
                // A conv leaves bits when it keeps them; a pool passes on what it was given.
                bits = if on_tiles[i].is_some() { keep } else { bits };
                let next_reads_bordered =
                    on_tiles.get(i + 1) == Some(&Some(true)) && conv::reads_bordered(outputs[i]);
                Bf16Step { tiles, keep, bordered: bits && next_reads_bordered }
            })
            .collect()
    }

    /// The GPU pass: one upload, every layer recorded on resident buffers, one download.
    #[cfg(feature = "gpu")]
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
