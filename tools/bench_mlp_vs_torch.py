"""Seconds per training epoch of the tutorial's poster MLP on CPU: PyTorch and cinegenre, one run.

Run from the crate root after `cargo build --release`:
    /opt/skl/bin/python tools/bench_mlp_vs_torch.py [--threads 2] [--reps 3] [--rows 1300]

Model: 25088 → Dense(1024) ReLU → Dense(256) ReLU → Dense(20), binary cross-entropy from
logits, RMSprop (lr 1e-4, rho 0.9), shuffled mini-batches of 64 over `rows` random rows.
- PyTorch (tools/requirements.txt pins it): torch.set_num_threads(threads), one warm-up epoch,
  then the best of `reps` epochs (steady state: optimizer state allocated, allocator warm).
- cinegenre: `cinegenre bench mlp`, which trains two epochs and reports the second (the same
  steady state), best of `reps` runs, with RAYON_NUM_THREADS = threads.
Prints both and the ratio cinegenre / PyTorch (below 1 is faster).
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SIZES = [25088, 1024, 256, 20]


def torch_epoch(threads, reps, rows, batch):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(rows, SIZES[0]) * 2 - 1
    y = (torch.rand(rows, SIZES[-1]) > 0.7).float()
    layers = []
    for i, (a, b) in enumerate(zip(SIZES, SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i + 2 < len(SIZES):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-4, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def epoch():
        perm = torch.randperm(rows)
        for i in range(0, rows, batch):
            idx = perm[i : i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()

    epoch()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        epoch()
        best = min(best, time.perf_counter() - t)
    return best, torch.__version__


def cinegenre_epoch(binary, threads, reps, rows, batch):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    best = float("inf")
    for _ in range(reps):
        out = subprocess.run(
            [binary, "bench", "mlp", "--rows", str(rows), "--batch", str(batch), "--device", "cpu"],
            env=env, check=True, capture_output=True, text=True,
        )
        m = re.search(r"([0-9.]+) s/epoch", out.stdout + out.stderr)
        if not m:
            sys.exit(f"could not read the epoch time from: {out.stdout}{out.stderr}")
        best = min(best, float(m.group(1)))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cinegenre", default=os.path.join(ROOT, "target", "release", "cinegenre"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rows", type=int, default=1300)
    ap.add_argument("--batch", type=int, default=64)
    a = ap.parse_args()
    if not os.path.exists(a.cinegenre):
        sys.exit(f"{a.cinegenre} is missing: run `cargo build --release` first")
    ours = cinegenre_epoch(a.cinegenre, a.threads, a.reps, a.rows, a.batch)
    theirs, version = torch_epoch(a.threads, a.reps, a.rows, a.batch)
    print(f"poster MLP {'→'.join(map(str, SIZES))}, {a.rows} rows, batch {a.batch}, {a.threads} threads")
    print(f"  cinegenre  {ours:8.3f} s/epoch")
    print(f"  PyTorch    {theirs:8.3f} s/epoch   (torch {version})")
    print(f"  cinegenre / PyTorch = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
