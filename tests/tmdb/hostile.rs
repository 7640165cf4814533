//! Issue 14 against the mock: a hostile `Retry-After`, an image host that refuses, hostile
//! `poster_path`s, posters cut short (on the wire and on disk), bodies without bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cinegenre::tmdb::{
    Cache, Client, Credentials, Failure, Fault, FetchPlan, FetchSummary, Request, decodes_as_image,
    fetch_dataset, parse_retry_after,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::mock::{self, Fault as F, MockConfig, MockServer};
use crate::{KEY, expected_ids, fast_config, key, temp_dir, written_ids};

fn plan(out: &std::path::Path, genres: &str, pages: u32) -> FetchPlan {
    FetchPlan { genres: genres.parse().unwrap(), pages, quiet: true, ..FetchPlan::new(out.to_path_buf()) }
}

fn parse_value(b: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(b).map_err(|e| e.to_string())
}

/// A client for `server` caching under `out`, its warnings collected.
fn watched_client(server: &MockServer, out: &std::path::Path) -> (Client, Arc<Mutex<Vec<String>>>) {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let cache = Cache::open(&out.join("cache")).unwrap();
    let client = Client::new(fast_config(server), key(), Some(cache))
        .unwrap()
        .on_warning(move |w| sink.lock().unwrap().push(w.to_string()));
    (client, warnings)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any header value: no panic, never more than the cap.
    #[test]
    fn any_retry_after_is_bounded(
        value in "\\PC{0,40}|[0-9.eE+-]{1,30}", now in 0u64..300_000_000_000, cap_ms in 0u64..100_000,
    ) {
        let (cap, now) = (Duration::from_millis(cap_ms), SystemTime::UNIX_EPOCH + Duration::from_secs(now));
        if let Some(wait) = parse_retry_after(&value, now, cap) {
            prop_assert!(wait <= cap, "{value:?} waits {wait:?} > {cap:?}");
        }
    }

    /// Date-shaped values with any field out of range: no panic, never more than the cap.
    #[test]
    fn any_http_date_is_bounded(
        day in 0u32..100, month in prop::sample::select(vec!["Jan", "Feb", "Dec", "Foo", ""]),
        year in prop::num::u32::ANY, h in 0u32..100, m in 0u32..100, s in 0u32..100,
        now in 0u64..300_000_000_000, form in 0usize..3,
    ) {
        let value = match form {
            0 => format!("Sun, {day:02} {month} {year:04} {h:02}:{m:02}:{s:02} GMT"),
            1 => format!("Sunday, {day:02}-{month}-{:02} {h:02}:{m:02}:{s:02} GMT", year % 100),
            _ => format!("Sun {month} {day:2} {h:02}:{m:02}:{s:02} {year}"),
        };
        let (cap, now) = (Duration::from_secs(10), SystemTime::UNIX_EPOCH + Duration::from_secs(now));
        if let Some(wait) = parse_retry_after(&value, now, cap) {
            prop_assert!(wait <= cap, "{value:?} waits {wait:?}");
        }
    }
}

