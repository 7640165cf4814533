// The tiled core shared by gemm.wgsl (SGEMM) and conv.wgsl (implicit-GEMM conv): appended to
// either file by src/kernels/gemm/gpu_tile.rs, which also writes the `@config` constants and
// keeps or drops the `//@subgroup` lines. Not a shader on its own.
//
// C (m, n) = Σ_k op(A)[i][k] · op(B)[k][j], one BM × BN tile of C per workgroup of
// (BN/8)·(BM/8) invocations, an 8 × 8 block per invocation in sixteen vec4 registers (named
// variables, not an indexed array): rows ry·4 + {0..3} and BM/2 + ry·4 + {0..3}, columns rx·4 + {0..3} and
// BN/2 + rx·4 + {0..3}, so neighbouring invocations read neighbouring vec4 of workgroup memory.
//
// Version v4 (v3 was a fixed 128 × 128 × 8 tile, single-buffered, scalar loads):
// - Double-buffered tiles: while the block is updated from buffer s % 2, the K slice s + 1 is
//   loaded from storage into registers and written to the other buffer afterwards; one
//   barrier per K step (the barrier that publishes slice s + 1 also retires slice s).
// - Vectorised loads: the operands are read in units of four consecutive stored elements
//   (`a_chunk`, `b_chunk` of the including file, a single vec4 load where the shape allows).
// - Subgroups (variant): the A values of an 8 × 8 block update are the same for the 8 lanes of
//   a row; each lane reads one k's pair of vec4 from workgroup memory every 8 k and the others
//   get it by `subgroupShuffle`, 2 shuffles for 2 workgroup loads. The lane roles then come from
//   the subgroup ids (any layout of invocations into subgroups works); if the subgroups are not
//   whole multiples of 8 lanes the portable path runs instead.
//
// The including file provides: dim_m(), dim_n(), dim_k(); a_along_k(), a_chunk(i, kk) — the
// four stored elements of op(A) from (i, kk) along storage's contiguous direction (k when
// a_along_k(), else i), zero outside; b_along_k(), b_chunk(kk, j) likewise; store(i, j, x).

const BM: u32 = 128u; // @config
const BN: u32 = 128u; // @config
const BK: u32 = 8u; // @config
const WG_X: u32 = BN / 8u;
const WG_Y: u32 = BM / 8u;
const THREADS: u32 = WG_X * WG_Y;
// vec4 per tile buffer, and vec4 units each invocation loads per K step.
const A_TILE: u32 = BK * BM / 4u;
const B_TILE: u32 = BK * BN / 4u;
const A_UNITS: u32 = A_TILE / THREADS;
const B_UNITS: u32 = B_TILE / THREADS;

// Two buffers of [BK][BM] (and [BK][BN]) floats, as vec4.
var<workgroup> a_tile: array<vec4<f32>, 2u * A_TILE>;
var<workgroup> b_tile: array<vec4<f32>, 2u * B_TILE>;

// (i, kk) within the tile of the first element of A unit u.
fn a_unit(u: u32) -> vec2<u32> {
    if (a_along_k()) { return vec2<u32>(u / (BK / 4u), (u % (BK / 4u)) * 4u); }
    return vec2<u32>((u % (BM / 4u)) * 4u, u / (BM / 4u));
}

// (kk, j) within the tile of the first element of B unit u.
fn b_unit(u: u32) -> vec2<u32> {
    if (b_along_k()) { return vec2<u32>((u % (BK / 4u)) * 4u, u / (BK / 4u)); }
    return vec2<u32>(u / (BN / 4u), (u % (BN / 4u)) * 4u);
}

fn put_a(buf: u32, u: u32, v: vec4<f32>) {
    let at = a_unit(u);
    let base = buf * A_TILE;
    if (a_along_k()) {
        // Four k of one row: one float in each of four tile rows.
        let c = at.x % 4u;
        a_tile[base + (at.y * BM + at.x) / 4u][c] = v.x;
        a_tile[base + ((at.y + 1u) * BM + at.x) / 4u][c] = v.y;
        a_tile[base + ((at.y + 2u) * BM + at.x) / 4u][c] = v.z;
        a_tile[base + ((at.y + 3u) * BM + at.x) / 4u][c] = v.w;
    } else {
        a_tile[base + (at.y * BM + at.x) / 4u] = v;
    }
}

fn put_b(buf: u32, u: u32, v: vec4<f32>) {
    let at = b_unit(u);
    let base = buf * B_TILE;
    if (b_along_k()) {
        let c = at.y % 4u;
        b_tile[base + (at.x * BN + at.y) / 4u][c] = v.x;
        b_tile[base + ((at.x + 1u) * BN + at.y) / 4u][c] = v.y;
        b_tile[base + ((at.x + 2u) * BN + at.y) / 4u][c] = v.z;
        b_tile[base + ((at.x + 3u) * BN + at.y) / 4u][c] = v.w;
    } else {
        b_tile[base + (at.x * BN + at.y) / 4u] = v;
    }
}

fn stage_a(u: u32, row0: u32, k0: u32) -> vec4<f32> {
    let at = a_unit(u);
    return a_chunk(row0 + at.x, k0 + at.y);
}

fn stage_b(u: u32, col0: u32, k0: u32) -> vec4<f32> {
    let at = b_unit(u);
    return b_chunk(k0 + at.x, col0 + at.y);
}

