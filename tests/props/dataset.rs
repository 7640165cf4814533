//! Invariants of the data layer: CSV, JSONL and Python-literal round trips, the tutorial's
//! cleaning, `prepare` and `binarize`.

use std::collections::HashSet;
use std::path::Path;

use cinegenre::dataset::csv::{CsvReader, write_record};
use cinegenre::dataset::pyliteral::{PyValue, parse};
use cinegenre::dataset::{Movie, prepare, read_jsonl, tutorial_clean, write_jsonl};
use cinegenre::labels::binarize;
use proptest::prelude::*;

/// Cell text rich in the characters CSV quoting must survive.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![r#"[a-z,"\n\r ]{0,8}"#, "\\PC{0,6}"]
}

/// Finite decimals of up to 15 significant digits, like TMDB's popularity values (`22.75329`).
/// serde_json (without its `float_roundtrip` feature) parses these exactly; arbitrary 17-digit
/// floats can come back 1 ulp off (found by this test: 1.9153626768799397e-308).
fn popularity() -> impl Strategy<Value = f64> {
    (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=12)
        .prop_map(|(mantissa, scale)| format!("{mantissa}e-{scale}").parse::<f64>().unwrap())
}

fn movie() -> impl Strategy<Value = Movie> {
    (
        any::<u64>(),
        "\\PC{0,12}",
        prop_oneof!["\\PC{0,40}", r#"[a\n\r\t"\\\u{1}é✓ ]{0,10}"#],
        prop::collection::vec(any::<u32>(), 0..5),
        prop::option::of("/[a-zA-Z0-9]{1,10}\\.jpg"),
        prop::option::of("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
        prop::option::of(popularity()),
        prop::option::of("[a-z]{2}"),
    )
        .prop_map(|(id, title, overview, genre_ids, poster_path, release_date, popularity, language)| {
            Movie { id, title, overview, genre_ids, poster_path, release_date, popularity, language }
        })
}

fn py_value() -> impl Strategy<Value = PyValue> {
    let leaf = prop_oneof![
        Just(PyValue::None),
        any::<bool>().prop_map(PyValue::Bool),
        any::<i64>().prop_map(PyValue::Int),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(PyValue::Float),
        prop_oneof![r#"[a'"\\\n\t\r\u{0}é ]{0,8}"#, "\\PC{0,8}"].prop_map(PyValue::Str),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(PyValue::List),
            prop::collection::vec((inner.clone(), inner), 0..4).prop_map(PyValue::Dict),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn csv_write_then_parse_round_trips(
        width in 1usize..5,
        cells in prop::collection::vec(cell(), 1..40),
    ) {
        let records: Vec<Vec<String>> = cells.chunks(width).filter(|r| r.len() == width)
            .map(|r| r.to_vec()).collect();
        let mut bytes = Vec::new();
        for record in &records {
            write_record(&mut bytes, record).unwrap();
        }
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = CsvReader::new(Path::new("prop.csv"), &text);
        let mut got = Vec::new();
        let mut line = 1;
        while let Some(record) = reader.next_record().unwrap() {
            prop_assert_eq!(record.line, line, "record start line");
            let fields: Vec<String> = record.fields.into_iter().map(|f| f.text.into_owned()).collect();
            line += 1 + fields.iter().map(|f| f.matches('\n').count()).sum::<usize>();
            got.push(fields);
        }
        prop_assert_eq!(got, records);
    }

    #[test]
    fn jsonl_round_trips_arbitrary_movies(movies in prop::collection::vec(movie(), 0..8)) {
        let dir = std::env::temp_dir().join(format!("cinegenre-props-jsonl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.jsonl");
        write_jsonl(&path, &movies).unwrap();
        let back = read_jsonl(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        prop_assert_eq!(back, movies);
    }

    #[test]
    fn python_literals_round_trip(value in py_value()) {
        let text = value.to_string();
        prop_assert_eq!(parse(&text).unwrap(), value, "literal: {}", text);
    }

    #[test]
    fn tutorial_clean_removes_exactly_commas_and_periods(
        base in "[^,.]{0,30}",
        inserts in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![Just(','), Just('.')]), 0..10),
    ) {
        let mut dirty: Vec<char> = base.chars().collect();
        for (at, c) in inserts {
            let pos = at.index(dirty.len() + 1);
            dirty.insert(pos, c);
        }
        let dirty: String = dirty.into_iter().collect();
        prop_assert_eq!(tutorial_clean(&dirty), base);
    }

    #[test]
    fn prepare_keeps_first_unique_non_blank(
        specs in prop::collection::vec((0u64..6, prop_oneof![Just(""), Just(" \t"), Just("plot")], 0usize..3), 0..20),
    ) {
        let movies: Vec<Movie> = specs.iter().enumerate().map(|(i, &(id, overview, n_genres))| Movie {
            id, title: i.to_string(), overview: overview.into(), genre_ids: vec![18; n_genres],
            poster_path: None, release_date: None, popularity: None, language: None,
        }).collect();
        let (kept, report) = prepare(movies.clone());
        prop_assert_eq!(report.read, report.duplicates + report.empty_overview + report.kept);
        prop_assert_eq!(report.kept, kept.len());
        let ids: HashSet<u64> = kept.iter().map(|m| m.id).collect();
        prop_assert_eq!(ids.len(), kept.len(), "ids unique");
        for m in &kept {
            let first = movies.iter().find(|x| x.id == m.id).unwrap();
            prop_assert_eq!(first, m, "kept the first occurrence");
            prop_assert!(!m.overview.trim().is_empty());
        }
        prop_assert_eq!(report.no_genre, kept.iter().filter(|m| m.genre_ids.is_empty()).count());
    }

    #[test]
    fn binarize_rows_hold_each_known_genre_once(
        lists in prop::collection::vec(prop::collection::vec(0u32..8, 0..6), 0..12),
        columns in prop::collection::btree_set(0u32..8, 0..8),
    ) {
        let movies: Vec<Movie> = lists.iter().map(|g| Movie {
            id: 0, title: String::new(), overview: String::new(), genre_ids: g.clone(),
            poster_path: None, release_date: None, popularity: None, language: None,
        }).collect();
        let columns: Vec<u32> = columns.into_iter().collect();
        let b = binarize(&movies, Some(&columns)).unwrap();
        let mut unknown = 0;
        for (i, genres) in lists.iter().enumerate() {
            let distinct: HashSet<u32> = genres.iter().copied().collect();
            let known = distinct.iter().filter(|g| columns.contains(g)).count();
            unknown += distinct.len() - known;
            prop_assert_eq!(b.labels.row(i).iter().map(|&v| usize::from(v)).sum::<usize>(), known);
        }
        prop_assert_eq!(b.unknown, unknown);
    }
}
