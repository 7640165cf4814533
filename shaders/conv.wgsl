// VGG layers in NHWC: 3×3 same-padded convolution + bias + ReLU, and 2×2 stride-2 max-pool.
//
// conv3x3_relu is an implicit GEMM: Y (m = n·h·w, o) = relu(A · K + b) with A the im2col
// matrix (m, k = 9c), A[pix][(dh·3 + dw)·c + i] = x[img, row+dh−1, col+dw−1, i] (0 outside),
// never stored: each workgroup gathers its BM × BK slice of A straight from x into workgroup
// memory. K is the HWIO kernel read as a (9c, o) row-major matrix. The tiling is
// gemm_tile.wgsl's (double-buffered tiles, 8 × 8 register blocks, entry `tiled`), appended by
// src/kernels/gemm/gpu_tile.rs with the tile sizes of the chosen configuration; this file
// gives the operand side. Vectorised loads as in gemm.wgsl: with c a multiple of 4 a unit of
// A (four channels of one tap, never straddling taps) is one aligned vec4 of x (`//@vec_a`);
// with o a multiple of 4 a unit of K is one vec4 (`//@vec_b`). VGG16's first layer (c = 3)
// takes the scalar path. (v1, with 64 × 64 tiles and 4 × 4 blocks, ran VGG16 at 0.49
// TFLOP/s on an H200; v2 was gemm v3's single-buffered 128 × 128 × 8 tile.)
//
// maxpool2x2: one invocation per output element (run from this file as it is).
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
@group(0) @binding(1) var<storage, read> x: array<f32>; // @!vec_a
//@vec_a @group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>; // @!vec_b
//@vec_b @group(0) @binding(2) var<storage, read> kernel: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const A_VEC: bool = false; // @!vec_a
//@vec_a const A_VEC: bool = true;
const B_VEC: bool = false; // @!vec_b
//@vec_b const B_VEC: bool = true;

fn x_get(at: u32) -> f32 { return x[at]; } // @!vec_a
fn x_get4(at: u32) -> vec4<f32> { return vec4<f32>(x[at], x[at + 1u], x[at + 2u], x[at + 3u]); } // @!vec_a
//@vec_a fn x_get(at: u32) -> f32 { return x[at / 4u][at % 4u]; }
//@vec_a fn x_get4(at: u32) -> vec4<f32> { return x[at / 4u]; }
fn k_get(at: u32) -> f32 { return kernel[at]; } // @!vec_b
fn k_get4(at: u32) -> vec4<f32> { return vec4<f32>(kernel[at], kernel[at + 1u], kernel[at + 2u], kernel[at + 3u]); } // @!vec_b
//@vec_b fn k_get(at: u32) -> f32 { return kernel[at / 4u][at % 4u]; }
//@vec_b fn k_get4(at: u32) -> vec4<f32> { return kernel[at / 4u]; }

fn dim_m() -> u32 { return p.m; }
fn dim_n() -> u32 { return p.o; }
fn dim_k() -> u32 { return p.k; }
fn a_along_k() -> bool { return true; }
fn b_along_k() -> bool { return false; }

// Where A[pix][kk] lives in x, or −1 for the zero padding and outside A.
fn im2col_at(pix: u32, kk: u32) -> i32 {
    if (pix >= p.m || kk >= p.k) { return -1; }
    let ch = kk % p.c;
    let tap = kk / p.c;
    let col = pix % p.w;
    let t = pix / p.w;
    let row = t % p.h;
    let img = t / p.h;
    let r = i32(row) + i32(tap / 3u) - 1;
    let q = i32(col) + i32(tap % 3u) - 1;
    if (r < 0 || q < 0 || r >= i32(p.h) || q >= i32(p.w)) { return -1; }
    return i32(((img * p.h + u32(r)) * p.w + u32(q)) * p.c + ch);
}

fn im2col(pix: u32, kk: u32) -> f32 {
    let at = im2col_at(pix, kk);
    if (at < 0) { return 0.0; }
    return x_get(u32(at));
}

// A[pix][kk..kk+4]: with c % 4 = 0 four channels of one tap, contiguous in x.
fn a_chunk(pix: u32, kk: u32) -> vec4<f32> {
    if (A_VEC) {
        let at = im2col_at(pix, kk);
        if (at < 0) { return vec4<f32>(0.0); }
        return x_get4(u32(at));
    }
    return vec4<f32>(im2col(pix, kk), im2col(pix, kk + 1u), im2col(pix, kk + 2u), im2col(pix, kk + 3u));
}

fn weight(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.o) { return 0.0; }
    return k_get(kk * p.o + j);
}

// K[kk][j..j+4].
fn b_chunk(kk: u32, j: u32) -> vec4<f32> {
    if (B_VEC) {
        if (kk >= p.k || j >= p.o) { return vec4<f32>(0.0); }
        return k_get4(kk * p.o + j);
    }
    return vec4<f32>(weight(kk, j), weight(kk, j + 1u), weight(kk, j + 2u), weight(kk, j + 3u));
}

fn store(i: u32, j: u32, v: f32) {
    if (i < p.m && j < p.o) {
        y[i * p.o + j] = max(v + bias[j], 0.0);
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
    y[idx] = max(max(x_get(at), x_get(at + p.c)), max(x_get(below), x_get(below + p.c)));
}
