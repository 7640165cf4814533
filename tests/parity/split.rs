//! numpy's legacy MT19937 stream and the seeded tutorial split against numpy 2.4.6
//! (fixtures/split, written by tools/gen_split.py). Everything here is exact: integer outputs,
//! and doubles built from them by one exact-rounding division.

use cinegenre::rng::Mt19937;
use cinegenre::split::{split_from_mask, tutorial_mask};

use crate::fixtures::{assert_bits_eq, floats, ints, load as load_json, string};

#[test]
fn raw_u32_stream_matches_np_random_seed() {
    let json = load_json("split/split.json");
    for case in json["cases"].as_array().unwrap() {
        let seed = case["seed"].as_u64().unwrap() as u32;
        let want = ints(&case["raw_u32"]);
        let mut rng = Mt19937::new(seed);
        let got: Vec<i64> = (0..want.len()).map(|_| rng.next_u32() as i64).collect();
        if let Some(i) = (0..want.len()).find(|&i| got[i] != want[i]) {
            panic!("seed {seed}: first difference at draw {i}: got {}, want {}", got[i], want[i]);
        }
    }
}

#[test]
fn rand_doubles_match_np_random_rand() {
    let json = load_json("split/split.json");
    for case in json["cases"].as_array().unwrap() {
        let seed = case["seed"].as_u64().unwrap() as u32;
        let want = floats(&case["rand"]);
        let mut rng = Mt19937::new(seed);
        let got: Vec<f64> = (0..want.len()).map(|_| rng.random_sample()).collect();
        assert_bits_eq(&format!("np.random.rand, seed {seed}"), &got, &want);
    }
}

#[test]
fn tutorial_masks_match_numpy() {
    let json = load_json("split/split.json");
    for case in json["cases"].as_array().unwrap() {
        let seed = case["seed"].as_u64().unwrap() as u32;
        let n = case["n"].as_u64().unwrap() as usize;
        for (fraction, want) in case["masks"].as_object().unwrap() {
            let fraction: f64 = fraction.parse().unwrap();
            let mask = tutorial_mask(n, seed, fraction);
            let bits: String = mask.iter().map(|&m| if m { '1' } else { '0' }).collect();
            let want_bits = string(&want["bits"]);
            if let Some(i) = bits.chars().zip(want_bits.chars()).position(|(a, b)| a != b) {
                panic!("seed {seed}, fraction {fraction}: masks differ first at row {i}");
            }
            assert_eq!(bits.len(), want_bits.len());
            let split = split_from_mask(&mask);
            assert_eq!(split.train.len() as u64, want["n_train"].as_u64().unwrap());
            assert_eq!(split.train.len() + split.test.len(), n);
            assert!(split.train.iter().all(|&i| mask[i]) && split.test.iter().all(|&i| !mask[i]));
        }
    }
}
