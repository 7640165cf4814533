//! The VGG graphs as data: one table per depth, as torchvision's `cfgs`.
//!
//! ```text
//! VGG11 (A)  64 M 128 M 256 256 M 512 512 M 512 512 M
//! VGG13 (B)  64 64 M 128 128 M 256 256 M 512 512 M 512 512 M
//! VGG16 (D)  64 64 M 128 128 M 256 256 256 M 512 512 512 M 512 512 512 M
//! VGG19 (E)  64 64 M 128 128 M 256 256 256 256 M 512 512 512 512 M 512 512 512 512 M
//! ```
//! A number is a 3×3 same-padded convolution with that many output channels, bias and ReLU;
//! `M` a 2×2 stride-2 max-pool. Layer names follow Keras (`block{b}_conv{k}`, `block{b}_pool`);
//! [`Layer::torch_index`] gives the index in torchvision's `features` Sequential.

use crate::error::{Error, Result};

/// One entry of a VGG configuration table: a channel count or a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Conv(usize),
    Pool,
}

const fn c(n: usize) -> Entry {
    Entry::Conv(n)
}
const M: Entry = Entry::Pool;

/// torchvision's `cfgs["A"]`.
pub const VGG11: &[Entry] = &[c(64), M, c(128), M, c(256), c(256), M, c(512), c(512), M, c(512), c(512), M];
/// torchvision's `cfgs["B"]`.
pub const VGG13: &[Entry] =
    &[c(64), c(64), M, c(128), c(128), M, c(256), c(256), M, c(512), c(512), M, c(512), c(512), M];
/// torchvision's `cfgs["D"]`.
pub const VGG16: &[Entry] = &[
    c(64),
    c(64),
    M,
    c(128),
    c(128),
    M,
    c(256),
    c(256),
    c(256),
    M,
    c(512),
    c(512),
    c(512),
    M,
    c(512),
    c(512),
    c(512),
    M,
];
/// torchvision's `cfgs["E"]`.
pub const VGG19: &[Entry] = &[
    c(64),
    c(64),
    M,
    c(128),
    c(128),
    M,
    c(256),
    c(256),
    c(256),
    c(256),
    M,
    c(512),
    c(512),
    c(512),
    c(512),
    M,
    c(512),
    c(512),
    c(512),
    c(512),
    M,
];

/// One layer of the convolutional base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// 3×3 stride-1 same-padded convolution + bias + ReLU.
    Conv {
        /// Keras name, e.g. `block1_conv1`.
        name: String,
        /// Index in torchvision's `features` Sequential (conv at i, ReLU at i+1).
        torch_index: usize,
        in_ch: usize,
        out_ch: usize,
    },
    /// 2×2 stride-2 max-pool (floor of odd sizes, as Keras `valid` and torch's default).
    MaxPool { name: String, torch_index: usize },
}

impl Layer {
    pub fn name(&self) -> &str {
        match self {
            Layer::Conv { name, .. } | Layer::MaxPool { name, .. } => name,
        }
    }

    pub fn torch_index(&self) -> usize {
        match self {
            Layer::Conv { torch_index, .. } | Layer::MaxPool { torch_index, .. } => *torch_index,
        }
    }
}

/// A VGG convolutional base: its name, its input channels and its layers in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    pub name: String,
    pub layers: Vec<Layer>,
}

impl Architecture {
    /// Build the layers of a configuration table on `in_ch` input channels.
    pub fn from_table(name: &str, table: &[Entry], in_ch: usize) -> Architecture {
        let (mut layers, mut block, mut conv_in_block, mut torch_index, mut ch) =
            (Vec::new(), 1, 0, 0, in_ch);
        for entry in table {
            match *entry {
                Entry::Conv(out_ch) => {
                    conv_in_block += 1;
                    let name = format!("block{block}_conv{conv_in_block}");
                    layers.push(Layer::Conv { name, torch_index, in_ch: ch, out_ch });
                    ch = out_ch;
                    torch_index += 2;
                }
                Entry::Pool => {
                    layers.push(Layer::MaxPool { name: format!("block{block}_pool"), torch_index });
                    torch_index += 1;
                    block += 1;
                    conv_in_block = 0;
                }
            }
        }
        Architecture { name: name.to_string(), layers }
    }

