//! The GPU path: WGSL compute shaders run through wgpu (Vulkan, Metal, DX12 or a software
//! adapter such as Mesa's lavapipe).
//!
//! How a kernel runs, once (the wgpu examples' explanations, gathered here so kernel code stays
//! short):
//!
//! 1. [`GpuContext::get`] opens the one *adapter* (a physical or software GPU) and *device*
//!    (our logical connection to it, with a *queue* that executes submitted work) per process.
//! 2. Data lives in *buffers*: `STORAGE` buffers hold tensors on the device, a small `UNIFORM`
//!    buffer holds each dispatch's parameters (a `#[repr(C)]` struct mirrored in WGSL), and a
//!    `MAP_READ` *staging* buffer is the only kind the host can read back (`buffer`).
//! 3. A *compute pipeline* is a compiled shader entry point; they are compiled once and cached
//!    (`pipeline`). A *bind group* attaches buffers to the shader's `@binding(i)` slots.
//! 4. Work is recorded into a *command encoder* (one or many dispatches: chained kernels keep
//!    their data on the device), finished into a command buffer and submitted to the queue.
//! 5. Reading back = copy into a staging buffer, submit, map it asynchronously, poll the device
//!    until the map completes, copy the bytes out, unmap.
//!
//! GPU arithmetic is f32 only (WGSL has no portable f64). Every wgpu call whose signature
//! changes between releases lives in this folder.
//!
//! Without the `gpu` feature (no wgpu in the build) the same names come from a small stand-in
//! whose [`GpuContext::get`] says to rebuild with `--features gpu`; GPU code elsewhere is
//! wrapped in `on_gpu!`.

#[cfg(feature = "gpu")]
mod buffer;
#[cfg(feature = "gpu")]
mod context;
mod counters;
#[cfg(not(feature = "gpu"))]
mod off;
#[cfg(feature = "gpu")]
mod pipeline;
#[cfg(feature = "gpu")]
pub use pipeline::{MAX_GROUPS_PER_DIM, grid_1d};
#[cfg(feature = "gpu")]
mod shaders;

#[cfg(feature = "gpu")]
pub use buffer::GpuBuffer;
#[cfg(feature = "gpu")]
pub use context::{AdapterReport, GpuContext, REQUIRE_GPU_ENV};
pub use counters::GpuCounters;
#[cfg(not(feature = "gpu"))]
pub use off::{GpuBuffer, GpuContext, NO_GPU_FEATURE, REQUIRE_GPU_ENV};
#[cfg(feature = "gpu")]
pub use shaders::Shader;

/// `on_gpu!(ctx => expr)` is `expr` in a build with the `gpu` feature; without it, where
/// `ctx` (a [`GpuContext`] or [`GpuBuffer`]) cannot exist, the arm is unreachable and `expr`
/// is never compiled. Kernel dispatchers write their GPU arm as
/// `Backend::Gpu(ctx) => on_gpu!(ctx => gpu::spmm(ctx, …)?)`; other bindings of the arm that
/// only `expr` uses are listed after `ctx` (`on_gpu!(ctx, k => …)`).
#[cfg(feature = "gpu")]
macro_rules! on_gpu {
    ($ctx:expr $(, $used:ident)* => $e:expr) => {
        $e
    };
}

#[cfg(not(feature = "gpu"))]
macro_rules! on_gpu {
    ($ctx:expr $(, $used:ident)* => $e:expr) => {{
        $(let _ = &$used;)*
        $ctx.absent()
    }};
}
pub(crate) use on_gpu;
