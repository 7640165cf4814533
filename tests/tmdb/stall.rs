//! Issue 21, class 5: replies that stall or lie. A body dripped one byte at a time is cut off
//! at `--timeout` for the whole response; a redirect to another host is not followed and
//! nothing of it is cached (a same-host one is followed, and not cached either); a fetch that
//! kept no movie fails and says why.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cinegenre::tmdb::{Cache, Client, Failure, Fault, FetchPlan, Lookup, Request, fetch_dataset};
use serde_json::Value;

use crate::mock::{Fault as F, MockConfig, MockServer};
use crate::{KEY, fast_config, key, temp_dir};

fn parse_value(b: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(b).map_err(|e| e.to_string())
}

fn one_attempt_client(server: &MockServer, cache: Option<Cache>) -> Client {
    let mut config = fast_config(server);
    config.retry.max_attempts = 1;
    Client::new(config, key(), cache).unwrap().on_warning(|_| {})
}

#[test]
fn a_dripping_body_is_cut_off_at_the_timeout_for_the_whole_response() {
    let request = Request::popular(1);
    // A results page is several KB: at 50 ms a byte it would take minutes.
    let faults =
        HashMap::from([(format!("/3/{}", request.cache_key()), vec![F::Drip(Duration::from_millis(50))])]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let client = one_attempt_client(&server, None);
    let start = Instant::now();
    let result = client.fetch_json(&request, parse_value);
    let took = start.elapsed();
    match result {
        Err(Failure::Item { fault: Fault::Timeout, .. }) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    // The timeout is 1 s; one stalled read may add at most one more (each read here is 50 ms).
    assert!(took < Duration::from_millis(2500), "the dripping body held the client for {took:?}");
}

#[test]
fn a_redirect_off_the_api_host_is_not_followed_nor_cached() {
    let request = Request::popular(1);
    let key_path = format!("/3/{}", request.cache_key());
    let out = temp_dir("redirect");
    // Another host (were it followed, nothing listens there: the test would see a connection
    // fault, not the 302).
    let elsewhere = "http://localhost:9/3/genre/movie/list".to_string();
    let faults = HashMap::from([(key_path.clone(), vec![F::Redirect(elsewhere)])]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let cache = Cache::open(&out.join("cache")).unwrap();
    let client = one_attempt_client(&server, Some(cache));
    match client.fetch_json(&request, parse_value) {
        Err(Failure::Item { fault: Fault::Unexpected(302), attempts: 1, .. }) => {}
        other => panic!("expected an unfollowed 302, got {other:?}"),
    }
    assert_eq!(server.hit_count(), 1, "the redirect was followed or retried");
    let cache = Cache::open(&out.join("cache")).unwrap();
    assert!(
        matches!(cache.get(&request.cache_key(), parse_value), Lookup::Miss),
        "a redirected answer was cached"
    );

    // A redirect within the host is followed; its answer is used, not cached.
    // (Relative: the new server's port is not known before it starts; the mock wants the key.)
    let here = format!("/3/genre/movie/list?api_key={KEY}");
    let faults = HashMap::from([(key_path, vec![F::Redirect(here)])]);
    let server = MockServer::start(MockConfig { api_key: KEY.into(), faults, ..MockConfig::default() });
    let client = one_attempt_client(&server, Some(Cache::open(&out.join("cache")).unwrap()));
    let value = client.fetch_json(&request, parse_value).unwrap();
    assert!(value.get("genres").is_some(), "{value}");
    assert!(
        matches!(cache.get(&request.cache_key(), parse_value), Lookup::Miss),
        "a redirected answer was cached"
    );
}

#[test]
fn a_fetch_that_keeps_no_movie_fails_and_says_why() {
    let server = MockServer::start(MockConfig {
        api_key: KEY.into(),
        deny_images: Some(403),
        ..MockConfig::default()
    });
    let out = temp_dir("nothing");
    let client = one_attempt_client(&server, Some(Cache::open(&out.join("cache")).unwrap()));
    let plan = FetchPlan {
        genres: "16".parse().unwrap(),
        pages: 1,
        quiet: true,
        ..FetchPlan::new(out.to_path_buf())
    };
    let err = fetch_dataset(&plan, &client).unwrap_err().to_string();
    assert!(err.contains("nothing useful was fetched") && err.contains("posters failed"), "{err}");
    assert!(err.contains("HTTP 403"), "{err}");
    assert!(!out.join("movies.jsonl").exists(), "an empty movies.jsonl was written");
    assert!(out.join("summary.json").exists(), "the summary that explains it is missing");
}
