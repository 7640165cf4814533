"""Reference poster preprocessing for cinegenre's vgg::preprocess, computed with Pillow + numpy.

Writes fixtures/vgg_preprocess/:

  tiny.png       a 37×23 seeded random RGB PNG (lossless: decoding is exact)
  preprocess.json
    nearest      for (in_w, in_h) → (out_w, out_h) pairs: the source column of every output
                 column and the source row of every output row that Pillow's NEAREST resize
                 reads, recovered from an image whose pixels encode their own coordinates
    tiny         tiny.png → NEAREST (8, 6) → Keras 'caffe' and torchvision float32 values
    posters      three bundled JPEG posters: Pillow-decoded, NEAREST 224×224, the pixels of a
                 16×16 grid (rows/cols 7, 21, …, 217) and per-channel means, to bound the
                 difference between libjpeg and the image crate's decoder
Run from the crate root (after tools/bundle_posters.py):
    /opt/skl/bin/python tools/gen_vgg_preprocess.py
"""

import json
import os

import numpy as np
import PIL
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "vgg_preprocess")
GENERATOR = "tools/gen_vgg_preprocess.py"
PAIRS = [((185, 278), (224, 224)), ((185, 270), (224, 224)), ((37, 23), (16, 20)), ((250, 100), (224, 224)),
         ((224, 224), (7, 224)), ((3, 5), (224, 224))]
POSTERS = ["293660.jpg", "862.jpg", "19995.jpg"]
GRID = list(range(7, 224, 14))


def nearest_map(in_wh, out_wh):
    w, h = in_wh
    # Encode x in R (low byte) + B (high bits) and y in G + B so sizes up to 1023 work.
    x = np.arange(w)[None, :].repeat(h, 0)
    y = np.arange(h)[:, None].repeat(w, 1)
    arr = np.stack([x % 256, y % 256, (x // 256) * 16 + (y // 256)], axis=-1).astype(np.uint8)
    out = np.asarray(Image.fromarray(arr, "RGB").resize(out_wh, Image.NEAREST)).astype(np.int64)
    cols = out[0, :, 0] + (out[0, :, 2] // 16) * 256
    rows = out[:, 0, 1] + (out[:, 0, 2] % 16) * 256
    # Each output column reads one source column whatever the row, and vice versa.
    assert (out[:, :, 0] + (out[:, :, 2] // 16) * 256 == cols[None, :]).all()
    return {"in": list(in_wh), "out": list(out_wh), "cols": cols.tolist(), "rows": rows.tolist()}


def caffe(rgb):
    x = rgb.astype(np.float32)[..., ::-1].copy()
    x[..., 0] -= np.float32(103.939)
    x[..., 1] -= np.float32(116.779)
    x[..., 2] -= np.float32(123.68)
    return x


def torchvision(rgb):
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
    return (rgb.astype(np.float32) / np.float32(255) - mean) / std


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(7)
    tiny = rng.randint(0, 256, size=(23, 37, 3)).astype(np.uint8)
    Image.fromarray(tiny, "RGB").save(os.path.join(OUT, "tiny.png"))
    small = np.asarray(Image.open(os.path.join(OUT, "tiny.png")).convert("RGB").resize((8, 6), Image.NEAREST))
    posters = []
    for name in POSTERS:
        img = Image.open(os.path.join(ROOT, "fixtures", "posters", name)).convert("RGB")
        arr = np.asarray(img.resize((224, 224), Image.NEAREST)).astype(np.int64)
        grid = arr[np.ix_(GRID, GRID)]
        posters.append({"file": name, "grid": grid.reshape(-1).tolist(),
                        "channel_means": arr.reshape(-1, 3).mean(0).tolist()})
    doc = {
        "format_version": 1,
        "generator": GENERATOR,
        "versions": {"pillow": PIL.__version__, "numpy": np.__version__},
        "nearest": [nearest_map(a, b) for a, b in PAIRS],
        "tiny": {"file": "tiny.png", "size_hw": [6, 8], "rgb": small.reshape(-1).tolist(),
                 "caffe": caffe(small).reshape(-1).astype(float).tolist(),
                 "torchvision": torchvision(small).reshape(-1).astype(float).tolist()},
        "posters": {"grid": GRID, "images": posters},
    }
    with open(os.path.join(OUT, "preprocess.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
