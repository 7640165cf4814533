//! A product consumed block by block: C = op(A)·op(B) computed a few rows at a time into a
//! per-thread scratch, each block handed at once, with the same rows of two tensors shaped like
//! C, to an element-wise consumer — the MLP's ∂W = Xᵀ·∂Z feeding the optimizer's update of W
//! and its state without ∂W ever being stored whole.
//!
//! ```text
//! for each block of ROWS rows i0.. of C, in parallel:
//!     Cblk = op(A)[i0.., :] · op(B)          (the f32 kernels, one thread; B packed once)
//!     then(Cblk, P[i0.., :], S[i0.., :])     (while Cblk is in L2)
//! ```
//!
//! Why: for the poster MLP's first layer (25088 × 1024) a stored ∂W is 100 MB written, then
//! read back by the update: two of the five passes over 100 MB each step makes, on a machine
//! whose training is bound by memory traffic.
//!
//! Every element of C is the same number [`super::gemm`] computes: its k-slices and its
//! micro-kernel's sum are those of the whole product (a block only changes which tile an
//! element sits in). On the scalar and GPU backends C is computed whole and then consumed
//! block by block, in order.
//!
//! Cost: the product's 2·m·n·k flops; memory ROWS·n floats per thread plus op(B) packed once.

use rayon::prelude::*;

use super::panel::Strided;
use super::problem::{Epilogue, Gemm};
use super::simd::{self, F32, Right};
use super::weight::Weight;
use crate::backend::{Backend, Par};
use crate::error::Result;

/// Rows of C per block: 128 × 1024 floats (512 KiB) stay in L2 between the product and the
/// consumer.
pub const ROWS: usize = 128;

thread_local! {
    /// A block of C, kept between calls.
    static C_SCRATCH: std::cell::Cell<Vec<f32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// C = op(A)·op(B) (m, n) in blocks of [`ROWS`] rows, each passed with the matching rows of
/// `p` and `s` (both m × n, row-major) to `then(c_block, p_block, s_block)`. Blocks run in
/// parallel when the backend is (`then` may see them in any order, each exactly once).
///
/// # Errors
/// [`Error::Shape`](crate::Error::Shape) if a length does not match; what `then` returns;
/// [`Error::Gpu`](crate::Error::Gpu).
pub fn gemm_by_rows<A: Weight, B: Weight>(
    backend: &Backend,
    g: Gemm,
    a: &[A],
    b: &[B],
    p: &mut [f32],
    s: &mut [f32],
    then: impl Fn(&[f32], &mut [f32], &mut [f32]) -> Result<()> + Sync,
) -> Result<()> {
    g.want("a", a.len(), g.m * g.k)?;
    g.want("b", b.len(), g.k * g.n)?;
    g.want("p", p.len(), g.m * g.n)?;
    g.want("s", s.len(), g.m * g.n)?;
    if g.m == 0 || g.n == 0 {
        return Ok(());
    }
    let block = ROWS * g.n;
    let &Backend::Cpu { simd: level, par } = backend else {
        let mut c = vec![0.0; g.m * g.n];
        super::gemm(backend, g, a, b, Epilogue::default(), &mut c)?;
        for ((c, p), s) in c.chunks(block).zip(p.chunks_mut(block)).zip(s.chunks_mut(block)) {
            then(c, p, s)?;
        }
        return Ok(());
    };
    let unit = F32(level);
    let packed = simd::pack_all(&unit, g, b);
    let (rs, cs) = g.a_strides();
    let one = |(i, (p, s)): (usize, (&mut [f32], &mut [f32]))| -> Result<()> {
        let (i0, rows) = (i * ROWS, p.len() / g.n);
        let sub = Gemm { m: rows, ..g };
        let mut c = C_SCRATCH.take();
        c.resize(rows * g.n, 0.0);
        let source = Strided::new(&a[i0 * rs..], rs, cs);
        simd::blocked(
            &unit,
            Par::Seq,
            sub,
            &source,
            Right::<f32, f32>::Packed(packed.as_slice()),
            Epilogue::default(),
            &mut c,
        );
        let done = then(&c, p, s);
        C_SCRATCH.set(c);
        done
    };
    let blocks = p.chunks_mut(block).zip(s.chunks_mut(block));
    match par {
        Par::Seq => blocks.enumerate().try_for_each(one),
        Par::Rayon => p.par_chunks_mut(block).zip(s.par_chunks_mut(block)).enumerate().try_for_each(one),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::SimdLevel;

    /// Blocks see exactly the whole product's values, bit for bit, on every CPU variant and for
    /// every transpose, with a last partial block and tiles cut across block edges.
    #[test]
    fn blocks_are_the_whole_product_bit_for_bit() {
        let mut next = 17u32;
        let mut random = |n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| {
                    next = next.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (next >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect()
        };
        let mut backends = vec![Backend::Scalar];
        for simd in SimdLevel::supported() {
            backends.extend([Backend::Cpu { simd, par: Par::Seq }, Backend::Cpu { simd, par: Par::Rayon }]);
        }
        for (m, n, k) in [(2 * ROWS + 37, 67, 64), (ROWS, 33, 5), (1, 1, 1), (300, 40, 600)] {
            for g in [Gemm::nn(m, n, k), Gemm::tn(m, n, k), Gemm::nt(m, n, k)] {
                let (a, b) = (random(m * k), random(k * n));
                let p0 = random(m * n);
                for backend in &backends {
                    let mut c = vec![f32::NAN; m * n];
                    super::super::gemm(backend, g, &a, &b, Epilogue::default(), &mut c).unwrap();
                    // The consumer: p ← p − c, s ← c, so both record what the block held.
                    let (mut p, mut s) = (p0.clone(), vec![f32::NAN; m * n]);
                    gemm_by_rows(backend, g, &a, &b, &mut p, &mut s, |c, p, s| {
                        p.iter_mut().zip(c).for_each(|(p, c)| *p -= c);
                        s.copy_from_slice(c);
                        Ok(())
                    })
                    .unwrap();
                    let label = format!("{} {g:?}", backend.name());
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&s), bits(&c), "{label}: blocks differ from the product");
                    let want: Vec<f32> = p0.iter().zip(&c).map(|(p, c)| p - c).collect();
                    assert_eq!(bits(&p), bits(&want), "{label}: p");
                }
            }
        }
        let mut short = vec![0.0; 3];
        assert!(
            gemm_by_rows(
                &Backend::Scalar,
                Gemm::nn(2, 2, 1),
                &[1.0f32; 2],
                &[1.0f32; 2],
                &mut short,
                &mut [0.0; 4],
                |_, _, _| Ok(())
            )
            .is_err()
        );
    }
}
