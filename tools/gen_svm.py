"""Reference outputs for the linear SVMs (fixtures/svm/), from scikit-learn.

Run from the crate root:  python tools/gen_svm.py   (versions pinned in tools/requirements.txt)

binary.json  - SVC(kernel='linear', class_weight='balanced' or None, C, shrinking) fitted on CSR
               input for several small problems (the ALGORITHMS 5.7 example; dense-ish gaussian;
               very sparse l2-normalised tf-idf-like rows; extreme imbalance; a single positive):
               support_, dual_coef_, intercept_, n_iter_, coef_, decision_function on held-out rows.
folds.json   - StratifiedKFold(k, shuffle=False) test fold of every sample, and the ValueError /
               UserWarning cases.
grid.json    - OneVsRestClassifier(GridSearchCV(SVC(kernel='linear', class_weight='balanced'),
               {'C': grid}, scoring=make_scorer(f1_score, average='micro'), cv=k)) on a 90x40 sparse
               matrix with 6 labels (a constant column, a one-positive column, imbalanced ones),
               cv = 5 and 3: best C, mean_test_score per label, decision_function and predict.
linear_svc.json - LinearSVC(C, class_weight='balanced', loss, tol=1e-10, max_iter=100000,
               random_state=0): coef_, intercept_ and the primal objective.
tutorial.json.gz - the tutorial's SVM step on its own data: the 1559 overviews (',' '.' deleted),
               CountVectorizer(max_df=0.95, min_df=0.005) + TfidfTransformer(), seed-42 80/20 mask,
               the OvR grid search above with cv=5 on all 20 genres: best C per label,
               decision_function on the test rows, predict, per-movie means.
"""
import gzip
import json
import pathlib
import warnings

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import SVC, LinearSVC

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "svm"
HEADER = {
    "format_version": 1,
    "generator": "tools/gen_svm.py",
    "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
}


def csr(x):
    m = sp.csr_matrix(x)
    m.sort_indices()
    return {"shape": list(m.shape), "indptr": m.indptr.tolist(), "indices": m.indices.tolist(),
            "data": m.data.tolist()}


def problems():
    rng = np.random.RandomState(3)
    out = []
    x = np.array([[0, 1], [1, 0], [1, 1], [2, 2], [0, 2], [3, 1]], dtype=float)
    out.append(("spec_5_7", x, np.array([0, 0, 0, 1, 1, 1]), x))
    # dense-ish gaussian, overlapping classes
    x = rng.randn(70, 8)
    y = (x[:, 0] + 0.5 * x[:, 1] + 0.8 * rng.randn(70) > 0.4).astype(int)
    out.append(("dense_gauss", x[:50], y[:50], x[50:]))
    # very sparse tf-idf-like rows
    x = sp.random(90, 200, density=0.03, random_state=rng, data_rvs=lambda k: rng.rand(k) + 0.1).toarray()
    x[5] = 0.0  # an empty row
    norms = np.sqrt((x ** 2).sum(axis=1))
    x = np.divide(x, norms[:, None], out=np.zeros_like(x), where=norms[:, None] > 0)
    y = (x[:, :20].sum(axis=1) > 0.05).astype(int)
    out.append(("sparse_tfidf", x[:70], y[:70], x[70:]))
    # extreme imbalance: 3 positives in 100
    x = sp.random(110, 30, density=0.2, random_state=rng).toarray()
    y = np.zeros(110, dtype=int)
    y[[7, 40, 88]] = 1
    out.append(("imbalance_3_of_100", x[:100], y[:100], x[100:]))
    # a single positive
    y = np.zeros(100, dtype=int)
    y[17] = 1
    out.append(("one_positive", x[:100], y, x[100:]))
    return out


def binary():
    cases = []
    for name, x, y, x_test in problems():
        for c in [0.01, 0.1, 1.0, 10.0]:
            for cw in ["balanced", None]:
                for shrinking in [True, False]:
                    svc = SVC(kernel="linear", C=c, class_weight=cw, shrinking=shrinking)
                    svc.fit(sp.csr_matrix(x), y)
                    cases.append({
                        "problem": name, "C": c, "class_weight": cw, "shrinking": shrinking,
                        "support": svc.support_.tolist(),
                        "dual_coef": svc.dual_coef_.toarray().ravel().tolist(),
                        "intercept": float(svc.intercept_[0]),
                        "n_iter": int(svc.n_iter_[0]),
                        "coef": np.asarray(svc.coef_.toarray()).ravel().tolist(),
                        "decision_train": svc.decision_function(sp.csr_matrix(x)).tolist(),
                        "decision_test": svc.decision_function(sp.csr_matrix(x_test)).tolist(),
                    })
    probs = {name: {"x": csr(x), "y": y.tolist(), "x_test": csr(x_test)} for name, x, y, x_test in problems()}
    return {**HEADER, "problems": probs, "cases": cases}


