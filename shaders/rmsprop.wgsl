// Fused RMSprop: a ← ρa + (1−ρ)g²; p ← p − lr·g/(√a + ε)  (or /√(a + ε) when eps_inside_sqrt).
//
// q.sizes = (n, eps_inside_sqrt, 0, 0), q.step = (lr, rho, eps, 0): the same two vectors as
// `RmspropParams` in src/kernels/rmsprop/gpu.rs.

struct RmspropParams { sizes: vec4<u32>, step: vec4<f32> }

@group(0) @binding(0) var<uniform> q: RmspropParams;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> a: array<f32>;

@compute @workgroup_size(256)
fn rmsprop_update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = gid.x + gid.y * nw.x * 256u;
    if (i >= q.sizes.x) { return; }
    let gi = g[i];
    let ai = q.step.y * a[i] + (1.0 - q.step.y) * (gi * gi);
    a[i] = ai;
    var denom = sqrt(ai) + q.step.z;
    if (q.sizes.y == 1u) { denom = sqrt(ai + q.step.z); }
    p[i] = p[i] - q.step.x * gi / denom;
}
