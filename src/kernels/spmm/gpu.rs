//! SpMM on the GPU (`shaders/spmm.wgsl`, one invocation per output element).

use super::CsrRef;
use crate::error::{Error, Result};
use crate::gpu::{GpuContext, MAX_GROUPS_PER_DIM, Shader};

/// Keep in sync with `SpmmParams` in shaders/spmm.wgsl.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct SpmmParams {
    m: u32,
    n: u32,
}

/// See [`super::spmm`]: upload S and B, dispatch, read C back; shapes were checked by the caller.
pub fn spmm(ctx: &GpuContext, s: CsrRef<'_>, n: usize, b: &[f32], c: &mut [f32]) -> Result<()> {
    if s.n_rows == 0 {
        return Ok(());
    }
    if s.n_rows > MAX_GROUPS_PER_DIM as usize {
        return Err(Error::Shape(format!("spmm: {} rows exceed one GPU dispatch", s.n_rows)));
    }
    let params = ctx.uniform(&SpmmParams { m: s.n_rows as u32, n: n as u32 });
    let indptr = ctx.upload(s.indptr, "indptr")?;
    let indices = ctx.upload(s.indices, "indices")?;
    let data = ctx.upload(s.data, "data")?;
    let db = ctx.upload(b, "b")?;
    let dc = ctx.zeros(c.len(), "c")?;
    let mut encoder = ctx.encoder();
    ctx.dispatch(
        &mut encoder,
        Shader::Spmm,
        "spmm_csr",
        &[
            (0, &params),
            (1, &indptr.buffer),
            (2, &indices.buffer),
            (3, &data.buffer),
            (4, &db.buffer),
            (5, &dc.buffer),
        ],
        (n.div_ceil(64) as u32, s.n_rows as u32, 1),
    );
    c.copy_from_slice(&ctx.finish_and_download(encoder, &dc)?);
    Ok(())
}
