"""bf16 GEMM GFLOP/s: cinegenre's bf16 unit against PyTorch's bf16 matmul (oneDNN), in one run.

Run from the crate root after `cargo build --release`, in the pinned environment
(tools/make_venv.sh):
    .venv-fixtures/bin/python tools/bench_gemm_bf16_vs_torch.py [--sizes 1024,2048] [--reps 10] [--rounds 4]

- PyTorch: `a @ b` for square bf16 tensors (bf16 result), torch.set_num_threads(threads): on a
  CPU with AMX oneDNN runs it on the tiles, else on AVX512-BF16 or AVX-512. Its operands are
  bf16 already: no rounding is timed on its side.
- cinegenre: on a CPU with `amx_tile` in /proc/cpuinfo, `cinegenre bench gemm --precision
  bf16-amx,bf16-amx-stored`: the first with f32 operands (the timed product includes rounding
  A and B to bf16), the second with A and B stored as bf16 like PyTorch's (the like-for-like
  row); else `--precision bf16-dot` (AVX512-BF16 pairs, f32 operands). Both include packing B
  and write an f32 C (PyTorch writes bf16).
Both time C = A·B, best of `reps` after a warm-up, on `threads` threads; the two sides alternate
`rounds` times and each keeps its best (the machine's speed drifts). Prints one line per size
with ours / PyTorch.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "cinegenre"

TORCH_CHILD = r"""
import json, sys, time
import torch
sizes, reps, threads = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
out = {"version": torch.__version__, "gflops": {}}
for n in sizes:
    a = torch.rand(n, n).bfloat16()
    b = torch.rand(n, n).bfloat16()
    a @ b
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    out["gflops"][str(n)] = 2.0 * n ** 3 / best / 1e9
print(json.dumps(out))
"""


def has_amx():
    try:
        return "amx_tile" in pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1024,2048")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=4,
                    help="PyTorch and cinegenre alternate this many times; each side keeps its best")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    precision = "bf16-amx,bf16-amx-stored" if has_amx() else "bf16-dot"
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    best_torch, ours, version = {}, {}, None
    for _ in range(args.rounds):
        torch_out = json.loads(
            subprocess.run(
                [sys.executable, "-c", TORCH_CHILD, json.dumps(sizes), str(args.reps), str(args.threads)],
                env=env, check=True, capture_output=True, text=True,
            ).stdout
        )
        version = torch_out["version"]
        for n, g in torch_out["gflops"].items():
            best_torch[n] = max(best_torch.get(n, 0.0), g)
        lines = subprocess.run(
            [str(BIN), "bench", "gemm", "--device", "cpu", "--sizes", args.sizes, "--reps", str(args.reps),
             "--precision", precision],
            env=env, check=True, capture_output=True, text=True,
        ).stdout
        for line in lines.splitlines()[1:]:
            backend, size, _, gflops = line.split(",")
            if "+rayon" in backend:
                ours[(backend, size)] = max(ours.get((backend, size), 0.0), float(gflops))
    print(f"PyTorch {version} bf16 matmul, {args.threads} threads; cinegenre --precision {precision}")
    print(f"{'size':>6} {'ours':>31} {'GFLOP/s':>9} {'torch GFLOP/s':>14} {'ratio':>6}")
    for n in sizes:
        ref = best_torch[str(n)]
        for (backend, size), g in sorted(ours.items()):
            if size == str(n):
                print(f"{n:>6} {backend:>31} {g:>9.1f} {ref:>14.1f} {g / ref:>6.2f}")


if __name__ == "__main__":
    main()
