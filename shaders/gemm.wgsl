// SGEMM with workgroup tiles: C = act(op(A) · op(B) + bias), row-major f32.
//
// Versions: gemm_tiled (v3) — each 16 × 16 workgroup computes a 128 × 128 tile of C, each
// invocation an 8 × 8 block held in sixteen vec4 registers (named variables, not an indexed
// array, so that no compiler has a reason to put them in local memory). K advances in slices
// of 8: the workgroup copies a 128 × 8 slice of op(A) and an 8 × 128 slice of op(B) into
// workgroup memory (zero outside the matrices), waits at a barrier, then every invocation does
// 8 rank-1 updates of its block, reading 4 vec4 per update for 64 fused multiply-adds.
// An invocation's rows are lid.y·4 + {0..3} and 64 + lid.y·4 + {0..3}, its columns
// lid.x·4 + {0..3} and 64 + lid.x·4 + {0..3}: neighbouring invocations read neighbouring vec4
// from workgroup memory. The transposes only change how a slice is read from storage.
// v2 (64 × 64 tiles, 4 × 4 blocks in an indexed array) ran at 0.41–0.51 TFLOP/s on an H200.
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
    b_format: u32,   // 0 f32, 1 f16, 2 bf16 (two 16-bit halves per word, element e in half e % 2)
}

@group(0) @binding(0) var<uniform> p: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<u32>; // f32 bits or packed halves, see b_format
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const BM: u32 = 128u;
const BN: u32 = 128u;
const BK: u32 = 8u;

// [BK][BM] and [BK][BN] floats, as vec4 so that a block's operands are single 16-byte loads.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

fn op_a(i: u32, kk: u32) -> f32 {
    if (i >= p.m || kk >= p.k) { return 0.0; }
    if (p.trans_a == 0u) { return a[i * p.k + kk]; }
    return a[kk * p.m + i];
}

// Element e of B widened to f32: exact for all three formats (f16 through unpack2x16float,
// bf16 by a shift), so half-precision weights cost half the memory and bandwidth, not accuracy
// of the sums, and need no `shader-f16` support.
fn load_b(e: u32) -> f32 {
    if (p.b_format == 0u) { return bitcast<f32>(b[e]); }
    let bits = (b[e / 2u] >> ((e % 2u) * 16u)) & 0xffffu;
    if (p.b_format == 1u) { return unpack2x16float(bits).x; }
    return bitcast<f32>(bits << 16u);
}

fn op_b(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.n) { return 0.0; }
    if (p.trans_b == 0u) { return load_b(kk * p.n + j); }
    return load_b(j * p.k + kk);
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

// Float `at` (a multiple of 4) of a tile and the three after it.
fn a_vec(at: u32) -> vec4<f32> {
    return a_tile[at / 4u];
}

fn b_vec(at: u32) -> vec4<f32> {
    return b_tile[at / 4u];
}

fn store(i: u32, j: u32, x: f32) {
    if (i < p.m && j < p.n) {
        var y = x;
        if (p.has_bias == 1u) { y += bias[j]; }
        c[i * p.n + j] = activate(y);
    }
}

// Columns j..j+3 from `lo` and 64+j..64+j+3 from `hi` of row i.
fn store_row(i: u32, j: u32, lo: vec4<f32>, hi: vec4<f32>) {
    store(i, j, lo.x); store(i, j + 1u, lo.y); store(i, j + 2u, lo.z); store(i, j + 3u, lo.w);
    store(i, j + 64u, hi.x); store(i, j + 65u, hi.y); store(i, j + 66u, hi.z); store(i, j + 67u, hi.w);
}

