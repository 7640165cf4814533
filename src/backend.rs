//! Where numerical work runs: the scalar reference, the CPU (SIMD level × threads) or the GPU.
//!
//! Every kernel family in [`crate::kernels`] takes a [`Backend`] and `match`es on it once, so
//! the same call runs the readable reference, the fast CPU code or a WGSL shader. Tests and
//! benches iterate over [`Backend::available`], so every path this machine can run is checked
//! against the reference.
//!
//! Choosing a device: `--device cpu|gpu|auto` on the command line, or the environment variable
//! `CINEGENRE_DEVICE` (the flag wins). `auto` takes the GPU when an adapter exists, else the CPU.
//!
//! Without the `gpu` feature there is no wgpu in the build: [`Backend::gpu`] and `--device gpu`
//! then fail with "built without the `gpu` feature: rebuild with --features gpu", and `auto`
//! takes the CPU.
//!
//! ```
//! use cinegenre::backend::{Backend, Device};
//! use cinegenre::kernels::Activation;
//! use cinegenre::kernels::gemm::{Epilogue, Gemm, gemm};
//! let (a, b) = ([1.0f32, 2.0, 3.0, 4.0], [1.0f32, 0.0, 0.0, 1.0]); // (2, 2) · I
//! for backend in Backend::available() {
//!     let mut c = [f32::NAN; 4];
//!     gemm(&backend, Gemm::nn(2, 2, 2), &a[..], &b[..], Epilogue::default(), &mut c)?;
//!     assert_eq!(c, a, "{}", backend.name());
//! }
//! let cpu = Backend::for_device(Device::Cpu)?;
//! assert!(!cpu.is_gpu() && Activation::Relu.apply(-1.0) == 0.0);
//! # Ok::<(), cinegenre::Error>(())
//! ```

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::gpu::GpuContext;
use crate::simd::SimdLevel;

/// Environment variable naming the default device (`cpu`, `gpu` or `auto`).
pub const DEVICE_ENV: &str = "CINEGENRE_DEVICE";

/// Sequential or parallel (rayon, all cores) execution of a CPU kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Par {
    /// One thread: the order of operations is fixed.
    Seq,
    /// rayon's global pool.
    Rayon,
}

/// One place to run a kernel.
#[derive(Clone)]
pub enum Backend {
    /// The reference: indexed loops in formula order, one thread, no SIMD intrinsics.
    Scalar,
    /// Packed, register-blocked CPU kernels at a SIMD level, on one thread or all.
    Cpu { simd: SimdLevel, par: Par },
    /// WGSL compute shaders through wgpu.
    Gpu(Arc<GpuContext>),
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// A device as the user names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    Cpu,
    Gpu,
    /// The GPU when an adapter exists, else the CPU.
    Auto,
}

impl std::str::FromStr for Device {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(Device::Cpu),
            "gpu" => Ok(Device::Gpu),
            "auto" => Ok(Device::Auto),
            other => Err(Error::param("device", format!("`{other}` is not one of cpu, gpu, auto"))),
        }
    }
}

impl Device {
    /// The flag if given, else `CINEGENRE_DEVICE`, else `cpu`.
    pub fn resolve(flag: Option<Device>) -> Result<Device> {
        if let Some(d) = flag {
            return Ok(d);
        }
        match std::env::var(DEVICE_ENV) {
            Ok(v) => {
                v.parse().map_err(|_| Error::param(DEVICE_ENV, format!("`{v}` is not one of cpu, gpu, auto")))
            }
            Err(_) => Ok(Device::Cpu),
        }
    }
}

impl Backend {
    /// The fast CPU backend: the configured SIMD level on all cores.
    pub fn cpu() -> Result<Backend> {
        Ok(Backend::Cpu { simd: SimdLevel::get()?, par: Par::Rayon })
    }

    /// The GPU backend, or an error saying why there is none.
    pub fn gpu() -> Result<Backend> {
        Ok(Backend::Gpu(GpuContext::get()?))
    }

    /// The backend for a user's device choice.
    pub fn for_device(device: Device) -> Result<Backend> {
        match device {
            Device::Cpu => Backend::cpu(),
            Device::Gpu => Backend::gpu(),
            Device::Auto => Backend::gpu().or_else(|_| Backend::cpu()),
        }
    }

    /// Every backend this machine can run: the reference, each SIMD level sequentially, the
    /// widest level in parallel, and the GPU when an adapter exists.
    pub fn available() -> Vec<Backend> {
        let mut all = vec![Backend::Scalar];
        for simd in SimdLevel::supported() {
            all.push(Backend::Cpu { simd, par: Par::Seq });
        }
        all.push(Backend::Cpu { simd: SimdLevel::detected(), par: Par::Rayon });
        if let Ok(ctx) = GpuContext::get() {
            all.push(Backend::Gpu(ctx));
        }
        all
    }

    /// A short name for reports: `scalar`, `avx512`, `avx512+rayon`, `gpu`.
    pub fn name(&self) -> String {
        match self {
            Backend::Scalar => "scalar".into(),
            Backend::Cpu { simd, par: Par::Seq } => simd.name().into(),
            Backend::Cpu { simd, par: Par::Rayon } => format!("{simd}+rayon"),
            Backend::Gpu(_) => "gpu".into(),
        }
    }

    /// Whether this is the GPU backend.
    pub fn is_gpu(&self) -> bool {
        matches!(self, Backend::Gpu(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        assert_eq!("GPU".parse::<Device>().unwrap(), Device::Gpu);
        assert!("tpu".parse::<Device>().unwrap_err().to_string().contains("cpu, gpu, auto"));
        assert_eq!(Device::resolve(Some(Device::Cpu)).unwrap(), Device::Cpu);
    }

    #[test]
    fn available_starts_with_the_reference() {
        let all = Backend::available();
        assert_eq!(all[0].name(), "scalar");
        assert!(all.iter().any(|b| matches!(b, Backend::Cpu { par: Par::Rayon, .. })));
    }
}
