//! The client and `fetch_dataset` called as a library against the mock server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cinegenre::tmdb::{
    Cache, Client, Credentials, Failure, Fault, FetchPlan, GenreChoice, RateLimit, Request, fetch_dataset,
};
use serde_json::Value;

use crate::mock::{self, Fault as F, MockConfig, MockServer};
use crate::{KEY, assert_key_absent_from, expected_ids, fast_config, temp_dir, written_ids};

fn key() -> Credentials {
    Credentials::resolve(Some(KEY.into()), None).unwrap()
}

fn plan(out: &std::path::Path, genres: &str, pages: u32, posters: bool) -> FetchPlan {
    FetchPlan {
        out_dir: out.to_path_buf(),
        pages,
        genres: genres.parse().unwrap(),
        years: None,
        poster_size: posters.then(|| "w185".to_string()),
        max_movies: None,
        threads: 8,
        quiet: true,
    }
}

fn discover_key(genre: u32, page: u32) -> String {
    format!("/3/{}", Request::discover(genre, None, page).cache_key())
}

fn parse_value(b: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(b).map_err(|e| e.to_string())
}

#[test]
fn every_fault_is_survived_or_listed_and_the_rate_holds() {
    let movies = mock::tutorial_movies();
    let genres = [28, 35];
    let all = expected_ids(&movies, &genres, 3, &[(28, 3)], &[]);
    let poster_of = |id: u64| {
        let m = movies.iter().find(|m| m["id"].as_u64() == Some(id)).unwrap();
        m["poster_path"].as_str().unwrap().trim_start_matches('/').to_string()
    };
    let (flaky_poster, bad_poster) = (poster_of(all[0]), poster_of(all[1]));
    let faults = HashMap::from([
        ("/3/genre/movie/list".to_string(), vec![F::Status(503, None)]),
        (discover_key(28, 1), vec![F::Status(429, Some("1"))]),
        (discover_key(35, 1), vec![F::Status(429, Some("1"))]),
        (discover_key(28, 2), vec![F::Status(500, None), F::Status(503, None)]),
        (discover_key(35, 2), vec![F::Slow(Duration::from_secs(2))]),
        (discover_key(35, 3), vec![F::Reset, F::Truncated, F::Malformed]),
        (discover_key(28, 3), vec![F::Status(500, None); 4]),
        (format!("/t/p/w185/{flaky_poster}"), vec![F::Reset, F::Truncated]),
    ]);
    let injected_planned: usize = faults.values().map(Vec::len).sum();
    let config = MockConfig {
        api_key: KEY.into(),
        faults,
        not_images: [bad_poster.clone()].into(),
        ..MockConfig::default()
    };
    let server = MockServer::start(config);
    let out = temp_dir("faults");
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    // Retry-After is capped at the rate window (0.5 s here) by default; allow the 1 s asked.
    let mut config = fast_config(&server);
    config.retry.max_wait = Some(Duration::from_secs(2));
    let client = Client::new(config, key(), Some(Cache::open(&out.join("cache")).unwrap()))
        .unwrap()
        .on_warning(move |w| sink.lock().unwrap().push(w.to_string()));
    let summary = fetch_dataset(&plan(&out, "28,Comedy", 3, true), &client).unwrap();

    // Every movie arrives, or is listed as failed: here one page and one poster.
    let want = expected_ids(&movies, &genres, 3, &[(28, 3)], std::slice::from_ref(&bad_poster));
    assert_eq!(written_ids(&out), want);
    let failed: Vec<&str> = summary.failures.iter().map(|f| f.what.as_str()).collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().any(|w| w.contains("with_genres=28") && w.contains("page=3")), "{failed:?}");
    assert!(failed.iter().any(|w| w.contains(&bad_poster)), "{failed:?}");
    assert_eq!(summary.posters_failed, 1);
    assert_eq!(warnings.lock().unwrap().len(), 2, "one warning per failed item");

    // Faults: all injected ones seen; those on items that succeeded were survived.
    assert_eq!(server.injected(), injected_planned);
    let c = &summary.client;
    let bad_image_attempts = 4;
    assert_eq!(c.faults.values().sum::<usize>(), injected_planned + bad_image_attempts);
    assert_eq!(c.survived, injected_planned - 4, "all but the 4 faults of the page given up on");
    assert_eq!(c.faults["429"], 2);
    assert_eq!(c.faults["timeout"], 1);

    // Retry-After honoured: the retry of a 429 came at least 1 s later.
    let hits = server.hits();
    let times: Vec<Instant> = hits.iter().filter(|h| h.key == discover_key(28, 1)).map(|h| h.at).collect();
    assert_eq!(times.len(), 2);
    assert!(times[1] - times[0] >= Duration::from_millis(990), "retried after {:?}", times[1] - times[0]);

    // The rate, measured at the server, and the key only where it belongs.
    assert!(server.max_in_window(Duration::from_millis(500)) <= 40);
    for h in &hits {
        let has_key = h.raw.contains(&format!("api_key={KEY}"));
        assert_eq!(has_key, h.key.starts_with("/3/"), "key sent (or not) wrongly: {}", h.key);
    }
    assert_key_absent_from(&out);
    for w in warnings.lock().unwrap().iter() {
        assert!(!w.contains(KEY));
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_real_ratio_scaled_down_holds_four_per_second() {
    // TMDB's 40 per 10 s is 4 per second; 4 per 1 s keeps the ratio at a tenth of the window.
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let mut config = fast_config(&server);
    config.rate = RateLimit { requests: 4, window: Duration::from_secs(1) };
    let client = Client::new(config, key(), None).unwrap();
    let pages: Vec<u32> = (1..=10).collect();
    std::thread::scope(|s| {
        for chunk in pages.chunks(3) {
            let client = &client;
            s.spawn(move || {
                for &p in chunk {
                    client.fetch_json(&Request::popular(p), parse_value).unwrap();
                }
            });
        }
    });
    assert_eq!(server.hit_count(), 10);
    assert!(
        server.max_in_window(Duration::from_secs(1)) <= 4,
        "{}",
        server.max_in_window(Duration::from_secs(1))
    );
}

#[test]
fn endpoints_answer_and_unknown_movies_are_not_retried() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let bearer = Credentials::resolve(None, Some(KEY.into())).unwrap();
    let client = Client::new(fast_config(&server), bearer, None).unwrap().on_warning(|_| {});
    let found = client.fetch_json(&Request::search_movie("Deadpool", 1), parse_value).unwrap();
    assert_eq!(found["results"][0]["title"], "Deadpool");
    let id = found["results"][0]["id"].as_u64().unwrap();
    assert_eq!(client.fetch_json(&Request::movie_details(id), parse_value).unwrap()["id"], id);
    let config = client.fetch_json(&Request::configuration(), parse_value).unwrap();
    assert!(config["images"]["secure_base_url"].as_str().unwrap().starts_with("http://127.0.0.1"));
    let before = server.hit_count();
    match client.fetch_json(&Request::movie_details(1), parse_value) {
        Err(Failure::Item { fault: Fault::NotFound, attempts: 1, .. }) => {}
        other => panic!("expected a 404 failure after one attempt, got {other:?}"),
    }
    assert_eq!(server.hit_count(), before + 1, "a 404 was retried");
    assert!(
        server.hits().iter().all(|h| h.raw.contains(&format!("Bearer {KEY}")) && !h.raw.contains("api_key"))
    );
}

