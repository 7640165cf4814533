//! Multinomial naive Bayes and one-vs-rest against scikit-learn (`tools/gen_bayes.py`).

use cinegenre::bayes::{BinaryNb, NbModel, NbParams};
use cinegenre::matrix::CsrMatrix;
use cinegenre::ovr::{LabelModel, OneVsRest};

use crate::fixtures::{self, assert_close, f64_rows};

/// scikit-learn fits with the same sums in the same order; what is left is the platform's
/// `ln`/`exp`/`log1p` (≤ 1 ulp each), so a few ulps of relative error: 1e-12 leaves room.
/// (Measured: `feature_log_prob_` and `class_log_prior_` 2e-16 on the small fixture, bit-exact
/// on the tutorial's data.)
const NB_REL_TOL: f64 = 1e-12;

/// The tutorial fed *dense* counts, so BLAS summed `jll = X·log θᵀ` in its own order: `jll` of
/// magnitude ~10³ carries ~10⁻¹³ absolute rounding, which `exp(jll − lse)` turns into the same
/// relative error on a probability. Measured max 8e-13 on the 323 test movies × 20 genres.
const DENSE_PROBA_REL_TOL: f64 = 1e-12;

fn csr(value: &serde_json::Value) -> CsrMatrix {
    let (rows, data) = f64_rows(value);
    CsrMatrix::from_dense(rows, data.len() / rows, &data)
}

fn labels(value: &serde_json::Value) -> (usize, Vec<u8>) {
    let (rows, data) = f64_rows(value);
    (data.len() / rows, data.iter().map(|&v| v as u8).collect())
}

#[test]
fn small_fixture_matches_sklearn_per_label_and_one_vs_rest() {
    let fx = fixtures::load("bayes/small.json");
    let x_train = csr(&fx["x_train"]);
    let x_test = csr(&fx["x_test"]);
    let (n_labels, y_train) = labels(&fx["y_train"]);
    for case in fx["cases"].as_array().unwrap() {
        let params = NbParams {
            alpha: case["alpha"].as_f64().unwrap(),
            fit_prior: case["fit_prior"].as_bool().unwrap(),
        };
        let tag = format!("alpha={} fit_prior={}", params.alpha, params.fit_prior);
        let model = OneVsRest::<BinaryNb>::fit(&params, &x_train, &y_train, n_labels).unwrap();
        for (k, (got, want)) in model.models().iter().zip(case["labels"].as_array().unwrap()).enumerate() {
            match (got, want["constant"].as_u64()) {
                (LabelModel::Constant(c), Some(w)) => assert_eq!(u64::from(*c), w, "{tag} label {k}"),
                (LabelModel::Fitted(BinaryNb(nb)), None) => {
                    let label = |what: &str| format!("{tag} label {k} {what}");
                    assert_close(
                        &label("feature_count"),
                        nb.feature_count().data(),
                        &f64_rows(&want["feature_count"]).1,
                        0.0,
                        1.0,
                    );
                    assert_close(
                        &label("class_count"),
                        nb.class_count(),
                        &fixtures::f64s(&want["class_count"]),
                        0.0,
                        1.0,
                    );
                    assert_close(
                        &label("feature_log_prob"),
                        nb.feature_log_prob().data(),
                        &f64_rows(&want["feature_log_prob"]).1,
                        NB_REL_TOL,
                        1e-300,
                    );
                    assert_close(
                        &label("class_log_prior"),
                        nb.class_log_prior(),
                        &fixtures::f64s(&want["class_log_prior"]),
                        NB_REL_TOL,
                        1e-300,
                    );
                }
                (got, want) => panic!("{tag} label {k}: got {got:?}, sklearn constant = {want:?}"),
            }
        }
        let proba = model.scores(&x_test).unwrap();
        assert_close(
            &format!("{tag} predict_proba"),
            proba.data(),
            &f64_rows(&case["predict_proba"]).1,
            NB_REL_TOL,
            1e-300,
        );
        assert_eq!(model.predict(&x_test).unwrap(), labels(&case["predict"]).1, "{tag} predict");
    }
}

