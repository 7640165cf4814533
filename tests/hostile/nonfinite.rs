//! NaN and ±inf where they would poison a result are refused with an error naming where they
//! are: features given to `predict` (naive Bayes, SVM, MLP), counts given to `train nb`, word
//! vectors in a file, and a training run whose loss or weights overflow.

use cinegenre::backend::Backend;
use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::embed::{Format, ReadOptions, read_vectors};
use cinegenre::kernels::Activation;
use cinegenre::labels::{LabelFile, LabelMatrix};
use cinegenre::matrix::CsrMatrix;
use cinegenre::mlp::{Mlp, OptimizerKind, Output, TrainParams, fit};
use cinegenre::predictor::{Features, Predictor};
use cinegenre::svm::{GridConfig, SvmModel};

use crate::common::{scratch, serial};

const BAD: [(f64, &str); 3] = [(f64::NAN, "NaN"), (f64::INFINITY, "inf"), (f64::NEG_INFINITY, "-inf")];

fn data() -> (CsrMatrix, LabelFile) {
    let x = CsrMatrix::from_dense(
        8,
        3,
        &[
            3.0, 0.0, 1.0, 0.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 3.0, 1.0, //
            4.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 0.0, 4.0, 0.0,
        ],
    );
    let y = vec![1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1];
    let labels = LabelMatrix::from_parts(vec![12, 35], 8, y).unwrap();
    (x, LabelFile { labels, names: vec!["Adventure".into(), "Comedy".into()], unknown: 0 })
}

/// `x` with cell (1, 2) set to `v`.
fn poisoned(v: f64) -> CsrMatrix {
    CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 1.0, v])
}

fn check_predict_refuses(model: &Predictor) {
    let (path, cpu) = (std::path::Path::new("X.mtx"), Backend::Scalar);
    for (v, name) in BAD {
        let x = Features::Sparse(poisoned(v));
        for e in [
            model.scores(&x, path, &cpu).unwrap_err(),
            model.predict(&x, path, &cpu, None).map(drop).unwrap_err(),
        ] {
            let e = e.to_string();
            assert!(e.contains("X.mtx") && e.contains(&format!("row 1, column 2 holds {name}")), "{e}");
        }
    }
    let fine = Features::Sparse(poisoned(0.5));
    assert!(model.scores(&fine, path, &cpu).unwrap().data().iter().all(|s| s.is_finite()));
}

#[test]
fn predict_svm_on_nan_or_inf_features_is_refused() {
    let _serial = serial();
    let (x, y) = data();
    let config = GridConfig { grid: vec![1.0], cv: 2, ..GridConfig::default() };
    let dir = scratch("svm");
    let path = dir.join("svm.safetensors");
    SvmModel::train(&x, &y, &config).unwrap().0.save(&path).unwrap();
    check_predict_refuses(&Predictor::load(&path).unwrap());
}

#[test]
fn predict_nb_on_nan_or_inf_features_is_refused() {
    let _serial = serial();
    let (x, y) = data();
    let dir = scratch("nb");
    let path = dir.join("nb.safetensors");
    NbModel::train(&NbParams::default(), &x, &y, None).unwrap().save(&path).unwrap();
    check_predict_refuses(&Predictor::load(&path).unwrap());
}

#[test]
fn train_nb_on_nan_says_nan_not_negative() {
    let _serial = serial();
    let (x, y) = data();
    let mut dense = x.to_dense();
    dense[5] = f64::NAN;
    let x = CsrMatrix::from_dense(8, 3, &dense);
    let e = NbModel::train(&NbParams::default(), &x, &y, None).unwrap_err().to_string();
    assert!(e.contains("row 1, column 2 holds NaN") && !e.contains("negative"), "{e}");
}

#[test]
fn mlp_predict_on_nan_or_inf_features_is_refused() {
    let _serial = serial();
    let mlp = Mlp::new(&[3, 4, 2], Activation::Relu, Output::Sigmoid, 1).unwrap();
    for (v, name) in BAD {
        let x = [0.5, 1.0, 0.0, 0.25, v as f32, 1.0];
        let e = mlp.predict_proba(&Backend::Scalar, &x, 2).unwrap_err().to_string();
        assert!(e.contains(&format!("row 1, column 1 holds {name}")), "{e}");
    }
}

#[test]
fn mlp_training_with_learning_rate_1e308_stops_with_the_epoch_and_returns_no_model() {
    let _serial = serial();
    let model = Mlp::new(&[3, 8, 2], Activation::Relu, Output::Sigmoid, 1).unwrap();
    let x: Vec<f32> = (0..48).map(|i| ((i * 7) % 11) as f32 / 11.0).collect();
    let y: Vec<f32> = (0..32).map(|i| (i % 3 == 0) as u8 as f32).collect();
    // 1e308 does not fit f32: it becomes +inf, as it would through the CLI's f32 flag.
    for lr in [1e308f64 as f32, 1e30] {
        let params = TrainParams {
            epochs: 5,
            batch: 4,
            optimizer: OptimizerKind::from_name("rmsprop", lr, 0.0).unwrap(),
            ..TrainParams::default()
        };
        let e = fit(&Backend::Scalar, model.clone(), &x, &y, &params).map(drop).unwrap_err().to_string();
        assert!(e.contains("training diverged") && e.contains("at epoch 1/5"), "lr {lr}: {e}");
        assert!(e.contains("no model was written"), "{e}");
    }
    // Non-finite training data is refused before the first step.
    let mut bad = x.clone();
    bad[4] = f32::NAN;
    let params = TrainParams { epochs: 1, batch: 4, ..TrainParams::default() };
    let e = fit(&Backend::Scalar, model, &bad, &y, &params).map(drop).unwrap_err().to_string();
    assert!(e.contains("invalid X: row 1, column 1 holds NaN"), "{e}");
}

#[test]
fn word_vectors_with_nan_or_inf_components_are_refused_naming_word_and_line() {
    let _serial = serial();
    let dir = scratch("vectors");
    let text = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        read_vectors(&path, Some(Format::Text), &ReadOptions::default()).unwrap_err().to_string()
    };
    let e = text("nan.txt", "2 2\ngood 1 2\nbad 0.5 nan\n");
    assert!(e.contains("nan.txt:3: value 2 of `bad`, `nan`, is not a finite float32"), "{e}");
    let e = text("glove.txt", "good 1 2\nbad inf 0.5\n");
    assert!(e.contains("glove.txt:2: value 1 of `bad`, `inf`"), "{e}");
    let e = text("overflow.txt", "1 2\nbig 1e39 0\n");
    assert!(e.contains("overflow.txt:2: value 1 of `big`, `1e39`, is not a finite float32"), "{e}");
    let mut bin = b"2 2\ngood ".to_vec();
    [1.0f32, 2.0].iter().for_each(|v| bin.extend(v.to_le_bytes()));
    bin.extend(b"bad ");
    [0.5f32, f32::NEG_INFINITY].iter().for_each(|v| bin.extend(v.to_le_bytes()));
    let path = dir.join("inf.bin");
    std::fs::write(&path, &bin).unwrap();
    let e = read_vectors(&path, None, &ReadOptions::default()).unwrap_err().to_string();
    assert!(
        e.contains("inf.bin: record 2 of 2 (byte 17): component 2 of the vector of `bad` is -inf"),
        "{e}"
    );
    // A word that is not kept is not decoded, so its NaN harms nothing.
    let keep = ["good".to_string()].into_iter().collect();
    let options = ReadOptions { keep: Some(&keep), ..ReadOptions::default() };
    assert_eq!(read_vectors(&path, None, &options).unwrap().0.len(), 1);
}
