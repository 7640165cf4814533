//! Where a run computed: the CPU's SIMD level and threads, the GPU adapter when a stage used it,
//! and the backend of every stage.

use serde::Serialize;

use crate::backend::Backend;

/// The machine and the backend of each stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Environment {
    /// The SIMD level the CPU kernels use (`avx512`, `avx2`, `scalar`, …).
    pub simd: String,
    /// Threads of the parallel CPU kernels.
    pub threads: usize,
    /// Name, driver and type of the GPU adapter, when a stage ran on it.
    pub gpu_adapter: Option<String>,
    /// Stage → the backend it ran on, for every stage that computed.
    pub devices: Vec<(String, String)>,
    /// `std::env::consts::{OS, ARCH}`.
    pub platform: String,
}

impl Environment {
    /// This machine, with the GPU adapter named if a stage ran on it.
    pub fn detect(stage_backends: &[(String, Backend)]) -> Environment {
        let simd =
            crate::simd::SimdLevel::get().map(|l| l.name().to_string()).unwrap_or_else(|e| e.to_string());
        let gpu_adapter = stage_backends.iter().find_map(|(_, b)| match b {
            Backend::Gpu(ctx) => crate::gpu::on_gpu!(ctx => Some(format!(
                "{} ({}, {}, driver {})",
                ctx.report.name, ctx.report.backend, ctx.report.device_type, ctx.report.driver
            ))),
            _ => None,
        });
        Environment {
            simd,
            threads: rayon::current_num_threads(),
            gpu_adapter,
            devices: stage_backends.iter().map(|(s, b)| (s.clone(), b.name())).collect(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}
