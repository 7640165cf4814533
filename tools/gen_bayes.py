"""Reference outputs for naive Bayes (fixtures/bayes/), from scikit-learn.

Run from the crate root:  python tools/gen_bayes.py   (versions pinned in tools/requirements.txt)

small.json  – a 30x12 count matrix with 4 labels (one constant), two hyper-parameter settings:
              per-label feature_count_/feature_log_prob_/class_log_prior_, and the one-vs-rest
              predict_proba/predict on 10 held-out rows. Sparse input: scipy's CSR x dense order.
tutorial.json.gz – the tutorial's own text model on its own data: the 1559 overviews of
              paritoshgoyal_movies_with_overviews, cleaned (',' and '.' deleted),
              CountVectorizer(max_df=0.95, min_df=0.005), MultiLabelBinarizer of genre_ids,
              msk = (np.random.seed(42); np.random.rand(n) < 0.8), and
              OneVsRestClassifier(MultinomialNB()).fit(X[msk].toarray(), Y[msk]) exactly as the
              tutorial (dense counts). Stores class_log_prior_ of every label, feature_log_prob_ of
              labels 0-2, predict_proba and predict of the test rows, and the per-movie means.
"""
import gzip
import json
import pathlib

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import MultinomialNB
from sklearn.preprocessing import MultiLabelBinarizer

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "bayes"
HEADER = {
    "format_version": 1,
    "generator": "tools/gen_bayes.py",
    "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
}


def ovr_parts(ovr):
    parts = []
    for est in ovr.estimators_:
        if isinstance(est, MultinomialNB):
            parts.append({
                "constant": None,
                "feature_count": est.feature_count_.tolist(),
                "feature_log_prob": est.feature_log_prob_.tolist(),
                "class_count": est.class_count_.tolist(),
                "class_log_prior": est.class_log_prior_.tolist(),
            })
        else:  # sklearn's _ConstantPredictor
            parts.append({"constant": int(np.ravel(est.y_)[0])})
    return parts


def small():
    rng = np.random.RandomState(7)
    counts = rng.poisson(0.8, size=(40, 12)).astype(np.float64)
    counts[3] = 0.0  # an empty document
    labels = (rng.rand(40, 4) < 0.4).astype(np.int64)
    labels[:, 2] = 0  # a label never present: a constant predictor
    labels[0, 0] = labels[1, 0] = 1
    train, test = slice(0, 30), slice(30, 40)
    cases = []
    for alpha, fit_prior in [(1.0, True), (0.37, False)]:
        ovr = OneVsRestClassifier(MultinomialNB(alpha=alpha, fit_prior=fit_prior))
        ovr.fit(sp.csr_matrix(counts[train]), labels[train])
        x_test = sp.csr_matrix(counts[test])
        cases.append({
            "alpha": alpha,
            "fit_prior": fit_prior,
            "labels": ovr_parts(ovr),
            "predict_proba": ovr.predict_proba(x_test).tolist(),
            "predict": ovr.predict(x_test).tolist(),
        })
    return {**HEADER, "x_train": counts[train].tolist(), "y_train": labels[train].tolist(),
            "x_test": counts[test].tolist(), "cases": cases}


def tutorial():
    path = ROOT / "fixtures" / "data" / "tmdb_tutorial" / "paritoshgoyal_movies_with_overviews.json.gz"
    movies = json.loads(gzip.open(path, "rt", encoding="utf-8").read())
    content = [m["overview"].replace(",", "").replace(".", "") for m in movies]
    vectorizer = CountVectorizer(max_df=0.95, min_df=0.005)
    x = vectorizer.fit_transform(content)
    mlb = MultiLabelBinarizer()
    y = mlb.fit_transform([m["genre_ids"] for m in movies])
    np.random.seed(42)
    msk = np.random.rand(x.shape[0]) < 0.8
    ovr = OneVsRestClassifier(MultinomialNB())
    ovr.fit(x[msk].toarray(), y[msk])
    x_test = x[~msk].toarray()
    proba = ovr.predict_proba(x_test)
    pred = ovr.predict(x_test)
    precs, recs = [], []
    for truth, guess in zip(y[~msk], pred):
        gt, pr = set(np.flatnonzero(truth)), set(np.flatnonzero(guess))
        tp = len(gt & pr)
        precs.append(0.0 if not pr else tp / len(pr))
        recs.append(0.0 if not gt else tp / len(gt))
    return {
        **HEADER,
        "seed": 42,
        "n_docs": int(x.shape[0]),
        "n_features": int(x.shape[1]),
        "classes": [int(c) for c in mlb.classes_],
        "train_rows": int(msk.sum()),
        "test_index": np.flatnonzero(~msk).tolist(),
        "class_log_prior": [e.class_log_prior_.tolist() for e in ovr.estimators_],
        "feature_log_prob_first3": [e.feature_log_prob_.tolist() for e in ovr.estimators_[:3]],
        "predict_proba": proba.tolist(),
        "predict": pred.tolist(),
        "mean_precision": float(np.mean(precs)),
        "mean_recall": float(np.mean(recs)),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "small.json").write_text(json.dumps(small()) + "\n")
    with gzip.GzipFile(OUT / "tutorial.json.gz", "wb", mtime=0) as f:
        f.write((json.dumps(tutorial()) + "\n").encode())


if __name__ == "__main__":
    main()
