//! Word-vector files and mean vectors against gensim 4.4.0 (`tools/gen_word2vec.py`): files
//! read back bit-exact, the writers reproduce gensim's files byte for byte, and the tutorial's
//! float32 mean vectors are reproduced bit for bit.

use std::collections::HashSet;

use cinegenre::embed::{
    Format, ReadOptions, Utf8Errors, WordVectors, mean_vectors, needed_words, read_vectors, write_vectors,
};
use serde_json::Value;

use crate::fixtures::{load, path, string, temp_dir, usizes, vec_of};

fn fixture() -> Value {
    load("word2vec/word2vec.json")
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Read `fixture[key]["file"]` and compare words and vector bits with what gensim loaded.
fn check_read(key: &str, options: &ReadOptions) -> WordVectors {
    let want = &fixture()[key];
    let file = path(&format!("word2vec/{}", string(&want["file"])));
    let (got, _) = read_vectors(&file, None, options).unwrap_or_else(|e| panic!("{key}: {e}"));
    let words: Vec<String> = vec_of(&want["words"], key);
    assert_eq!(got.words(), &words[..], "{key}: words");
    assert_eq!(got.dim(), want["dim"].as_u64().unwrap() as usize, "{key}: dim");
    let want_bits: Vec<u32> = vec_of(&want["bits"], key);
    assert_eq!(bits(got.data()), want_bits, "{key}: vector bits");
    got
}

#[test]
fn binary_file_reads_bit_exact() {
    check_read("vectors_bin", &ReadOptions::default());
}

#[test]
fn text_file_reads_bit_exact() {
    check_read("vectors_txt", &ReadOptions::default());
}

#[test]
fn c_tool_layout_with_a_repeated_word_keeps_the_first() {
    check_read("c_tool_bin", &ReadOptions::default());
}

#[test]
fn glove_file_without_header_is_detected() {
    check_read("glove_txt", &ReadOptions::default());
}

#[test]
fn invalid_utf8_is_replaced_as_python_does_or_refused() {
    check_read("bad_utf8_bin", &ReadOptions { utf8_errors: Utf8Errors::Replace, ..Default::default() });
    let err = read_vectors(&path("word2vec/bad_utf8.bin"), None, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("record 1 of 3 (byte 4)"), "{err}");
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
}

#[test]
fn writers_are_byte_identical_to_gensim() {
    let dir = temp_dir("word2vec-writers");
    for (file, format) in [("vectors.bin", Format::Binary), ("vectors.txt", Format::Text)] {
        let original = path(&format!("word2vec/{file}"));
        let (vectors, _) = read_vectors(&original, None, &ReadOptions::default()).unwrap();
        let copy = dir.join(file);
        write_vectors(&copy, &vectors, format).unwrap();
        let (got, want) = (std::fs::read(&copy).unwrap(), std::fs::read(&original).unwrap());
        if got != want {
            let at = got.iter().zip(&want).position(|(a, b)| a != b).unwrap_or(got.len().min(want.len()));
            let show = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(20)..(at + 40).min(b.len())]).into_owned()
            };
            panic!("{file}: first difference at byte {at}: got {:?}, want {:?}", show(&got), show(&want));
        }
    }
}

#[test]
fn filtered_read_keeps_only_the_listed_words_in_file_order() {
    let keep: HashSet<String> = ["King", "café", "w7", "absent"].iter().map(|s| s.to_string()).collect();
    let options = ReadOptions { keep: Some(&keep), ..Default::default() };
    let all = check_read("vectors_bin", &ReadOptions::default());
    for file in ["vectors.bin", "vectors.txt"] {
        let (got, report) = read_vectors(&path(&format!("word2vec/{file}")), None, &options).unwrap();
        assert_eq!(got.words(), ["King", "café", "w7"], "{file}");
        assert_eq!(report.records, 60, "{file}");
        for w in got.words() {
            assert_eq!(bits(got.get(w).unwrap()), bits(all.get(w).unwrap()), "{file}: {w}");
        }
    }
}

#[test]
fn tutorial_mean_vectors_are_bit_exact() {
    let want = &fixture()["means"];
    let docs: Vec<String> = vec_of(&want["docs"], "docs");
    let needed = needed_words(&docs);
    let options = ReadOptions { keep: Some(&needed), ..Default::default() };
    let (vectors, _) = read_vectors(&path("word2vec/means_vocab.bin"), None, &options).unwrap();
    let got = mean_vectors(&docs, &vectors);
    assert_eq!(got.kept, usizes(&want["kept"]), "kept documents");
    let dropped: Vec<(usize, String)> = vec_of(&want["dropped"], "dropped");
    let got_dropped: Vec<(usize, String)> =
        got.dropped.iter().map(|&(i, r)| (i, r.as_str().to_string())).collect();
    assert_eq!(got_dropped, dropped, "dropped documents");
    let want_bits: Vec<u32> = vec_of(&want["bits"], "bits");
    let got_bits = bits(&got.rows);
    let bad: Vec<usize> = (0..want_bits.len()).filter(|&k| got_bits.get(k) != Some(&want_bits[k])).collect();
    assert!(
        bad.is_empty() && got_bits.len() == want_bits.len(),
        "{} of {} mean values differ; first: {:?}",
        bad.len(),
        want_bits.len(),
        bad.iter()
            .take(5)
            .map(|&k| (k, f32::from_bits(got_bits[k]), f32::from_bits(want_bits[k])))
            .collect::<Vec<_>>()
    );
}

#[test]
fn text_numbers_are_numpy_float32_str() {
    let want = &fixture()["f32_str"];
    let values: Vec<u32> = vec_of(&want["bits"], "bits");
    let strings: Vec<String> = vec_of(&want["str"], "str");
    let bad: Vec<(f32, String, &String)> = values
        .iter()
        .zip(&strings)
        .map(|(&b, s)| (f32::from_bits(b), cinegenre::embed::numpy_f32_str(f32::from_bits(b)), s))
        .filter(|(_, got, want)| got != *want)
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} differ; first: {:?}",
        bad.len(),
        values.len(),
        &bad[..bad.len().min(5)]
    );
}
