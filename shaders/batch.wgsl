// Minibatch plumbing for training resident on the device (src/mlp/gpu/batch.rs):
//
//   gather_rows      dst[i][c] = src[order[offset + i]][c]          i < rows, c < cols
//   bce_stats        stats[slot] = (Σ ℓ(z, t), Σ [σ(z) > ½ ⇔ t > ½], Σ [z not finite])
//                    with ℓ(z, t) = max(z, 0) − z·t + ln(1 + e^(−|z|)), over `cells` cells
//   flag_nonfinite   flags[slot] |= 1 if any of the n values is NaN or ±∞
//
// Each entry point has its own bindings (numbers distinct across the file, so every derived
// bind-group layout holds only its own). Keep the parameter structs in sync with
// src/mlp/gpu/batch.rs.

const WG: u32 = 256u;

struct GatherParams { rows: u32, cols: u32, offset: u32, _pad: u32 }

@group(0) @binding(0) var<uniform> gp: GatherParams;
@group(0) @binding(1) var<storage, read> order: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256)
fn gather_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = gid.x + gid.y * nw.x * WG;
    if (i >= gp.rows * gp.cols) { return; }
    let r = i / gp.cols;
    let c = i - r * gp.cols;
    dst[i] = src[order[gp.offset + r] * gp.cols + c];
}

struct StatsParams { cells: u32, slot: u32, _a: u32, _b: u32 }

@group(0) @binding(4) var<uniform> sp: StatsParams;
@group(0) @binding(5) var<storage, read> logits: array<f32>;
@group(0) @binding(6) var<storage, read> targets: array<f32>;
@group(0) @binding(7) var<storage, read_write> stats: array<f32>;

var<workgroup> loss_part: array<f32, 256>;
var<workgroup> hit_part: array<f32, 256>;
var<workgroup> bad_part: array<f32, 256>;

// NaN and ±∞ by their bit pattern (exponent all ones), immune to fast-math assumptions.
fn not_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u;
}

fn sigmoid(x: f32) -> f32 {
    if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
    let e = exp(x);
    return e / (1.0 + e);
}

// One workgroup: strided partial sums, then a fixed tree (the same order at every run).
@compute @workgroup_size(256)
fn bce_stats(@builtin(local_invocation_index) lid: u32) {
    var loss = 0.0;
    var hits = 0.0;
    var bad = 0.0;
    for (var i = lid; i < sp.cells; i += WG) {
        let z = logits[i];
        let t = targets[i];
        if (not_finite(z)) {
            bad += 1.0;
        } else {
            loss += max(z, 0.0) - z * t + log(1.0 + exp(-abs(z)));
            if ((sigmoid(z) > 0.5) == (t > 0.5)) { hits += 1.0; }
        }
    }
    loss_part[lid] = loss;
    hit_part[lid] = hits;
    bad_part[lid] = bad;
    workgroupBarrier();
    for (var w = WG / 2u; w > 0u; w >>= 1u) {
        if (lid < w) {
            loss_part[lid] += loss_part[lid + w];
            hit_part[lid] += hit_part[lid + w];
            bad_part[lid] += bad_part[lid + w];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        stats[3u * sp.slot] = loss_part[0];
        stats[3u * sp.slot + 1u] = hit_part[0];
        stats[3u * sp.slot + 2u] = bad_part[0];
    }
}

struct FlagParams { n: u32, slot: u32, _a: u32, _b: u32 }

@group(0) @binding(8) var<uniform> fp: FlagParams;
@group(0) @binding(9) var<storage, read> values: array<f32>;
@group(0) @binding(10) var<storage, read_write> flags: array<atomic<u32>>;

@compute @workgroup_size(256)
fn flag_nonfinite(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = gid.x + gid.y * nw.x * WG;
    if (i >= fp.n) { return; }
    if (not_finite(values[i])) { atomicOr(&flags[fp.slot], 1u); }
}
