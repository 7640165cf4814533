//! Square GEMM timings (`cinegenre bench gemm`, `tools/bench_gemm_vs_numpy.py`): one
//! [`Dtype`] names the operands' storage and the arithmetic, the GEMM family's two entry
//! points run it.

use super::{best_of, random_matrix};
use crate::backend::Backend;
use crate::error::{Error, Result};
#[cfg(feature = "gpu")]
use crate::kernels::Activation;
use crate::kernels::gemm::{
    self, Bf16Unit, Epilogue, Gemm, PackedB, Precision, Strided, Weight, gemm_packed, to_weights,
};

/// What a timed product stores and multiplies, as the user names it (`bench gemm --precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// f32 operands and arithmetic.
    F32,
    /// B stored as f16, widened to f32.
    F16,
    /// B stored as bf16, widened to f32.
    Bf16,
    /// Both operands rounded to bf16, multiplied in pairs by AVX512-BF16 `vdpbf16ps`.
    Bf16Dot,
    /// Both operands rounded to bf16, multiplied on Intel AMX tiles.
    Bf16Amx,
    /// Both operands stored as bf16 (as PyTorch's bf16 matmul takes them), multiplied on
    /// Intel AMX tiles: nothing is rounded in the timed product.
    Bf16AmxStored,
}

impl Dtype {
    /// Every dtype with the names `--precision` accepts, the first one printed.
    const NAMES: [(Dtype, &'static [&'static str]); 6] = [
        (Dtype::F32, &["f32"]),
        (Dtype::F16, &["f16"]),
        (Dtype::Bf16, &["bf16"]),
        (Dtype::Bf16Dot, &["bf16-dot", "bf16dot"]),
        (Dtype::Bf16Amx, &["bf16-amx", "bf16amx"]),
        (Dtype::Bf16AmxStored, &["bf16-amx-stored"]),
    ];
}

impl std::str::FromStr for Dtype {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let name = s.trim().to_ascii_lowercase();
        Dtype::NAMES.iter().find(|(_, names)| names.contains(&name.as_str())).map(|(d, _)| *d).ok_or_else(
            || {
                Error::param(
                    "dtype",
                    format!("`{name}` is not one of f32, f16, bf16, bf16-dot, bf16-amx, bf16-amx-stored"),
                )
            },
        )
    }
}

impl std::fmt::Display for Dtype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = Dtype::NAMES.iter().find(|(d, _)| d == self).map_or(&[][..], |(_, names)| names);
        f.write_str(names.first().copied().unwrap_or("?"))
    }
}

/// One measured product.
#[derive(Debug, Clone)]
pub struct GemmTiming {
    pub backend: String,
    pub size: usize,
    pub seconds: f64,
    pub gflops: f64,
}

/// Time square SGEMM of each `size` on `backend`: best of `reps` runs after one warm-up.
pub fn gemm_square(backend: &Backend, size: usize, reps: usize) -> Result<GemmTiming> {
    gemm_square_dtype(backend, size, reps, Dtype::F32)
}

