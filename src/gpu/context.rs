//! The one GPU context per process: adapter, device, queue, pipeline cache.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::gpu::GpuCounters;
use crate::gpu::pipeline::PipelineCache;

/// With `CINEGENRE_REQUIRE_GPU=1` (set by CI) a missing adapter fails GPU tests instead of
/// skipping them.
pub const REQUIRE_GPU_ENV: &str = "CINEGENRE_REQUIRE_GPU";

/// What adapter was chosen, for logs and bench reports.
#[derive(Debug, Clone)]
pub struct AdapterReport {
    pub name: String,
    pub backend: String,
    pub device_type: String,
    pub driver: String,
    pub max_buffer_size: u64,
    pub max_storage_buffer_binding_size: u64,
    pub max_compute_invocations_per_workgroup: u32,
    /// Whether the adapter offers WGSL `f16` (`shader-f16`).
    pub shader_f16: bool,
}

impl std::fmt::Display for AdapterReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}, {}, driver {}): max buffer {} MiB, max storage binding {} MiB, {} invocations/workgroup, shader-f16 {}",
            self.name,
            self.backend,
            self.device_type,
            self.driver,
            self.max_buffer_size >> 20,
            self.max_storage_buffer_binding_size >> 20,
            self.max_compute_invocations_per_workgroup,
            if self.shader_f16 { "yes" } else { "no" }
        )
    }
}

/// Device, queue and compiled pipelines, shared by every GPU kernel.
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub report: AdapterReport,
    pub(crate) pipelines: PipelineCache,
    /// Command buffers submitted and staging buffers mapped, by every thread: [`Self::counters`].
    submits: AtomicU64,
    readbacks: AtomicU64,
}

impl GpuContext {
    /// The process-wide context, created on first use; an error (not a panic) when this
    /// machine has no usable adapter. The outcome is cached: a missing adapter is looked for once.
    pub fn get() -> Result<Arc<GpuContext>> {
        static CONTEXT: OnceLock<std::result::Result<Arc<GpuContext>, String>> = OnceLock::new();
        CONTEXT
            .get_or_init(|| pollster::block_on(GpuContext::create()).map(Arc::new))
            .clone()
            .map_err(|message| Error::gpu("adapter", message))
    }

    /// Submissions and readbacks since the context was created, all threads together (for
    /// benches; tests measure [`GpuCounters::this_thread`]).
    pub fn counters(&self) -> GpuCounters {
        GpuCounters {
            submits: self.submits.load(Ordering::Relaxed),
            readbacks: self.readbacks.load(Ordering::Relaxed),
        }
    }

    /// Submit one finished command buffer, counted: every submission goes through here.
    pub fn submit(&self, commands: wgpu::CommandBuffer) {
        self.submits.fetch_add(1, Ordering::Relaxed);
        super::counters::count_on_this_thread(GpuCounters { submits: 1, readbacks: 0 });
        self.queue.submit([commands]);
    }

    /// Count one readback (a staging buffer mapped); called next to every `map_async`.
    pub(crate) fn count_readback(&self) {
        self.readbacks.fetch_add(1, Ordering::Relaxed);
        super::counters::count_on_this_thread(GpuCounters { submits: 0, readbacks: 1 });
    }

    /// Whether `CINEGENRE_REQUIRE_GPU=1` is set.
    pub fn required() -> bool {
        std::env::var(REQUIRE_GPU_ENV).is_ok_and(|v| v == "1")
    }

    async fn create() -> std::result::Result<GpuContext, String> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                compatible_surface: None,
                ..Default::default()
            })
            .await
            .map_err(|e| {
                format!("no GPU adapter found ({e}); install a driver, or Mesa's lavapipe (apt-get install mesa-vulkan-drivers)")
            })?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let features = adapter.features();
        // Ask for everything the adapter allows: the poster MLP's first weight matrix alone
        // is 25088 × 1024 f32 = 98 MiB, above WebGPU's default 128 MiB binding on some cards.
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("cinegenre"),
                // Subgroup operations where offered: the GEMM's shuffle variant (kernels::gemm::gpu_tile).
                required_features: features & wgpu::Features::SUBGROUP,
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| format!("the adapter `{}` refused a device: {e}", info.name))?;
        let report = AdapterReport {
            name: info.name.clone(),
            backend: format!("{:?}", info.backend),
            device_type: format!("{:?}", info.device_type),
            driver: format!("{} {}", info.driver, info.driver_info).trim().to_string(),
            max_buffer_size: limits.max_buffer_size,
            max_storage_buffer_binding_size: limits.max_storage_buffer_binding_size,
            max_compute_invocations_per_workgroup: limits.max_compute_invocations_per_workgroup,
            shader_f16: features.contains(wgpu::Features::SHADER_F16),
        };
        Ok(GpuContext {
            device,
            queue,
            report,
            pipelines: PipelineCache::default(),
            submits: AtomicU64::new(0),
            readbacks: AtomicU64::new(0),
        })
    }
}
