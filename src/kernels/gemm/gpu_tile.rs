//! The tiled WGSL core shared by the GPU SGEMM and the implicit-GEMM convolution: its
//! configurations, the shader variants generated from them, their compiled pipelines.
//!
//! A kernel is an operand file (`shaders/gemm.wgsl` or `shaders/conv.wgsl`: bindings and how
//! four consecutive stored elements of op(A) or op(B) are read) followed by
//! `shaders/gemm_tile.wgsl` (double-buffered BM × BK and BK × BN workgroup tiles, 8 × 8
//! register blocks, entry point `tiled`). A [`Variant`] fixes, at pipeline creation:
//!
//! ```text
//! TileConfig { bm, bn, bk, subgroups }  (bn/8)·(bm/8) invocations, 8 × 8 C values each
//! vec_a, vec_b                          operand bound as array<vec4>: one 16-byte load per unit
//! ```
//!
//! The WGSL files stay valid as they are (the portable, scalar-load variant); lines starting
//! `//@tag ` are uncommented and lines ending `// @!tag` dropped when `tag` is on, and the
//! `// @config` constants are rewritten. Pipelines are compiled once per (context, kernel,
//! variant); a variant the device rejects is an [`Error::Gpu`], never a panic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::gpu::{GpuContext, MAX_GROUPS_PER_DIM};

const CORE: &str = include_str!("../../../shaders/gemm_tile.wgsl");
const GEMM: &str = include_str!("../../../shaders/gemm.wgsl");
const CONV: &str = include_str!("../../../shaders/conv.wgsl");

/// Tile sizes of one workgroup and whether the A exchange uses subgroup shuffles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TileConfig {
    /// Rows of C per workgroup (a multiple of 32).
    pub bm: u32,
    /// Columns of C per workgroup (a multiple of 32: the 8-lane rows of the subgroup path).
    pub bn: u32,
    /// Depth of one K slice (8 or 16).
    pub bk: u32,
    /// Broadcast A's register-block operands by `subgroupShuffle` (needs `Features::SUBGROUP`).
    pub subgroups: bool,
}

impl TileConfig {
    /// v3's shape, now double-buffered: the default when nothing is tuned.
    pub const DEFAULT: TileConfig = TileConfig { bm: 128, bn: 128, bk: 8, subgroups: false };

    /// The portable candidates of the autotune table; each also exists with `subgroups`.
    pub const PORTABLE: [TileConfig; 4] = [
        TileConfig::DEFAULT,
        TileConfig { bm: 128, bn: 128, bk: 16, subgroups: false },
        TileConfig { bm: 64, bn: 64, bk: 8, subgroups: false },
        TileConfig { bm: 64, bn: 64, bk: 16, subgroups: false },
    ];

    /// Invocations per workgroup.
    pub fn threads(self) -> u32 {
        (self.bm / 8) * (self.bn / 8)
    }

    /// Workgroup memory of the two buffers of both tiles, in bytes.
    pub fn shared_bytes(self) -> u32 {
        2 * self.bk * (self.bm + self.bn) * 4
    }

    /// A short name for logs, benches and the tuning file, e.g. `128x128x8+sg`.
    pub fn name(self) -> String {
        let sg = if self.subgroups { "+sg" } else { "" };
        format!("{}x{}x{}{sg}", self.bm, self.bn, self.bk)
    }

    /// Whether `ctx`'s device can run this configuration: its limits, and subgroups of a
    /// multiple of 8 lanes when asked for (the shader also checks, and falls back).
    pub fn runs_on(self, ctx: &GpuContext) -> bool {
        let limits = ctx.device.limits();
        let fits = self.threads() <= limits.max_compute_invocations_per_workgroup
            && self.threads() <= limits.max_compute_workgroup_size_x
            && self.shared_bytes() <= limits.max_compute_workgroup_storage_size;
        fits && (!self.subgroups || subgroups_available(ctx))
    }

    /// Every candidate `ctx` can run: [`TileConfig::PORTABLE`], then the subgroup versions.
    pub fn candidates(ctx: &GpuContext) -> Vec<TileConfig> {
        let sg = TileConfig::PORTABLE.map(|c| TileConfig { subgroups: true, ..c });
        TileConfig::PORTABLE.into_iter().chain(sg).filter(|c| c.runs_on(ctx)).collect()
    }
}

/// Whether the device was created with subgroup operations and its subgroups have a multiple
/// of 8 lanes (lavapipe: 8, NVIDIA: 32, AMD: 32 or 64).
pub fn subgroups_available(ctx: &GpuContext) -> bool {
    let info = ctx.device.adapter_info();
    ctx.device.features().contains(wgpu::Features::SUBGROUP)
        && info.subgroup_min_size >= 8
        && info.subgroup_min_size.is_multiple_of(8)
}

