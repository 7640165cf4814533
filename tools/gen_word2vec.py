"""Reference word-vector files and mean vectors (fixtures/word2vec/), from gensim.

Run from the crate root:  python tools/gen_word2vec.py   (versions pinned in tools/requirements.txt)

vectors.bin / vectors.txt – 60 words x 6 dims written by KeyedVectors.save_word2vec_format
        (binary=True / False): non-ASCII and mixed-case words, values from 1e-9 to 1e9, -0.0,
        subnormals, so the text writer's float formatting is exercised in both notations.
c_tool.bin – the original C tool's layout (a '\n' after every vector) with a repeated word.
bad_utf8.bin – a word cut inside a multi-byte character, read with unicode_errors='replace'.
glove.txt – GloVe layout (no header), read with no_header=True.
means_vocab.bin – random float32 vectors (dim 8) for 75% of the lowercased content words of the
        first 300 tutorial overviews plus hand-written edge cases; word2vec.json["means"] holds the
        tutorial's loop over those documents: RegexpTokenizer(r'\\w+'), stop_words 2018.7.23's
        174-word 'en' list on the original-case token, tok.lower() lookup, s = 0; s += v;
        s / float(count) - bits of every mean, kept and dropped documents.
word2vec.json – what gensim's load_word2vec_format returns for each file (words, float32 bits),
        and numpy's str(np.float32(v)) of 3000 values (the text writer's number format).
"""
import gzip
import json
import pathlib
import re

import gensim
import numpy as np
import stop_words
from gensim.models import KeyedVectors

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "word2vec"
HEADER = {
    "format_version": 1,
    "generator": "tools/gen_word2vec.py",
    "versions": {"gensim": gensim.__version__, "numpy": np.__version__, "stop-words": "2018.7.23"},
}


def tokenize(text):
    """nltk's RegexpTokenizer(r'\\w+').tokenize: re.findall with UNICODE | MULTILINE | DOTALL."""
    return re.findall(r"\w+", text, re.UNICODE | re.MULTILINE | re.DOTALL)


def bits(vectors):
    return np.ascontiguousarray(vectors, dtype=np.float32).view(np.uint32).ravel().tolist()


def loaded(path, **kwargs):
    kv = KeyedVectors.load_word2vec_format(str(path), **kwargs)
    # With a repeated word gensim 4.4 leaves a None key (and a zero row) at the end of its
    # preallocated table: it is no word of the file, so it is left out here.
    rows = [i for i, w in enumerate(kv.index_to_key) if w is not None]
    words = [kv.index_to_key[i] for i in rows]
    return {"file": path.name, "words": words, "dim": kv.vector_size, "bits": bits(kv.vectors[rows])}


def small_vectors(rng):
    words = ["</s>", "the", "The", "king", "King", "queen", "New_York", "café", "naïve", "Σίσυφος",
             "東京", "x²", "don't", "_", "a1"] + [f"w{i}" for i in range(45)]
    dim = 6
    mags = 10.0 ** rng.uniform(-9, 9, size=(len(words), dim))
    vec = (mags * rng.choice([-1.0, 1.0], size=mags.shape)).astype(np.float32)
    vec[1, 0] = -0.0
    vec[2, 1] = 0.0
    vec[3, 2] = np.float32(1e-4)
    vec[4, 3] = np.float32(1e6)
    vec[5, 4] = np.nextafter(np.float32(1e6), np.float32(0))
    vec[6, 5] = np.float32(1.4e-45)
    vec[7, :] = rng.standard_normal(dim).astype(np.float32)  # typical word2vec values
    vec[8, 0] = np.float32(123456789.0)
    return words, vec


