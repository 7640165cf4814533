"""Reference outputs for the VGG convolutional base (fixtures/vgg/), from PyTorch + h5py.

Run from the crate root:  python tools/gen_vgg.py   (versions pinned in tools/requirements.txt)

Inputs are real posters from ../shared/data/posters, resized with PIL NEAREST (as Keras 2.0's
load_img) and stored DECODED (uint8 .npy), so JPEG decoders never enter the comparison; Keras
'caffe' preprocessing (RGB->BGR, minus the BGR means, in float32) is done here in numpy.

layers.json       conv3x3(pad 1)+bias+ReLU and maxpool2x2 on small random NHWC shapes (torch).
full.json + images_224.npy (2,224,224,3) u8 + full_out.npy (2,7,7,512) f32 NHWC:
                  FULL-WIDTH VGG16 whose weights are NOT stored: they are drawn with
                  VggWeights::random's recipe (RandomState(seed).random_sample, He-uniform, HWIO,
                  f64 then f32), which the Rust test redraws bit for bit; torchvision's
                  vgg16().features runs them (OIHW = HWIO.transpose(3,2,0,1)).
narrow_*          VGG16 with channels / 16 and torch's default init (torch.manual_seed(0)):
  narrow_torchvision.safetensors  features.N.weight (out,in,3,3) OIHW / features.N.bias
  narrow_keras.safetensors        block1_conv1.kernel (3,3,in,out) HWIO / block1_conv1.bias
  narrow_keras.h5                 as Keras 2.0 save_weights wrote it with h5py 2: root attrs
                                  layer_names (numpy S array, incl. input_1 and the pools),
                                  backend, keras_version; one group per layer with attr
                                  weight_names (empty float64 array for weight-less layers) and
                                  datasets block1_conv1_W_1:0 / block1_conv1_b_1:0 (v0.1 names)
  narrow.json + images_64.npy (1,64,64,3) u8: torch output, NHWC and flatten(1) (NCHW) order
tiny_keras2.h5 + tiny.json: a 2-conv net written as Keras 2.x model.save does with h5py 3:
                  everything under group model_weights, variable-length string attributes,
                  nested datasets block1_conv1/kernel:0; tiny.json has its weights.
"""
import json
import pathlib
import struct

import h5py
import numpy as np
import PIL
import torch
import torchvision
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "vgg"
# ../shared/data/posters next to the checkout (or next to its worktree folder).
POSTERS = next((p / "shared" / "data" / "posters" for p in (ROOT.parent, ROOT.parent.parent)
                if (p / "shared" / "data" / "posters").is_dir()), None)
SEED = 7
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
VERSIONS = {
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "h5py": h5py.__version__,
    "numpy": np.__version__,
    "pillow": PIL.__version__,
}
torch.set_num_threads(2)


def header(**extra):
    return {"format_version": 1, "generator": "tools/gen_vgg.py", "versions": VERSIONS, **extra}


def poster(name, size):
    img = Image.open(POSTERS / name).convert("RGB").resize((size, size), Image.NEAREST)
    return np.asarray(img, dtype=np.uint8)


def caffe(images_u8):
    """Keras 2.0 preprocess_input (channels_last): RGB->BGR, subtract the means, float32."""
    return images_u8.astype(np.float32)[..., ::-1] - CAFFE_MEAN_BGR


def names(cfg):
    """Keras layer names and torchvision indices of a cfg table, as Architecture::from_table."""
    out, block, k, index = [], 1, 0, 0
    for entry in cfg:
        if entry == "M":
            out.append((f"block{block}_pool", index, None))
            block, k, index = block + 1, 0, index + 1
        else:
            k += 1
            out.append((f"block{block}_conv{k}", index, entry))
            index += 2
    return out


def random_hwio(cfg, seed):
    """VggWeights::random: He-uniform from RandomState(seed).random_sample, f64 -> f32."""
    rng, ch, out = np.random.RandomState(seed), 3, []
    for entry in cfg:
        if entry == "M":
            continue
        limit = np.sqrt(6.0 / (9 * ch))
        kernel = ((2.0 * rng.random_sample((3, 3, ch, entry)) - 1.0) * limit).astype(np.float32)
        bias = ((2.0 * rng.random_sample(entry) - 1.0) * 0.05).astype(np.float32)
        out.append((kernel, bias))
        ch = entry
    return out


def features_from_hwio(cfg, convs, dtype=torch.float32):
    net = torchvision.models.vgg.make_layers(cfg).eval()
    modules = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        for m, (kernel, bias) in zip(modules, convs):
            m.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))))
            m.bias.copy_(torch.from_numpy(bias))
    return net.to(dtype)


def run(net, x_nhwc, dtype=torch.float32):
    with torch.no_grad():
        y = net(torch.from_numpy(np.ascontiguousarray(x_nhwc.transpose(0, 3, 1, 2))).to(dtype))
    return y.numpy()  # NCHW


def rel(a, b):
    return float(np.linalg.norm((a - b).ravel()) / np.linalg.norm(b.ravel()))


