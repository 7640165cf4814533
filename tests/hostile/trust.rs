//! Issue 21, class 4: model files are checked before they score anything — finite
//! parameters, naive Bayes log-probabilities ≤ 0 and counts ≥ 0 — and the error names the
//! file and the tensor.

use std::path::Path;

use cinegenre::model_file::ModelFile;

use crate::clobber::{cinegenre, small_movies, stderr};
use crate::common::scratch;

/// `file` with value `index` of tensor `name` set to `value`, written to `to`.
fn poison(file: &Path, name: &str, index: usize, value: f64, to: &Path) {
    let mut model = ModelFile::load_any(file).unwrap();
    let shape = model.tensor_shape(name).unwrap_or_else(|| panic!("no tensor {name}")).to_vec();
    let n: usize = shape.iter().product();
    match model.f64_tensor(name, &shape) {
        Ok(data) => {
            let mut data = data.to_vec();
            data[index % n] = value;
            model.put_f64(name, shape, data);
        }
        Err(_) => {
            let mut data = model.f32_tensor(name, &shape).unwrap();
            data[index % n] = value as f32;
            model.put_f32(name, shape, data);
        }
    }
    model.save(to).unwrap();
}

#[test]
fn damaged_model_parameters_are_refused_naming_file_and_tensor() {
    let dir = scratch("trust");
    std::fs::write(dir.join("movies.jsonl"), small_movies(24)).unwrap();
    let steps: [&[&str]; 5] = [
        &["labels", "--input", "movies.jsonl", "--out", "Y.npy"],
        &["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"],
        &["train", "nb", "--x", "X.mtx", "--y", "Y.npy", "--out", "nb.safetensors"],
        &["train", "svm", "--x", "X.mtx", "--y", "Y.npy", "--c", "1", "--quiet", "--out", "svm.safetensors"],
        &[
            "train",
            "mlp",
            "--x",
            "X.mtx",
            "--y",
            "Y.npy",
            "--layers",
            "4",
            "--epochs",
            "2",
            "--out",
            "mlp.safetensors",
        ],
    ];
    for args in steps {
        let out = cinegenre(&dir, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let mlp = ModelFile::load_any(&dir.join("mlp.safetensors")).unwrap();
    let kernel = mlp.tensor_names().find(|n| n.ends_with(".kernel")).unwrap().to_string();
    let bias = mlp.tensor_names().find(|n| n.ends_with(".bias")).unwrap().to_string();
    let cases: Vec<(&str, String, f64, &str)> = vec![
        ("nb", "feature_log_prob".into(), f64::NAN, "NaN"),
        ("nb", "feature_log_prob".into(), 0.5, "0.5"),
        ("nb", "class_log_prior".into(), f64::INFINITY, "inf"),
        ("nb", "feature_count".into(), -1.0, "-1"),
        ("svm", "coef".into(), f64::INFINITY, "inf"),
        ("svm", "intercept".into(), f64::NAN, "NaN"),
        ("mlp", kernel, f64::NAN, "NaN"),
        ("mlp", bias, f64::NEG_INFINITY, "-inf"),
    ];
    for (kind, tensor, value, shown) in cases {
        let bad = format!("bad-{kind}.safetensors");
        poison(&dir.join(format!("{kind}.safetensors")), &tensor, 3, value, &dir.join(&bad));
        let out = cinegenre(&dir, &["predict", "--model", &bad, "--x", "X.mtx", "--out", "P.npy"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{kind} {tensor}={value} was used: {err}");
        assert!(
            err.contains(&bad) && err.contains(&format!("tensor `{tensor}` holds {shown}")),
            "{kind} {tensor}={value}: {err}"
        );
        assert!(!dir.join("P.npy").exists(), "predictions were written from a damaged model");
    }
    // The undamaged models still predict.
    for kind in ["nb", "svm", "mlp"] {
        let out = cinegenre(
            &dir,
            &["predict", "--model", &format!("{kind}.safetensors"), "--x", "X.mtx", "--out", "P.npy"],
        );
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
    }
}