#[test]
fn a_hostile_retry_after_waits_at_most_the_cap() {
    // Each 429 is retried once; the next attempt's arrival shows how long the client waited.
    let far_date = "Fri, 31 Dec 9999 23:59:59 GMT";
    let cases: [(&str, u32); 4] = [("1e20", 1), ("99999999", 2), (far_date, 3), ("-5", 4)];
    let faults: HashMap<String, Vec<F>> = cases
        .iter()
        .map(|&(v, page)| {
            (format!("/3/{}", Request::popular(page).cache_key()), vec![F::Status(429, Some(v))])
        })
        .collect();
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let config = fast_config(&server);
    let window = config.rate.window;
    let client = Client::new(config, key(), None).unwrap();
    let start = Instant::now();
    for &(_, page) in &cases {
        client.fetch_json(&Request::popular(page), parse_value).unwrap();
    }
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    let hits = server.hits();
    for &(value, page) in &cases {
        let key = format!("/3/{}", Request::popular(page).cache_key());
        let at: Vec<Instant> = hits.iter().filter(|h| h.key == key).map(|h| h.at).collect();
        let gap = at[1] - at[0];
        // Garbage falls back to backoff (10–200 ms here); huge values wait the cap (the window).
        let capped = value.starts_with('9') || value == far_date;
        let (lo, hi) =
            if capped { (window - Duration::from_millis(10), window * 4) } else { (Duration::ZERO, window) };
        assert!(gap >= lo && gap < hi, "Retry-After {value}: retried after {gap:?}, expected {lo:?}..{hi:?}");
    }

    // A configured max_wait caps it instead of the window.
    let faults = HashMap::from([(
        format!("/3/{}", Request::popular(1).cache_key()),
        vec![F::Status(429, Some("600"))],
    )]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let mut config = fast_config(&server);
    config.retry.max_wait = Some(Duration::from_millis(150));
    Client::new(config, key(), None).unwrap().fetch_json(&Request::popular(1), parse_value).unwrap();
    let at: Vec<Instant> = server.hits().iter().map(|h| h.at).collect();
    let gap = at[1] - at[0];
    assert!(
        gap >= Duration::from_millis(140) && gap < Duration::from_millis(450),
        "max_wait 150 ms: {gap:?}"
    );
}

#[test]
fn an_image_host_that_refuses_fails_posters_not_the_run() {
    let movies = mock::tutorial_movies();
    let all = expected_ids(&movies, &[16], 1, &[], &[]);
    let poster = |id: u64| {
        let m = movies.iter().find(|m| m["id"].as_u64() == Some(id)).unwrap();
        m["poster_path"].as_str().unwrap().trim_start_matches('/').to_string()
    };
    let (refused, flaky) = (poster(all[0]), poster(all[1]));
    let faults = HashMap::from([
        // Four attempts per run, two runs.
        (format!("/t/p/w185/{refused}"), vec![F::Status(401, None); 8]),
        (format!("/t/p/w185/{flaky}"), vec![F::Status(403, None)]),
    ]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let out = temp_dir("image401");
    for run in 0..2 {
        let (client, _) = watched_client(&server, &out);
        let summary = fetch_dataset(&plan(&out, "16", 1), &client).unwrap();
        assert_eq!(summary.posters_failed, 1, "run {run}");
        assert_eq!(summary.failures.len(), 1, "run {run}: {:?}", summary.failures);
        let failure = &summary.failures[0];
        assert!(
            failure.what.contains(&refused) && failure.reason.contains("HTTP 401: the image host refused"),
            "{failure:?}"
        );
        let on_disk: Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert!(on_disk["failures"][0]["what"].as_str().unwrap().contains(&refused));
        assert_eq!(written_ids(&out), expected_ids(&movies, &[16], 1, &[], std::slice::from_ref(&refused)));
    }
    // Four attempts at the refused poster in each run; a rerun is no different from a first run.
    let refused_hits = server.hits().iter().filter(|h| h.key.ends_with(&refused)).count();
    assert_eq!(refused_hits, 8);

    // A 401 from the API is still the key's fault and stops everything.
    let wrong = Credentials::resolve(Some("wrong-key".into()), None).unwrap();
    let client = Client::new(fast_config(&server), wrong, None).unwrap().on_warning(|_| {});
    match client.fetch_json(&Request::genre_list(), parse_value) {
        Err(Failure::Fatal(e)) => {
            assert!(e.to_string().contains("API key or bearer token was refused"), "{e}")
        }
        other => panic!("an API 401 must be fatal, got {other:?}"),
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn hostile_poster_paths_are_refused_never_requested() {
    let movies = mock::tutorial_movies();
    let ids = expected_ids(&movies, &[16], 1, &[], &[]);
    let hostile = [
        "/../../3/movie/603",
        "/%2e%2e/%2e%2e/3/configuration",
        "/a%2fb.jpg",
        "//evil.example/a.jpg",
        "/..\\..\\secret.jpg",
        "/a.jpg?api_key=stolen",
        "/a.jpg#frag",
        "/",
    ];
    let poster_paths: HashMap<u64, Value> = ids.iter().zip(hostile).map(|(&id, p)| (id, json!(p))).collect();
    let server = MockServer::start(MockConfig { api_key: KEY.into(), poster_paths, ..MockConfig::default() });
    let out = temp_dir("posterpaths");
    let (client, warnings) = watched_client(&server, &out);
    let summary: FetchSummary = fetch_dataset(&plan(&out, "16", 1), &client).unwrap();

    assert_eq!(summary.bad_poster_path, hostile.len());
    assert_eq!(summary.failures.len(), hostile.len(), "{:?}", summary.failures);
    for (id, path) in ids.iter().zip(hostile) {
        let f = summary.failures.iter().find(|f| f.what == format!("movie {id} (poster_path)")).unwrap();
        assert!(f.reason.contains(&path.escape_debug().to_string()) && f.attempts == 0, "{f:?}");
    }
    assert_eq!(warnings.lock().unwrap().len(), hostile.len());
    let written = written_ids(&out);
    assert_eq!(written, ids[hostile.len()..].to_vec());
    // Every image request named a plain file, one per written movie.
    let images: Vec<String> =
        server.hits().into_iter().map(|h| h.key).filter(|k| !k.starts_with("/3/")).collect();
    assert_eq!(images.len(), written.len());
    for k in &images {
        let name = k.strip_prefix("/t/p/w185/").unwrap_or_else(|| panic!("request outside the posters: {k}"));
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'), "{k}");
    }
    // The client alone refuses too, without a request.
    let before = server.hit_count();
    match client.fetch_poster("w185", "/../x.jpg", &out.join("x.jpg")) {
        Err(Failure::Item { fault: Fault::BadPosterPath(_), attempts: 0, .. }) => {}
        other => panic!("expected a refused path, got {other:?}"),
    }
    assert_eq!(server.hit_count(), before);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_poster_cut_short_is_fetched_again() {
    let jpeg = mock::real_poster();
    let head = &jpeg[..500];
    // Why the end marker: a decoder alone would take this for a (grey-filled) poster.
    let lenient = image::load_from_memory(head).is_ok();
    eprintln!("image::load_from_memory accepts the first 500 bytes of a w185 poster: {lenient}");
    assert!(decodes_as_image(head).is_err());

    let movies = mock::tutorial_movies();
    let ids = expected_ids(&movies, &[16], 1, &[], &[]);
    let file = |id: u64| {
        let m = movies.iter().find(|m| m["id"].as_u64() == Some(id)).unwrap();
        m["poster_path"].as_str().unwrap().to_string()
    };
    // On the wire: a complete response of 500 bytes, then the whole poster.
    let faults = HashMap::from([(format!("/t/p/w185{}", file(ids[0])), vec![F::CutBody(500)])]);
    let config = MockConfig { api_key: KEY.into(), faults, real_posters: true, ..MockConfig::default() };
    let server = MockServer::start(config);
    let out = temp_dir("cutposter");
    let (client, _) = watched_client(&server, &out);
    let summary = fetch_dataset(&plan(&out, "16", 1), &client).unwrap();
    assert_eq!((summary.posters_failed, summary.client.faults["bad body"]), (0, 1));
    let poster = |id: u64| out.join("posters").join(format!("{id}.jpg"));
    assert_eq!(std::fs::read(poster(ids[0])).unwrap(), jpeg, "the cut answer was not kept");
    let dest = poster(ids[1]);

    // On disk: a poster left with only its first 500 bytes is requested again on resume.
    std::fs::write(&dest, head).unwrap();
    let before = server.hit_count();
    let (client, _) = watched_client(&server, &out);
    fetch_dataset(&plan(&out, "16", 1), &client).unwrap();
    let again: Vec<String> = server.hits()[before..].iter().map(|h| h.key.clone()).collect();
    assert_eq!(again, vec![format!("/t/p/w185{}", file(ids[1]))]);
    assert_eq!(std::fs::read(&dest).unwrap(), jpeg);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn bodies_are_read_to_a_bound_not_to_what_the_server_says() {
    let page = |p: u32| format!("/3/{}", Request::popular(p).cache_key());
    let faults = HashMap::from([
        (page(1), vec![F::HugeLength; 4]),
        (page(2), vec![F::Endless(9 << 20); 4]),
        (page(3), vec![F::Endless(9 << 20)]),
    ]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let client = Client::new(fast_config(&server), key(), None).unwrap().on_warning(|_| {});
    for p in [1, 2] {
        match client.fetch_json(&Request::popular(p), parse_value) {
            Err(Failure::Item { fault: Fault::BadBody(why), attempts: 4, .. }) => {
                assert!(why.contains("larger than 8388608 bytes"), "{why}")
            }
            other => panic!("page {p}: expected a refused body, got {other:?}"),
        }
    }
    assert_eq!(client.fetch_json(&Request::popular(3), parse_value).unwrap()["page"], 3);
}
