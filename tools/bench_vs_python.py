"""Time the cinegenre CLI against scikit-learn on the same input, in one run, and print ratios.

Usage (from the crate root, after `cargo build --release`):
    python tools/bench_vs_python.py [--repeat 5] [--json bench.json]

Both sides read the same movies.jsonl (every bundled movie, written by `cinegenre dataset`),
do the same work and write the same outputs:
  vectorize   delete ',' and '.', CountVectorizer(min_df=0.005, max_df=0.95) + TfidfTransformer,
              write X.mtx (scipy.io.mmwrite) and the vocabulary (JSON)
  nb          OneVsRestClassifier(MultinomialNB()) fit on the counts and Y, predict, write P.npy
Two times per stage: "compute" is the algorithm alone (cinegenre's `--timings` vectorize/fit/
predict steps; scikit-learn's fit_transform/fit/predict calls), "end to end" adds reading the
input and writing the outputs (Python timed from after its imports: interpreter start-up and
`import sklearn` are excluded; cinegenre as the whole process(es)). Peak memory is each child
process's max RSS. Times are the median of --repeat runs. Requires tools/requirements.txt.
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

PY_VECTORIZE = r"""
import json, sys, time
t0 = time.perf_counter()
import scipy.io
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
t_import = time.perf_counter()
src, out, vocab_out, tfidf = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
docs = [json.loads(line)["overview"].replace(",", "").replace(".", "") for line in open(src, encoding="utf-8")]
t_compute = time.perf_counter()
v = CountVectorizer(min_df=0.005, max_df=0.95)
x = v.fit_transform(docs)
if tfidf:
    x = TfidfTransformer().fit_transform(x)
compute = time.perf_counter() - t_compute
scipy.io.mmwrite(out, x)
json.dump({k: int(i) for k, i in sorted(v.vocabulary_.items(), key=lambda kv: kv[1])}, open(vocab_out, "w"))
print(compute, time.perf_counter() - t_import)
"""

PY_NB = r"""
import sys, time
import numpy as np, scipy.io
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import MultinomialNB
import warnings; warnings.simplefilter("ignore")
t_import = time.perf_counter()
x = scipy.io.mmread(sys.argv[1]).tocsr()
y = np.load(sys.argv[2])
t_compute = time.perf_counter()
model = OneVsRestClassifier(MultinomialNB()).fit(x, y)
pred = model.predict(x)
compute = time.perf_counter() - t_compute
np.save(sys.argv[3], pred.astype(np.uint8))
print(compute, time.perf_counter() - t_import)
"""


def run_child(cmd, compute_steps):
    """Run cmd under a wrapper; return (compute s, end-to-end s, peak RSS MiB).

    compute_steps None: the child is a Python reference printing "compute total" on its last
    line. Otherwise cmd runs cinegenre with --timings, and the compute time is the sum of the
    `timing <step> <s>` lines whose step is in compute_steps."""
    # ru_maxrss of RUSAGE_CHILDREN is a maximum over all children so far: run each child
    # under its own small wrapper process, which reports that one child's peak.
    wrapper = [sys.executable, "-c",
               "import resource,subprocess,sys,time;t=time.perf_counter();"
               "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
               "w=time.perf_counter()-t;"
               "sys.stderr.write(r.stderr);"
               "r.returncode and sys.exit(r.returncode);"
               "print(w);print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else '');"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"] + cmd
    out = subprocess.run(wrapper, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{out.stderr}")
    wall, last, rss = out.stdout.strip().splitlines()[-3:]
    if compute_steps is None:
        compute, total = map(float, last.split())
    else:
        timings = [line.split() for line in out.stderr.splitlines() if line.startswith("timing ")]
        compute = sum(float(t[2]) for t in timings if t[1] in compute_steps)
        total = float(wall)
    return compute, total, int(rss) / 1024.0


def median_run(cmd, compute_steps, repeat):
    results = [run_child(cmd, compute_steps) for _ in range(repeat)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=pathlib.Path)
    args = parser.parse_args()
    if not CLI.exists():
        raise SystemExit(f"{CLI} not found: run `cargo build --release` first")
    import numpy, scipy, sklearn  # noqa: F401  (versions for the table)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        movies = tmp / "movies.jsonl"
        subprocess.run([CLI, "dataset", "--out", movies], check=True, capture_output=True)
        subprocess.run([CLI, "labels", "--data", movies, "--out", tmp / "Y.npy"], check=True, capture_output=True)
        n_docs = sum(1 for _ in open(movies, encoding="utf-8"))
        rows = []

        def compare(stage, ours, steps, theirs):
            c_ours, e_ours, m_ours = median_run(ours, steps, args.repeat)
            c_py, e_py, m_py = median_run(theirs, None, args.repeat)
            rows.append({"stage": stage,
                         "compute": {"cinegenre_s": c_ours, "sklearn_s": c_py, "speedup": c_py / c_ours},
                         "end_to_end": {"cinegenre_s": e_ours, "sklearn_s": e_py, "speedup": e_py / e_ours},
                         "peak_mib": {"cinegenre": m_ours, "sklearn": m_py, "ratio": m_py / m_ours}})

        for tfidf in (False, True):
            name = "vectorize + TF-IDF" if tfidf else "vectorize (counts)"
            out = tmp / ("X_tfidf.mtx" if tfidf else "X.mtx")
            ours = [str(CLI), "vectorize", "--timings", "--input", str(movies), "--min-df", "0.005", "--max-df", "0.95",
                    "--out", str(out), "--vocab", str(tmp / "vocab.json")] + (["--tfidf"] if tfidf else [])
            theirs = [sys.executable, "-c", PY_VECTORIZE, str(movies), str(tmp / "py.mtx"), str(tmp / "py_vocab.json"),
                      "1" if tfidf else "0"]
            compare(name, ours, {"vectorize"}, theirs)

        x, y = tmp / "X.mtx", tmp / "Y.npy"
        nb_ours = ["bash", "-c", f"'{CLI}' train nb --timings --x '{x}' --y '{y}' --out '{tmp}/nb.safetensors' && "
                                 f"'{CLI}' predict --timings --out '{tmp}/nb.safetensors' --x '{x}' --out '{tmp}/P.npy'"]
        nb_theirs = [sys.executable, "-c", PY_NB, str(x), str(y), str(tmp / "P_py.npy")]
        compare("naive Bayes fit + predict", nb_ours, {"fit", "predict"}, nb_theirs)

    print(f"cinegenre vs scikit-learn {sklearn.__version__} (numpy {numpy.__version__}, scipy {scipy.__version__}), "
          f"{n_docs} bundled overviews, median of {args.repeat}, {os.cpu_count()} CPUs")
    print(f"| stage | compute: ours / sklearn | speed-up | end to end: ours / sklearn | speed-up | peak MiB ours / sklearn |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        c, e, m = r["compute"], r["end_to_end"], r["peak_mib"]
        print(f"| {r['stage']} | {c['cinegenre_s'] * 1e3:.1f} ms / {c['sklearn_s'] * 1e3:.1f} ms | {c['speedup']:.1f}x "
              f"| {e['cinegenre_s'] * 1e3:.0f} ms / {e['sklearn_s'] * 1e3:.0f} ms | {e['speedup']:.1f}x "
              f"| {m['cinegenre']:.0f} / {m['sklearn']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"n_docs": n_docs, "repeat": args.repeat, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
