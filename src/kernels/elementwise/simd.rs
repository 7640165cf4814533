//! The elementwise maps in cache-sized chunks (auto-vectorised), optionally across cores.

use rayon::prelude::*;

use super::scalar;
use crate::backend::Par;
use crate::kernels::Activation;

/// Elements per task: 16 KiB of f32, enough to amortise a rayon task.
const CHUNK: usize = 4096;

fn zip_chunks(par: Par, y: &[f32], g: &mut [f32], f: impl Fn(&[f32], &mut [f32]) + Sync) {
    match par {
        Par::Seq => y.chunks(CHUNK).zip(g.chunks_mut(CHUNK)).for_each(|(y, g)| f(y, g)),
        Par::Rayon => y.par_chunks(CHUNK).zip(g.par_chunks_mut(CHUNK)).for_each(|(y, g)| f(y, g)),
    }
}

pub fn activate(par: Par, act: Activation, x: &mut [f32]) {
    let f = |x: &mut [f32]| match act {
        Activation::Identity => {}
        Activation::Relu => x.iter_mut().for_each(|v| *v = v.max(0.0)),
        Activation::Sigmoid => scalar::activate(act, x),
    };
    match par {
        Par::Seq => x.chunks_mut(CHUNK).for_each(f),
        Par::Rayon => x.par_chunks_mut(CHUNK).for_each(f),
    }
}

pub fn relu_backward(par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| {
        for (g, y) in g.iter_mut().zip(y) {
            *g = if *y > 0.0 { *g } else { 0.0 };
        }
    });
}

pub fn sigmoid_backward(par: Par, y: &[f32], g: &mut [f32]) {
    zip_chunks(par, y, g, |y, g| {
        for (g, y) in g.iter_mut().zip(y) {
            *g *= y * (1.0 - y);
        }
    });
}

pub fn bce_grad(par: Par, z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) {
    let f = |((z, t), g): ((&[f32], &[f32]), &mut [f32])| scalar::bce_grad(z, t, scale, g);
    match par {
        Par::Seq => z.chunks(CHUNK).zip(t.chunks(CHUNK)).zip(g.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => z.par_chunks(CHUNK).zip(t.par_chunks(CHUNK)).zip(g.par_chunks_mut(CHUNK)).for_each(f),
    }
}
