//! The response parsers under mutation (issue 14, item 7): real bodies as the mock serves them
//! (genre list, discover and popular pages from the bundled crawl), with bytes flipped,
//! inserted, deleted or cut, or one JSON value swapped for a hostile one (huge and negative
//! numbers, wrong types, deep nesting). Each parse gives a value or an error, never a panic,
//! and no number in the body sizes the plan: `total_pages` stays within TMDB's 500.

use std::sync::OnceLock;

use cinegenre::tmdb::{Client, MAX_PAGES, RateLimit, fetch_dataset, parse_genre_list, parse_results_page};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::mock::{self, MockConfig, MockServer};
use crate::{KEY, fast_config, key, temp_dir};

/// The bodies to mutate: the genre list, discover page 1 of Action, popular page 1.
fn bodies() -> &'static [Value; 3] {
    static BODIES: OnceLock<[Value; 3]> = OnceLock::new();
    BODIES.get_or_init(|| {
        let movies = mock::tutorial_movies();
        let mut popular = movies.clone();
        popular.truncate(40);
        [
            mock::genre_list_body(),
            mock::page_body(&mock::discover(&movies, 28, None), 1),
            mock::page_body(&popular, 1),
        ]
    })
}

fn hostile_values() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(4e9)),
        Just(json!(4_000_000_000u64)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(-1)),
        Just(json!(1e308)),
        Just(json!(-1e-308)),
        Just(json!(0.5)),
        Just(Value::Null),
        Just(json!(true)),
        Just(json!("")),
        Just(json!("\u{0}\u{ffff}../%2e")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]])),
        Just(json!({"results": [{"id": 1}]})),
    ]
}

/// Swap the `k`-th value (depth first, modulo the count) of `v` for `new`.
fn replace_nth(v: &mut Value, k: usize, new: &Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, k: &mut usize, new: &Value) -> bool {
        if *k == 0 {
            *v = new.clone();
            return true;
        }
        *k -= 1;
        match v {
            Value::Array(a) => a.iter_mut().any(|x| walk(x, k, new)),
            Value::Object(o) => o.values_mut().any(|x| walk(x, k, new)),
            _ => false,
        }
    }
    let mut k = k % count(v);
    walk(v, &mut k, new);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Cut(usize),
    Swap(usize, Value),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), hostile_values()).prop_map(|(k, v)| Mutation::Swap(k, v)),
    ];
    prop::collection::vec(one, 1..4)
}

fn apply(body: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut value = body.clone();
    // Structural swaps first (on the value), then byte edits on its text.
    for m in mutations {
        if let Mutation::Swap(k, new) = m {
            replace_nth(&mut value, *k, new);
        }
    }
    let mut bytes = value.to_string().into_bytes();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match *m {
            Mutation::Flip(i, b) if !bytes.is_empty() => {
                let i = at(i, bytes.len());
                bytes[i] = b;
            }
            Mutation::Insert(i, b) => bytes.insert(at(i, bytes.len() + 1), b),
            Mutation::Delete(i, n) if !bytes.is_empty() => {
                let i = at(i, bytes.len());
                bytes.drain(i..(i + n).min(bytes.len()));
            }
            Mutation::Cut(i) => bytes.truncate(at(i, bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_responses_parse_or_fail_cleanly(which in 0usize..3, mutations in mutations()) {
        let bytes = apply(&bodies()[which], &mutations);
        if which == 0 {
            if let Ok(genres) = parse_genre_list(&bytes) {
                prop_assert!(genres.len() <= bytes.len());
            }
        } else {
            match parse_results_page("discover/movie?page=1", &bytes) {
                Ok(page) => {
                    prop_assert!(page.total_pages <= MAX_PAGES);
                    prop_assert!(page.movies.len() <= bytes.len());
                }
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }
    }
}

#[test]
fn unmutated_bodies_parse() {
    let [genres, discover, popular] = bodies();
    assert_eq!(parse_genre_list(genres.to_string().as_bytes()).unwrap().len(), mock::GENRES.len());
    for page in [discover, popular] {
        let parsed = parse_results_page("p", page.to_string().as_bytes()).unwrap();
        assert_eq!(parsed.movies.len(), mock::PAGE);
        assert_eq!(u64::from(parsed.total_pages), page["total_pages"].as_u64().unwrap());
    }
}

#[test]
fn a_huge_total_pages_plans_at_most_what_was_asked() {
    for total in [json!(4_000_000_000u64), json!(4e9), json!(-1), json!("many")] {
        let config =
            MockConfig { api_key: KEY.into(), total_pages: Some(total.clone()), ..MockConfig::default() };
        let server = MockServer::start(config);
        let out = temp_dir("totalpages");
        let mut client_config = fast_config(&server);
        client_config.rate = RateLimit { requests: 1000, window: std::time::Duration::from_millis(100) };
        let client = Client::new(client_config, key(), None).unwrap();
        let mut plan = cinegenre::tmdb::FetchPlan::new(out.to_path_buf());
        (plan.genres, plan.pages, plan.poster_size, plan.quiet) = ("16".parse().unwrap(), 7, None, true);
        let summary = fetch_dataset(&plan, &client).unwrap();
        // Huge: the plan's 7 pages (the mock serves empty pages past its data), never more;
        // garbage or negative: page 1 only (fetched to learn the total).
        let want = if total.is_number() && total.as_f64().unwrap() > 0.0 { 7 } else { 1 };
        assert_eq!((summary.pages_planned, server.hit_count()), (want, want + 1), "total_pages {total}");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
