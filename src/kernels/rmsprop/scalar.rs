//! The reference update: one parameter at a time, in order.

use super::RmspropStep;

/// See [`super::rmsprop`]; lengths were checked by the caller.
pub fn rmsprop(step: RmspropStep, p: &mut [f32], g: &[f32], a: &mut [f32]) {
    for i in 0..p.len() {
        step.update(&mut p[i], g[i], &mut a[i]);
    }
}
