//! Activations, their gradients and the BCE gradient on every backend.

use cinegenre::backend::Backend;
use cinegenre::kernels::{Activation, elementwise as ew};

use crate::common::{F32_REL, assert_rel_close, fast_backends, values};

#[test]
fn maps_match_reference() {
    // 5000 crosses the CPU chunk size (4096) and the GPU workgroup size (256).
    let n = 5000;
    let x = values(n, 7);
    let t: Vec<f32> = values(n, 8).iter().map(|v| if *v > 0.0 { 1.0 } else { 0.0 }).collect();
    let y = values(n, 9);
    let run = |backend: &Backend| {
        let mut relu = x.clone();
        ew::activate(backend, Activation::Relu, &mut relu).unwrap();
        let mut sig = x.clone();
        ew::activate(backend, Activation::Sigmoid, &mut sig).unwrap();
        let mut rg = y.clone();
        ew::relu_backward(backend, &x, &mut rg).unwrap();
        let mut sg = y.clone();
        ew::sigmoid_backward(backend, &sig, &mut sg).unwrap();
        let mut bg = vec![f32::NAN; n];
        ew::bce_grad(backend, &x, &t, 0.25, &mut bg).unwrap();
        [relu, sig, rg, sg, bg]
    };
    let want = run(&Backend::Scalar);
    for backend in fast_backends() {
        for (i, (got, want)) in run(&backend).iter().zip(&want).enumerate() {
            // exp differs by an ulp or two between libm and the GPU: far inside 1e-5.
            assert_rel_close(&format!("{} map {i}", backend.name()), got, want, F32_REL);
        }
    }
}
