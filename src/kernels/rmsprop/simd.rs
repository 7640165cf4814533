//! The update in chunks, each chunk's loop compiled for the SIMD level (sqrt and divide
//! vectorise), chunks across cores.

use rayon::prelude::*;

use super::RmspropStep;
use crate::backend::Par;
use crate::simd::{SimdLevel, simd_fn};

/// Elements per parallel task.
const CHUNK: usize = 4096;

simd_fn! {
    fn update_chunk(step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) {
        for ((p, g), a) in p.iter_mut().zip(g).zip(a.iter_mut()) {
            step.update(p, *g, a);
        }
    }
}

/// See [`super::rmsprop`]; lengths were checked by the caller.
pub fn rmsprop(level: SimdLevel, par: Par, step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) {
    let f = |((p, g), a): ((&mut [f32], &[f32]), &mut [f32])| update_chunk(level, step, p, g, a);
    match par {
        Par::Seq => p.chunks_mut(CHUNK).zip(g.chunks(CHUNK)).zip(a.chunks_mut(CHUNK)).for_each(f),
        Par::Rayon => {
            p.par_chunks_mut(CHUNK).zip(g.par_chunks(CHUNK)).zip(a.par_chunks_mut(CHUNK)).for_each(f)
        }
    }
}
