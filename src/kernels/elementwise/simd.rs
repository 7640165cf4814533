//! The elementwise maps in cache-sized chunks, each chunk's loop compiled for the SIMD level
//! ([`simd_fn`]), optionally across cores.

use rayon::prelude::*;

use super::scalar;
use crate::backend::Par;
use crate::kernels::Activation;
use crate::simd::{SimdLevel, simd_fn};

/// Elements per task: 16 KiB of f32, enough to amortise a rayon task.
const CHUNK: usize = 4096;

fn zip_chunks(par: Par, y: &[f32], g: &mut [f32], f: impl Fn(&[f32], &mut [f32]) + Sync) {
    let f = |(y, g): (&[f32], &mut [f32])| f(y, g);
    match par {
        Par::Seq => y.chunks(CHUNK).zip(g.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => y.par_chunks(CHUNK).zip(g.par_chunks_mut(CHUNK)).for_each(f),
    }
}

simd_fn! {
    fn relu(x: &mut [f32]) {
        x.iter_mut().for_each(|v| *v = v.max(0.0));
    }
}

simd_fn! {
    fn relu_backward_chunk(y: &[f32], g: &mut [f32]) {
        for (g, y) in g.iter_mut().zip(y) {
            *g = if *y > 0.0 { *g } else { 0.0 };
        }
    }
}

simd_fn! {
    fn sigmoid_backward_chunk(y: &[f32], g: &mut [f32]) {
        for (g, y) in g.iter_mut().zip(y) {
            *g *= y * (1.0 - y);
        }
    }
}

/// The sigmoid and the BCE gradient call `exp` per element (not vectorised by the compiler),
/// so they run the scalar loop in chunks across cores.
pub fn activate(level: SimdLevel, par: Par, act: Activation, x: &mut [f32]) {
    let f = |x: &mut [f32]| match act {
        Activation::Identity => {}
        Activation::Relu => relu(level, x),
        Activation::Sigmoid => scalar::activate(act, x),
    };
    match par {
        Par::Seq => x.chunks_mut(CHUNK).for_each(f),
        Par::Rayon => x.par_chunks_mut(CHUNK).for_each(f),
    }
}

pub fn relu_backward(level: SimdLevel, par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| relu_backward_chunk(level, y, g));
}

pub fn sigmoid_backward(level: SimdLevel, par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| sigmoid_backward_chunk(level, y, g));
}

pub fn bce_grad(par: Par, z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) {
    let f = |((z, t), g): ((&[f32], &[f32]), &mut [f32])| scalar::bce_grad(z, t, scale, g);
    match par {
        Par::Seq => z.chunks(CHUNK).zip(t.chunks(CHUNK)).zip(g.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => z.par_chunks(CHUNK).zip(t.par_chunks(CHUNK)).zip(g.par_chunks_mut(CHUNK)).for_each(f),
    }
}
