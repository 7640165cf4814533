//! The figures for the notes, not a CI test (about 40 s): a ~2,000-request crawl of the mock
//! server at 40 per 0.5 s with a fault injected into every 25th request.
//!
//! ```text
//! cargo test --release --test tmdb -- --ignored --nocapture two_thousand
//! ```

use std::time::{Duration, Instant};

use cinegenre::tmdb::{Cache, Client, Credentials, FetchPlan, GenreChoice, fetch_dataset};

use crate::mock::{self, Fault as F, GENRES, MockConfig, MockServer};
use crate::{KEY, expected_ids_by_year, fast_config, temp_dir, written_ids};

#[test]
#[ignore = "a 40-second measurement; run it by name with --ignored --nocapture"]
fn two_thousand_requests_hold_the_rate_and_lose_nothing() {
    let cycle = vec![
        F::Status(429, Some("1")),
        F::Status(500, None),
        F::Status(503, None),
        F::Slow(Duration::from_secs(2)),
        F::Reset,
        F::Truncated,
        F::Malformed,
    ];
    let config = MockConfig { api_key: KEY.into(), every: Some((25, cycle)), ..MockConfig::default() };
    let server = MockServer::start(config);
    let out = temp_dir("bench");
    let mut config = fast_config(&server);
    config.retry.max_attempts = 6;
    let cache = Cache::open(&out.join("cache")).unwrap();
    let client = Client::new(config, Credentials::resolve(Some(KEY.into()), None).unwrap(), Some(cache))
        .unwrap()
        .on_warning(|w| eprintln!("warning: {w}"));
    let (years, pages) = ((1993, 2017), 2);
    let plan = FetchPlan {
        out_dir: out.to_path_buf(),
        pages,
        genres: GenreChoice::All,
        years: Some(years),
        poster_size: Some("w185".into()),
        max_movies: None,
        threads: 16,
        quiet: false,
    };
    let start = Instant::now();
    let summary = fetch_dataset(&plan, &client).unwrap();
    let elapsed = start.elapsed().as_secs_f64();

    let queries: Vec<(u32, Option<u16>)> =
        GENRES.iter().flat_map(|&(g, _)| (years.0..=years.1).map(move |y| (g, Some(y)))).collect();
    let want = expected_ids_by_year(&mock::tutorial_movies(), &queries, pages as usize, &[], &[]);
    let got = written_ids(&out);
    let lost = want.iter().filter(|id| !got.contains(id)).count();
    let requests = server.hit_count();
    let max_window = server.max_in_window(Duration::from_millis(500));
    println!("{summary}");
    println!(
        "requests {requests} in {elapsed:.1} s = {:.1}/s mean (limit 80/s); max in any 0.5 s window \
         {max_window} (limit 40); faults injected {}, survived {}; records expected {}, written {}, lost {lost}",
        requests as f64 / elapsed,
        server.injected(),
        summary.client.survived,
        want.len(),
        got.len(),
    );
    assert!(max_window <= 40);
    assert_eq!((lost, summary.failures.len()), (0, 0));
    assert_eq!(got, want);
    std::fs::remove_dir_all(&out).unwrap();
}
