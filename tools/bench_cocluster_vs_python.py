"""Time spectral co-clustering in cinegenre against scikit-learn, in one run, and print ratios.

Usage (from the crate root, after `cargo build --release`):
    python tools/bench_cocluster_vs_python.py [--repeat 3] [--clusters 20]

Input: the document-term matrix of every bundled overview, made by the CLI
(`cinegenre dataset` → `cinegenre vectorize --tfidf`, min_df=1, ≈10k movies × the whole
vocabulary, sparse), with all-zero rows removed (co-clustering divides by row sums; scikit-learn
fails on them too). Both sides read the same .mtx and run
`SpectralCoclustering(n_clusters=K, random_state=0)` defaults: randomized SVD (n_oversamples=10,
n_iter auto, LU power iterations), KMeans(k-means++, n_init=10). "compute" is the fit alone
(cinegenre's `--timings` cocluster step; scikit-learn's `.fit`), "end to end" adds reading the
matrix and writing labels (Python timed after its imports). Peak memory is each child process's
max RSS. Times are medians of --repeat runs. The partitions are compared by adjusted Rand index
(informational: both use random starts). Requires tools/requirements.txt.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLI = ROOT / "target" / "release" / "cinegenre"

PY_FIT = r"""
import json, sys, time
import numpy as np, scipy.io
from sklearn.cluster import SpectralCoclustering
t_import = time.perf_counter()
x = scipy.io.mmread(sys.argv[1]).tocsr()
t0 = time.perf_counter()
model = SpectralCoclustering(n_clusters=int(sys.argv[3]), random_state=0).fit(x)
compute = time.perf_counter() - t0
json.dump({"row_labels": model.row_labels_.tolist(), "column_labels": model.column_labels_.tolist()},
          open(sys.argv[2], "w"))
print(compute, time.perf_counter() - t_import)
"""


def run(cmd):
    """Run `cmd`; return (stdout, stderr, wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    out, err = p.stdout, p.stderr
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{cmd} failed:\n{out}{err}")
    return out, err, wall


def peak_rss(cmd):
    """Peak RSS (MiB) of one run of `cmd`, measured with os.wait4."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--clusters", type=int, default=20)
    args = ap.parse_args()
    import numpy as np
    import scipy.io
    from sklearn.metrics import adjusted_rand_score

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        subprocess.run([CLI, "dataset", "--out", tmp / "movies.jsonl"], check=True, capture_output=True)
        subprocess.run([CLI, "vectorize", "--input", tmp / "movies.jsonl", "--tfidf", "--out", tmp / "X0.mtx"],
                       check=True, capture_output=True)
        x = scipy.io.mmread(tmp / "X0.mtx").tocsr()
        x = x[np.asarray(x.sum(axis=1)).ravel() > 0]
        x = x[:, np.asarray(x.sum(axis=0)).ravel() > 0]
        scipy.io.mmwrite(tmp / "X.mtx", x)
        print(f"matrix: {x.shape[0]} x {x.shape[1]}, {x.nnz} non-zeros; SpectralCoclustering(n_clusters={args.clusters})")
        script = tmp / "fit.py"
        script.write_text(PY_FIT)
        py_cmd = [sys.executable, script, tmp / "X.mtx", tmp / "py.json", str(args.clusters)]
        rs_cmd = [CLI, "--timings", "cocluster", "--x", tmp / "X.mtx", "--clusters", str(args.clusters),
                  "--seed", "0", "--out", tmp / "rs.json"]
        py_c, py_e, rs_c, rs_e = [], [], [], []
        for _ in range(args.repeat):
            out, _, _ = run(py_cmd)
            c, e = map(float, out.split())
            py_c.append(c)
            py_e.append(e)
            _, err, wall = run(rs_cmd)
            steps = dict(line.split()[1:3] for line in err.splitlines() if line.startswith("timing "))
            rs_c.append(float(steps["cocluster"]))
            rs_e.append(wall)
        py_mem, rs_mem = peak_rss(py_cmd), peak_rss(rs_cmd)
        py_l = json.load(open(tmp / "py.json"))
        rs_l = json.load(open(tmp / "rs.json"))
        ari = adjusted_rand_score(py_l["row_labels"] + py_l["column_labels"], rs_l["row_labels"] + rs_l["column_labels"])
    med = statistics.median
    print(f"{'':12}{'scikit-learn':>14}{'cinegenre':>12}{'speed-up':>10}")
    print(f"{'compute s':12}{med(py_c):14.3f}{med(rs_c):12.3f}{med(py_c) / med(rs_c):10.2f}")
    print(f"{'end to end s':12}{med(py_e):14.3f}{med(rs_e):12.3f}{med(py_e) / med(rs_e):10.2f}")
    print(f"{'peak RSS MiB':12}{py_mem:14.1f}{rs_mem:12.1f}{py_mem / rs_mem:10.2f}")
    print(f"adjusted Rand index between the two partitions: {ari:.3f}")


if __name__ == "__main__":
    main()
