//! Word vectors: `vectors train|neighbors|convert` and `embed`, their reports of dropped
//! documents, the vector files and the flags they refuse.

use cinegenre::io::{NpyData, read_npy};

use crate::{Scratch, small_movies};

#[test]
fn vectors_train_convert_neighbors_and_embed() {
    let s = Scratch::new("vectors");
    s.write("movies.jsonl", small_movies(60));
    let args =
        ["--input", "movies.jsonl", "--dim", "8", "--epochs", "2", "--min-count", "1", "--threads", "1"];
    let out = s.ok(&[&["vectors", "train"][..], &args, &["--out", "v.bin"]].concat());
    assert!(out.contains("trained 7 words × 8 dims on 60 documents"), "{out}");
    let neighbors = s.ok(&["vectors", "neighbors", "space", "--vectors", "v.bin", "--k", "3"]);
    assert_eq!(neighbors.lines().count(), 3, "{neighbors}");
    s.write("need.txt", "The space of a story\n");
    let out =
        s.ok(&["vectors", "convert", "--vectors", "v.bin", "--vocab-from", "need.txt", "--out", "two.txt"]);
    assert!(out.contains("read 7 records (0 repeated), wrote 2 words × 8 dims"), "{out}");
    assert_eq!(s.read("two.txt").lines().count(), 3);
    s.ok(&["vectors", "convert", "--vectors", "v.bin", "--out", "v.txt"]);
    s.ok(&[
        "embed",
        "--vectors",
        "v.txt",
        "--input",
        "movies.jsonl",
        "--out",
        "E.npy",
        "--kept",
        "kept.json",
    ]);
    let array = read_npy(&s.path("E.npy")).unwrap();
    assert_eq!(array.shape, vec![60, 8]);
    assert!(matches!(array.data, NpyData::F32(_)), "E.npy must be float32");
    let kept: serde_json::Value = serde_json::from_str(&s.read("kept.json")).unwrap();
    assert_eq!(kept["kept"].as_array().unwrap().len(), 60);
    assert_eq!(kept["dropped"].as_array().unwrap().len(), 0);
}

#[test]
fn embed_reports_dropped_documents_and_bad_vector_files() {
    let s = Scratch::new("embed-errors");
    s.write("docs.txt", "the of and\nCats purr\nzzz\n");
    let mut bin = b"2 2\n".to_vec();
    for (w, v) in [("cats", [1.0f32, 2.0]), ("purr", [3.0, 4.0])] {
        bin.extend(format!("{w} ").as_bytes());
        v.iter().for_each(|x| bin.extend(x.to_le_bytes()));
    }
    s.write("v.bin", &bin);
    let out = s.cinegenre(&[
        "embed",
        "--vectors",
        "v.bin",
        "--input",
        "docs.txt",
        "--out",
        "E.npy",
        "--kept",
        "k.json",
    ]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stderr.contains("dropped 2 of 3 documents: 1 with only stop words, 1 with no word"),
        "{}",
        out.stderr
    );
    let kept: serde_json::Value = serde_json::from_str(&s.read("k.json")).unwrap();
    assert_eq!(kept["kept"], serde_json::json!([1]));
    std::fs::remove_file(s.path("E.npy")).unwrap();
    std::fs::remove_file(s.path("k.json")).unwrap();

    s.write("cut.bin", &bin[..bin.len() - 2]);
    s.fails(
        &["embed", "--vectors", "cut.bin", "--input", "docs.txt", "--out", "E.npy"],
        "E.npy",
        &["cut.bin", "record 2 of 2", "truncated"],
    );
    s.write("bad.txt", "2 2\ncats 1 2\npurr 3\n");
    s.fails(
        &["embed", "--vectors", "bad.txt", "--input", "docs.txt", "--out", "E.npy"],
        "E.npy",
        &["bad.txt:3", "`purr` has 1 values, expected 2"],
    );
    s.write("none.txt", "zzz\n");
    s.fails(
        &["embed", "--vectors", "v.bin", "--input", "none.txt", "--out", "E.npy"],
        "E.npy",
        &["v.bin", "none of the 1 documents"],
    );
    s.fails(&["vectors", "neighbors", "dog", "--vectors", "v.bin"], "x", &["`dog` is not among the 2 words"]);
    s.fails(
        &["vectors", "train", "--input", "docs.txt", "--out", "w.bin"],
        "w.bin",
        &["min-count", "no word occurs 5 times"],
    );
    for command in
        [&["embed", "--help"][..], &["vectors", "train", "--help"], &["vectors", "convert", "--help"]]
    {
        assert!(s.ok(command).contains("Usage: cinegenre"));
    }
}

#[test]
fn vectors_train_refuses_out_of_range_numbers_before_any_work() {
    let s = Scratch::new("vectors-flags");
    s.write("movies.jsonl", small_movies(6));
    let train = |flag: &'static str, value: &'static str| {
        ["vectors", "train", "--input", "movies.jsonl", "--out", "v.bin", flag, value]
    };
    s.refuses(&[
        (&train("--dim", "0"), &["--dim", "0"]),
        (&train("--dim", "1000000"), &["--dim", "1000000"]),
        (&train("--threads", "100000"), &["--threads", "100000"]),
        (&train("--window", "0"), &["--window", "0"]),
        (&train("--epochs", "0"), &["--epochs", "0"]),
        (&train("--sample", "NaN"), &["--sample", "NaN"]),
        (&train("--sample", "-1"), &["--sample", "-1"]),
    ]);
}
