//! The embedded data equals the fixture files, and the combined set is what the README says.

use std::collections::HashSet;
use std::time::Instant;

use cinegenre::dataset::{
    Bundled, GenreMap, PrepareReport, bundled_bytes, bundled_sources, detect_format, load_bundled,
    load_bundled_file, load_movies, read_jsonl, read_text, write_jsonl,
};

use crate::fixtures::path as fixture;
use crate::fixtures::temp_dir;

fn fixture_path(name: &str) -> std::path::PathBuf {
    let in_tutorial = fixture(&format!("data/tmdb_tutorial/{name}"));
    if in_tutorial.exists() { in_tutorial } else { fixture(&format!("data/{name}")) }
}

#[test]
fn embedded_files_are_the_fixture_files_and_formats_agree() {
    assert_eq!(bundled_sources().len(), 10);
    assert_eq!(bundled_sources()[0].0, "paritoshgoyal_movies_with_overviews.json.gz");
    for &(name, format) in bundled_sources() {
        let path = fixture_path(name);
        let on_disk = std::fs::read(&path).unwrap();
        assert!(bundled_bytes(name) == Some(&on_disk[..]), "{name}: embedded bytes differ");
        assert_eq!(detect_format(&path, &read_text(&path).unwrap()).unwrap(), format, "{name}");
    }
}

#[test]
fn tutorial_bundle_is_the_text_model_input() {
    let (movies, report) = load_bundled(Bundled::Tutorial).unwrap();
    assert_eq!((report.read, report.duplicates, report.empty_overview), (1559, 0, 0));
    assert_eq!((report.no_genre, report.kept, movies.len()), (0, 1559, 1559));
    assert_eq!(movies, load_bundled_file("paritoshgoyal_movies_with_overviews.json.gz").unwrap());
}

/// `Bundled::All` recomputed independently with Python's `csv`, `json` and `ast.literal_eval`
/// over the fixture files in the documented order (first id wins, blank overviews dropped).
/// No id is lost to first-wins: every id with a non-blank overview somewhere is kept.
const ALL_REPORT: PrepareReport =
    PrepareReport { read: 19_717, duplicates: 9_311, empty_overview: 79, no_genre: 131, kept: 10_327 };

#[test]
fn all_bundles_cover_the_readme_ids_first_occurrence_wins() {
    let start = Instant::now();
    let (movies, report) = load_bundled(Bundled::All).unwrap();
    let elapsed = start.elapsed();
    let mut raw = Vec::new();
    for &(name, _) in bundled_sources() {
        raw.extend(load_movies(&fixture_path(name)).unwrap());
    }
    let distinct: HashSet<u64> = raw.iter().map(|m| m.id).collect();
    assert_eq!(distinct.len(), 10_406, "distinct ids over all text files (README)");
    assert_eq!(report.read, raw.len());
    assert_eq!(report.read, report.duplicates + report.empty_overview + report.kept);
    assert_eq!(report.duplicates, raw.len() - 10_406);
    assert_eq!(movies.len(), report.kept);
    assert_eq!(report, ALL_REPORT, "prepare(all files in order)");
    // Deadpool comes from the first file, with its tutorial popularity.
    let deadpool = movies.iter().find(|m| m.id == 293660).unwrap();
    assert_eq!(deadpool.popularity, Some(22.75329));
    eprintln!("Bundled::All: {report:?} in {elapsed:?}");
    let genres = GenreMap::tmdb_2017();
    assert!(movies.iter().flat_map(|m| &m.genre_ids).all(|&g| genres.name(g).is_some()));
}

#[test]
fn jsonl_round_trip_of_the_tutorial_movies() {
    let (movies, _) = load_bundled(Bundled::Tutorial).unwrap();
    let dir = temp_dir("jsonl-tutorial");
    let path = dir.join("movies.jsonl");
    write_jsonl(&path, &movies).unwrap();
    assert_eq!(read_jsonl(&path).unwrap(), movies);
    assert_eq!(load_movies(&path).unwrap(), movies, "load_movies detects JSONL");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn genre_map_matches_the_genredict_file_byte_for_byte() {
    let path = fixture("data/tmdb_tutorial/paritoshgoyal_genredict.json");
    let from_file = GenreMap::from_json_file(&path).unwrap();
    assert_eq!(from_file, GenreMap::tmdb_2017());
    let dir = temp_dir("genredict");
    let out = dir.join("genres.json");
    from_file.write_json(&out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&path).unwrap());
    // TMDB's genre/movie/list response.
    let list = dir.join("list.json");
    std::fs::write(&list, r#"{"genres":[{"id":28,"name":"Action"},{"id":12,"name":"Adventure"}]}"#).unwrap();
    let tmdb = GenreMap::from_json_file(&list).unwrap();
    assert_eq!((tmdb.ids(), tmdb.name(28)), (&[12, 28][..], Some("Action")));
    std::fs::remove_dir_all(&dir).unwrap();
}
