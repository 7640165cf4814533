//! The rate limit across a restart (issue 14, item 4): two clients back to back on one
//! folder, a `cinegenre fetch tmdb` killed and restarted at once, and damaged `rate.json`s.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cinegenre::tmdb::{Cache, Client, RATE_FILE, RateLimit, Request};
use serde_json::Value;

use crate::mock::{MockConfig, MockServer};
use crate::{KEY, fast_config, key, temp_dir};

/// `pages` popular pages, fetched by 4 threads through one client.
fn crawl(client: &Client, pages: std::ops::Range<u32>) {
    let pages: Vec<u32> = pages.collect();
    std::thread::scope(|s| {
        for chunk in pages.chunks(pages.len().div_ceil(4)) {
            s.spawn(move || {
                for &p in chunk {
                    client
                        .fetch_json(&Request::popular(p), |b| {
                            serde_json::from_slice::<Value>(b).map_err(|e| e.to_string())
                        })
                        .unwrap();
                }
            });
        }
    });
}

/// Two clients one after the other, each sending a full window's worth of requests; with
/// `share`, they cache in the same folder.
fn back_to_back(limit: RateLimit, share: bool, name: &str) -> usize {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir(name);
    let n = limit.requests as u32;
    for (run, pages) in [(0, 1..n + 1), (1, n + 1..2 * n + 1)] {
        let mut config = fast_config(&server);
        config.rate = limit;
        // Each run its own cache folder unless shared, so no answer comes from the cache.
        let cache =
            Cache::open(&out.join(if share { "cache".to_string() } else { format!("cache{run}") })).unwrap();
        let client = Client::new(config, key(), Some(cache)).unwrap();
        crawl(&client, pages);
    }
    assert_eq!(server.hit_count(), 2 * n as usize);
    std::fs::remove_dir_all(&out).unwrap();
    server.max_in_window(limit.window)
}

#[test]
fn a_second_client_on_the_same_folder_waits_for_the_first_ones_tokens() {
    let limit = RateLimit { requests: 20, window: Duration::from_millis(1000) };
    // Control: without a shared folder the second burst lands in the first one's window.
    let unshared = back_to_back(limit, false, "restart-unshared");
    assert!(
        unshared > limit.requests,
        "the control did not exceed the limit ({unshared}): the test shows nothing"
    );
    let shared = back_to_back(limit, true, "restart-shared");
    assert!(shared <= limit.requests, "{shared} requests within one window across two clients");
}

#[test]
fn a_killed_and_restarted_fetch_keeps_the_rate() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir("restart-kill");
    let (rate, window, limit) = ("20/2s", Duration::from_secs(2), 20);
    let command = |out: &Path| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cinegenre"));
        cmd.args(["fetch", "tmdb", "--genres", "16", "--pages", "2", "--posters", "w185", "--rate", rate])
            .args(["--threads", "8", "--timeout", "2s", "--backoff", "10ms", "--quiet"])
            .args(["--api-base", &server.api_base(), "--image-base", &server.image_base()])
            .arg("--out")
            .arg(out)
            .env("TMDB_API_KEY", KEY)
            .env_remove("TMDB_BEARER_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    let mut child = command(&out).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.hit_count() < 12 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let killed_at = server.hit_count();
    assert!((12..=limit).contains(&killed_at), "killed after {killed_at} requests");
    let status = command(&out).status().unwrap();
    assert!(status.success());
    assert!(out.join("movies.jsonl").exists());
    let most = server.max_in_window(window);
    assert!(most <= limit, "{most} requests within one {window:?} window across the kill");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_damaged_or_future_dated_rate_file_is_reported_and_never_hangs() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir("restart-damaged");
    let cache = Cache::open(&out.join("cache")).unwrap();
    let window = fast_config(&server).rate.window;
    let cases = [
        ("garbage", b"\x00\x01{\"format\": 1".to_vec(), "not a rate file"),
        (
            "future",
            format!("{{\"format\": 1, \"arrived_by_unix_ms\": [{}]}}", u64::MAX - 1).into_bytes(),
            "in the future",
        ),
    ];
    for (page, (name, bytes, expect)) in (1..).zip(cases) {
        std::fs::write(out.join("cache").join(RATE_FILE), bytes).unwrap();
        let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = Arc::clone(&warnings);
        let client = Client::new(fast_config(&server), key(), Some(cache.clone()))
            .unwrap()
            .on_warning(move |w| sink.lock().unwrap().push(w.to_string()));
        let start = Instant::now();
        crawl(&client, page * 10..page * 10 + 4);
        // A far-future time counts as now: one window of waiting at most, never forever.
        assert!(start.elapsed() < window * 4, "{name}: took {:?}", start.elapsed());
        let warnings = warnings.lock().unwrap();
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        assert!(warnings[0].contains(RATE_FILE) && warnings[0].contains(expect), "{name}: {}", warnings[0]);
        let rewritten: Value =
            serde_json::from_slice(&std::fs::read(out.join("cache").join(RATE_FILE)).unwrap()).unwrap();
        assert!(rewritten["arrived_by_unix_ms"].as_array().unwrap().len() >= 4, "{name}: {rewritten}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}
