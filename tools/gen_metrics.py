"""Reference multilabel metrics for cinegenre's metrics module.

For each case (a y_true / y_pred pair of 0/1 indicator matrices) this records what
scikit-learn computes: precision_recall_fscore_support with average=None and the four averages,
classification_report strings (today's layout, digits 2 and 4), the 'avg / total' layout of
scikit-learn 0.19.1 (transcribed below, since the tutorial printed it), and the tutorial's own
per-movie precision/recall (its function copied verbatim). Top-k cases record
np.argsort(row, kind='stable')[-k:].

Writes fixtures/metrics/metrics.json. Run from the crate root:
    /opt/skl/bin/python tools/gen_metrics.py
"""

import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import classification_report, precision_recall_fscore_support

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "metrics")
GENERATOR = "tools/gen_metrics.py"

GENRES = [
    "Adventure", "Fantasy", "Animation", "Drama", "Horror", "Action", "Comedy", "History",
    "Western", "Thriller", "Crime", "Documentary", "Science Fiction", "Mystery", "Music",
    "Romance", "Family", "War", "Foreign", "TV Movie",
]


# --- The tutorial's function, verbatim (Spandan Madan, CS209 2017) ------------------------
def precision_recall(gt,preds):
    TP=0
    FP=0
    FN=0
    for t in gt:
        if t in preds:
            TP+=1
        else:
            FN+=1
    for p in preds:
        if p not in gt:
            FP+=1
    if TP+FP==0:
        precision=0
    else:
        precision=TP/float(TP+FP)
    if TP+FN==0:
        recall=0
    else:
        recall=TP/float(TP+FN)
    return precision,recall
# ------------------------------------------------------------------------------------------


def report_2017(y_true, y_pred, target_names, digits=2):
    """scikit-learn 0.19.1's classification_report for a label-indicator input, transcribed.

    Differences from today: F1 = 2PR/(P+R) (0 where TP == 0), a single 'avg / total' row that is
    the support-weighted mean (np.average, which raises ZeroDivisionError on zero support).
    """
    tp = (y_true & y_pred).sum(axis=0)
    pred_sum = y_pred.sum(axis=0)
    true_sum = y_true.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = tp / np.where(pred_sum == 0, 1, pred_sum)
        p[pred_sum == 0] = 0.0
        r = tp / np.where(true_sum == 0, 1, true_sum)
        r[true_sum == 0] = 0.0
        beta2 = 1.0
        f1 = (1 + beta2) * p * r / (beta2 * p + r)
        f1[tp == 0] = 0.0
    s = true_sum
    last_line_heading = "avg / total"
    name_width = max(len(cn) for cn in target_names)
    width = max(name_width, len(last_line_heading), digits)
    headers = ["precision", "recall", "f1-score", "support"]
    head_fmt = "{:>{width}s} " + " {:>9}" * len(headers)
    report = head_fmt.format("", *headers, width=width)
    report += "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in zip(target_names, p, r, f1, s):
        report += row_fmt.format(*row, width=width, digits=digits)
    report += "\n"
    report += row_fmt.format(
        last_line_heading,
        np.average(p, weights=s),
        np.average(r, weights=s),
        np.average(f1, weights=s),
        np.sum(s),
        width=width,
        digits=digits,
    )
    return report


def indicator(rng, n, k, density):
    return (rng.random((n, k)) < np.asarray(density)).astype(np.int64)


