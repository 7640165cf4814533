"""Time the whole one-vs-rest grid search of the tutorial's SVM, cinegenre against scikit-learn,
in one run on the same files, the two engines alternating, and print the ratios.

    python tools/bench_svm_vs_python.py --make-data DIR            # all ~10k bundled movies
    python tools/bench_svm_vs_python.py --x X.mtx --y Y.npy [--rows 3000] [--cv 5] [--grid 1]
        [--solvers dcd] [--dual auto,true] [--rounds 3] [--threads 1] [--bin target/release/cinegenre]

Data: --make-data DIR writes DIR/X.mtx and DIR/Y.npy with the CLI (`cinegenre dataset`, `labels`,
`vectorize --tfidf --min-df 0.005 --max-df 0.95 --clean tutorial`: the run's features, the bundled
TMDB overviews, about 10,300 x 1,200, 20 genres) unless they exist, and uses them. --rows keeps the
first N movies (scikit-learn's SVC grid on all 10k rows takes a long time; say which was used).

Sides, each the full search (labels x grid x cv folds + one refit per label, the same fits):
  smo: cinegenre train svm --solver smo      vs  OneVsRestClassifier(GridSearchCV(SVC(kernel='linear',
       class_weight='balanced'), {'C': grid}, scoring=micro-F1, cv=cv))
  dcd: cinegenre train svm --solver dcd      vs  the same around LinearSVC(class_weight='balanced',
       tol=1e-4, max_iter=1000) with dual='auto' (scikit-learn's default: on this data, where
       n_samples > n_features, it solves the *primal* with a trust-region Newton method) and/or
       dual=True (liblinear's dual coordinate descent: the algorithm cinegenre runs).
Each round runs every side once, in turn (cinegenre, then each scikit-learn variant), --rounds
times; each side keeps its best wall time. scikit-learn runs on one thread; cinegenre fits
(label, fold) pairs on rayon's threads (--threads sets RAYON_NUM_THREADS; 0: all cores). CPU
seconds (cinegenre: the child's user + system; scikit-learn: this process's) are printed too: on a
loaded machine they move less than wall time. The ratio is scikit-learn / cinegenre (> 1: faster).
"""
import argparse
import json
import os
import resource
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


def make_data(binary, folder):
    os.makedirs(folder, exist_ok=True)
    movies, x_path, y_path = (os.path.join(folder, f) for f in ("movies.jsonl", "X.mtx", "Y.npy"))
    if not (os.path.exists(x_path) and os.path.exists(y_path)):
        run = lambda *a: subprocess.run([binary, *a], check=True, capture_output=True, text=True)
        run("dataset", "--out", movies)
        run("labels", "--data", movies, "--out", y_path)
        run("vectorize", "--input", movies, "--tfidf", "--min-df", "0.005", "--max-df", "0.95",
            "--clean", "tutorial", "--out", x_path)
    return x_path, y_path


