//! Compile-once cache of compute pipelines, keyed by (shader file, entry point), and the one
//! dispatch helper every kernel uses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::gpu::{GpuContext, Shader};

/// Most workgroups one dispatch dimension may have (WebGPU's guaranteed minimum limit).
pub const MAX_GROUPS_PER_DIM: u32 = 65_535;

#[derive(Default)]
pub(crate) struct PipelineCache {
    modules: Mutex<HashMap<Shader, wgpu::ShaderModule>>,
    pipelines: Mutex<HashMap<(Shader, &'static str), Arc<wgpu::ComputePipeline>>>,
}

impl GpuContext {
    /// The compiled pipeline for `entry` in `shader` (compiled on first request).
    pub fn pipeline(&self, shader: Shader, entry: &'static str) -> Arc<wgpu::ComputePipeline> {
        let cache = &self.pipelines;
        let mut pipelines = cache.pipelines.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = pipelines.get(&(shader, entry)) {
            return p.clone();
        }
        let mut modules = cache.modules.lock().unwrap_or_else(|p| p.into_inner());
        let module = modules.entry(shader).or_insert_with(|| {
            self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(shader.file()),
                source: wgpu::ShaderSource::Wgsl(shader.source().into()),
            })
        });
        // `layout: None` derives the bind-group layout from the bindings this entry point uses.
        let pipeline = Arc::new(self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(entry),
            layout: None,
            module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        }));
        pipelines.insert((shader, entry), pipeline.clone());
        pipeline
    }

    /// Record one dispatch of `entry` with `bindings` (`@binding(i)` → buffer) into `encoder`.
    pub fn dispatch(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        shader: Shader,
        entry: &'static str,
        bindings: &[(u32, &wgpu::Buffer)],
        groups: (u32, u32, u32),
    ) {
        let pipeline = self.pipeline(shader, entry);
        self.dispatch_pipeline(encoder, &pipeline, entry, bindings, groups);
    }

    /// Record one dispatch of a compiled `pipeline` (labelled `label`) with `bindings` into
    /// `encoder`: the bind group of its layout 0, one compute pass.
    pub fn dispatch_pipeline(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        pipeline: &wgpu::ComputePipeline,
        label: &str,
        bindings: &[(u32, &wgpu::Buffer)],
        groups: (u32, u32, u32),
    ) {
        let entries: Vec<wgpu::BindGroupEntry<'_>> = bindings
            .iter()
            .map(|(binding, buffer)| wgpu::BindGroupEntry {
                binding: *binding,
                resource: buffer.as_entire_binding(),
            })
            .collect();
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(label),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        });
        let mut pass = encoder
            .begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some(label), timestamp_writes: None });
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(groups.0, groups.1, groups.2);
    }
}

/// Workgroup counts covering `n` items with `size` invocations each, folded into (x, y) so
/// no dimension exceeds [`MAX_GROUPS_PER_DIM`]; shaders recover the index as
/// `gid.x + gid.y * num_workgroups.x * size`.
pub fn grid_1d(n: usize, size: u32) -> (u32, u32, u32) {
    let groups = n.div_ceil(size as usize).max(1) as u32;
    if groups <= MAX_GROUPS_PER_DIM {
        (groups, 1, 1)
    } else {
        (MAX_GROUPS_PER_DIM, groups.div_ceil(MAX_GROUPS_PER_DIM), 1)
    }
}