// Columns j..j+3 from `lo` and BN/2+j..BN/2+j+3 from `hi` of row i.
fn store_row(i: u32, j: u32, lo: vec4<f32>, hi: vec4<f32>) {
    store(i, j, lo.x); store(i, j + 1u, lo.y); store(i, j + 2u, lo.z); store(i, j + 3u, lo.w);
    let h = j + BN / 2u;
    store(i, h, hi.x); store(i, h + 1u, hi.y); store(i, h + 2u, hi.z); store(i, h + 3u, hi.w);
}

// One-dimensional workgroups (subgroup ids are defined only for those); invocation t plays
// (rx, ry) = (t % WG_X, t / WG_X).
@compute @workgroup_size(THREADS)
fn tiled(
    @builtin(local_invocation_index) t: u32,
    @builtin(workgroup_id) wid: vec3<u32>,
//@subgroup @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32,
//@subgroup @builtin(subgroup_id) sg_id: u32, @builtin(num_subgroups) sg_count: u32,
) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BN;
    var rx = t % WG_X;
    var ry = t / WG_X;
    var sg_ok = false;
    var lane0 = 0u; // the subgroup lane of rx − rx % 8 in this row
//@subgroup sg_ok = sg_count * sg_size == THREADS && sg_size % 8u == 0u;
//@subgroup if (sg_ok) { let r = sg_id * sg_size + sg_lane; rx = r % WG_X; ry = r / WG_X; lane0 = sg_lane - rx % 8u; }
    var acc00 = vec4<f32>(0.0); var acc01 = vec4<f32>(0.0);
    var acc10 = vec4<f32>(0.0); var acc11 = vec4<f32>(0.0);
    var acc20 = vec4<f32>(0.0); var acc21 = vec4<f32>(0.0);
    var acc30 = vec4<f32>(0.0); var acc31 = vec4<f32>(0.0);
    var acc40 = vec4<f32>(0.0); var acc41 = vec4<f32>(0.0);
    var acc50 = vec4<f32>(0.0); var acc51 = vec4<f32>(0.0);
    var acc60 = vec4<f32>(0.0); var acc61 = vec4<f32>(0.0);
    var acc70 = vec4<f32>(0.0); var acc71 = vec4<f32>(0.0);
    var ra: array<vec4<f32>, A_UNITS>;
    var rb: array<vec4<f32>, B_UNITS>;
    let steps = (dim_k() + BK - 1u) / BK;
    for (var u = 0u; u < A_UNITS; u++) { put_a(0u, t + u * THREADS, stage_a(t + u * THREADS, row0, 0u)); }
    for (var u = 0u; u < B_UNITS; u++) { put_b(0u, t + u * THREADS, stage_b(t + u * THREADS, col0, 0u)); }
    workgroupBarrier();
    for (var s = 0u; s < steps; s++) {
        let cur = s % 2u;
        let more = s + 1u < steps;
        if (more) {
            let k1 = (s + 1u) * BK;
            for (var u = 0u; u < A_UNITS; u++) { ra[u] = stage_a(t + u * THREADS, row0, k1); }
            for (var u = 0u; u < B_UNITS; u++) { rb[u] = stage_b(t + u * THREADS, col0, k1); }
        }
        let ab = cur * A_TILE + ry;
        let bb = cur * B_TILE + rx;
        var mine0 = vec4<f32>(0.0);
        var mine1 = vec4<f32>(0.0);
        for (var kk = 0u; kk < BK; kk++) {
            var a0: vec4<f32>;
            var a1: vec4<f32>;
            if (sg_ok) {
                if (kk % 8u == 0u) {
                    let mk = kk + rx % 8u;
                    mine0 = a_tile[ab + (mk * BM) / 4u];
                    mine1 = a_tile[ab + (mk * BM + BM / 2u) / 4u];
                }
//@subgroup     a0 = subgroupShuffle(mine0, lane0 + kk % 8u);
//@subgroup     a1 = subgroupShuffle(mine1, lane0 + kk % 8u);
            } else {
                a0 = a_tile[ab + (kk * BM) / 4u];
                a1 = a_tile[ab + (kk * BM + BM / 2u) / 4u];
            }
            let b0 = b_tile[bb + (kk * BN) / 4u];
            let b1 = b_tile[bb + (kk * BN + BN / 2u) / 4u];
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
        if (more) {
            for (var u = 0u; u < A_UNITS; u++) { put_a(1u - cur, t + u * THREADS, ra[u]); }
            for (var u = 0u; u < B_UNITS; u++) { put_b(1u - cur, t + u * THREADS, rb[u]); }
        }
        workgroupBarrier();
    }
    let i0 = row0 + ry * 4u;
    let i1 = row0 + BM / 2u + ry * 4u;
    let j = col0 + rx * 4u;
    store_row(i0, j, acc00, acc01);
    store_row(i0 + 1u, j, acc10, acc11);
    store_row(i0 + 2u, j, acc20, acc21);
    store_row(i0 + 3u, j, acc30, acc31);
    store_row(i1, j, acc40, acc41);
    store_row(i1 + 1u, j, acc50, acc51);
    store_row(i1 + 2u, j, acc60, acc61);
    store_row(i1 + 3u, j, acc70, acc71);
}
