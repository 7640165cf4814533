//! Every hot loop of cinegenre, one folder per kernel family.
//!
//! Each family is `mod.rs` (the maths, the shapes, the public entry that validates its
//! arguments once and then `match`es on the [`Backend`](crate::backend::Backend)), `scalar.rs`
//! (the readable reference: indexed loops in formula order, no `unsafe`, no threads), `simd.rs`
//! (the fast CPU code) and `gpu.rs` (the WGSL dispatcher and its `encode` for chained kernels;
//! the shader is `shaders/<family>.wgsl`). The tested variant is the used variant; the scalar
//! one stays as reference and fallback.
//!
//! Conventions: matrices are dense row-major `f32` slices. Dimension letters:
//!
//! ```text
//! m  rows of the output (batch size in the MLP)
//! n  columns of the output (units of a layer)
//! k  the summed dimension (inputs of a layer)
//! conv: n images, h × w pixels, c input channels, o output channels
//! ```
//!
//! | family          | computes                                                   |
//! |-----------------|------------------------------------------------------------|
//! | [`gemm`]        | C = act(op(A)·op(B) + bias); f32/f16/bf16 operands, f32 or |
//! |                 | bf16 arithmetic                                            |
//! | [`conv`]        | VGG's 3×3 conv + bias + ReLU (implicit-im2col GEMM), pool  |
//! | [`elementwise`] | ReLU, sigmoid and their gradients; BCE-from-logits gradient|
//! | [`reduce`]      | column sums (bias gradients)                               |
//! | [`rmsprop`]     | the fused RMSprop update (Keras 2.0 and PyTorch variants)  |
//! | [`spmm`]        | CSR × dense                                                |
//! | [`smo`]         | the SVM solver's gathered gradient update and scans (CPU)  |
//!
//! Entry points, each `(backend, shape…, inputs…, outputs) -> Result<()>`:
//! [`gemm::gemm`] and, with B packed once by [`gemm::PackedB::new`], [`gemm::gemm_packed`];
//! [`conv::conv3x3_relu`] and, with [`conv::pack_kernel`], [`conv::conv3x3_relu_packed`];
//! [`conv::maxpool2x2`]; [`elementwise::activate`], [`elementwise::relu_backward`],
//! [`elementwise::sigmoid_backward`], [`elementwise::bce_grad`]; [`reduce::column_sums`];
//! [`rmsprop::rmsprop`]; [`spmm::spmm`]; [`smo::step`], [`smo::select`] and
//! [`smo::add_column`] (on a [`SimdLevel`](crate::simd::SimdLevel): no GPU variant).
//!
//! Layering: callers (models, `bench`) use the entry points above, the GPU `encode` functions
//! (models that keep data on the device) and the families' value types; families use only
//! each other's entry points (conv runs on [`gemm::gemm_packed`]); inside a family the leaf
//! files (shapes, storage types) are imported by the variants and import none of them. Below
//! the kernels: [`crate::simd`] (SIMD level, lanes, `simd_fn!`) and [`crate::gpu`] (context,
//! buffers, pipelines). Kernels import no model.
//!
//! Adding a family: a folder with `mod.rs` (entry + maths), `scalar.rs`, `simd.rs`, `gpu.rs`, a
//! shader `shaders/<family>.wgsl` (plus its line in `gpu::Shader`), a `tests/kernels/<family>.rs`
//! and a group in `benches/kernels.rs`.

pub mod conv;
pub mod elementwise;
pub mod gemm;
pub mod reduce;
pub mod rmsprop;
pub mod smo;
pub mod spmm;

/// An activation applied elementwise, also as a GEMM epilogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Activation {
    /// y = x.
    #[default]
    Identity,
    /// y = max(x, 0).
    Relu,
    /// y = 1 / (1 + e^(−x)).
    Sigmoid,
}

impl Activation {
    /// Apply to one value.
    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Identity => x,
            Activation::Relu => x.max(0.0),
            Activation::Sigmoid => sigmoid(x),
        }
    }

    /// The code the WGSL shaders use (`0` identity, `1` ReLU, `2` sigmoid).
    pub fn code(self) -> u32 {
        match self {
            Activation::Identity => 0,
            Activation::Relu => 1,
            Activation::Sigmoid => 2,
        }
    }
}

/// The logistic function, written so that neither branch overflows.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
