"""Time VGG16's convolutional base on CPU: PyTorch, onnxruntime and cinegenre, in one run.

    /opt/skl/bin/python tools/bench_vgg_vs_torch.py [--cinegenre target/release/cinegenre]
        [--threads 2] [--reps 3] [--rounds 3] [--posters 16] [--json out.json]

The engines alternate `rounds` times in this one run (PyTorch, onnxruntime, cinegenre f32,
cinegenre bf16, then again) and each keeps its best rate: on a shared machine whose speed
drifts, that compares them at their best moments rather than at random ones.

- PyTorch: torchvision.models.vgg16().features (random weights: speed does not depend on them),
  torch.set_num_threads(threads), inference_mode, batch 1 and 8, best of `reps` after a warm-up.
- PyTorch again with channels_last f32, and channels_last under bf16 autocast (the reference
  for cinegenre's bf16 rows).
- onnxruntime: the same graph exported with torch.onnx.export, CPUExecutionProvider with
  intra_op_num_threads = threads, batch 1 and 8.
- cinegenre: `cinegenre bench vgg --batch B` when the CLI has it (its images/s line is parsed),
  and again with `--precision bf16` (AMX tiles or AVX512-BF16 pairs; the row appears only
  where the CPU has one of them);
  otherwise `cinegenre features vgg16 --device cpu --batch B` over `posters` bundled posters,
  timed end to end (decode + resize + network + write; decode is ~1 ms of ~0.3 s per image).
  Missing subcommands are reported, not fatal.
Prints images/s, GFLOP/s (30.7 GFLOP per 224×224 image) and the ratios cinegenre / PyTorch and
cinegenre / onnxruntime.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
GFLOP_PER_IMAGE = 30.7
BATCHES = [1, 8]


def best_rate(fn, batch, reps):
    fn()  # warm-up
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return batch / best


def torch_rates(threads, reps, layout="nchw"):
    """PyTorch's rates; `layout` is "nchw" (the default contiguous f32), "channels_last" (f32,
    NHWC in memory: oneDNN's preferred layout on CPU) or "bf16" (channels_last under
    `torch.autocast("cpu", dtype=torch.bfloat16)`: oneDNN's bf16 convolutions, on AMX tiles or
    AVX512-BF16 where the CPU has them)."""
    import contextlib

    import torch
    import torchvision

    torch.set_num_threads(threads)
    model = torchvision.models.vgg16().features.eval()
    if layout != "nchw":
        model = model.to(memory_format=torch.channels_last)
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if layout == "bf16" else contextlib.nullcontext
    out = {}
    with torch.inference_mode(), autocast():
        for b in BATCHES:
            x = torch.randn(b, 3, 224, 224)
            if layout != "nchw":
                x = x.contiguous(memory_format=torch.channels_last)
            out[b] = best_rate(lambda: model(x), b, reps)
    return out, model


def onnx_rates(model, threads, reps):
    import onnxruntime as ort
    import torch

    path = os.path.join(tempfile.mkdtemp(), "vgg16_features.onnx")
    x = torch.randn(1, 3, 224, 224)
    kwargs = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    try:
        torch.onnx.export(model, x, path, dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(model, x, path, **kwargs)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    out = {}
    for b in BATCHES:
        xb = np.random.randn(b, 3, 224, 224).astype(np.float32)
        out[b] = best_rate(lambda: sess.run(None, {"x": xb}), b, reps)
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    return out


def has_subcommand(exe, *words):
    try:
        r = subprocess.run([exe, *words, "--help"], capture_output=True, text=True, timeout=60)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def cinegenre_rates(exe, threads, reps, posters, precision="f32"):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out, how = {}, None
    if has_subcommand(exe, "bench", "vgg"):
        how = "cinegenre bench vgg"
        extra = [] if precision == "f32" else ["--precision", precision]
        for b in BATCHES:
            r = subprocess.run([exe, "bench", "vgg", "--device", "cpu", "--batch", str(b), "--reps", str(reps)] + extra,
                               capture_output=True, text=True, env=env)
            if r.returncode != 0:
                print(f"cinegenre bench vgg {' '.join(extra)}: {r.stderr.strip()[-300:]}", file=sys.stderr)
            # CSV rows: backend,batch,seconds,images_per_s,gflops
            for line in r.stdout.splitlines():
                cells = line.split(",")
                if r.returncode == 0 and len(cells) == 5 and cells[1] == str(b):
                    out[b] = float(cells[3])
    elif precision != "f32":
        return out, None
    elif has_subcommand(exe, "features", "vgg16"):
        how = f"cinegenre features vgg16 on {posters} posters (end to end)"
        src = os.path.join(ROOT, "fixtures", "posters")
        files = sorted(f for f in os.listdir(src) if f.endswith(".jpg"))[:posters]
        work = tempfile.mkdtemp()
        with open(os.path.join(work, "list.txt"), "w") as f:
            f.write("\n".join(os.path.join(src, n) for n in files) + "\n")
        for b in BATCHES:
            best = float("inf")
            for _ in range(max(1, reps - 1)):
                t = time.perf_counter()
                r = subprocess.run([exe, "features", "vgg16", "--images", os.path.join(work, "list.txt"),
                                    "--batch", str(b), "--device", "cpu", "--quiet",
                                    "--out", os.path.join(work, "f.npy")], capture_output=True, text=True, env=env)
                if r.returncode != 0:
                    print(f"cinegenre features failed: {r.stderr.strip()[:300]}", file=sys.stderr)
                    break
                best = min(best, time.perf_counter() - t)
            if best < float("inf"):
                out[b] = len(files) / best
        shutil.rmtree(work, ignore_errors=True)
    return out, how


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cinegenre", default=os.path.join(ROOT, "target", "release", "cinegenre"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3,
                    help="the engines alternate this many times; each keeps its best")
    ap.add_argument("--posters", type=int, default=16)
    ap.add_argument("--json")
    ap.add_argument("--skip-cinegenre", action="store_true")
    args = ap.parse_args()

    rows, how = {}, None
    keep = lambda name, rates: rows.setdefault(name, {}).update(
        {b: max(r, rows.get(name, {}).get(b, 0.0)) for b, r in rates.items()})
    onnx_ok = True
    for _ in range(args.rounds):
        torch_out, model = torch_rates(args.threads, args.reps)
        keep("pytorch", torch_out)
        keep("pytorch-cl", torch_rates(args.threads, args.reps, "channels_last")[0])
        keep("pytorch-bf16", torch_rates(args.threads, args.reps, "bf16")[0])
        if onnx_ok:
            try:
                keep("onnxruntime", onnx_rates(model, args.threads, args.reps))
            except Exception as e:  # an exporter or runtime missing is reported, not fatal
                print(f"onnxruntime: skipped ({type(e).__name__}: {e})", file=sys.stderr)
                onnx_ok = False
        if args.skip_cinegenre:
            continue
        if not (shutil.which(args.cinegenre) or os.path.exists(args.cinegenre)):
            print(f"cinegenre: {args.cinegenre} not found (cargo build --release)", file=sys.stderr)
            args.skip_cinegenre = True
            continue
        rates, how = cinegenre_rates(args.cinegenre, args.threads, args.reps, args.posters)
        if how is None:
            print("cinegenre: neither `bench vgg` nor `features vgg16` in this build", file=sys.stderr)
        keep("cinegenre", rates)
        # bf16 (AMX tiles or AVX512-BF16 pairs): rows only where this CPU and build have it.
        bf16, _ = cinegenre_rates(args.cinegenre, args.threads, args.reps, args.posters, "bf16")
        if bf16:
            keep("cinegenre-bf16", bf16)

    print(f"VGG16 features, CPU, {args.threads} threads, 224×224 ({GFLOP_PER_IMAGE} GFLOP/image)")
    print("vs torch: against PyTorch of the same precision (f32 rows: the faster of NCHW and")
    print("channels_last; bf16 rows: bf16 autocast, channels_last)")
    print(f"{'engine':<14}{'batch':>6}{'images/s':>11}{'GFLOP/s':>10}{'vs torch':>10}{'vs ort':>9}")
    for name, rates in rows.items():
        for b in BATCHES:
            if b not in rates:
                continue
            r = rates[b]
            ref = ["pytorch-bf16"] if name.endswith("bf16") else ["pytorch", "pytorch-cl"]
            best_ref = max((rows[k][b] for k in ref if b in rows.get(k, {})), default=float("nan"))
            vs_t = r / best_ref
            vs_o = r / rows["onnxruntime"][b] if b in rows.get("onnxruntime", {}) else float("nan")
            print(f"{name:<14}{b:>6}{r:>11.2f}{r * GFLOP_PER_IMAGE:>10.1f}{vs_t:>10.2f}{vs_o:>9.2f}")
    if how:
        print(f"cinegenre measured with: {how}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "rates": {k: {str(b): v for b, v in r.items()} for k, r in rows.items()},
                       "cinegenre_method": how}, f, indent=2)


if __name__ == "__main__":
    main()
