//! Every hot loop of cinegenre, one folder per kernel family.
//!
//! Each family is `mod.rs` (the maths, the shapes, the one public function that validates its
//! arguments once and then `match`es on the [`Backend`](crate::backend::Backend)), `scalar.rs`
//! (the readable reference: indexed loops in formula order, no `unsafe`, no threads), `simd.rs`
//! (the fast CPU code) and `gpu.rs` (the WGSL dispatcher; the shader is `shaders/<family>.wgsl`).
//! The tested variant is the used variant; the scalar one stays as reference and fallback.
//!
//! Conventions: matrices are dense row-major `f32` slices. Dimension letters:
//!
//! ```text
//! m  rows of the output (batch size in the MLP)
//! n  columns of the output (units of a layer)
//! k  the summed dimension (inputs of a layer)
//! ```
//!
//! | family          | computes                                                   |
//! |-----------------|------------------------------------------------------------|
//! | [`gemm`]        | C = act(op(A)·op(B) + bias), op ∈ {identity, transpose}    |
//! | [`elementwise`] | ReLU, sigmoid and their gradients; BCE-from-logits gradient|
//! | [`reduce`]      | column sums (bias gradients)                               |
//! | [`rmsprop`]     | the fused RMSprop update (Keras 2.0 and PyTorch variants)  |
//! | [`spmm`]        | CSR × dense                                                |

pub mod conv;
pub mod elementwise;
pub mod gemm;
pub mod reduce;
pub mod rmsprop;
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