def make_cases():
    cases = []
    rng = np.random.default_rng(20170501)

    # 40 x 7 with every corner: an all-zero true column (3), an all-zero predicted column (5),
    # a sample without true labels (7), one without predictions (11), one with neither (2).
    yt = indicator(rng, 40, 7, 0.35)
    yp = np.where(rng.random((40, 7)) < 0.75, yt, 1 - yt)
    yt[:, 3] = 0
    yp[:, 5] = 0
    yt[7, :] = 0
    yp[11, :] = 0
    yt[2, :] = 0
    yp[2, :] = 0
    cases.append(("corners_40x7", yt, yp, GENRES[:7], [2, 4]))

    # The tutorial's 20 genres, with a spread of label frequencies; names wider than 12.
    density = np.linspace(0.03, 0.5, 20)
    yt = indicator(rng, 60, 20, density)
    yp = np.where(rng.random((60, 20)) < 0.6, yt, (rng.random((60, 20)) < 0.3).astype(np.int64))
    cases.append(("genres_60x20", yt, yp, GENRES, [2, 4]))

    # 130 labels: numpy's pairwise summation splits blocks above 128 elements.
    yt = indicator(rng, 9, 130, 0.3)
    yp = indicator(rng, 9, 130, 0.3)
    cases.append(("wide_9x130", yt, yp, ["L%d" % i for i in range(130)], [3]))

    # Non-ASCII names (width counts code points) and a name longer than 'weighted avg'.
    yt = indicator(rng, 12, 3, 0.5)
    yp = indicator(rng, 12, 3, 0.5)
    cases.append(("unicode_12x3", yt, yp, ["Café", "Ωmega → ∞", "Science Fiction Horror"], [2, 13]))

    # No true labels anywhere: the weighted average falls back to the plain mean (sklearn catches
    # the ZeroDivisionError of np.average); 0.19's report raised, so no 2017 report here.
    yt = np.zeros((5, 3), dtype=np.int64)
    yp = indicator(rng, 5, 3, 0.4)
    cases.append(("no_true_labels_5x3", yt, yp, ["a", "b", "c"], [2]))
    return cases


def case_json(name, yt, yp, names, digits_list):
    out = {"name": name, "y_true": yt.tolist(), "y_pred": yp.tolist(), "target_names": names}
    p, r, f, s = precision_recall_fscore_support(yt, yp, average=None)
    out["per_label"] = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
    out["averages"] = {}
    for avg in ["micro", "macro", "weighted", "samples"]:
        out["averages"][avg] = [float(x) for x in precision_recall_fscore_support(yt, yp, average=avg)[:3]]
    out["reports"] = [
        {"digits": d, "text": classification_report(yt, yp, target_names=names, digits=d)} for d in digits_list
    ]
    if yt.sum() > 0:
        out["reports_2017"] = [{"digits": d, "text": report_2017(yt, yp, names, d)} for d in digits_list]
    precs, recs = [], []
    for i in range(len(yt)):
        gt = [names[j] for j in range(len(names)) if yt[i, j] == 1]
        preds = [names[j] for j in range(len(names)) if yp[i, j] == 1]
        a, b = precision_recall(gt, preds)
        precs.append(a)
        recs.append(b)
    out["per_movie"] = {
        "precision": [float(x) for x in precs],
        "recall": [float(x) for x in recs],
        "mean_precision": float(np.mean(np.asarray(precs))),
        "mean_recall": float(np.mean(np.asarray(recs))),
    }
    return out


def top_k_cases():
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((8, 6)), 1)  # coarse values: many exact ties
    scores[0] = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    scores[1] = [0.9, 0.1, 0.9, 0.2, 0.9, 0.3]
    scores[2] = [-0.0, 0.0, -1.0, 1e-300, -1e-300, 0.0]
    out = []
    for k in [1, 3, 6]:
        idx = [np.argsort(row, kind="stable")[-k:].tolist() for row in scores]
        indicator_rows = np.zeros_like(scores, dtype=np.int64)
        for i, row in enumerate(idx):
            indicator_rows[i, row] = 1
        out.append({"k": k, "top": idx, "indicator": indicator_rows.tolist()})
    # The tutorial's MLP evaluation: top-3 names per movie, then its per-movie function.
    yt = (rng.random((8, 6)) < 0.4).astype(np.int64)
    precs, recs = [], []
    for i, row in enumerate(scores):
        gt = [j for j in range(6) if yt[i, j] == 1]
        top_3 = np.argsort(row, kind="stable")[-3:]
        a, b = precision_recall(gt, list(top_3))
        precs.append(a)
        recs.append(b)
    return {
        "scores": scores.tolist(),
        "cases": out,
        "top3_per_movie": {
            "y_true": yt.tolist(),
            "mean_precision": float(np.mean(np.asarray(precs))),
            "mean_recall": float(np.mean(np.asarray(recs))),
        },
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        cases = [case_json(*c) for c in make_cases()]
    manifest = {
        "format_version": 1,
        "generator": GENERATOR,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scikit-learn": sklearn.__version__},
        "zero_division": "warn (ill-defined values are 0.0)",
        "cases": cases,
        "top_k": top_k_cases(),
    }
    with open(os.path.join(OUT, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=None, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
