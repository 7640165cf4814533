// SGEMM with workgroup tiles: C = act(op(A) · op(B) + bias), row-major f32.
//
// Versions: gemm_tiled (v2) — each 16 × 16 workgroup computes a 64 × 64 tile of C, each
// invocation a 4 × 4 block held in registers. K advances in slices of 16: the workgroup
// first copies a 64 × 16 slice of op(A) and a 16 × 64 slice of op(B) into workgroup memory
// (zero outside the matrices), waits at a barrier, then every invocation does 16 rank-1
// updates of its 4 × 4 block from that shared copy. Each loaded element is reused 64 times.
// The transposes only change how a slice is read from storage.
//
// Keep `GemmParams` in sync with `src/kernels/gemm/gpu.rs`.

struct GemmParams {
    m: u32,
    n: u32,
    k: u32,
    trans_a: u32,   // 1: A is stored (k, m)
    trans_b: u32,   // 1: B is stored (n, k)
    has_bias: u32,
    activation: u32, // 0 identity, 1 relu, 2 sigmoid
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

var<workgroup> a_tile: array<f32, 1024>; // [BK][BM]
var<workgroup> b_tile: array<f32, 1024>; // [BK][BN]

fn op_a(i: u32, kk: u32) -> f32 {
    if (i >= p.m || kk >= p.k) { return 0.0; }
    if (p.trans_a == 0u) { return a[i * p.k + kk]; }
    return a[kk * p.m + i];
}

fn op_b(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.n) { return 0.0; }
    if (p.trans_b == 0u) { return b[kk * p.n + j]; }
    return b[j * p.k + kk];
}

fn activate(x: f32) -> f32 {
    if (p.activation == 1u) { return max(x, 0.0); }
    if (p.activation == 2u) {
        if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
        let e = exp(x);
        return e / (1.0 + e);
    }
    return x;
}

@compute @workgroup_size(16, 16)
fn gemm_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    let t = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
        for (var l = 0u; l < 4u; l++) {
            let e = t + l * 256u;
            // Read along the contiguous direction of storage (coalesced), store as [kk][i].
            if (p.trans_a == 0u) {
                let ii = e / BK; let kk = e % BK;
                a_tile[kk * BM + ii] = op_a(row0 + ii, k0 + kk);
            } else {
                let kk = e / BM; let ii = e % BM;
                a_tile[kk * BM + ii] = op_a(row0 + ii, k0 + kk);
            }
            if (p.trans_b == 0u) {
                let kk = e / BN; let jj = e % BN;
                b_tile[kk * BN + jj] = op_b(k0 + kk, col0 + jj);
            } else {
                let jj = e / BK; let kk = e % BK;
                b_tile[kk * BN + jj] = op_b(k0 + kk, col0 + jj);
            }
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            var ar: array<f32, 4>;
            var br: array<f32, 4>;
            for (var r = 0u; r < 4u; r++) { ar[r] = a_tile[kk * BM + lid.y * 4u + r]; }
            for (var q = 0u; q < 4u; q++) { br[q] = b_tile[kk * BN + lid.x * 4u + q]; }
            for (var r = 0u; r < 4u; r++) {
                for (var q = 0u; q < 4u; q++) {
                    acc[r * 4u + q] = fma(ar[r], br[q], acc[r * 4u + q]);
                }
            }
        }
        workgroupBarrier();
    }
    for (var r = 0u; r < 4u; r++) {
        let i = row0 + lid.y * 4u + r;
        for (var q = 0u; q < 4u; q++) {
            let j = col0 + lid.x * 4u + q;
            if (i < p.m && j < p.n) {
                var x = acc[r * 4u + q];
                if (p.has_bias == 1u) { x += bias[j]; }
                c[i * p.n + j] = activate(x);
            }
        }
    }
}