def write_safetensors(path, tensors, metadata):
    head, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors:
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        head[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(head, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def layer_fixtures():
    rng, cases = np.random.RandomState(1), {"conv": [], "pool": []}
    for n, h, w, c, o in [(2, 5, 7, 3, 4), (1, 9, 6, 8, 5), (1, 1, 1, 2, 3)]:
        x = rng.standard_normal((n, h, w, c)).astype(np.float32)
        k = (rng.standard_normal((3, 3, c, o)) * 0.3).astype(np.float32)
        b = (rng.standard_normal(o) * 0.1).astype(np.float32)
        with torch.no_grad():
            y = torch.relu(torch.nn.functional.conv2d(
                torch.from_numpy(x.transpose(0, 3, 1, 2).copy()),
                torch.from_numpy(k.transpose(3, 2, 0, 1).copy()), torch.from_numpy(b), padding=1))
        cases["conv"].append({"shape": [n, h, w, c], "out_ch": o, "x": x.ravel().tolist(),
                              "kernel": k.ravel().tolist(), "bias": b.ravel().tolist(),
                              "y": y.numpy().transpose(0, 2, 3, 1).ravel().tolist()})
    for n, h, w, c in [(2, 7, 9, 3), (1, 4, 4, 5), (1, 3, 2, 2)]:
        x = rng.standard_normal((n, h, w, c)).astype(np.float32)
        with torch.no_grad():
            y = torch.nn.functional.max_pool2d(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), 2)
        cases["pool"].append({"shape": [n, h, w, c], "x": x.ravel().tolist(),
                              "y": y.numpy().transpose(0, 2, 3, 1).ravel().tolist()})
    (OUT / "layers.json").write_text(json.dumps(header(**cases)))


def full_fixture():
    files = ["100.jpg", "10003.jpg"]
    images = np.stack([poster(f, 224) for f in files])
    np.save(OUT / "images_224.npy", images)
    convs = random_hwio(VGG16, SEED)
    x = caffe(images)
    y = run(features_from_hwio(VGG16, convs), x)
    y64 = run(features_from_hwio(VGG16, convs, torch.float64), x.astype(np.float64), torch.float64)
    np.save(OUT / "full_out.npy", np.ascontiguousarray(y.transpose(0, 2, 3, 1)).astype(np.float32))
    (OUT / "full.json").write_text(json.dumps(header(
        seed=SEED, posters=files, resize="PIL NEAREST 224x224", preprocessing="caffe",
        torch_f32_vs_f64_rel=rel(y, y64))))


def narrow_fixture():
    cfg = [e if e == "M" else e // 16 for e in VGG16]
    torch.manual_seed(0)
    net = torchvision.models.vgg.make_layers(cfg).eval()
    layers = names(cfg)
    convs = {name: net[index] for name, index, out in layers if out is not None}
    tv = [(f"features.{i}.{p}", getattr(net[i], p).detach().numpy()) for n, i, o in layers if o
          for p in ("weight", "bias")]
    write_safetensors(OUT / "narrow_torchvision.safetensors", tv, {"format": "pt"})
    hwio = {n: (m.weight.detach().numpy().transpose(2, 3, 1, 0), m.bias.detach().numpy())
            for n, m in convs.items()}
    ks = [(f"{n}.{p}", a) for n, (k, b) in hwio.items() for p, a in (("kernel", k), ("bias", b))]
    write_safetensors(OUT / "narrow_keras.safetensors", ks, {"format": "keras"})
    with h5py.File(OUT / "narrow_keras.h5", "w") as f:
        all_layers = ["input_1"] + [n for n, _, _ in layers]
        f.attrs["layer_names"] = np.array([n.encode() for n in all_layers], dtype="S")
        f.attrs["backend"] = np.bytes_(b"tensorflow")
        f.attrs["keras_version"] = np.bytes_(b"2.0.8")
        for name in all_layers:
            g = f.create_group(name)
            if name not in hwio:
                g.attrs["weight_names"] = np.array([], dtype=np.float64)
                continue
            wn = [f"{name}_W_1:0", f"{name}_b_1:0"]
            g.attrs["weight_names"] = np.array([w.encode() for w in wn], dtype="S")
            for w, a in zip(wn, hwio[name]):
                g.create_dataset(w, data=np.ascontiguousarray(a, dtype=np.float32))
    images = poster("100042.jpg", 64)[None]
    np.save(OUT / "images_64.npy", images)
    y = run(net, caffe(images))
    (OUT / "narrow.json").write_text(json.dumps(header(
        divisor=16, seed=0, poster="100042.jpg", resize="PIL NEAREST 64x64", preprocessing="caffe",
        out_nchw_shape=list(y.shape), flatten_nchw=y.reshape(1, -1).ravel().tolist(),
        out_nhwc=y.transpose(0, 2, 3, 1).ravel().tolist())))


def tiny_fixture():
    rng = np.random.RandomState(3)
    convs = {"block1_conv1": (3, 2), "block2_conv1": (2, 3)}
    weights = {n: (rng.standard_normal((3, 3, i, o)).astype(np.float32), rng.standard_normal(o).astype(np.float32))
               for n, (i, o) in convs.items()}
    with h5py.File(OUT / "tiny_keras2.h5", "w") as f:
        f.attrs["model_config"] = "{}"
        mw = f.create_group("model_weights")
        order = ["input_1", "block1_conv1", "block1_pool", "block2_conv1", "block2_pool"]
        mw.attrs["layer_names"] = order  # h5py 3: variable-length strings
        mw.attrs["backend"] = "tensorflow"
        mw.attrs["keras_version"] = "2.4.0"
        for name in order:
            g = mw.create_group(name)
            wn = [f"{name}/kernel:0", f"{name}/bias:0"] if name in weights else []
            g.attrs["weight_names"] = wn
            for w, a in zip(wn, weights.get(name, ())):
                g.create_dataset(w, data=a)
    (OUT / "tiny.json").write_text(json.dumps(header(
        convs={n: {"kernel": k.ravel().tolist(), "bias": b.tolist()} for n, (k, b) in weights.items()})))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    layer_fixtures()
    narrow_fixture()
    tiny_fixture()
    full_fixture()