#[test]
fn saved_model_predicts_the_same() {
    let fx = fixtures::load("bayes/small.json");
    let x_train = csr(&fx["x_train"]);
    let (n_labels, y_train) = labels(&fx["y_train"]);
    let params = NbParams::default();
    let model = NbModel {
        ovr: OneVsRest::fit(&params, &x_train, &y_train, n_labels).unwrap(),
        params,
        n_features: x_train.n_cols(),
        labels: (0..n_labels).map(|k| format!("label {k}")).collect(),
        vocabulary: None,
    };
    let dir = crate::common::scratch::ScratchDir::new("parity", "nb");
    let path = dir.join("nb.safetensors");
    model.save(&path).unwrap();
    let back = NbModel::load(&path).unwrap();
    assert_eq!(back, model);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The tutorial's naive Bayes on the tutorial's own movies, against scikit-learn fed dense
/// counts exactly as the tutorial did (`fixtures/bayes/tutorial.json.gz`).
#[test]
fn tutorial_naive_bayes_matches_sklearn_on_real_overviews() {
    use cinegenre::metrics::per_movie;
    use cinegenre::split::{split_from_mask, tutorial_mask};

    let fx = fixtures::load("bayes/tutorial.json.gz");
    let (x, y) = fixtures::tutorial_counts();
    assert_eq!(
        (x.n_rows() as u64, x.n_cols() as u64),
        (fx["n_docs"].as_u64().unwrap(), fx["n_features"].as_u64().unwrap())
    );
    let classes: Vec<u32> = fixtures::vec_of(&fx["classes"], "classes");
    assert_eq!(y.genre_ids(), &classes[..]);

    let split = split_from_mask(&tutorial_mask(x.n_rows(), fx["seed"].as_u64().unwrap() as u32, 0.8));
    assert_eq!(split.train.len() as u64, fx["train_rows"].as_u64().unwrap());
    let test_index: Vec<usize> = fixtures::vec_of(&fx["test_index"], "test_index");
    assert_eq!(split.test, test_index);

    let y_train = y.select_rows(&split.train);
    let model = OneVsRest::<BinaryNb>::fit(
        &NbParams::default(),
        &x.select_rows(&split.train),
        y_train.as_slice(),
        y.n_cols(),
    )
    .unwrap();
    let fitted: Vec<&cinegenre::bayes::MultinomialNb> = model
        .models()
        .iter()
        .map(|m| match m {
            LabelModel::Fitted(BinaryNb(nb)) => nb,
            LabelModel::Constant(_) => panic!("no tutorial genre is constant in training"),
        })
        .collect();
    let priors: Vec<f64> = fitted.iter().flat_map(|nb| nb.class_log_prior().iter().copied()).collect();
    assert_close("class_log_prior", &priors, &f64_rows(&fx["class_log_prior"]).1, NB_REL_TOL, 1e-300);
    for (k, want) in fx["feature_log_prob_first3"].as_array().unwrap().iter().enumerate() {
        let label = format!("label {k} feature_log_prob");
        assert_close(&label, fitted[k].feature_log_prob().data(), &f64_rows(want).1, NB_REL_TOL, 1e-300);
    }

    let x_test = x.select_rows(&split.test);
    let proba = model.scores(&x_test).unwrap();
    assert_close(
        "predict_proba",
        proba.data(),
        &f64_rows(&fx["predict_proba"]).1,
        DENSE_PROBA_REL_TOL,
        1e-300,
    );
    let predicted = model.predict(&x_test).unwrap();
    assert_eq!(predicted, labels(&fx["predict"]).1, "predict");
    let movies = per_movie(y.select_rows(&split.test).as_slice(), &predicted, y.n_cols()).unwrap();
    // Means of identical per-movie values: equal up to the summation order of np.mean.
    assert_close(
        "mean precision",
        &[movies.mean_precision()],
        &[fx["mean_precision"].as_f64().unwrap()],
        1e-15,
        1.0,
    );
    assert_close("mean recall", &[movies.mean_recall()], &[fx["mean_recall"].as_f64().unwrap()], 1e-15, 1.0);
}
