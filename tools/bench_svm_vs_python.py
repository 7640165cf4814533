"""Time the whole one-vs-rest grid search of the tutorial's SVM, cinegenre against scikit-learn,
in one run on the same files, and print the ratios.

    python tools/bench_svm_vs_python.py --x X.mtx --y Y.npy [--rows 3000] [--cv 5] [--bin target/release/cinegenre]

X.mtx / Y.npy: `cinegenre dataset --out m.jsonl; cinegenre labels --data m.jsonl --out Y.npy;
cinegenre vectorize --input m.jsonl --tfidf --min-df 0.005 --max-df 0.95 --out X.mtx` (the
bundled TMDB overviews, about 10k x 1.2k). --rows keeps the first N movies (scikit-learn's SVC grid
on all 10k rows takes a long time; say which was used when reporting).

Sides, each the full search (labels x grid x cv folds + one refit per label):
  smo: cinegenre train svm --solver smo      vs  OneVsRestClassifier(GridSearchCV(SVC(kernel='linear',
       class_weight='balanced'), {'C': grid}, scoring=micro-F1, cv=cv))
  dcd: cinegenre train svm --solver dcd      vs  the same around LinearSVC(class_weight='balanced')
Prints wall seconds, the ratio python/rust, and whether the chosen C agree per label.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy.io
import scipy.sparse as sp
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import SVC, LinearSVC


def sklearn_side(estimator, x, y, grid, cv):
    search = GridSearchCV(estimator, {"C": grid}, scoring=make_scorer(f1_score, average="micro"), cv=cv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        ovr = OneVsRestClassifier(search).fit(x, y)
        seconds = time.perf_counter() - start
    chosen = [float(e.best_params_["C"]) if isinstance(e, GridSearchCV) else None for e in ovr.estimators_]
    return seconds, chosen


def rust_side(binary, x_path, y_path, solver, grid, cv, extra):
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "svm.safetensors")
        cmd = [binary, "train", "svm", "--x", x_path, "--y", y_path, "--solver", solver, "--cv", str(cv),
               "--c", ",".join(map(str, grid)), "--model", model, "--quiet", *extra]
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        seconds = time.perf_counter() - start
    chosen = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("trained"):
            # the label name may contain a space ("Science Fiction", "TV Movie")
            for tok in parts[1:]:
                if tok == "constant":
                    chosen.append(None)
                    break
                try:
                    chosen.append(float(tok))
                    break
                except ValueError:
                    continue
    return seconds, chosen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--x", required=True)
    ap.add_argument("--y", required=True)
    ap.add_argument("--rows", type=int, default=0, help="keep the first N rows (0: all)")
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--bin", default="target/release/cinegenre")
    ap.add_argument("--skip-smo-python", action="store_true")
    args = ap.parse_args()
    grid = [0.01, 0.1, 1.0]
    x = sp.csr_matrix(scipy.io.mmread(args.x))
    y = np.load(args.y)
    x_path, y_path = args.x, args.y
    tmp = tempfile.mkdtemp()
    if args.rows:
        x, y = x[: args.rows], y[: args.rows]
        x_path, y_path = os.path.join(tmp, "X.mtx"), os.path.join(tmp, "Y.npy")
        scipy.io.mmwrite(x_path, x)
        np.save(y_path, y)
        sidecar = args.y[:-4] + ".genres.json" if args.y.endswith(".npy") else None
        if sidecar and os.path.exists(sidecar):
            with open(sidecar) as f, open(y_path[:-4] + ".genres.json", "w") as g:
                g.write(f.read())
    x.sort_indices()
    print(f"data: {x.shape[0]} rows x {x.shape[1]} features, {y.shape[1]} labels, grid {grid}, cv {args.cv}")
    results = {}
    for solver, estimator, extra in [
        ("smo", SVC(kernel="linear", class_weight="balanced"), []),
        ("dcd", LinearSVC(class_weight="balanced", random_state=0), []),
    ]:
        r_sec, r_c = rust_side(args.bin, x_path, y_path, solver, grid, args.cv, extra)
        if solver == "smo" and args.skip_smo_python:
            print(f"{solver}: rust {r_sec:.2f} s (python skipped)")
            continue
        p_sec, p_c = sklearn_side(estimator, x, y, grid, args.cv)
        same = sum(a == b for a, b in zip(r_c, p_c))
        print(f"{solver}: rust {r_sec:.2f} s, python {p_sec:.2f} s, ratio python/rust {p_sec / r_sec:.1f}x, "
              f"chosen C equal for {same}/{len(p_c)} labels")
        if same != len(p_c):
            print(f"  rust   {r_c}\n  python {p_c}")
        results[solver] = {"rust_s": r_sec, "python_s": p_sec, "ratio": p_sec / r_sec, "same_c": same,
                           "labels": len(p_c)}
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
