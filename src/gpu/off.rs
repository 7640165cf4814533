//! The GPU path when cinegenre is built without the `gpu` feature: the same names, no wgpu.
//!
//! [`GpuContext::get`] answers with an error that says how to get the GPU back, so
//! [`Backend::gpu`](crate::backend::Backend::gpu) and `--device gpu` fail with a sentence, not
//! a compile error. [`GpuContext`] and [`GpuBuffer`] have no values here: a
//! [`Backend::Gpu`](crate::backend::Backend::Gpu) can never be made, and every kernel's GPU arm
//! is compiled out by `on_gpu!`.

use std::convert::Infallible;
use std::sync::Arc;

use crate::error::{Error, Result};

/// With `CINEGENRE_REQUIRE_GPU=1` (set by CI) a missing adapter fails GPU tests instead of
/// skipping them.
pub const REQUIRE_GPU_ENV: &str = "CINEGENRE_REQUIRE_GPU";

/// Why there is no GPU in this build.
pub const NO_GPU_FEATURE: &str = "built without the `gpu` feature: rebuild with --features gpu";

/// No GPU context exists in a build without the `gpu` feature.
pub struct GpuContext {
    never: Infallible,
}

/// No GPU buffer exists in a build without the `gpu` feature.
pub struct GpuBuffer {
    never: Infallible,
}

impl GpuContext {
    /// Always the error [`NO_GPU_FEATURE`].
    pub fn get() -> Result<Arc<GpuContext>> {
        Err(Error::gpu("adapter", NO_GPU_FEATURE))
    }

    /// Always false: `CINEGENRE_REQUIRE_GPU=1` asks for an adapter when wgpu is built in; a
    /// build without the `gpu` feature has none to require, and its GPU tests say they skipped.
    pub fn required() -> bool {
        false
    }

    /// A context cannot exist: this proves it to the compiler in a `match` arm.
    pub fn absent(&self) -> ! {
        match self.never {}
    }
}

impl GpuBuffer {
    /// A buffer cannot exist: this proves it to the compiler in a `match` arm.
    pub fn absent(&self) -> ! {
        match self.never {}
    }
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.absent()
    }
}

impl std::fmt::Debug for GpuBuffer {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.absent()
    }
}