/// Which operand file heads the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    Gemm,
    Conv,
}

/// One compiled shader: a configuration and the operands read as vec4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub config: TileConfig,
    pub vec_a: bool,
    pub vec_b: bool,
}

/// FNV-1a of the three WGSL files: changes whenever a kernel does, for the tuning cache key.
pub fn shader_hash() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [GEMM, CONV, CORE].iter().flat_map(|s| s.bytes()) {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Keep, uncomment or drop the lines tagged `tag` of `text`.
fn specialise(text: &str, tags: &[(&str, bool)]) -> String {
    let mut out = String::with_capacity(text.len());
    'line: for line in text.lines() {
        let mut line = line.to_string();
        for &(tag, on) in tags {
            if line.trim_end().ends_with(&format!("// @!{tag}")) && on {
                continue 'line;
            }
            let opener = format!("//@{tag} ");
            if let Some(rest) = line.trim_start().strip_prefix(&opener) {
                if !on {
                    continue 'line;
                }
                line = rest.to_string();
            }
        }
        if line.trim_end().ends_with("// @config") {
            continue;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The WGSL text of `variant` of `kernel`.
pub fn source(kernel: Kernel, v: Variant) -> String {
    let head = match kernel {
        Kernel::Gemm => GEMM,
        Kernel::Conv => CONV,
    };
    let c = v.config;
    let tags = [("vec_a", v.vec_a), ("vec_b", v.vec_b), ("subgroup", c.subgroups)];
    format!(
        "{}\n// ---- gemm_tile.wgsl, configuration {} ----\nconst BM: u32 = {}u;\nconst BN: u32 = {}u;\nconst BK: u32 = {}u;\n{}",
        specialise(head, &tags),
        c.name(),
        c.bm,
        c.bn,
        c.bk,
        specialise(CORE, &tags)
    )
}

type Key = (usize, Kernel, Variant);

/// The compiled pipeline of `variant` of `kernel` on `ctx` (compiled on first request).
///
/// # Errors
/// [`Error::Gpu`] if the device rejects the generated shader.
pub fn pipeline(ctx: &GpuContext, kernel: Kernel, v: Variant) -> Result<Arc<wgpu::ComputePipeline>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<wgpu::ComputePipeline>>>> = OnceLock::new();
    let key = (std::ptr::from_ref(ctx) as usize, kernel, v);
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = cache.get(&key) {
        return Ok(p.clone());
    }
    let label = format!("{kernel:?} {} vec_a={} vec_b={}", v.config.name(), v.vec_a, v.vec_b);
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = ctx.device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(&label),
        source: wgpu::ShaderSource::Wgsl(source(kernel, v).into()),
    });
    let pipeline = ctx.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(&label),
        layout: None,
        module: &module,
        entry_point: Some("tiled"),
        // Every tile element is written before it is read: no zero-fill needed.
        compilation_options: wgpu::PipelineCompilationOptions {
            zero_initialize_workgroup_memory: false,
            ..Default::default()
        },
        cache: None,
    });
    if let Some(e) = pollster::block_on(scope.pop()) {
        return Err(Error::gpu("shader", format!("the device rejected {label}: {e}")));
    }
    let pipeline = Arc::new(pipeline);
    cache.insert(key, pipeline.clone());
    Ok(pipeline)
}

/// Record one dispatch of `variant` covering an (m, n) output, `bindings` by `@binding(i)`.
///
/// # Errors
/// [`Error::Shape`] if the grid exceeds a dispatch; [`Error::Gpu`] from [`pipeline`].
pub fn dispatch(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    (kernel, v): (Kernel, Variant),
    (m, n): (usize, usize),
    bindings: &[(u32, &wgpu::Buffer)],
) -> Result<()> {
    let groups = (n.div_ceil(v.config.bn as usize), m.div_ceil(v.config.bm as usize));
    if groups.0 > MAX_GROUPS_PER_DIM as usize || groups.1 > MAX_GROUPS_PER_DIM as usize {
        return Err(Error::Shape(format!(
            "{kernel:?} of {m} × {n} outputs is too large for one GPU dispatch"
        )));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    let pipeline = pipeline(ctx, kernel, v)?;
    ctx.dispatch_pipeline(encoder, &pipeline, "tiled", bindings, (groups.0 as u32, groups.1 as u32, 1));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_select_lines() {
        let text = "keep\nscalar // @!vec_a\n//@vec_a vector\n    //@subgroup shuffle\nconst BM: u32 = 1u; // @config\n";
        assert_eq!(specialise(text, &[("vec_a", false), ("subgroup", false)]), "keep\nscalar // @!vec_a\n");
        assert_eq!(specialise(text, &[("vec_a", true), ("subgroup", true)]), "keep\nvector\nshuffle\n");
    }
}
