// CSR × dense: C[i][j] = Σ_q data[q] · B[indices[q]][j] over row i's non-zeros.
// One invocation per output element: workgroup row y = i, x covers 64 columns j, so the
// invocations of a workgroup read the same CSR row and adjacent columns of B (coalesced).
//
// Keep `SpmmParams` in sync with `src/kernels/spmm/mod.rs`.

struct SpmmParams {
    m: u32,
    n: u32,
}

@group(0) @binding(0) var<uniform> p: SpmmParams;
@group(0) @binding(1) var<storage, read> indptr: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<u32>;
@group(0) @binding(3) var<storage, read> data: array<f32>;
@group(0) @binding(4) var<storage, read> b: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(64)
fn spmm_csr(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    let i = gid.y;
    if (i >= p.m || j >= p.n) { return; }
    var sum = 0.0;
    for (var q = indptr[i]; q < indptr[i + 1u]; q++) {
        sum = fma(data[q], b[indices[q] * p.n + j], sum);
    }
    c[i * p.n + j] = sum;
}
