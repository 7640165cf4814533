"""Reference MLP training steps (fixtures/mlp/), from PyTorch autograd.

Run from the crate root:  python tools/gen_mlp.py   (versions pinned in tools/requirements.txt)

rmsprop_small.json – a 12 -> 8 -> 6 -> 5 MLP (ReLU hidden, sigmoid output) on 20 rows, fixed
    Glorot-uniform initial weights (numpy RandomState(0), float32, Keras layout W: (in, out)),
    batches of 8 without shuffling (8, 8, 4 rows: a final partial batch), 2 epochs = 6 steps.
    Loss: mean binary cross-entropy from logits (torch.nn.functional.binary_cross_entropy_with_logits).
    Stores the first batch's loss and gradients, every step's loss, the Keras-style epoch
    loss/accuracy, and the weights after 6 steps of Keras 2.0 RMSprop:
        lr_t = lr / (1 + decay * t)      (t = updates before this one)
        a <- rho * a + (1 - rho) * g^2
        p <- p - lr_t * g / (sqrt(a) + eps)          (eps OUTSIDE the sqrt)
    written out explicitly with torch float32 tensors (torch.optim.RMSprop has no lr decay), and
    the same run with eps INSIDE the sqrt (Keras 3 / tf fused op).
    eps = 1e-4 rather than Keras' 1e-8: with a tiny eps the first update is lr * sign(g) for
    every g != 0, so a gradient of ~1e-9 whose sign depends on summation order would flip a
    weight by 2 lr; 1e-4 keeps the test sensitive to the formula without that coin toss.
"""
import json
import pathlib

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "mlp"
SIZES = [12, 8, 6, 5]
N, BATCH, EPOCHS = 20, 8, 2
LR, RHO, EPS, DECAY = 0.01, 0.9, 1e-4, 0.05


def glorot(rng, n_in, n_out):
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(np.float32)


def forward(params, x):
    a = x
    n_layers = len(params) // 2
    for l in range(n_layers):
        z = a @ params[2 * l] + params[2 * l + 1]
        a = torch.relu(z) if l + 1 < n_layers else z
    return a


def train(params0, x, y, eps_inside_sqrt):
    params = [torch.tensor(p, requires_grad=True) for p in params0]
    acc = [torch.zeros_like(p) for p in params]
    steps, first, epochs = [], None, []
    t = 0
    for _ in range(EPOCHS):
        loss_sum, acc_sum = 0.0, 0.0
        for start in range(0, N, BATCH):
            xb, yb = torch.tensor(x[start:start + BATCH]), torch.tensor(y[start:start + BATCH])
            z = forward(params, xb)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yb)
            for p in params:
                p.grad = None
            loss.backward()
            if first is None:
                first = {"loss": float(loss.detach()), "grads": [p.grad.numpy().ravel().tolist() for p in params]}
            steps.append(float(loss.detach()))
            m = xb.shape[0]
            loss_sum += float(loss.detach()) * m
            acc_sum += float(((torch.sigmoid(z) > 0.5).float() == yb).float().mean()) * m
            lr_t = LR * (1.0 / (1.0 + DECAY * t))
            with torch.no_grad():
                for p, a in zip(params, acc):
                    g = p.grad
                    a.mul_(RHO).add_((1.0 - RHO) * (g * g))
                    denom = torch.sqrt(a + EPS) if eps_inside_sqrt else torch.sqrt(a) + EPS
                    p.sub_(lr_t * g / denom)
            t += 1
        epochs.append({"loss": loss_sum / N, "accuracy": acc_sum / N})
    return {
        "step_losses": steps,
        "epochs": epochs,
        "weights": [p.detach().numpy().ravel().tolist() for p in params],
        "accumulators": [a.numpy().ravel().tolist() for a in acc],
    }, first


def main():
    rng = np.random.RandomState(0)
    params0 = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        params0 += [glorot(rng, n_in, n_out), np.zeros(n_out, dtype=np.float32)]
    x = rng.normal(size=(N, SIZES[0])).astype(np.float32)
    y = (rng.uniform(size=(N, SIZES[-1])) < 0.3).astype(np.float32)
    keras2, first = train(params0, x, y, eps_inside_sqrt=False)
    keras3, _ = train(params0, x, y, eps_inside_sqrt=True)
    fixture = {
        "format_version": 1,
        "generator": "tools/gen_mlp.py",
        "versions": {"torch": torch.__version__, "numpy": np.__version__},
        "sizes": SIZES,
        "batch": BATCH,
        "epochs": EPOCHS,
        "rmsprop": {"lr": LR, "rho": RHO, "eps": EPS, "decay": DECAY},
        "x": x.ravel().tolist(),
        "y": y.ravel().tolist(),
        "initial": [p.ravel().tolist() for p in params0],
        "first_batch": first,
        "keras2": keras2,
        "keras3": keras3,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "rmsprop_small.json").write_text(json.dumps(fixture) + "\n")
    print("wrote", OUT / "rmsprop_small.json")


if __name__ == "__main__":
    main()
