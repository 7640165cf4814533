//! Moving tensors between host and device: upload, uniform parameters, readback.
//!
//! Buffer usages (WebGPU requires declaring them up front): tensors are
//! `STORAGE | COPY_SRC | COPY_DST` (read and written by shaders, copied to staging for
//! readback, overwritten from the host); parameters are `UNIFORM | COPY_DST`; the staging
//! buffer of a readback is `MAP_READ | COPY_DST`, the only combination the host may map.

use wgpu::util::DeviceExt;

use crate::error::{Error, Result};
use crate::gpu::GpuContext;

/// A device buffer of `len` f32 (or u32) elements.
#[derive(Debug)]
pub struct GpuBuffer {
    pub buffer: wgpu::Buffer,
    pub len: usize,
}

const TENSOR_USAGE: wgpu::BufferUsages =
    wgpu::BufferUsages::STORAGE.union(wgpu::BufferUsages::COPY_SRC).union(wgpu::BufferUsages::COPY_DST);

impl GpuContext {
    /// Upload `data` into a new storage buffer.
    pub fn upload<T: bytemuck::Pod>(&self, data: &[T], label: &str) -> Result<GpuBuffer> {
        self.check_size(std::mem::size_of_val(data) as u64, label)?;
        // WebGPU forbids binding an empty buffer: keep at least one element.
        let bytes: &[u8] = if data.is_empty() { &[0; 4] } else { bytemuck::cast_slice(data) };
        let buffer = self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytes,
            usage: TENSOR_USAGE,
        });
        Ok(GpuBuffer { buffer, len: data.len() })
    }

    /// A new storage buffer of `len` f32 zeros.
    pub fn zeros(&self, len: usize, label: &str) -> Result<GpuBuffer> {
        let size = (len.max(1) * 4) as u64;
        self.check_size(size, label)?;
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage: TENSOR_USAGE,
            mapped_at_creation: false,
        });
        Ok(GpuBuffer { buffer, len })
    }

    /// Overwrite the start of `dst` with `data` (queued before the next submission).
    pub fn write<T: bytemuck::Pod>(&self, dst: &GpuBuffer, data: &[T]) {
        if !data.is_empty() {
            self.queue.write_buffer(&dst.buffer, 0, bytemuck::cast_slice(data));
        }
    }

    /// A uniform buffer holding one parameter struct.
    pub fn uniform<T: bytemuck::Pod>(&self, params: &T) -> wgpu::Buffer {
        self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(params),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        })
    }

    /// Submit `encoder`, then copy `src` back to the host (blocks until the GPU is done).
    pub fn finish_and_download(&self, encoder: wgpu::CommandEncoder, src: &GpuBuffer) -> Result<Vec<f32>> {
        Ok(self.finish_and_download_many(encoder, &[src])?.pop().unwrap_or_default())
    }

    /// Submit `encoder`, then copy every buffer of `srcs` back to the host through one staging
    /// buffer: one submission and one readback whatever the number of buffers.
    pub fn finish_and_download_many(
        &self,
        mut encoder: wgpu::CommandEncoder,
        srcs: &[&GpuBuffer],
    ) -> Result<Vec<Vec<f32>>> {
        let sizes: Vec<u64> = srcs.iter().map(|src| (src.len.max(1) * 4) as u64).collect();
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("staging"),
            size: sizes.iter().sum::<u64>().max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut offset = 0;
        for (src, &size) in srcs.iter().zip(&sizes) {
            encoder.copy_buffer_to_buffer(&src.buffer, 0, &staging, offset, size);
            offset += size;
        }
        self.submit(encoder.finish());
        let slice = staging.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        self.count_readback();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::gpu("readback", format!("waiting for the device failed: {e}")))?;
        rx.recv()
            .map_err(|_| Error::gpu("readback", "the map callback never ran"))?
            .map_err(|e| Error::gpu("readback", format!("mapping the staging buffer failed: {e}")))?;
        let out = {
            let view = slice
                .get_mapped_range()
                .map_err(|e| Error::gpu("readback", format!("reading the staging buffer failed: {e}")))?;
            let all = bytemuck::cast_slice::<u8, f32>(&view);
            let mut start = 0;
            let mut out = Vec::with_capacity(srcs.len());
            for (src, &size) in srcs.iter().zip(&sizes) {
                out.push(all[start..start + src.len].to_vec());
                start += size as usize / 4;
            }
            out
        };
        staging.unmap();
        Ok(out)
    }

    /// Copy `src` back to the host.
    pub fn download(&self, src: &GpuBuffer) -> Result<Vec<f32>> {
        self.finish_and_download(self.encoder(), src)
    }

    /// A fresh command encoder.
    pub fn encoder(&self) -> wgpu::CommandEncoder {
        self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("cinegenre") })
    }

    /// Submit `encoder` and wait until the GPU has finished it (for timings).
    pub fn finish_and_wait(&self, encoder: wgpu::CommandEncoder) -> Result<()> {
        self.submit(encoder.finish());
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| Error::gpu("submit", format!("waiting for the device failed: {e}")))
    }

    fn check_size(&self, bytes: u64, label: &str) -> Result<()> {
        let limit = self.report.max_buffer_size.min(self.report.max_storage_buffer_binding_size);
        if bytes > limit {
            return Err(Error::gpu(
                "upload",
                format!("tensor `{label}` needs {bytes} bytes, above this adapter's limit of {limit}"),
            ));
        }
        Ok(())
    }
}