#[test]
fn a_corrupted_cache_file_is_reported_and_fetched_again() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir("corrupt");
    let cache = Cache::open(&out.join("cache")).unwrap();
    let client = Client::new(fast_config(&server), key(), Some(cache.clone())).unwrap();
    fetch_dataset(&plan(&out, "16", 2, false), &client).unwrap();
    let first = std::fs::read(out.join("movies.jsonl")).unwrap();
    let hits = server.hit_count();
    assert_eq!(hits, 3, "genre list and two discover pages");

    let page2 = cache.path_for(&Request::discover(16, None, 2).cache_key());
    let text = std::fs::read(&page2).unwrap();
    std::fs::write(&page2, &text[..text.len() / 2]).unwrap();
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let client = Client::new(fast_config(&server), key(), Some(cache)).unwrap().on_warning(move |w| {
        sink.lock().unwrap().push(w.to_string());
    });
    let summary = fetch_dataset(&plan(&out, "16", 2, false), &client).unwrap();
    assert_eq!(server.hit_count(), hits + 1, "only the corrupted page is fetched again");
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1);
    let name = page2.file_name().unwrap().to_string_lossy();
    assert!(warnings[0].contains(&*name) && warnings[0].contains("corrupted"), "{}", warnings[0]);
    assert_eq!(summary.client.corrupt_cache, 1);
    assert_eq!(std::fs::read(out.join("movies.jsonl")).unwrap(), first);
    assert!(page2.with_extension("json.corrupt").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn genre_choices_parse_and_unknown_genres_are_named() {
    assert_eq!("all".parse::<GenreChoice>().unwrap(), GenreChoice::All);
    assert!(" , ".parse::<GenreChoice>().is_err());
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir("genres");
    let client = Client::new(fast_config(&server), key(), None).unwrap();
    let e = fetch_dataset(&plan(&out, "Action,Cowboy", 1, false), &client).unwrap_err().to_string();
    assert!(e.starts_with("invalid --genres: `Cowboy` is not a TMDB genre"), "{e}");
    std::fs::remove_dir_all(&out).unwrap();
}