def sklearn_side(estimator, x, y, grid, cv):
    search = GridSearchCV(estimator, {"C": grid}, scoring=make_scorer(f1_score, average="micro"), cv=cv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start, cpu = time.perf_counter(), time.process_time()
        ovr = OneVsRestClassifier(search).fit(x, y)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    fitted = [e for e in ovr.estimators_ if isinstance(e, GridSearchCV)]
    chosen = [float(e.best_params_["C"]) if isinstance(e, GridSearchCV) else None for e in ovr.estimators_]
    n_iter = [int(np.max(e.best_estimator_.n_iter_)) for e in fitted if hasattr(e.best_estimator_, "n_iter_")]
    return seconds, cpu, chosen, n_iter


def rust_side(binary, x_path, y_path, solver, grid, cv, threads):
    env = dict(os.environ)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "svm.safetensors")
        cmd = [binary, "train", "svm", "--x", x_path, "--y", y_path, "--solver", solver, "--cv", str(cv),
               "--c", ",".join(map(str, grid)), "--model", model, "--quiet"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    chosen, n_iter = [], []
    for line in out.splitlines()[1:]:
        if line.startswith("trained"):
            continue
        # "<label> <C> <scores> <iter> <SVs> <objective>"; the label may contain a space
        # ("Science Fiction", "TV Movie").
        parts = line.split()
        for k, tok in enumerate(parts[1:], start=1):
            if tok == "constant":
                chosen.append(None)
                break
            try:
                chosen.append(float(tok))
            except ValueError:
                continue
            if len(parts) >= k + 5:
                n_iter.append(int(parts[k + 2]))
            break
    return seconds, cpu, chosen, n_iter


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--x")
    ap.add_argument("--y")
    ap.add_argument("--make-data", metavar="DIR", help="build X.mtx, Y.npy of all bundled movies in DIR")
    ap.add_argument("--rows", type=int, default=0, help="keep the first N rows (0: all)")
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--grid", default="0.01,0.1,1", help="C values, comma-separated")
    ap.add_argument("--solvers", default="smo,dcd")
    ap.add_argument("--dual", default="auto", help="LinearSVC dual settings to time: auto, true or both")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="RAYON_NUM_THREADS for cinegenre (0: all cores)")
    ap.add_argument("--bin", default="target/release/cinegenre")
    ap.add_argument("--skip-smo-python", action="store_true")
    args = ap.parse_args()
    grid = [float(c) for c in args.grid.split(",")]
    if args.make_data:
        args.x, args.y = make_data(args.bin, args.make_data)
    if not (args.x and args.y):
        ap.error("give --x and --y, or --make-data DIR")
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
    duals = {"auto": ["auto"], "true": [True], "both": ["auto", True]}[args.dual]
    print(f"data: {x.shape[0]} rows x {x.shape[1]} features ({x.nnz} non-zeros), {y.shape[1]} labels, "
          f"grid {grid}, cv {args.cv}, {args.rounds} rounds alternating, best of each side; "
          f"cinegenre threads: {args.threads or 'all'}; load average now {os.getloadavg()[0]:.1f}")
    results = {}
    for solver in args.solvers.split(","):
        if solver == "smo":
            estimators = [] if args.skip_smo_python else [("SVC", SVC(kernel="linear", class_weight="balanced"))]
        else:
            estimators = [(f"LinearSVC(dual={d})", LinearSVC(class_weight="balanced", random_state=0, tol=1e-4,
                                                              max_iter=1000, dual=d)) for d in duals]
        best = {}
        for _ in range(args.rounds):
            sides = [("cinegenre", lambda: rust_side(args.bin, x_path, y_path, solver, grid, args.cv, args.threads))]
            sides += [(name, lambda e=e: sklearn_side(e, x, y, grid, args.cv)) for name, e in estimators]
            for name, run in sides:
                sec, cpu, chosen, n_iter = run()
                old = best.get(name)
                best[name] = {"wall_s": min(sec, old["wall_s"]) if old else sec,
                              "cpu_s": min(cpu, old["cpu_s"]) if old else cpu, "chosen": chosen, "n_iter": n_iter}
        ours = best["cinegenre"]
        print(f"{solver}: cinegenre {ours['wall_s']:.2f} s wall, {ours['cpu_s']:.2f} s CPU")
        for name, _ in estimators:
            theirs = best[name]
            same = sum(a == b for a, b in zip(ours["chosen"], theirs["chosen"]))
            ratio, cpu_ratio = theirs["wall_s"] / ours["wall_s"], theirs["cpu_s"] / ours["cpu_s"]
            print(f"  vs {name}: {theirs['wall_s']:.2f} s wall, {theirs['cpu_s']:.2f} s CPU; "
                  f"ratio sklearn/cinegenre {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU; "
                  f"chosen C equal for {same}/{len(theirs['chosen'])} labels")
            if same != len(theirs["chosen"]):
                print(f"    cinegenre {ours['chosen']}\n    sklearn   {theirs['chosen']}")
            if solver == "dcd" and name.endswith("dual=True)"):
                print(f"    outer iterations of the refits: cinegenre {ours['n_iter']}\n"
                      f"                                    liblinear {theirs['n_iter']}")
            results[f"{solver} vs {name}"] = {"rust_s": ours["wall_s"], "python_s": theirs["wall_s"],
                                              "rust_cpu_s": ours["cpu_s"], "python_cpu_s": theirs["cpu_s"],
                                              "ratio": ratio, "cpu_ratio": cpu_ratio, "same_c": same,
                                              "labels": len(theirs["chosen"])}
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
