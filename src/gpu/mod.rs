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
//!    `MAP_READ` *staging* buffer is the only kind the host can read back ([`buffer`]).
//! 3. A *compute pipeline* is a compiled shader entry point; they are compiled once and cached
//!    ([`pipeline`]). A *bind group* attaches buffers to the shader's `@binding(i)` slots.
//! 4. Work is recorded into a *command encoder* (one or many dispatches: chained kernels keep
//!    their data on the device), finished into a command buffer and submitted to the queue.
//! 5. Reading back = copy into a staging buffer, submit, map it asynchronously, poll the device
//!    until the map completes, copy the bytes out, unmap.
//!
//! GPU arithmetic is f32 only (WGSL has no portable f64). Every wgpu call whose signature
//! changes between releases lives in this folder.

mod buffer;
mod context;
mod pipeline;
pub use pipeline::{MAX_GROUPS_PER_DIM, grid_1d};
mod shaders;

pub use buffer::GpuBuffer;
pub use context::{AdapterReport, GpuContext, GpuCounters, REQUIRE_GPU_ENV};
pub use shaders::Shader;
