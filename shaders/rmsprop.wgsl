// Fused RMSprop: a ← ρa + (1−ρ)g²; p ← p − lr·g/(√a + ε)  (or /√(a + ε) when eps_inside_sqrt).
//
// Keep `RmspropParams` in sync with `src/kernels/rmsprop/mod.rs`.

struct RmspropParams {
    n: u32,
    eps_inside_sqrt: u32,
    lr: f32,
    rho: f32,
    eps: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> q: RmspropParams;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> a: array<f32>;

@compute @workgroup_size(256)
fn rmsprop_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = gid.x + gid.y * nw.x * 256u;
    if (i >= q.n) { return; }
    let gi = g[i];
    let ai = q.rho * a[i] + (1.0 - q.rho) * (gi * gi);
    a[i] = ai;
    var denom = sqrt(ai) + q.eps;
    if (q.eps_inside_sqrt == 1u) { denom = sqrt(ai + q.eps); }
    p[i] = p[i] - q.lr * gi / denom;
}