    /// VGG16 on RGB input: the tutorial's network.
    pub fn vgg16() -> Architecture {
        Architecture::from_table("vgg16", VGG16, 3)
    }

    /// VGG of depth 11, 13, 16 or 19.
    pub fn vgg(depth: usize) -> Result<Architecture> {
        let table = match depth {
            11 => VGG11,
            13 => VGG13,
            16 => VGG16,
            19 => VGG19,
            other => {
                return Err(Error::param(
                    "depth",
                    format!("VGG{other} does not exist; use 11, 13, 16 or 19"),
                ));
            }
        };
        Ok(Architecture::from_table(&format!("vgg{depth}"), table, 3))
    }

    /// The same graph with every channel count divided by `divisor` (at least 1): small
    /// networks for tests that keep the real depth, names and spatial sizes.
    pub fn narrowed(&self, divisor: usize) -> Architecture {
        let mut layers = self.layers.clone();
        for layer in &mut layers {
            if let Layer::Conv { in_ch, out_ch, .. } = layer {
                if *in_ch > 3 {
                    *in_ch = (*in_ch / divisor).max(1);
                }
                *out_ch = (*out_ch / divisor).max(1);
            }
        }
        Architecture { name: format!("{}/{divisor}", self.name), layers }
    }

    /// The convolutions in order: (name, in_ch, out_ch).
    pub fn convs(&self) -> impl Iterator<Item = (&str, usize, usize)> {
        self.layers.iter().filter_map(|l| match l {
            Layer::Conv { name, in_ch, out_ch, .. } => Some((name.as_str(), *in_ch, *out_ch)),
            Layer::MaxPool { .. } => None,
        })
    }

    /// Output (h, w, c) for an (h, w) input.
    pub fn output_shape(&self, (mut h, mut w): (usize, usize)) -> (usize, usize, usize) {
        let mut c = 0;
        for layer in &self.layers {
            match layer {
                Layer::Conv { out_ch, .. } => c = *out_ch,
                Layer::MaxPool { .. } => (h, w) = (h / 2, w / 2),
            }
        }
        (h, w, c)
    }

    /// Multiply-adds of one (h, w) image through the convolutions.
    pub fn macs(&self, (mut h, mut w): (usize, usize)) -> u64 {
        let mut macs = 0u64;
        for layer in &self.layers {
            match layer {
                Layer::Conv { in_ch, out_ch, .. } => macs += (h * w * 9 * in_ch * out_ch) as u64,
                Layer::MaxPool { .. } => (h, w) = (h / 2, w / 2),
            }
        }
        macs
    }

    /// Number of parameters (kernels and biases).
    pub fn parameters(&self) -> usize {
        self.convs().map(|(_, i, o)| 9 * i * o + o).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vgg16_matches_the_keras_table() {
        let a = Architecture::vgg16();
        assert_eq!(a.convs().count(), 13);
        assert_eq!(a.parameters(), 14_714_688);
        assert_eq!(a.macs((224, 224)), 15_346_630_656);
        assert_eq!(a.output_shape((224, 224)), (7, 7, 512));
        let torch: Vec<usize> =
            a.layers.iter().filter(|l| matches!(l, Layer::Conv { .. })).map(Layer::torch_index).collect();
        assert_eq!(torch, [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]);
        assert_eq!(a.layers[2].name(), "block1_pool");
        assert_eq!(a.layers[17].torch_index(), 30);
    }

    #[test]
    fn every_depth_has_its_conv_count() {
        for (depth, convs) in [(11, 8), (13, 10), (16, 13), (19, 16)] {
            assert_eq!(Architecture::vgg(depth).unwrap().convs().count(), convs);
        }
        assert!(Architecture::vgg(12).is_err());
    }
}
