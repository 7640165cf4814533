"""Export pretrained VGG16 convolutional weights to safetensors for `cinegenre` (needs internet).

    python tools/export_vgg16.py torchvision vgg16_torchvision.safetensors
    python tools/export_vgg16.py keras       vgg16_keras.safetensors

torchvision: `vgg16(weights=VGG16_Weights.IMAGENET1K_V1).features` state dict, names
    `features.N.weight` (out, in, 3, 3) OIHW and `features.N.bias`, float32, as torchvision (and
    timm's `vgg16.tv_in1k`) name them. Use with torchvision preprocessing (RGB, /255, ImageNet
    mean/std); cinegenre flattens these in PyTorch's NCHW order by default.
keras: `keras.applications.VGG16(weights="imagenet", include_top=False)`, names
    `block1_conv1.kernel` (3, 3, in, out) HWIO and `block1_conv1.bias`, float32. These are the
    original Caffe weights the tutorial used: 'caffe' preprocessing (BGR, 0-255, minus the means),
    NHWC flatten. Converting is optional: cinegenre reads Keras'
    `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5` directly (`--weights file.h5`).

The safetensors file is written by hand (8-byte header length, JSON header, raw little-endian
data), so only torch/torchvision or keras are needed, not the `safetensors` package.
"""
import json
import struct
import sys

import numpy as np

VGG16_CONVS = [2, 2, 3, 3, 3]  # convolutions per block


def write_safetensors(path, tensors, metadata):
    head, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors:
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        head[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(head, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    print(f"wrote {path}: {len(tensors)} tensors, {offset / 1e6:.1f} MB")


def torchvision_tensors():
    from torchvision.models import VGG16_Weights, vgg16

    features = vgg16(weights=VGG16_Weights.IMAGENET1K_V1).features.state_dict()
    return [(f"features.{k}", v.numpy()) for k, v in features.items()], {"source": "torchvision IMAGENET1K_V1"}


def keras_tensors():
    try:
        import keras
    except ImportError:
        sys.exit(
            "keras is not importable. No conversion is needed: download "
            "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 (Keras' VGG16 notop weights) and pass "
            "it to cinegenre as is (--weights vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5)."
        )
    model = keras.applications.VGG16(weights="imagenet", include_top=False)
    out = []
    for block, convs in enumerate(VGG16_CONVS, start=1):
        for k in range(1, convs + 1):
            kernel, bias = model.get_layer(f"block{block}_conv{k}").get_weights()
            out += [(f"block{block}_conv{k}.kernel", kernel), (f"block{block}_conv{k}.bias", bias)]
    return out, {"source": f"keras {keras.__version__} VGG16 imagenet notop"}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("torchvision", "keras"):
        sys.exit(__doc__)
    tensors, meta = torchvision_tensors() if sys.argv[1] == "torchvision" else keras_tensors()
    write_safetensors(sys.argv[2], tensors, meta)
