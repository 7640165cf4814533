// SGEMM: C = act(op(A) · op(B) + bias), row-major f32; B stored as f32, f16 or bf16.
//
// This file is the operand side of the kernel: parameters, bindings, and how a unit of four
// consecutive stored elements of op(A) or op(B) is read. The tiling (double-buffered
// workgroup tiles, 8 × 8 register blocks, the entry point `tiled`) is gemm_tile.wgsl, which
// src/kernels/gemm/gpu_tile.rs appends with the tile sizes of the chosen configuration.
//
// Vectorised loads: where the contiguous dimension of a stored operand is a multiple of 4 (k
// for A, m for Aᵀ; n for B, k for Bᵀ; B in f32), gpu_tile.rs uncomments the `//@vec_a` /
// `//@vec_b` lines and drops the `// @!vec_a` / `// @!vec_b` ones: the operand is bound as
// an array of vec4 and a unit is one aligned 16-byte load, zero when it starts outside the
// matrix (it then lies wholly outside). Otherwise each of the four elements is read and
// bounds-checked on its own (the portable fallback for edges and odd shapes).
// v3 (128 × 128 × 8 tiles, one buffer, scalar loads) ran at ~22% of an H200's FP32 peak;
// v2 (64 × 64 tiles, 4 × 4 blocks in an indexed array) at 0.41–0.51 TFLOP/s.
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
@group(0) @binding(1) var<storage, read> a: array<f32>; // @!vec_a
//@vec_a @group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<u32>; // @!vec_b
//@vec_b @group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const A_VEC: bool = false; // @!vec_a
//@vec_a const A_VEC: bool = true;
const B_VEC: bool = false; // @!vec_b
//@vec_b const B_VEC: bool = true;

// Stored element `at` of A, and the four from `at` (a multiple of 4) in the vec4 binding.
fn a_get(at: u32) -> f32 { return a[at]; } // @!vec_a
fn a_get4(at: u32) -> vec4<f32> { return vec4<f32>(a[at], a[at + 1u], a[at + 2u], a[at + 3u]); } // @!vec_a
//@vec_a fn a_get(at: u32) -> f32 { return a[at / 4u][at % 4u]; }
//@vec_a fn a_get4(at: u32) -> vec4<f32> { return a[at / 4u]; }
fn b_word(w: u32) -> u32 { return b[w]; } // @!vec_b
fn b_get4(e: u32) -> vec4<f32> { return bitcast<vec4<f32>>(vec4<u32>(b[e], b[e + 1u], b[e + 2u], b[e + 3u])); } // @!vec_b
//@vec_b fn b_word(w: u32) -> u32 { return b[w / 4u][w % 4u]; }
//@vec_b fn b_get4(e: u32) -> vec4<f32> { return bitcast<vec4<f32>>(b[e / 4u]); }

fn dim_m() -> u32 { return p.m; }
fn dim_n() -> u32 { return p.n; }
fn dim_k() -> u32 { return p.k; }
fn a_along_k() -> bool { return p.trans_a == 0u; }
fn b_along_k() -> bool { return p.trans_b == 1u; }

fn op_a(i: u32, kk: u32) -> f32 {
    if (i >= p.m || kk >= p.k) { return 0.0; }
    if (p.trans_a == 0u) { return a_get(i * p.k + kk); }
    return a_get(kk * p.m + i);
}

// Element e of B widened to f32: exact for all three formats (f16 through unpack2x16float,
// bf16 by a shift), so half-precision weights cost half the memory and bandwidth, not accuracy
// of the sums, and need no `shader-f16` support.
fn load_b(e: u32) -> f32 {
    if (p.b_format == 0u) { return bitcast<f32>(b_word(e)); }
    let bits = (b_word(e / 2u) >> ((e % 2u) * 16u)) & 0xffffu;
    if (p.b_format == 1u) { return unpack2x16float(bits).x; }
    return bitcast<f32>(bits << 16u);
}

fn op_b(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.n) { return 0.0; }
    if (p.trans_b == 0u) { return load_b(kk * p.n + j); }
    return load_b(j * p.k + kk);
}

// op(A)[i][kk..kk+4] (A stored (m, k)) or op(A)[i..i+4][kk] (stored (k, m)).
fn a_chunk(i: u32, kk: u32) -> vec4<f32> {
    if (p.trans_a == 0u) {
        if (A_VEC) {
            if (i >= p.m || kk >= p.k) { return vec4<f32>(0.0); }
            return a_get4(i * p.k + kk);
        }
        return vec4<f32>(op_a(i, kk), op_a(i, kk + 1u), op_a(i, kk + 2u), op_a(i, kk + 3u));
    }
    if (A_VEC) {
        if (i >= p.m || kk >= p.k) { return vec4<f32>(0.0); }
        return a_get4(kk * p.m + i);
    }
    return vec4<f32>(op_a(i, kk), op_a(i + 1u, kk), op_a(i + 2u, kk), op_a(i + 3u, kk));
}

// op(B)[kk][j..j+4] (B stored (k, n)) or op(B)[kk..kk+4][j] (stored (n, k)).
fn b_chunk(kk: u32, j: u32) -> vec4<f32> {
    if (p.trans_b == 0u) {
        if (B_VEC) {
            if (kk >= p.k || j >= p.n) { return vec4<f32>(0.0); }
            return b_get4(kk * p.n + j);
        }
        return vec4<f32>(op_b(kk, j), op_b(kk, j + 1u), op_b(kk, j + 2u), op_b(kk, j + 3u));
    }
    if (B_VEC) {
        if (kk >= p.k || j >= p.n) { return vec4<f32>(0.0); }
        return b_get4(j * p.k + kk);
    }
    return vec4<f32>(op_b(kk, j), op_b(kk + 1u, j), op_b(kk + 2u, j), op_b(kk + 3u, j));
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

fn store(i: u32, j: u32, x: f32) {
    if (i < p.m && j < p.n) {
        var y = x;
        if (p.has_bias == 1u) { y += bias[j]; }
        c[i * p.n + j] = activate(y);
    }
}
