// Elementwise maps, one invocation per element. The 1-D index is folded over (x, y)
// workgroups so more than 65535 · 256 elements fit in one dispatch.
//
// Keep `EwParams` in sync with `src/kernels/elementwise/gpu.rs`.

struct EwParams {
    n: u32,
    activation: u32, // 0 identity, 1 relu, 2 sigmoid
    scale: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: EwParams;
@group(0) @binding(1) var<storage, read> y: array<f32>;   // activations / logits
@group(0) @binding(2) var<storage, read> t: array<f32>;   // targets
@group(0) @binding(3) var<storage, read_write> g: array<f32>;

const WG: u32 = 256u;

fn sigmoid(x: f32) -> f32 {
    if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
    let e = exp(x);
    return e / (1.0 + e);
}

fn index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * WG;
}

// g ← act(g)
@compute @workgroup_size(256)
fn activate_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = index(gid, nw);
    if (i >= p.n) { return; }
    let x = g[i];
    if (p.activation == 1u) { g[i] = max(x, 0.0); }
    else if (p.activation == 2u) { g[i] = sigmoid(x); }
}

// g ← g · [y > 0]
@compute @workgroup_size(256)
fn relu_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = index(gid, nw);
    if (i >= p.n) { return; }
    if (y[i] <= 0.0) { g[i] = 0.0; }
}

// g ← g · y · (1 − y)
@compute @workgroup_size(256)
fn sigmoid_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = index(gid, nw);
    if (i >= p.n) { return; }
    g[i] = g[i] * y[i] * (1.0 - y[i]);
}

// g = scale · (σ(z) − t), z in `y`
@compute @workgroup_size(256)
fn bce_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = index(gid, nw);
    if (i >= p.n) { return; }
    g[i] = p.scale * (sigmoid(y[i]) - t[i]);
}

// g = max(z, 0) − z·t + log(1 + e^(−|z|))   (per-element BCE from logits, z in `y`)
@compute @workgroup_size(256)
fn bce_loss(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = index(gid, nw);
    if (i >= p.n) { return; }
    let z = y[i];
    g[i] = max(z, 0.0) - z * t[i] + log(1.0 + exp(-abs(z)));
}