/// As [`gemm_square`] with the operands of `dtype`. Half-precision GPU timings include
/// uploading B (as stored, 16 bits per weight) each run; bf16-arithmetic runs include rounding
/// and packing B, as the f32 GEMM's runs include packing it.
pub fn gemm_square_dtype(backend: &Backend, size: usize, reps: usize, dtype: Dtype) -> Result<GemmTiming> {
    let g = Gemm::nn(size, size, size);
    let b = random_matrix(size * size, 2);
    let name = |suffix: &str| format!("{}/{suffix}", backend.name());
    let unit = match dtype {
        Dtype::Bf16Dot => Some(Bf16Unit::Pairs),
        Dtype::Bf16Amx | Dtype::Bf16AmxStored => Some(Bf16Unit::Tiles),
        _ => None,
    };
    match (dtype, backend) {
        (Dtype::F32, Backend::Gpu(ctx)) => crate::gpu::on_gpu!(ctx => {
            let a = random_matrix(size * size, 1);
            let (da, db) = (ctx.upload(&a, "a")?, ctx.upload(&b, "b")?);
            let dc = ctx.zeros(size * size, "c")?;
            let seconds = best_of(reps, || {
                let mut encoder = ctx.encoder();
                gemm::gpu::encode(ctx, &mut encoder, g, &da, &db, None, Activation::Identity, &dc)?;
                ctx.finish_and_wait(encoder)
            })?;
            Ok(GemmTiming { backend: backend.name(), size, seconds, gflops: g.flops() / seconds / 1e9 })
        }),
        (Dtype::F32, _) => {
            square(backend.name(), size, reps, |a, c| gemm::gemm(backend, g, a, &b, Epilogue::default(), c))
        }
        (Dtype::F16, _) => stored::<half::f16>(backend, size, reps, &b),
        (Dtype::Bf16, _) => stored::<half::bf16>(backend, size, reps, &b),
        (_, Backend::Cpu { simd, .. }) => {
            let unit = unit.expect("the three bf16-arithmetic dtypes");
            if !unit.available(*simd) {
                return Err(Error::param("dtype", format!("{dtype}: this CPU has not got that bf16 unit")));
            }
            if dtype == Dtype::Bf16AmxStored {
                let (a, b): (Vec<half::bf16>, Vec<half::bf16>) =
                    (to_weights(&random_matrix(size * size, 1)), to_weights(&b));
                let mut c = vec![0.0f32; size * size];
                let seconds = best_of(reps, || {
                    let packed = PackedB::bf16(unit, g, &b)?;
                    gemm_packed(
                        backend,
                        g,
                        &Strided::row_major(&a, size),
                        &packed,
                        Epilogue::default(),
                        &mut c,
                    )
                })?;
                return Ok(GemmTiming {
                    backend: name(&dtype.to_string()),
                    size,
                    seconds,
                    gflops: g.flops() / seconds / 1e9,
                });
            }
            square(name(&dtype.to_string()), size, reps, |a, c| {
                let packed = PackedB::bf16(unit, g, &b)?;
                gemm_packed(backend, g, &Strided::row_major(a, size), &packed, Epilogue::default(), c)
            })
        }
        (_, _) => {
            let precision = Precision::Bf16;
            square(name(&dtype.to_string()), size, reps, |a, c| {
                let packed = PackedB::new(backend, precision, g, &b)?;
                gemm_packed(backend, g, &Strided::row_major(a, size), &packed, Epilogue::default(), c)
            })
        }
    }
}

/// Time the f32-arithmetic product with B stored as `W`.
fn stored<W: Weight>(backend: &Backend, size: usize, reps: usize, b: &[f32]) -> Result<GemmTiming> {
    let g = Gemm::nn(size, size, size);
    let b: Vec<W> = to_weights(b);
    let name = format!("{}/{}", backend.name(), W::NAME);
    square(name, size, reps, |a, c| gemm::gemm(backend, g, a, &b, Epilogue::default(), c))
}

/// Time `product` (C = A·B of one square `size`, given A and C) as the GEMM called `name`.
fn square(
    name: String,
    size: usize,
    reps: usize,
    mut product: impl FnMut(&[f32], &mut [f32]) -> Result<()>,
) -> Result<GemmTiming> {
    let a = random_matrix(size * size, 1);
    // C on huge pages too, like A and B (`random_matrix`): numpy's `a @ b` writes a fresh
    // array its allocator has put on huge pages (crate::memory).
    let mut c = crate::memory::zeroed(size * size);
    let seconds = best_of(reps, || product(&a, &mut c))?;
    let flops = Gemm::nn(size, size, size).flops();
    Ok(GemmTiming { backend: name, size, seconds, gflops: flops / seconds / 1e9 })
}
