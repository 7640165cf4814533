//! Cross-checks of every kernel family: each fast backend (every SIMD level, sequential and
//! parallel, and the GPU when an adapter exists) against the scalar reference, on random and
//! awkward shapes, with outputs NaN-poisoned before each run.

mod bf16;
mod common;
mod conv;
mod elementwise;
mod gemm;
#[cfg(feature = "gpu")]
mod gpu_tile;
mod half;
#[cfg(feature = "gpu")]
mod mlp_epoch;
mod reduce;
mod rmsprop;
mod smo;
mod spmm;
