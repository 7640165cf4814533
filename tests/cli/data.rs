//! `dataset`, `labels` and `vectorize` on bad input: empty files, missing columns, malformed
//! CSV and invalid UTF-8 are named by file and line, and a failing command keeps what was there.

use crate::Scratch;

#[test]
fn empty_inputs_are_named() {
    let s = Scratch::new("empty");
    s.write("empty.txt", "");
    s.write("empty.csv", "");
    s.fails(
        &["vectorize", "--input", "empty.txt", "--out", "X.mtx"],
        "X.mtx",
        &["empty.txt", "no documents"],
    );
    s.fails(&["dataset", "--input", "empty.csv", "--out", "m.jsonl"], "m.jsonl", &["empty.csv:1", "empty"]);
}

#[test]
fn missing_columns_are_named() {
    let s = Scratch::new("columns");
    s.write("docs.csv", "title,overview\nAlien,space horror story\nHeat,heist crime story\n");
    s.fails(
        &["vectorize", "--input", "docs.csv", "--column", "plot", "--out", "X.mtx"],
        "X.mtx",
        &["docs.csv:1", "`plot`"],
    );
    // `keywords` makes the detector take it for TMDB 5000, which needs `genres`.
    s.write("tmdb.csv", "id,title,overview,keywords\n19995,Avatar,A marine on Pandora,[]\n");
    s.fails(&["dataset", "--input", "tmdb.csv", "--out", "m.jsonl"], "m.jsonl", &["tmdb.csv:1", "`genres`"]);
}

#[test]
fn malformed_csv_rows_are_named_by_line() {
    let s = Scratch::new("csv");
    s.write("quote.csv", "title,overview\nAlien,space horror\nHeat,\"heist crime\nTen,ten\n");
    s.fails(
        &["vectorize", "--input", "quote.csv", "--out", "X.mtx"],
        "X.mtx",
        &["quote.csv:3", "unterminated"],
    );
    s.write("fields.csv", "title,overview\nAlien,space horror\nHeat,heist,crime\n");
    s.fails(
        &["vectorize", "--input", "fields.csv", "--out", "X.mtx"],
        "X.mtx",
        &["fields.csv:3", "3 fields"],
    );
    s.write(
        "tmdb.csv",
        "id,title,overview,genres,keywords\n1,A,space war,[],[]\n2,B,love story,\"[{\"\"id\"\": 18}]\"\n",
    );
    s.fails(&["dataset", "--input", "tmdb.csv", "--out", "m.jsonl"], "m.jsonl", &["tmdb.csv:3", "4 fields"]);
}

#[test]
fn invalid_utf8_is_named_by_line() {
    let s = Scratch::new("utf8");
    s.write("docs.txt", b"space war story\nlove story\nghost \xff\xfe story\n");
    s.fails(&["vectorize", "--input", "docs.txt", "--out", "X.mtx"], "X.mtx", &["docs.txt:3", "UTF-8"]);
}

#[test]
fn a_failing_command_keeps_the_previous_output() {
    let s = Scratch::new("keep");
    s.write("X.mtx", "old");
    s.write("bad.txt", b"fine line\n\xc3\x28 broken\n");
    let out = s.cinegenre(&["vectorize", "--input", "bad.txt", "--out", "X.mtx"]);
    assert!(!out.success && out.stderr.starts_with("error: bad.txt:2"), "{}", out.stderr);
    assert_eq!(s.read("X.mtx"), "old");
    assert_eq!(s.entries(), ["X.mtx", "bad.txt"]);
}
