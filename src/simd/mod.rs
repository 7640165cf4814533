//! Which SIMD instructions the CPU kernels may use: detected once at run time, overridable.
//!
//! The CPU kernels are compiled for every level at once (`#[target_feature]` functions, never
//! `-C target-cpu=native`), and dispatch on the [`SimdLevel`] chosen here, so one binary runs on
//! any x86-64 and every level can be tested on one machine (the idea of bluss/matrixmultiply's
//! `MMTEST_FEATURE`):
//!
//! | level      | needs                     | GEMM micro-tile (MR × NR) |
//! |------------|---------------------------|---------------------------|
//! | `portable` | nothing (plain Rust)      | 4 × 8                     |
//! | `avx2`     | AVX2 + FMA                | 6 × 16                    |
//! | `avx512`   | AVX-512F                  | 14 × 32                   |
//!
//! `CINEGENRE_SIMD=scalar|portable|avx2|avx512` forces a level (it must not exceed what the
//! CPU has: asking for more is an error, not a crash).

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Environment variable that forces a SIMD level.
pub const SIMD_ENV: &str = "CINEGENRE_SIMD";

/// An instruction-set level for the CPU kernels, in increasing order of width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SimdLevel {
    /// Plain Rust loops (what the compiler auto-vectorises for the baseline target).
    Portable,
    /// 256-bit AVX2 with fused multiply-add.
    Avx2,
    /// 512-bit AVX-512 Foundation.
    Avx512,
}

impl SimdLevel {
    /// The widest level this CPU supports.
    pub fn detected() -> SimdLevel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return SimdLevel::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                return SimdLevel::Avx2;
            }
        }
        SimdLevel::Portable
    }

    /// Every level this CPU can run, narrowest first.
    pub fn supported() -> Vec<SimdLevel> {
        [SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512]
            .into_iter()
            .filter(|l| *l <= SimdLevel::detected())
            .collect()
    }

    /// The level the kernels use: `CINEGENRE_SIMD` if set (and valid), else [`Self::detected`];
    /// decided once per process.
    pub fn get() -> Result<SimdLevel> {
        static LEVEL: OnceLock<std::result::Result<SimdLevel, String>> = OnceLock::new();
        LEVEL
            .get_or_init(|| match std::env::var(SIMD_ENV) {
                Ok(value) => SimdLevel::parse_supported(&value).map_err(|e| e.to_string()),
                Err(_) => Ok(SimdLevel::detected()),
            })
            .clone()
            .map_err(|message| Error::param(SIMD_ENV, message))
    }

    /// Parse a level name and check that this CPU has it.
    pub fn parse_supported(name: &str) -> Result<SimdLevel> {
        let level = name.parse::<SimdLevel>()?;
        if level > SimdLevel::detected() {
            return Err(Error::param(
                SIMD_ENV,
                format!("`{name}` is not supported by this CPU (it has `{}`)", SimdLevel::detected()),
            ));
        }
        Ok(level)
    }

    /// The name used by `CINEGENRE_SIMD` and in reports.
    pub fn name(self) -> &'static str {
        match self {
            SimdLevel::Portable => "portable",
            SimdLevel::Avx2 => "avx2",
            SimdLevel::Avx512 => "avx512",
        }
    }
}

impl std::fmt::Display for SimdLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for SimdLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" | "portable" | "none" => Ok(SimdLevel::Portable),
            "avx2" => Ok(SimdLevel::Avx2),
            "avx512" | "avx512f" => Ok(SimdLevel::Avx512),
            other => Err(Error::param(
                SIMD_ENV,
                format!("unknown SIMD level `{other}` (expected scalar, avx2 or avx512)"),
            )),
        }
    }
}

/// The size of one core's L2 cache in bytes, from CPUID's deterministic cache parameters
/// (leaf 4 on Intel, leaf 0x8000001D on AMD); `None` where the CPU does not say. Asked once.
pub fn l2_bytes() -> Option<usize> {
    static L2: OnceLock<Option<usize>> = OnceLock::new();
    *L2.get_or_init(detect_l2)
}

