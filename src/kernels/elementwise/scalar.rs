//! Reference loops for the elementwise maps.

use crate::kernels::{Activation, sigmoid};

pub fn activate(act: Activation, x: &mut [f32]) {
    for v in x.iter_mut() {
        *v = act.apply(*v);
    }
}

pub fn relu_backward(y: &[f32], g: &mut [f32]) {
    for i in 0..g.len() {
        if y[i] <= 0.0 {
            g[i] = 0.0;
        }
    }
}

pub fn sigmoid_backward(y: &[f32], g: &mut [f32]) {
    for i in 0..g.len() {
        g[i] *= y[i] * (1.0 - y[i]);
    }
}

pub fn bce_grad(z: &[f32], t: &[f32], scale: f32, g: &mut [f32]) {
    for i in 0..g.len() {
        g[i] = scale * (sigmoid(z[i]) - t[i]);
    }
}
