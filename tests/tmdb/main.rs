//! The TMDB client and dataset builder against a local mock server (no internet): faults
//! survived or listed, the rate held at the server (also across a restart), resume after
//! `kill -9` or a full disk, secrets kept, hostile headers, paths, bodies, files and flags
//! refused without a panic or a hang (issue 14).

mod bench;
mod cli;
mod disk;
mod hostile;
mod library;
mod mock;
mod mutate;
mod restart;
#[path = "../common/scratch.rs"]
mod scratch;
mod stall;

use std::path::Path;
use std::time::Duration;

use cinegenre::tmdb::{ClientConfig, RateLimit, RetryPolicy};
use serde_json::Value;

use mock::{MockServer, PAGE};
pub use scratch::ScratchDir;

/// The test key: long and odd enough that finding it anywhere means it leaked.
pub const KEY: &str = "k3y-5f1c0d2e9a77-SECRET";

/// A fresh, empty folder for one test, removed when dropped.
pub fn temp_dir(name: &str) -> ScratchDir {
    ScratchDir::new("tmdb", name)
}

/// Fast settings: 40 per 0.5 s (TMDB's 40 per 10 s, 20× faster), short waits; the timeout
/// leaves room for a loaded 2-core CI machine (slow faults sleep twice as long).
pub fn fast_config(server: &MockServer) -> ClientConfig {
    ClientConfig {
        api_base: server.api_base(),
        image_base: server.image_base(),
        rate: RateLimit { requests: 40, window: Duration::from_millis(500) },
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(200),
            max_wait: None,
        },
        timeout: Duration::from_secs(1),
    }
}

/// The ids the builder must write, computed from the mock's data independently of the
/// library: genres in order, pages 1..=min(pages, total) (minus `failed_pages`), de-duplicated
/// (first wins), with an overview and a poster, minus posters that fail.
pub fn expected_ids(
    movies: &[Value],
    genres: &[u32],
    pages: usize,
    failed_pages: &[(u32, usize)],
    bad_posters: &[String],
) -> Vec<u64> {
    let queries: Vec<(u32, Option<u16>)> = genres.iter().map(|&g| (g, None)).collect();
    expected_ids_by_year(movies, &queries, pages, failed_pages, bad_posters)
}

/// [`expected_ids`] for discover queries (genre, year) in plan order.
pub fn expected_ids_by_year(
    movies: &[Value],
    queries: &[(u32, Option<u16>)],
    pages: usize,
    failed_pages: &[(u32, usize)],
    bad_posters: &[String],
) -> Vec<u64> {
    let mut seen = std::collections::HashSet::new();
    let mut ids = Vec::new();
    for &(g, year) in queries {
        for (i, chunk) in mock::discover(movies, g, year).chunks(PAGE).take(pages).enumerate() {
            if failed_pages.contains(&(g, i + 1)) {
                continue;
            }
            for m in chunk {
                let id = m["id"].as_u64().unwrap();
                let text = |k: &str| m[k].as_str().unwrap_or("").trim().to_string();
                if seen.insert(id) && !text("overview").is_empty() && !text("poster_path").is_empty() {
                    ids.push((id, text("poster_path")));
                }
            }
        }
    }
    ids.into_iter()
        .filter(|(_, p)| !bad_posters.iter().any(|b| p.ends_with(b.as_str())))
        .map(|(id, _)| id)
        .collect()
}

/// The v3 key of the tests.
pub fn key() -> cinegenre::tmdb::Credentials {
    cinegenre::tmdb::Credentials::resolve(Some(KEY.into()), None).unwrap()
}

/// The ids in `DIR/movies.jsonl`, in order.
pub fn written_ids(dir: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(dir.join("movies.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_u64().unwrap()).collect()
}

/// Every file under `dir`, as (relative path, bytes), sorted.
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Panic if `KEY` occurs in any file under `dir`.
pub fn assert_key_absent_from(dir: &Path) {
    for (name, bytes) in files_under(dir) {
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()) && !name.contains(KEY),
            "the API key leaked into {name}"
        );
    }
}
