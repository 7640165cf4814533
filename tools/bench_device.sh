#!/usr/bin/env bash
# GPU figures on a machine with a real card, in one run: our WGSL kernels (SGEMM, the poster
# MLP epoch, the VGG16 conv base) and PyTorch's on the same card (tools/bench_torch_gpu.py),
# plus the CPU kernels of that machine. Usage: tools/bench_device.sh BIN OUTDIR
# (BIN: a release build of cinegenre; OUTDIR receives one log per step).
set -uo pipefail
bin=$1 out=$2
step() { local name=$1; shift; echo "== $name"; timeout "$@" 2>&1 | tee "$out/$name.txt"; }
step gemm_gpu 60 "$bin" bench gemm --device gpu --sizes 1024,2048,4096,8192 --precision f32
step vgg_gpu 90 "$bin" bench vgg --device gpu --batch 1,8,32 --reps 3 --check
step torch_gpu 100 python3 "$(dirname "$0")/bench_torch_gpu.py" --json "$out/torch_gpu.json"
step mlp_gpu 60 "$bin" bench mlp --device gpu
step gemm_gpu_half 30 "$bin" bench gemm --device gpu --sizes 4096 --precision f16,bf16
step gemm_cpu 40 "$bin" bench gemm --device cpu --sizes 1024,4096 --precision f32,bf16-dot
step vgg_cpu 40 "$bin" bench vgg --device cpu --batch 8 --reps 2
step mlp_cpu 40 "$bin" bench mlp --device cpu