@compute @workgroup_size(16, 16)
fn gemm_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    let t = lid.y * 16u + lid.x;
    var acc00 = vec4<f32>(0.0); var acc01 = vec4<f32>(0.0);
    var acc10 = vec4<f32>(0.0); var acc11 = vec4<f32>(0.0);
    var acc20 = vec4<f32>(0.0); var acc21 = vec4<f32>(0.0);
    var acc30 = vec4<f32>(0.0); var acc31 = vec4<f32>(0.0);
    var acc40 = vec4<f32>(0.0); var acc41 = vec4<f32>(0.0);
    var acc50 = vec4<f32>(0.0); var acc51 = vec4<f32>(0.0);
    var acc60 = vec4<f32>(0.0); var acc61 = vec4<f32>(0.0);
    var acc70 = vec4<f32>(0.0); var acc71 = vec4<f32>(0.0);
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
        for (var l = 0u; l < 4u; l++) {
            let e = t + l * 256u;
            // Read along the contiguous direction of storage (coalesced), store as [kk][i].
            if (p.trans_a == 0u) {
                let ii = e / BK; let kk = e % BK;
                a_tile[(kk * BM + ii) / 4u][ii % 4u] = op_a(row0 + ii, k0 + kk);
            } else {
                let kk = e / BM; let ii = e % BM;
                a_tile[(kk * BM + ii) / 4u][ii % 4u] = op_a(row0 + ii, k0 + kk);
            }
            if (p.trans_b == 0u) {
                let kk = e / BN; let jj = e % BN;
                b_tile[(kk * BN + jj) / 4u][jj % 4u] = op_b(k0 + kk, col0 + jj);
            } else {
                let jj = e / BK; let kk = e % BK;
                b_tile[(kk * BN + jj) / 4u][jj % 4u] = op_b(k0 + kk, col0 + jj);
            }
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            let a0 = a_vec(kk * BM + lid.y * 4u);
            let a1 = a_vec(kk * BM + 64u + lid.y * 4u);
            let b0 = b_vec(kk * BN + lid.x * 4u);
            let b1 = b_vec(kk * BN + 64u + lid.x * 4u);
            acc00 = fma(vec4<f32>(a0.x), b0, acc00);
            acc01 = fma(vec4<f32>(a0.x), b1, acc01);
            acc10 = fma(vec4<f32>(a0.y), b0, acc10);
            acc11 = fma(vec4<f32>(a0.y), b1, acc11);
            acc20 = fma(vec4<f32>(a0.z), b0, acc20);
            acc21 = fma(vec4<f32>(a0.z), b1, acc21);
            acc30 = fma(vec4<f32>(a0.w), b0, acc30);
            acc31 = fma(vec4<f32>(a0.w), b1, acc31);
            acc40 = fma(vec4<f32>(a1.x), b0, acc40);
            acc41 = fma(vec4<f32>(a1.x), b1, acc41);
            acc50 = fma(vec4<f32>(a1.y), b0, acc50);
            acc51 = fma(vec4<f32>(a1.y), b1, acc51);
            acc60 = fma(vec4<f32>(a1.z), b0, acc60);
            acc61 = fma(vec4<f32>(a1.z), b1, acc61);
            acc70 = fma(vec4<f32>(a1.w), b0, acc70);
            acc71 = fma(vec4<f32>(a1.w), b1, acc71);
        }
        workgroupBarrier();
    }
    store_row(row0 + 0u + lid.y * 4u + 0u, col0 + lid.x * 4u, acc00, acc01);
    store_row(row0 + 0u + lid.y * 4u + 1u, col0 + lid.x * 4u, acc10, acc11);
    store_row(row0 + 0u + lid.y * 4u + 2u, col0 + lid.x * 4u, acc20, acc21);
    store_row(row0 + 0u + lid.y * 4u + 3u, col0 + lid.x * 4u, acc30, acc31);
    store_row(row0 + 64u + lid.y * 4u + 0u, col0 + lid.x * 4u, acc40, acc41);
    store_row(row0 + 64u + lid.y * 4u + 1u, col0 + lid.x * 4u, acc50, acc51);
    store_row(row0 + 64u + lid.y * 4u + 2u, col0 + lid.x * 4u, acc60, acc61);
    store_row(row0 + 64u + lid.y * 4u + 3u, col0 + lid.x * 4u, acc70, acc71);
}
