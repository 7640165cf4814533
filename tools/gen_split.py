"""Reference MT19937 streams and train/test masks for cinegenre's rng and split modules.

The tutorial splits with `msk = np.random.rand(n) < 0.8` (unseeded). cinegenre seeds the same
legacy generator: `np.random.seed(s); np.random.rand(n) < fraction`.

Writes fixtures/split/split.json. Run from the crate root:
    /opt/skl/bin/python tools/gen_split.py
"""

import json
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "split")
GENERATOR = "tools/gen_split.py"

SEEDS = [0, 1, 42, 12345, 2**31, 2**32 - 1]
N_RAW = 640  # past the first 624-word state refill
N_DOUBLES = 25
FRACTIONS = [0.8, 0.5]
TUTORIAL_N = 1595  # rows of the tutorial's X


def raw_u32(seed, n):
    bitgen = np.random.MT19937()
    bitgen._legacy_seeding(seed)  # exactly np.random.seed(seed) for an int seed
    out = bitgen.random_raw(n)
    # Cross-check against RandomState's own full-range uint32 draws.
    check = np.random.RandomState(seed).randint(0, 2**32, size=n, dtype=np.uint32)
    assert np.array_equal(out, check)
    return [int(x) for x in out]


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for seed in SEEDS:
        raw = raw_u32(seed, N_RAW)
        np.random.seed(seed)
        doubles = np.random.rand(N_DOUBLES)
        masks = {}
        for fraction in FRACTIONS:
            np.random.seed(seed)
            msk = np.random.rand(TUTORIAL_N) < fraction
            masks[repr(fraction)] = {
                "bits": "".join("1" if m else "0" for m in msk),
                "n_train": int(msk.sum()),
            }
        cases.append(
            {
                "seed": seed,
                "raw_u32": raw,
                # Every double is a 53-bit dyadic rational: repr round-trips exactly through JSON.
                "rand": [float(x) for x in doubles],
                "n": TUTORIAL_N,
                "masks": masks,
            }
        )
    manifest = {
        "format_version": 1,
        "generator": GENERATOR,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__},
        "cases": cases,
    }
    with open(os.path.join(OUT, "split.json"), "w") as f:
        json.dump(manifest, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
