// VGG layers in NHWC: 3×3 same-padded convolution + bias + ReLU, and 2×2 stride-2 max-pool.
//
// conv3x3_relu is an implicit GEMM: Y (m = n·h·w, o) = relu(A · K + b) with A the im2col
// matrix (m, k = 9c), A[pix][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i] (0 outside),
// never stored: each workgroup gathers its 64 × 16 slice of A straight from x into workgroup
// memory. The tiling is gemm.wgsl's gemm_tiled (64 × 64 C tile per 16 × 16 workgroup, 4 × 4
// per invocation, K slices of 16); K is the HWIO kernel read as a (9c, o) row-major matrix.
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

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

var<workgroup> a_tile: array<f32, 1024>; // [BK][BM]
var<workgroup> b_tile: array<f32, 1024>; // [BK][BN]

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

@compute @workgroup_size(16, 16)
fn conv3x3_relu(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    let t = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;
    for (var k0 = 0u; k0 < p.k; k0 += BK) {
        for (var l = 0u; l < 4u; l++) {
            let e = t + l * 256u;
            // Consecutive invocations read consecutive channels of x and columns of K.
            let ii = e / BK; let ka = e % BK;
            a_tile[ka * BM + ii] = im2col(row0 + ii, k0 + ka);
            let kb = e / BN; let jj = e % BN;
            b_tile[kb * BN + jj] = weight(k0 + kb, col0 + jj);
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
            if (i < p.m && j < p.o) {
                y[i * p.o + j] = max(acc[r * 4u + q] + bias[j], 0.0);
            }
        }
    }
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
