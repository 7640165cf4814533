// Column sums: out[j] = Σᵢ x[i][j], one invocation per column, rows in order (f32).
// Adjacent invocations read adjacent columns of the same row (coalesced).
//
// Keep `ReduceParams` in sync with `src/kernels/reduce/mod.rs`.

struct ReduceParams {
    m: u32,
    n: u32,
}

@group(0) @binding(0) var<uniform> p: ReduceParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn column_sums(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let j = gid.x + gid.y * nw.x * 256u;
    if (j >= p.n) { return; }
    var sum = 0.0;
    for (var i = 0u; i < p.m; i++) {
        sum += x[i * p.n + j];
    }
    out[j] = sum;
}