fn detect_l2() -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::__cpuid_count;
        // A leaf beyond the highest one the CPU reports is not asked.
        let vendor = __cpuid_count(0, 0);
        let leaf = match &vendor.ebx.to_le_bytes() {
            b"Genu" if vendor.eax >= 4 => 4,
            b"Auth" if __cpuid_count(0x8000_0000, 0).eax >= 0x8000_001D => 0x8000_001D,
            _ => return None,
        };
        // Subleaves list the caches until one of type 0 (none); at most a handful exist.
        for sub in 0..16 {
            let r = __cpuid_count(leaf, sub);
            let (kind, level) = (r.eax & 0x1f, (r.eax >> 5) & 0x7);
            if kind == 0 {
                break;
            }
            if level == 2 && kind != 1 {
                // ways × partitions × line size × sets, each stored minus one.
                let field = |x: u32, shift: u32, bits: u32| ((x >> shift) & ((1 << bits) - 1)) as usize + 1;
                return Some(
                    field(r.ebx, 22, 10) * field(r.ebx, 12, 10) * field(r.ebx, 0, 12) * (r.ecx as usize + 1),
                );
            }
        }
        None
    }
    #[cfg(not(target_arch = "x86_64"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order() {
        for level in [SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512] {
            assert_eq!(level.name().parse::<SimdLevel>().unwrap(), level);
        }
        assert!(SimdLevel::Portable < SimdLevel::Avx512);
        assert!("sse9".parse::<SimdLevel>().is_err());
        assert_eq!(SimdLevel::supported()[0], SimdLevel::Portable);
    }

    /// CPUID's L2 size is the one Linux reports for core 0 (sysfs reads the same leaves, so
    /// this checks the decoding of the fields), where both exist.
    #[test]
    fn l2_size_matches_linux() {
        let sysfs = std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cache/index2/size");
        let level = std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cache/index2/level");
        match (l2_bytes(), sysfs, level) {
            (Some(bytes), Ok(size), Ok(level)) if level.trim() == "2" => {
                let kib: usize = size.trim().trim_end_matches('K').parse().expect("sysfs size in K");
                assert_eq!(bytes, kib << 10, "CPUID {bytes} B, sysfs {size}");
            }
            (bytes, size, _) => eprintln!("L2 not compared: CPUID {bytes:?}, sysfs {size:?}"),
        }
    }
}

pub mod peak;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;

/// Define `fn $name(level: SimdLevel, args…)` whose body is compiled once per SIMD level and
/// chosen at run time: the body is an `#[inline(always)]` function called from
/// `#[target_feature]` wrappers, so the compiler vectorises its loops for AVX-512 (16 lanes),
/// AVX2 + FMA (8) or the build's baseline. This is the runtime dispatch of the streaming
/// kernels — elementwise maps, reductions, the RMSprop update, SpMM rows — whose plain loops
/// vectorise well; the GEMM micro-kernels are written against [`Lanes`] instead, because
/// their register blocking has to be explicit.
macro_rules! simd_fn {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        $vis fn $name(level: $crate::simd::SimdLevel, $($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            unsafe fn avx512($($arg: $ty),*) {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2($($arg: $ty),*) {
                body($($arg),*)
            }
            match level {
                // SAFETY: a level above `Portable` is only ever constructed for a CPU that has
                // its instructions (`SimdLevel::detected`, `get` and `parse_supported` check).
                #[cfg(target_arch = "x86_64")]
                $crate::simd::SimdLevel::Avx512 => unsafe { avx512($($arg),*) },
                // SAFETY: as above.
                #[cfg(target_arch = "x86_64")]
                $crate::simd::SimdLevel::Avx2 => unsafe { avx2($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}
pub(crate) use simd_fn;

/// A vector of `W` f32 lanes, the building block the micro-kernels are written against once
/// (one generic `#[inline(always)]` body, thin `#[target_feature]` wrappers per level).
///
/// # Safety
/// Implementations for an instruction set may only be called from code compiled with that
/// instruction set enabled; `load`/`store` read/write `W` floats at the pointer.
pub(crate) unsafe trait Lanes {
    type V: Copy;
    const W: usize;
    unsafe fn zero() -> Self::V;
    unsafe fn splat(x: f32) -> Self::V;
    unsafe fn load(p: *const f32) -> Self::V;
    unsafe fn store(p: *mut f32, v: Self::V);
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise maximum.
    unsafe fn max(a: Self::V, b: Self::V) -> Self::V;
    /// a·b + c.
    unsafe fn fma(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
}

/// Eight lanes in a plain array: what the compiler vectorises for the baseline target.
pub(crate) struct Portable8;

// SAFETY: plain Rust, valid on every CPU; pointer contracts as documented on the trait.
unsafe impl Lanes for Portable8 {
    type V = [f32; 8];
    const W: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> Self::V {
        [0.0; 8]
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self::V {
        [x; 8]
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> Self::V {
        // SAFETY: the caller guarantees 8 readable floats at `p`.
        unsafe { std::ptr::read_unaligned(p as *const [f32; 8]) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: Self::V) {
        // SAFETY: the caller guarantees 8 writable floats at `p`.
        unsafe { std::ptr::write_unaligned(p as *mut [f32; 8], v) }
    }
    #[inline(always)]
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V {
        std::array::from_fn(|i| a[i] + b[i])
    }
    #[inline(always)]
    unsafe fn max(a: Self::V, b: Self::V) -> Self::V {
        std::array::from_fn(|i| a[i].max(b[i]))
    }
    #[inline(always)]
    unsafe fn fma(a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::array::from_fn(|i| a[i] * b[i] + c[i])
    }
}
