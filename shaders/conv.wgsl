// VGG layers in NHWC: 3×3 same-padded convolution + bias + ReLU, and 2×2 stride-2 max-pool.
//
// conv3x3_relu is an implicit GEMM: Y (m = n·h·w, o) = relu(A · K + b) with A the im2col
// matrix (m, k = 9c), A[pix][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i] (0 outside),
// never stored: each workgroup gathers its 128 × 8 slice of A straight from x into workgroup
// memory. The tiling is gemm.wgsl's gemm_tiled v3 (128 × 128 C tile per 16 × 16 workgroup,
// 8 × 8 per invocation in vec4 registers, K slices of 8); K is the HWIO kernel read as a
// (9c, o) row-major matrix. (v1, with 64 × 64 tiles and 4 × 4 blocks, ran VGG16 at 0.49
// TFLOP/s on an H200.)
//
// maxpool2x2: one invocation per output element.
//
// Keep `ConvParams` in sync with `src/kernels/conv/gpu.rs`.

struct ConvParams {
    n: u32,
    h: u32,
    w: u32,
    c: u32,      // input channels
    o: u32,      // output channels (pool: unused)
    m: u32,      // conv: n·h·w output pixels; pool: output elements
    k: u32,      // 9c
    groups_x: u32, // pool: workgroups along x (1-D index folding)
}

@group(0) @binding(0) var<uniform> p: ConvParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const BM: u32 = 128u;
const BN: u32 = 128u;
const BK: u32 = 8u;

// [BK][BM] and [BK][BN] floats, as vec4 so that a block's operands are single 16-byte loads.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

// A[pix][kk] of the implicit im2col matrix.
fn im2col(pix: u32, kk: u32) -> f32 {
    if (pix >= p.m || kk >= p.k) { return 0.0; }
    let ch = kk % p.c;
    let tap = kk / p.c;
    let col = pix % p.w;
    let t = pix / p.w;
    let row = t % p.h;
    let img = t / p.h;
    let r = i32(row) + i32(tap / 3u) - 1;
    let q = i32(col) + i32(tap % 3u) - 1;
    if (r < 0 || q < 0 || r >= i32(p.h) || q >= i32(p.w)) { return 0.0; }
    return x[((img * p.h + u32(r)) * p.w + u32(q)) * p.c + ch];
}

fn weight(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.o) { return 0.0; }
    return kernel[kk * p.o + j];
}

fn store(i: u32, j: u32, v: f32) {
    if (i < p.m && j < p.o) {
        y[i * p.o + j] = max(v + bias[j], 0.0);
    }
}

// Columns j..j+3 from `lo` and 64+j..64+j+3 from `hi` of output pixel i.
fn store_row(i: u32, j: u32, lo: vec4<f32>, hi: vec4<f32>) {
    store(i, j, lo.x); store(i, j + 1u, lo.y); store(i, j + 2u, lo.z); store(i, j + 3u, lo.w);
    store(i, j + 64u, hi.x); store(i, j + 65u, hi.y); store(i, j + 66u, hi.z); store(i, j + 67u, hi.w);
}

@compute @workgroup_size(16, 16)
fn conv3x3_relu(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
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
            // Consecutive invocations read consecutive channels of x and columns of K.
            let ii = e / BK; let ka = e % BK;
            a_tile[(ka * BM + ii) / 4u][ii % 4u] = im2col(row0 + ii, k0 + ka);
            let kb = e / BN; let jj = e % BN;
            b_tile[(kb * BN + jj) / 4u][jj % 4u] = weight(k0 + kb, col0 + jj);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            let a0 = a_tile[(kk * BM) / 4u + lid.y];
            let a1 = a_tile[(kk * BM + 64u) / 4u + lid.y];
            let b0 = b_tile[(kk * BN) / 4u + lid.x];
            let b1 = b_tile[(kk * BN + 64u) / 4u + lid.x];
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

@compute @workgroup_size(256)
fn maxpool2x2(@builtin(global_invocation_id) gid: vec3<u32>) {
    let idx = gid.x + gid.y * p.groups_x * 256u;
    if (idx >= p.m) { return; }
    let ho = p.h / 2u;
    let wo = p.w / 2u;
    let ch = idx % p.c;
    let col = (idx / p.c) % wo;
    let row = (idx / (p.c * wo)) % ho;
    let img = idx / (p.c * wo * ho);
    let at = ((img * p.h + 2u * row) * p.w + 2u * col) * p.c + ch;
    let below = at + p.w * p.c;
    y[idx] = max(max(x[at], x[at + p.c]), max(x[below], x[below + p.c]));
}
