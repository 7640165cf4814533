"""Time cinegenre's word-vector reader and skip-gram trainer against gensim, in one run.

Usage (from the crate root, after `cargo build --release`):
    python tools/bench_word2vec.py [--words 1000000] [--dim 300] [--keep 20000] [--skip-read] [--skip-train]

Reading: a generated word2vec binary file of --words random words x --dim float32 (1.2 GB at
the defaults, written under /tmp, never into the repo) and a corpus whose content words are
--keep of them.
  cinegenre filtered  `vectors convert --vocab-from corpus.txt` (the `read` step of --timings)
  cinegenre whole     `vectors convert` of every word (the `read` step)
  gensim whole        KeyedVectors.load_word2vec_format(binary=True) (gensim cannot filter)
Peak memory is each process's max RSS (/usr/bin/time).

Training: every bundled overview as lowercased \\w+ tokens (one document per line), skip-gram
with negative sampling, dim 100, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs, at
workers/threads 1 and 2. Words per second = in-vocabulary corpus words x epochs / training time
(gensim: the `train()` call only; cinegenre: the training loop it reports).
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLI = ROOT / "target" / "release" / "cinegenre"
TMP = pathlib.Path("/tmp/cinegenre-bench-word2vec")

GENSIM_LOAD = r"""
import sys, time
from gensim.models import KeyedVectors
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
print(time.perf_counter() - t, len(kv))
"""

GENSIM_TRAIN = r"""
import sys, time
from gensim.models import Word2Vec
docs = [line.split() for line in open(sys.argv[1], encoding="utf8")]
workers = int(sys.argv[2])
m = Word2Vec(vector_size=100, window=5, negative=5, hs=0, sg=1, min_count=5, sample=1e-3,
             epochs=5, workers=workers, seed=1)
m.build_vocab(docs)
in_vocab = sum(m.wv.get_vecattr(w, "count") for w in m.wv.index_to_key)
t = time.perf_counter()
m.train(docs, total_examples=m.corpus_count, epochs=m.epochs)
print(time.perf_counter() - t, in_vocab * m.epochs)
"""


def run_rss(cmd):
    """Run under /usr/bin/time; return (stdout, stderr, max RSS in MiB of that process).
    (os.wait4's ru_maxrss would count the forked copy of this Python process before exec.)"""
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb %M", *cmd], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{cmd} failed:\n{p.stdout}\n{p.stderr}")
    rss = int(re.search(r"^maxrss_kb (\d+)$", p.stderr, re.M).group(1)) / 1024
    return p.stdout, p.stderr, rss


def timing(stderr, step):
    return float(re.search(rf"^timing {step} ([0-9.]+)$", stderr, re.M).group(1))


def bench_read(args):
    TMP.mkdir(parents=True, exist_ok=True)
    big = TMP / f"big_{args.words}x{args.dim}.bin"
    corpus = TMP / f"corpus_{args.keep}.txt"
    rng = np.random.default_rng(7)
    if not big.exists():
        print(f"writing {big} ...", flush=True)
        with open(big, "wb") as f:
            f.write(f"{args.words} {args.dim}\n".encode())
            for start in range(0, args.words, 100_000):
                n = min(100_000, args.words - start)
                block = rng.standard_normal((n, args.dim)).astype(np.float32)
                f.write(b"".join(f"w{start + i} ".encode() + block[i].tobytes() for i in range(n)))
    keep = rng.choice(args.words, size=args.keep, replace=False)
    with open(corpus, "w") as f:
        for i in range(0, len(keep), 50):
            f.write(" ".join(f"w{k}" for k in keep[i:i + 50]) + "\n")
    results = {}
    _, err, rss = run_rss([str(CLI), "--timings", "vectors", "convert", "--vectors", str(big),
                           "--vocab-from", str(corpus), "--out", str(TMP / "kept.bin")])
    results["cinegenre filtered"] = (timing(err, "read"), rss)
    _, err, rss = run_rss([str(CLI), "--timings", "vectors", "convert", "--vectors", str(big),
                           "--out", str(TMP / "whole.bin")])
    (TMP / "whole.bin").unlink()
    results["cinegenre whole"] = (timing(err, "read"), rss)
    out, _, rss = run_rss([sys.executable, "-c", GENSIM_LOAD, str(big)])
    results["gensim whole"] = (float(out.split()[0]), rss)
    print(f"\nreading {big.name} ({big.stat().st_size / 1e9:.2f} GB), {args.keep} words kept:")
    for name, (secs, rss) in results.items():
        print(f"  {name:20s} {secs:8.2f} s   peak RSS {rss:8.0f} MiB")
    g = results["gensim whole"][0]
    print(f"  ratio gensim whole / cinegenre filtered: {g / results['cinegenre filtered'][0]:.1f}x")
    print(f"  ratio gensim whole / cinegenre whole:    {g / results['cinegenre whole'][0]:.1f}x")
    return results


def bench_train():
    TMP.mkdir(parents=True, exist_ok=True)
    tokens = TMP / "overview_tokens.txt"
    movies = TMP / "movies.jsonl"
    run_rss([str(CLI), "dataset", "--out", str(movies)])
    with open(movies) as f, open(tokens, "w", encoding="utf8") as out:
        for line in f:
            toks = re.findall(r"\w+", json.loads(line)["overview"])
            out.write(" ".join(t.lower() for t in toks) + "\n")
    results = {}
    for workers in (1, 2):
        out, _, _ = run_rss([sys.executable, "-c", GENSIM_TRAIN, str(tokens), str(workers)])
        secs, words = out.split()
        results[f"gensim workers={workers}"] = float(words) / float(secs)
        train = [str(CLI), "vectors", "train", "--input", str(tokens), "--dim", "100",
                 "--epochs", "5", "--threads", str(workers), "--out", str(TMP / "v.bin")]
        # gensim's workers update shared weights without locks: compare with our Hogwild mode,
        # and show the deterministic rounds (cinegenre's default) beside it.
        out, _, _ = run_rss(train + (["--hogwild"] if workers > 1 else []))
        results[f"cinegenre threads={workers}"] = float(re.search(r"([0-9]+) words/s", out).group(1))
        if workers > 1:
            out, _, _ = run_rss(train)
            results[f"cinegenre rounds={workers}"] = float(re.search(r"([0-9]+) words/s", out).group(1))
    print("\nskip-gram training, bundled overviews, dim 100, 5 epochs (in-vocabulary words/s):")
    for name, wps in results.items():
        print(f"  {name:24s} {wps:12,.0f} words/s")
    for w in (1, 2):
        print(f"  ratio cinegenre/gensim at {w} thread(s): "
              f"{results[f'cinegenre threads={w}'] / results[f'gensim workers={w}']:.2f}x")
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--keep", type=int, default=20_000)
    ap.add_argument("--skip-read", action="store_true")
    ap.add_argument("--skip-train", action="store_true")
    args = ap.parse_args()
    if not CLI.exists():
        sys.exit("build first: cargo build --release")
    if not args.skip_read:
        bench_read(args)
    if not args.skip_train:
        bench_train()


if __name__ == "__main__":
    main()
