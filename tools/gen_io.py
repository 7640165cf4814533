"""Reference .npy and Matrix Market files for cinegenre's io module.

Writes fixtures/io/:
  npy/*.npy          files written by numpy (np.save / np.lib.format.write_array)
  mtx/*.mtx[.gz]     files written by scipy.io.mmwrite (plus a gzip copy and a hand-made one)
  io.json            manifest: for every file its dtype, shape and values as numpy/scipy read
                     them, and whether cinegenre's writer must reproduce it byte for byte.

Run from the crate root:  /opt/skl/bin/python tools/gen_io.py
Deterministic: no clocks, no unseeded randomness (gzip mtime is fixed to 0).
"""

import gzip
import io
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.io as sio
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "io")
GENERATOR = "tools/gen_io.py"


def number(v):
    """A float as JSON: a number when finite, else the string 'nan', 'inf' or '-inf'."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def values(a):
    """Flattened values in C order, as JSON-safe numbers."""
    flat = np.asarray(a).reshape(-1, order="C")
    if flat.dtype.kind in "biu":
        return [int(x) for x in flat]
    return [number(x) for x in flat]


def npy_fixtures():
    os.makedirs(os.path.join(OUT, "npy"), exist_ok=True)
    awkward = np.array(
        [[0.1, 1e-300, 1 / 3, -2.5e20], [5e-324, -0.0, 1.7976931348623157e308, 3.0], [np.pi, -1.0, 0.0, 1e16]]
    )
    cases = [
        # name, array, write_identical (cinegenre's writer must reproduce the file byte for byte)
        ("f64_2d", awkward, True),
        ("f64_1d_special", np.array([np.nan, np.inf, -np.inf, 2.0]), True),
        ("f32_1d", np.array([0.1, -1.5, 3.4028235e38, 1e-45, 7.0], dtype=np.float32), True),
        ("i64_2d", np.array([[0, -1, 2**62], [-(2**63), 2**63 - 1, 42]], dtype=np.int64), True),
        ("u8_1d", np.array([0, 1, 2, 127, 128, 255], dtype=np.uint8), True),
        ("u8_indicator_2d", (np.arange(12).reshape(3, 4) % 3 == 0).astype(np.uint8), True),
        ("f64_empty_0x3", np.zeros((0, 3)), True),
        ("f64_scalar_0d", np.array(2.5), True),
        ("f64_3d", np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7, True),
        ("f32_wide_1x70", np.linspace(0, 1, 70, dtype=np.float32).reshape(1, 70), True),
        # Read-only cases: dtypes and layouts cinegenre reads but never writes.
        ("bool_2d", np.array([[True, False, True], [False, False, True]]), False),
        ("i32_1d", np.array([-(2**31), -1, 0, 2**31 - 1], dtype=np.int32), False),
        ("f64_fortran_2x3", np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3) + 0.5), False),
        ("f64_bigendian_2x2", np.array([[1.5, -2.0], [1e-3, 4e100]], dtype=">f8"), False),
        ("i64_bigendian_3", np.array([1, -2, 2**40], dtype=">i8"), False),
    ]
    manifest = []
    for name, a, identical in cases:
        path = os.path.join(OUT, "npy", name + ".npy")
        np.save(path, a)
        manifest.append(entry(name, a, identical, version=[1, 0]))
    # Versions 2.0 and 3.0 of the format (4-byte header length).
    a = np.array([[1.0, 2.0], [3.0, 4.5]])
    for version in [(2, 0), (3, 0)]:
        name = "f64_v%d" % version[0]
        with open(os.path.join(OUT, "npy", name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        manifest.append(entry(name, a, False, version=list(version)))
    # A dtype cinegenre does not read: complex128.
    np.save(os.path.join(OUT, "npy", "c128_unsupported.npy"), np.array([1 + 2j]))
    manifest.append({"name": "c128_unsupported", "file": "npy/c128_unsupported.npy", "descr": "<c16", "unsupported": True})
    return manifest


def entry(name, a, identical, version):
    return {
        "name": name,
        "file": "npy/%s.npy" % name,
        "descr": a.dtype.str,
        "shape": list(a.shape),
        "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        "version": version,
        "values": values(np.ascontiguousarray(a)),
        "write_identical": identical,
    }


def csr_json(m):
    """The CSR arrays exactly as stored (unsorted indices and explicit zeros kept)."""
    return {
        "shape": list(m.shape),
        "indptr": [int(x) for x in m.indptr],
        "indices": [int(x) for x in m.indices],
        "data": [number(x) for x in m.data],
    }


def mtx_fixtures():
    os.makedirs(os.path.join(OUT, "mtx"), exist_ok=True)
    docs = ["the cat sat on the mat", "a dog and a cat", "zebra apple", "", "the the the end"]
    counts = CountVectorizer().fit_transform(docs)  # int64, unsorted indices within rows
    assert not counts.has_sorted_indices
    # csr.astype() sorts the indices; rebuild from the raw arrays to keep CountVectorizer's order.
    counts_f64 = sp.csr_matrix((counts.data.astype(np.float64), counts.indices, counts.indptr), shape=counts.shape)
    assert not counts_f64.has_sorted_indices
    awkward = sp.csr_matrix(
        (
            np.array([0.1, 1e-300, 1 / 3, -2.5e20, 5e-324, 0.0, 123456.0, 1e21, 1e-5, 0.1 + 0.2]),
            np.array([4, 0, 2, 1, 3, 2, 0, 4, 1, 3]),
            np.array([0, 3, 3, 6, 10]),
        ),
        shape=(4, 5),
    )  # row 1 empty, an explicit zero, unsorted indices
    square = sp.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 0.0], [4.0, 0.0, 5.0]]))
    symmetric = sp.csr_matrix(np.array([[2.0, 0.5, 0.0, 1.0], [0.5, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, -7.0], [1.0, 0.0, -7.0, 0.0]]))
    skew = sp.csr_matrix(np.array([[0.0, 2.0, 0.0], [-2.0, 0.0, 1.25], [0.0, -1.25, 0.0]]))
    big = sp.csr_matrix(([1.0, 2.0, 2.0], ([0, 5, 99], [0, 99, 5])), shape=(100, 100))  # symmetric, but >= 100: general
    special = sp.csr_matrix((np.array([np.nan, np.inf, -np.inf]), np.array([0, 1, 0]), np.array([0, 2, 3])), shape=(2, 3))
    # NaN on the diagonal: scipy's symmetry test depends on the visiting order (a quirk).
    nan_first = sp.csr_matrix(np.array([[np.nan, 1.0], [1.0, 0.0]]))
    nan_last = sp.csr_matrix(np.array([[0.0, 1.0], [1.0, np.nan]]))
    # Many magnitudes, to compare the shortest round-trip number text broadly.
    rng = np.random.default_rng(1234)
    spread = rng.standard_normal(300) * 10.0 ** rng.integers(-320, 300, 300)
    spread[::7] = np.round(spread[::7] * 1e-3, 2)  # some short decimals
    spread[::11] = rng.integers(-10**6, 10**6, len(spread[::11]))  # some integers
    spread = spread[spread != 0]
    spread_m = sp.csr_matrix((spread, np.arange(len(spread)), np.array([0, len(spread)])), shape=(1, len(spread)))
    ints = sp.csr_matrix(np.array([[0.0, 3.0, 1e15], [-4.0, 0.0, 0.0]]))
    cases = [
        ("countvec_f64", counts_f64, True),
        ("countvec_int64", counts, False),  # integer field: read only (cinegenre writes real)
        ("awkward_reals", awkward, True),
        ("integer_valued_reals", ints, True),
        ("square_general", square, True),
        ("symmetric_4x4", symmetric, True),
        ("skew_symmetric_3x3", skew, True),
        ("symmetric_100x100_written_general", big, True),
        ("special_values", special, True),
        ("nan_diagonal_first_2x2", nan_first, True),
        ("nan_diagonal_last_2x2", nan_last, True),
        ("spread_reals_1xN", spread_m, True),
        ("empty_0x3", sp.csr_matrix((0, 3)), True),
        ("all_zero_3x3", sp.csr_matrix((3, 3)), True),
        ("one_by_one", sp.csr_matrix(np.array([[0.25]])), True),
    ]
    manifest = []
    for name, m, identical in cases:
        path = os.path.join(OUT, "mtx", name + ".mtx")
        sio.mmwrite(path, m)
        manifest.append(mtx_entry(name, "mtx/%s.mtx" % name, m, identical))
    # Pattern and dense-array files.
    sio.mmwrite(os.path.join(OUT, "mtx", "pattern_symmetric.mtx"), symmetric, field="pattern")
    manifest.append(mtx_entry("pattern_symmetric", "mtx/pattern_symmetric.mtx", None, False))
    dense = np.array([[1.5, 0.0, -2.0], [0.0, 0.1, 1e-300]])
    sio.mmwrite(os.path.join(OUT, "mtx", "array_2x3.mtx"), dense)
    manifest.append(mtx_entry("array_2x3", "mtx/array_2x3.mtx", None, False))
    # A gzip copy (read transparently by magic bytes, whatever the file name).
    with open(os.path.join(OUT, "mtx", "awkward_reals.mtx"), "rb") as f:
        raw = f.read()
    with open(os.path.join(OUT, "mtx", "awkward_reals.mtx.gz"), "wb") as f:
        f.write(gzip.compress(raw, mtime=0))
    manifest.append(mtx_entry("awkward_reals_gz", "mtx/awkward_reals.mtx.gz", None, False))
    # Hand-written: upper-case banner, several comments, blank lines, exponents, 'integer symmetric'.
    hand = (
        "%%MatrixMarket MATRIX Coordinate Integer Symmetric\n"
        "% a comment\n"
        "%\n"
        "\n"
        "3 3 3\n"
        "1 1 7\n"
        "\n"
        "3 1 -2\n"
        "3 3   4\n"
    )
    with open(os.path.join(OUT, "mtx", "hand_integer_symmetric.mtx"), "w") as f:
        f.write(hand)
    manifest.append(mtx_entry("hand_integer_symmetric", "mtx/hand_integer_symmetric.mtx", None, False))
    return manifest


def mtx_entry(name, file, written, identical):
    """What scipy.io.mmread returns, as canonical COO (sorted row-major, duplicates summed;
    explicit zeros kept for coordinate files, zeros dropped for dense arrays)."""
    read = sio.mmread(os.path.join(OUT, file))
    coo = read.tocoo() if sp.issparse(read) else sp.coo_matrix(np.asarray(read, dtype=np.float64))
    coo.sum_duplicates()
    out = {
        "name": name,
        "file": file,
        "header": sio.mminfo(os.path.join(OUT, file))[3:],
        "read": {
            "shape": list(coo.shape),
            "rows": [int(x) for x in coo.row],
            "cols": [int(x) for x in coo.col],
            "values": [number(x) for x in coo.data.astype(np.float64)],
        },
        "write_identical": identical,
    }
    if written is not None:
        out["written_csr"] = csr_json(written)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "format_version": 1,
        "generator": GENERATOR,
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "npy": npy_fixtures(),
        "mtx": mtx_fixtures(),
    }
    with open(os.path.join(OUT, "io.json"), "w") as f:
        json.dump(manifest, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