def save(words, vec, path, binary):
    kv = KeyedVectors(vec.shape[1], dtype=np.float32)
    kv.add_vectors(words, vec)
    kv.save_word2vec_format(str(path), binary=binary)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20170501)
    out = dict(HEADER)

    words, vec = small_vectors(rng)
    save(words, vec, OUT / "vectors.bin", True)
    save(words, vec, OUT / "vectors.txt", False)
    out["vectors_bin"] = loaded(OUT / "vectors.bin", binary=True)
    out["vectors_txt"] = loaded(OUT / "vectors.txt", binary=False)
    assert out["vectors_bin"]["bits"] == bits(vec)

    # The C tool's layout: '\n' after each vector; "dog" repeated (gensim keeps the first).
    c_words = ["</s>", "dog", "cat", "dog", "über"]
    c_vec = rng.standard_normal((len(c_words), 4)).astype(np.float32)
    with open(OUT / "c_tool.bin", "wb") as f:
        f.write(f"{len(c_words)} 4\n".encode())
        for w, v in zip(c_words, c_vec):
            f.write(w.encode() + b" " + v.tobytes() + b"\n")
    out["c_tool_bin"] = loaded(OUT / "c_tool.bin", binary=True)

    # A word cut in the middle of "é" (the C tool cuts long words by bytes).
    bad = [b"caf\xc3", b"ok", b"\xff\xfeabc"]
    bad_vec = rng.standard_normal((len(bad), 3)).astype(np.float32)
    with open(OUT / "bad_utf8.bin", "wb") as f:
        f.write(f"{len(bad)} 3\n".encode())
        for w, v in zip(bad, bad_vec):
            f.write(w + b" " + v.tobytes())
    out["bad_utf8_bin"] = loaded(OUT / "bad_utf8.bin", binary=True, unicode_errors="replace")

    # GloVe: no header line, values as GloVe prints them.
    glove_words = ["the", ",", "of", "to", "and"]
    glove_vec = rng.standard_normal((len(glove_words), 5))
    with open(OUT / "glove.txt", "w", encoding="utf8") as f:
        for w, v in zip(glove_words, glove_vec):
            f.write(w + " " + " ".join(f"{x:.6f}" for x in v) + "\n")
    out["glove_txt"] = loaded(OUT / "glove.txt", binary=False, no_header=True)

    out["f32_str"] = f32_strings(rng)
    out["means"] = means(rng)
    with open(OUT / "word2vec.json", "w") as f:
        json.dump(out, f)


def f32_strings(rng):
    """str(np.float32(v)) - the text writer's number format - on 3000 values: random bit
    patterns (every exponent) and quarter-integers near 1e6-1e7, where two shortest decimal
    forms tie and numpy's Dragon4 picks the even digit."""
    random_bits = rng.integers(0, 2**32, size=2000, dtype=np.uint64).astype(np.uint32)
    values = random_bits.view(np.float32)
    values = values[np.isfinite(values)]
    quarters = (rng.integers(2**20, 2**23, size=1000) + rng.choice([0.25, 0.5, 0.75], size=1000))
    quarters *= rng.choice([-1.0, 1.0], size=1000)
    values = np.concatenate([values, quarters.astype(np.float32)])
    return {"bits": bits(values), "str": [str(v) for v in values]}


def means(rng):
    with gzip.open(ROOT / "fixtures/data/tmdb_tutorial/paritoshgoyal_movies_with_overviews.json.gz") as f:
        movies = json.load(f)
    docs = [m["overview"] for m in movies if m.get("overview")][:300]
    docs += [
        "The a an of the",  # only stop words? no: "The" is not a stop word (original case)
        "a an of the",  # only stop words
        "",  # no token at all
        "Qzxv Wqxz",  # no word with a vector
        "KING king King",  # lowercased lookup
        "don't won't it's",  # apostrophes split: "don", "t", "won", "t", "it", "s"
        "Naïve café in 東京, x² times",
    ]
    en_stop = stop_words.get_stop_words("en")
    assert len(en_stop) == 174
    content = sorted({t.lower() for d in docs for t in tokenize(d) if t not in en_stop})
    chosen = [w for w in content if rng.random() < 0.75 and w not in ("qzxv", "wqxz")]
    dim = 8
    vec = rng.standard_normal((len(chosen), dim)).astype(np.float32)
    vec[0, 0] = -0.0
    save(chosen, vec, OUT / "means_vocab.bin", True)
    model2 = KeyedVectors.load_word2vec_format(str(OUT / "means_vocab.bin"), binary=True)

    # The tutorial's loop (In [241]), with gensim 4's `in model2` for `in model2.vocab`.
    kept, dropped, rows = [], [], []
    for i, overview in enumerate(docs):
        tokens = tokenize(overview)
        stopped_tokens = [k for k in tokens if k not in en_stop]
        if len(stopped_tokens) == 0:
            dropped.append([i, "only stop words"])
            continue
        count_in_vocab = 0
        s = 0
        for tok in stopped_tokens:
            if tok.lower() in model2:
                count_in_vocab += 1
                s += model2[tok.lower()]
        if count_in_vocab == 0:
            dropped.append([i, "no word with a vector"])
            continue
        mean = s / float(count_in_vocab)
        assert mean.dtype == np.float32
        kept.append(i)
        rows.append(mean)
    return {"docs": docs, "dim": dim, "kept": kept, "dropped": dropped, "bits": bits(np.array(rows))}


if __name__ == "__main__":
    main()
