"""Time PyTorch's VGG16 convolutional base (torchvision.models.vgg16().features, random weights)
in float32, for the comparison printed next to `cinegenre bench vgg`.

    python tools/bench_vgg_torch.py cpu 1,8 --threads 2
    python tools/bench_vgg_torch.py cuda 1,8,32 [--tf32]

Prints `backend,batch,seconds,images_per_s,gflops` rows (best of --reps after two warm-ups;
30.69 GFLOP per 224x224 image). On CUDA the batch is already on the device and TF32 is off
unless --tf32 is given.
"""

import argparse
import time

import torch
import torchvision

GFLOP_PER_IMAGE = 2 * 15_346_630_656 / 1e9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("device")
    ap.add_argument("batches")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--tf32", action="store_true")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    model = torchvision.models.vgg16().features.eval().to(a.device)
    sync = torch.cuda.synchronize if a.device.startswith("cuda") else (lambda: None)
    name = f"torch-{a.device}" + ("-tf32" if a.tf32 else "")
    print(f"# torch {torch.__version__}, torchvision {torchvision.__version__}, threads {torch.get_num_threads()}")
    print("backend,batch,seconds,images_per_s,gflops")
    for batch in (int(b) for b in a.batches.split(",")):
        x = torch.randn(batch, 3, 224, 224, device=a.device)
        best = float("inf")
        with torch.inference_mode():
            for i in range(a.reps + 2):
                sync()
                start = time.perf_counter()
                model(x)
                sync()
                if i >= 2:
                    best = min(best, time.perf_counter() - start)
        print(f"{name},{batch},{best:.4f},{batch / best:.3f},{GFLOP_PER_IMAGE * batch / best:.1f}")


if __name__ == "__main__":
    main()
