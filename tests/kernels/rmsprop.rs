//! The fused RMSprop update on every backend, both ε placements.

use cinegenre::backend::Backend;
use cinegenre::kernels::rmsprop::{RmspropStep, rmsprop};

use crate::common::{F32_REL, assert_rel_close, fast_backends, values};

#[test]
fn update_matches_reference() {
    let n = 4500;
    let g = values(n, 21);
    let a0: Vec<f32> = values(n, 22).iter().map(|v| v.abs()).collect();
    for eps_inside_sqrt in [false, true] {
        let step = RmspropStep { lr: 1e-3, rho: 0.9, eps: 1e-7, eps_inside_sqrt };
        let (mut want_p, mut want_a) = (values(n, 23), a0.clone());
        rmsprop(&Backend::Scalar, step, &mut want_p, &g, &mut want_a).unwrap();
        for backend in fast_backends() {
            let (mut p, mut a) = (values(n, 23), a0.clone());
            rmsprop(&backend, step, &mut p, &g, &mut a).unwrap();
            let label = format!("{} inside={eps_inside_sqrt}", backend.name());
            assert_rel_close(&format!("{label} p"), &p, &want_p, F32_REL);
            assert_rel_close(&format!("{label} a"), &a, &want_a, F32_REL);
        }
    }
}
