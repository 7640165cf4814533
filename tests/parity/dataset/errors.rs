//! Bad inputs, written to temp files: every error names the file and the line and/or field.

use std::io::Write;
use std::path::Path;

use cinegenre::dataset::{GenreMap, load_movies, read_jsonl, read_text};

use crate::common::scratch::ScratchFile;

const TMDB_HEADER: &str =
    "budget,genres,id,keywords,original_language,overview,popularity,release_date,title";
const MD_HEADER: &str =
    "adult,genres,id,imdb_id,original_language,overview,popularity,poster_path,release_date,title";

/// Write `content` to `name` in a fresh scratch dir for `label`.
fn write(label: &str, name: &str, content: &[u8]) -> ScratchFile {
    ScratchFile::new("parity", label, name, content)
}

fn error_of(result: cinegenre::Result<impl std::fmt::Debug>) -> String {
    result.expect_err("bad input was accepted").to_string()
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn empty_file() {
    let path = write("err-empty", "empty.csv", b"");
    assert_eq!(error_of(load_movies(&path)), format!("{}:1: the file is empty", shown(&path)));
    let blank = write("err-blank", "blank.json", b"  \n\n");
    assert_eq!(error_of(load_movies(&blank)), format!("{}:1: the file is empty", shown(&blank)));
}

#[test]
fn missing_required_column_is_named() {
    let csv = "budget,genres,id,keywords,title\n1,[],5,[],X\n";
    let path = write("err-column", "tmdb.csv", csv.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!("{}:1: field `overview`: missing required column `overview`", shown(&path))
    );
}

#[test]
fn unterminated_quote_names_the_line_where_the_field_starts() {
    let csv =
        format!("{TMDB_HEADER}\n1,[],5,[],en,fine,1.0,2001-01-01,A\n1,[],6,[],en,\"never\nclosed,1.0,,B\n");
    let path = write("err-quote", "tmdb.csv", csv.as_bytes());
    assert_eq!(error_of(load_movies(&path)), format!("{}:3: unterminated quoted field", shown(&path)));
}

#[test]
fn wrong_number_of_fields() {
    let csv = format!("{TMDB_HEADER}\n1,[],5,[],en,\"two\nlines\",1.0,2001-01-01,A\n1,[],6,[],en,short\n");
    let path = write("err-fields", "tmdb.csv", csv.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!("{}:4: the record has 6 fields but the header has 9", shown(&path))
    );
}

#[test]
fn invalid_utf8_names_the_line_also_inside_gzip() {
    let bytes = b"{\"id\": 1}\n{\"id\": 2}\n{\"title\": \"caf\xe9\"}\n";
    let path = write("err-utf8", "movies.jsonl", bytes);
    let want = format!("{}:3: invalid UTF-8 (bytes 0xe9 0x22 0x7d 0x0a)", shown(&path));
    assert_eq!(error_of(read_text(&path)), want);
    let gz_path = write("err-utf8-gz", "movies.jsonl.gz", &gzip(bytes));
    let message = error_of(load_movies(&gz_path));
    assert!(message.starts_with(&format!("{}:3: invalid UTF-8", shown(&gz_path))), "{message}");
}

#[test]
fn malformed_jsonl_line() {
    let good = r#"{"id":1,"title":"A","overview":"o","genre_ids":[18]}"#;
    let jsonl = format!("{good}\n\n{{\"id\":2,\"title\":\"B\",\n");
    let path = write("err-jsonl", "m.jsonl", jsonl.as_bytes());
    let message = error_of(read_jsonl(&path));
    assert!(message.starts_with(&format!("{}:3: malformed JSON at column", shown(&path))), "{message}");
}

#[test]
fn jsonl_field_of_the_wrong_type_or_missing_is_named() {
    let jsonl = "{\"id\":1,\"title\":\"A\",\"overview\":\"o\",\"genre_ids\":[\"Drama\"]}\n";
    let path = write("err-jsonl-type", "m.jsonl", jsonl.as_bytes());
    let message = error_of(read_jsonl(&path));
    assert!(
        message.starts_with(&format!("{}:1: field `genre_ids`: invalid type", shown(&path))),
        "{message}"
    );
    let missing = write("err-jsonl-missing", "m.jsonl", b"{\"id\":1,\"title\":\"A\",\"genre_ids\":[]}\n");
    assert_eq!(
        error_of(read_jsonl(&missing)),
        format!("{}:1: field `overview`: missing required field", shown(&missing))
    );
}

#[test]
fn malformed_genres_literal() {
    // The Waterboy's cell as the work sample corrupted it (README).
    let csv = format!(
        "{MD_HEADER}\nFalse,[],1,tt1,en,ok,1.0,,,A\nFalse,\"[{{'id': 35, 'name': 'Comedy'}} GATORADE\",10663,tt0120484,en,\"Bobby.\",9.0,/w.jpg,1998-11-06,The Waterboy\n"
    );
    let path = write("err-literal", "movies_metadata.csv", csv.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!(
            "{}:3: field `genres`: malformed Python literal: expected ',' or ']' at byte 30",
            shown(&path)
        )
    );
    let not_dicts = format!("{MD_HEADER}\nFalse,\"['Comedy']\",1,tt1,en,ok,1.0,,,A\n");
    let path = write("err-literal-shape", "movies_metadata.csv", not_dicts.as_bytes());
    assert!(
        error_of(load_movies(&path))
            .starts_with(&format!("{}:2: field `genres`: expected a dict", shown(&path)))
    );
    let empty_cell = format!("{MD_HEADER}\nFalse,,1,tt1,en,ok,1.0,,,A\n");
    let path = write("err-literal-empty", "movies_metadata.csv", empty_cell.as_bytes());
    assert!(
        error_of(load_movies(&path))
            .starts_with(&format!("{}:2: field `genres`: the cell is empty", shown(&path)))
    );
}

#[test]
fn malformed_tmdb_genres_json_and_bad_numbers() {
    let csv = format!("{TMDB_HEADER}\n1,\"[{{\"\"id\"\": \"\"x\"\"}}]\",5,[],en,o,1.0,,A\n");
    let path = write("err-tmdb-json", "tmdb.csv", csv.as_bytes());
    assert!(
        error_of(load_movies(&path))
            .starts_with(&format!("{}:2: field `genres`: not a JSON list", shown(&path)))
    );
    let csv = format!("{MD_HEADER}\nFalse,[],1997-08-20,tt1,en,ok,1.0,,,A\n");
    let path = write("err-id", "movies_metadata.csv", csv.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!("{}:2: field `id`: `1997-08-20` is not a movie id", shown(&path))
    );
    let csv = format!("{MD_HEADER}\nFalse,[],1,tt1,en,ok,/x.jpg,,,A\n");
    let path = write("err-popularity", "movies_metadata.csv", csv.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!("{}:2: field `popularity`: `/x.jpg` is not a finite number", shown(&path))
    );
}

#[test]
fn api_results_missing_field_is_named() {
    let json = "[\n{\"id\": 1, \"title\": \"A\", \"overview\": \"\", \"genre_ids\": [18]},\n{\"id\": 2, \"title\": \"B\", \"overview\": \"x\"}\n]\n";
    let path = write("err-api", "results.json", json.as_bytes());
    assert_eq!(
        error_of(load_movies(&path)),
        format!("{}:3: field `genre_ids`: result 1: missing required field", shown(&path))
    );
    let page = "{\"page\": 1, \"results\": [{\"id\": \"7\", \"title\": \"A\", \"genre_ids\": []}]}";
    let path = write("err-api-page", "page.json", page.as_bytes());
    let message = error_of(load_movies(&path));
    assert!(
        message.starts_with(&format!("{}:1: field `id`: result 0: invalid type", shown(&path))),
        "{message}"
    );
}

#[test]
fn unknown_formats_are_refused_clearly() {
    let path = write("err-format", "x.csv", b"a,b\n1,2\n");
    let message = error_of(load_movies(&path));
    assert!(message.starts_with(&format!("{}:1: not a known movie format", shown(&path))), "{message}");
    let path = write("err-format-json", "genres.json", b"{\n \"12\": \"Adventure\"\n}");
    let message = error_of(load_movies(&path));
    assert!(message.contains("without \"results\""), "{message}");
}

#[test]
fn bad_genre_maps() {
    let path = write("err-genremap", "g.json", b"{\"12\": \"Adventure\", \"x\": \"Drama\"}");
    assert_eq!(
        error_of(GenreMap::from_json_file(&path)),
        format!("{}: field `x`: key `x` is not a genre id", shown(&path))
    );
    let path =
        write("err-genremap-dup", "g.json", br#"{"genres":[{"id":1,"name":"A"},{"id":1,"name":"B"}]}"#);
    assert!(error_of(GenreMap::from_json_file(&path)).contains("genre id 1 appears twice"));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}