def folds():
    cases = []
    rng = np.random.RandomState(5)
    ys = [[0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], [1] * 3 + [0] * 20, (rng.rand(57) < 0.3).astype(int).tolist(),
          [1, 0] * 10, [0] * 9 + [1], [1, 1, 1, 0, 0, 0]]
    for y in ys:
        for k in [2, 3, 5, 7]:
            case = {"y": list(map(int, y)), "k": k}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    test_folds = np.empty(len(y), dtype=int)
                    for f, (_, test) in enumerate(StratifiedKFold(k).split(np.zeros(len(y)), y)):
                        test_folds[test] = f
                    case["folds"] = test_folds.tolist()
                except ValueError as e:
                    case["error"] = str(e)
            case["warned"] = any("least populated" in str(w.message) for w in caught)
            cases.append(case)
    return {**HEADER, "cases": cases}


def ovr_grid(x, y, x_test, grid, cv):
    search = GridSearchCV(SVC(kernel="linear", class_weight="balanced"), {"C": grid},
                          scoring=make_scorer(f1_score, average="micro"), cv=cv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ovr = OneVsRestClassifier(search).fit(x, y)
    labels = []
    for est in ovr.estimators_:
        if isinstance(est, GridSearchCV):
            labels.append({"constant": None, "best_C": float(est.best_params_["C"]),
                           "mean_test_score": [None if np.isnan(s) else float(s)
                                               for s in est.cv_results_["mean_test_score"]],
                           "n_support": int(est.best_estimator_.support_.size)})
        else:
            labels.append({"constant": int(np.ravel(est.y_)[0])})
    return {"cv": cv, "grid": grid, "labels": labels,
            "decision": ovr.decision_function(x_test).tolist(), "predict": ovr.predict(x_test).tolist()}


def grid():
    rng = np.random.RandomState(11)
    x = sp.random(110, 40, density=0.15, random_state=rng, data_rvs=lambda k: rng.rand(k)).toarray()
    w = rng.randn(40, 6)
    y = (x @ w + 0.3 * rng.randn(110, 6) > 0.6).astype(int)
    y[:, 2] = 0  # constant column
    y[:, 3] = 0
    y[4, 3] = 1  # one positive
    y[:, 5] = 0
    y[[3, 9, 30, 50, 77, 95], 5] = 1  # rare
    xtr, ytr, xte = sp.csr_matrix(x[:90]), y[:90], sp.csr_matrix(x[90:])
    runs = [ovr_grid(xtr, ytr, xte, [0.01, 0.1, 1.0], cv) for cv in (5, 3)]
    runs.append(ovr_grid(xtr, ytr, xte, [1.0, 0.1, 10.0], 4))
    return {**HEADER, "x": csr(x[:90]), "y": ytr.tolist(), "x_test": csr(x[90:]), "runs": runs}


def linear_svc():
    cases = []
    for name, x, y, x_test in problems()[1:4]:
        for c in [0.1, 1.0]:
            for loss in ["squared_hinge", "hinge"]:
                m = LinearSVC(C=c, class_weight="balanced", loss=loss, tol=1e-10, max_iter=100000, random_state=0)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m.fit(sp.csr_matrix(x), y)
                f = m.decision_function(x)
                n0, n1 = (y == 0).sum(), (y == 1).sum()
                cw = np.where(y == 1, len(y) / (2 * n1), len(y) / (2 * n0))
                margin = np.maximum(0, 1 - np.where(y == 1, 1, -1) * f)
                loss_v = margin if loss == "hinge" else margin ** 2
                obj = 0.5 * (m.coef_ ** 2).sum() + 0.5 * m.intercept_[0] ** 2 + (c * cw * loss_v).sum()
                cases.append({"problem": name, "C": c, "loss": loss, "coef": m.coef_.ravel().tolist(),
                              "intercept": float(m.intercept_[0]), "primal_objective": float(obj),
                              "decision_test": m.decision_function(x_test).tolist()})
    return {**HEADER, "cases": cases}


def tutorial():
    path = ROOT / "fixtures" / "data" / "tmdb_tutorial" / "paritoshgoyal_movies_with_overviews.json.gz"
    movies = json.loads(gzip.open(path, "rt", encoding="utf-8").read())
    content = [m["overview"].replace(",", "").replace(".", "") for m in movies]
    counts = CountVectorizer(max_df=0.95, min_df=0.005).fit_transform(content)
    x = TfidfTransformer().fit_transform(counts)
    y = MultiLabelBinarizer().fit_transform([m["genre_ids"] for m in movies])
    np.random.seed(42)
    msk = np.random.rand(x.shape[0]) < 0.8
    run = ovr_grid(x[msk], y[msk], x[~msk], [0.01, 0.1, 1.0], 5)
    precs, recs = [], []
    for truth, guess in zip(y[~msk], run["predict"]):
        gt, pr = set(np.flatnonzero(truth)), set(np.flatnonzero(guess))
        tp = len(gt & pr)
        precs.append(0.0 if not pr else tp / len(pr))
        recs.append(0.0 if not gt else tp / len(gt))
    return {**HEADER, "seed": 42, "n_features": int(x.shape[1]), "test_index": np.flatnonzero(~msk).tolist(),
            **run, "mean_precision": float(np.mean(precs)), "mean_recall": float(np.mean(recs))}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("binary", binary), ("folds", folds), ("grid", grid), ("linear_svc", linear_svc)]:
        (OUT / f"{name}.json").write_text(json.dumps(make()) + "\n")
    with gzip.GzipFile(OUT / "tutorial.json.gz", "wb", mtime=0) as f:
        f.write((json.dumps(tutorial()) + "\n").encode())


if __name__ == "__main__":
    main()
