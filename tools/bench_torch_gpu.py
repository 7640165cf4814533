"""PyTorch on the GPU, the reference for cinegenre's WGSL figures on the same card, one run.

Run on a machine with CUDA and torchvision (the `device` machine):
    python3 tools/bench_torch_gpu.py [--json OUT.json]

Times, in float32 with TF32 disabled (so the arithmetic matches our WGSL kernels):
  - square SGEMM at 4096 and 8192 (the card's achievable float32 rate),
  - torchvision `vgg16().features` at 224×224, batch 1, 8 and 32 (images/s),
  - one epoch of the tutorial's poster MLP (25088→1024→256→20, 1300 rows, batch 64,
    RMSprop, binary cross-entropy), as `cinegenre bench mlp` times it.
Each figure is the best of 5 after 2 warm-ups, synchronised with the device.
"""
import argparse
import json
import time

import torch
import torchvision


def best_of(fn, reps=5, warm=2):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "torchvision": torchvision.__version__, "sgemm_gflops": {}, "vgg16_images_per_s": {}}
    for n in (4096, 8192):
        a = torch.rand(n, n, device=dev)
        b = torch.rand(n, n, device=dev)
        s = best_of(lambda: a @ b)
        out["sgemm_gflops"][n] = 2 * n**3 / s / 1e9
    net = torchvision.models.vgg16().features.to(dev).eval()
    with torch.no_grad():
        for batch in (1, 8, 32):
            x = torch.rand(batch, 3, 224, 224, device=dev)
            s = best_of(lambda: net(x))
            out["vgg16_images_per_s"][batch] = batch / s
    torch.manual_seed(0)
    x = torch.rand(1300, 25088, device=dev)
    y = (torch.rand(1300, 20, device=dev) < 0.2).float()
    mlp = torch.nn.Sequential(torch.nn.Linear(25088, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 256),
                              torch.nn.ReLU(), torch.nn.Linear(256, 20)).to(dev)
    opt = torch.optim.RMSprop(mlp.parameters(), lr=1e-4, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def epoch():
        for i in range(0, 1300, 64):
            opt.zero_grad()
            loss = loss_fn(mlp(x[i:i + 64]), y[i:i + 64])
            loss.backward()
            opt.step()

    out["mlp_epoch_s"] = best_of(epoch)
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
