"""The reference side of `cinegenre bench` (no subcommand): the same stages in numpy, scipy,
scikit-learn and PyTorch on the data the Rust side wrote, printed as JSON on stdout.

    python tools/bench_suite.py --data DIR/data [--quick] [--svm-rows N] [--mlp-rows N]

DIR/data holds docs.json (the cleaned overviews), counts.mtx (CountVectorizer counts) and Y.npy
(genre indicators). Each stage is timed as the best of a few runs after a warm-up, like the Rust
side; sizes follow --quick the same way (see src/bench/suite.rs). Imports are not timed.
Requires the pins of tools/requirements.txt (numpy, scipy, scikit-learn, torch).
"""
import argparse
import json
import sys
import time
import warnings

try:
    import numpy as np
    import scipy
    import scipy.io
    import sklearn
    import torch
    import torchvision
    from sklearn.cluster import SpectralCoclustering
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.svm import SVC
except ImportError as e:  # the Rust side reports the last line of stderr
    sys.exit(f"missing reference package: {e}")

warnings.simplefilter("ignore")


def best(reps, work):
    work()
    times = []
    for _ in range(max(reps, 1)):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--svm-rows", type=int, default=1500)
    p.add_argument("--mlp-rows", type=int, default=8192)
    a = p.parse_args()
    reps = 2 if a.quick else 3
    out = []

    def record(stage, size, impl, seconds):
        out.append({"stage": stage, "size": size, "implementation": impl, "seconds": seconds})
        print(f"  {stage:<16} {impl:<14} {seconds:10.5f} s", file=sys.stderr)

    rng = np.random.default_rng(0)
    n = 256 if a.quick else 512
    A = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    B = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    record("gemm", f"{n}", "numpy", best(reps, lambda: A @ B))
    ta, tb = torch.from_numpy(A), torch.from_numpy(B)
    record("gemm", f"{n}", "torch", best(reps, lambda: ta @ tb))

    docs = json.load(open(f"{a.data}/docs.json", encoding="utf-8"))

    def vectorize():
        x = CountVectorizer(min_df=0.005, max_df=0.95).fit_transform(docs)
        TfidfTransformer().fit_transform(x)

    record("vectorize+tfidf", f"{len(docs)}", "scikit-learn", best(reps, vectorize))
    counts = scipy.io.mmread(f"{a.data}/counts.mtx").tocsr()
    y = np.load(f"{a.data}/Y.npy")
    tfidf = TfidfTransformer().fit_transform(counts).tocsr()

    dense = rng.uniform(-1, 1, (tfidf.shape[1], 64)).astype(np.float32)
    t32 = tfidf.astype(np.float32)
    record("spmm", "", "scipy", best(reps, lambda: t32 @ dense))

    length = 1 << 20 if a.quick else 1 << 22
    x = rng.uniform(-1, 1, length).astype(np.float32)
    record("sigmoid", "", "numpy", best(reps, lambda: 1.0 / (1.0 + np.exp(-x))))
    tx = torch.from_numpy(x)
    record("sigmoid", "", "torch", best(reps, lambda: torch.sigmoid(tx)))

    record("nb fit", "", "scikit-learn", best(reps, lambda: OneVsRestClassifier(MultinomialNB()).fit(counts, y)))

    rows = a.svm_rows
    svc = SVC(kernel="linear", C=1.0, class_weight="balanced")
    record("svm fit", "", "scikit-learn", best(1, lambda: OneVsRestClassifier(svc).fit(tfidf[:rows], y[:rows])))

    m = a.mlp_rows
    xm = torch.from_numpy(rng.uniform(-1, 1, (m, 300)).astype(np.float32))
    ym = torch.from_numpy((rng.uniform(-1, 1, (m, 20)) > 0.7).astype(np.float32))
    model = torch.nn.Sequential(torch.nn.Linear(300, 300), torch.nn.ReLU(), torch.nn.Linear(300, 20))
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001)
    loss = torch.nn.BCEWithLogitsLoss()

    def epoch():
        perm = torch.randperm(m)
        for i in range(0, m, 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss(model(xm[idx]), ym[idx]).backward()
            opt.step()

    record("mlp epoch", "", "torch", best(reps, epoch))

    side = 32 if a.quick else 64
    vgg = torchvision.models.vgg16(weights=None).features.eval()
    img = torch.from_numpy(rng.uniform(-1, 1, (1, 3, side, side)).astype(np.float32))

    def features():
        with torch.no_grad():
            vgg(img)

    record("vgg16 features", "", "torchvision", best(1, features))

    cc = SpectralCoclustering(n_clusters=5, random_state=0)
    counts64 = counts.astype(np.float64)
    record("cocluster", "", "scikit-learn", best(1, lambda: cc.fit(counts64)))

    versions = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "torch threads": str(torch.get_num_threads()),
        "torchvision": torchvision.__version__,
    }
    json.dump({"versions": versions, "measures": out}, sys.stdout)


if __name__ == "__main__":
    main()
