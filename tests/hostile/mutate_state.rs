//! Reader mutation (proptest) for the state and cache files of issue 21: the TMDB cache
//! entries and `rate.json`, the VGG feature index / checkpoint, and the SVM and MLP model
//! files beside the naive Bayes one of `mutate`. Each read returns or fails cleanly, quickly,
//! within its allocation bound.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use cinegenre::predictor::Predictor;
use cinegenre::tmdb::{Cache, Lookup, RATE_FILE, RateLimit, TokenBucket};
use cinegenre::vgg::extract::{FeatureIndex, FileStamp, Skipped};
use proptest::prelude::*;

use crate::common::{Bound, apply, check_reader, mutations, scratch, serial};

/// Small JSON state: the text, serde's values, the parsed struct (≈ 10× for short fields).
const STATE: Bound = Bound::input(32);
/// Model files: the bytes once, the tensors once, the header.
const MODEL: Bound = Bound::input(8);

fn index_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let stamp = FileStamp { len: 16_800, modified_s: 1_700_000_000, modified_ns: 5 };
        let index = FeatureIndex {
            format_version: 1,
            weights: "random weights (seed 0)".into(),
            arch: "vgg16/16".into(),
            input_hw: (32, 32),
            resize: "nearest".into(),
            normalization: "caffe".into(),
            flatten: "nhwc".into(),
            precision: "f32".into(),
            dim: 32,
            done: 3,
            ids: vec!["862".into(), "8844".into()],
            paths: vec!["posters/862.jpg".into(), "posters/8844.jpg".into()],
            stamps: vec![stamp, stamp],
            skipped: vec![Skipped {
                path: "posters/1.jpg".into(),
                error: "truncated".into(),
                stamp: Some(stamp),
            }],
        };
        serde_json::to_vec_pretty(&index).unwrap()
    })
}

/// An SVM and an MLP model file, trained once on four rows (via the CLI's own code path:
/// the library types).
fn model_bytes(kind: &str) -> Vec<u8> {
    // Trained once for every case of the run (a static is never dropped: the folder stays).
    static DIR: OnceLock<crate::common::ScratchDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = scratch("mutate-models");
        std::fs::write(dir.join("movies.jsonl"), crate::clobber::small_movies(12)).unwrap();
        for args in [
            &["labels", "--input", "movies.jsonl", "--out", "Y.npy"][..],
            &["vectorize", "--input", "movies.jsonl", "--out", "X.mtx"],
            &[
                "train",
                "svm",
                "--x",
                "X.mtx",
                "--y",
                "Y.npy",
                "--c",
                "1",
                "--quiet",
                "--out",
                "svm.safetensors",
            ],
            &[
                "train",
                "mlp",
                "--x",
                "X.mtx",
                "--y",
                "Y.npy",
                "--layers",
                "3",
                "--epochs",
                "1",
                "--out",
                "mlp.safetensors",
            ],
        ] {
            let out = crate::clobber::cinegenre(&dir, args);
            assert!(out.status.success(), "{args:?}: {}", crate::clobber::stderr(&out));
        }
        dir
    });
    std::fs::read(dir.join(format!("{kind}.safetensors"))).unwrap()
}

const RATE: &[u8] = br#"{"format":1,"arrived_by_unix_ms":[1700000000000,1700000000500,1700000001000]}"#;
const PAGE: &[u8] = br#"{"page":1,"results":[{"id":862,"title":"Toy Story","genre_ids":[16,35]}],"total_pages":3,"total_results":60}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn mutated_feature_indexes_read_or_fail_cleanly(m in mutations()) {
        let _serial = serial();
        let dir = scratch("mutate-index");
        check_reader("feature index", &dir.join("F.ids.json"), &apply(index_bytes(), &m), STATE, FeatureIndex::read)?;
    }

    #[test]
    fn mutated_rate_files_are_read_or_ignored_quickly(m in mutations()) {
        let _serial = serial();
        let dir = scratch("mutate-rate");
        let rate = RateLimit { requests: 40, window: Duration::from_secs(10) };
        check_reader("rate.json", &dir.join(RATE_FILE), &apply(RATE, &m), STATE, |p| {
            let bucket = TokenBucket::remembering(rate, p.to_path_buf(), Duration::from_millis(1), Arc::new(|_: &str| {}));
            drop(bucket.acquire());
            Ok::<(), String>(())
        })?;
    }

    #[test]
    fn mutated_cache_entries_hit_or_are_set_aside(m in mutations()) {
        let _serial = serial();
        let dir = scratch("mutate-cache");
        let cache = Cache::open(&dir).unwrap();
        cache.put("discover/movie?page=1", b"{}").unwrap();
        let entry = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "json")).unwrap();
        let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string());
        check_reader("cache entry", &entry, &apply(PAGE, &m), STATE, |_| match cache.get("discover/movie?page=1", parse) {
            Lookup::Hit(_) | Lookup::Miss | Lookup::Corrupt(_) => Ok::<(), String>(()),
        })?;
    }

    #[test]
    fn mutated_svm_and_mlp_models_load_or_fail_cleanly(svm in any::<bool>(), m in mutations()) {
        let _serial = serial();
        let kind = if svm { "svm" } else { "mlp" };
        let dir = scratch("mutate-model-kinds");
        check_reader(kind, &dir.join("m.safetensors"), &apply(&model_bytes(kind), &m), MODEL, Predictor::load)?;
    }
}
