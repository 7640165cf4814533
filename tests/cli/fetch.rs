//! `fetch tmdb` refuses out-of-range numbers before any request (the crawl itself is tested
//! against a mock server in `tests/tmdb`).

use crate::Scratch;

#[test]
fn fetch_tmdb_refuses_out_of_range_numbers_before_any_request() {
    let s = Scratch::new("fetch-flags");
    let fetch = |flag: &'static str, value: &'static str| ["fetch", "tmdb", "--out", "crawl", flag, value];
    s.refuses(&[
        (&fetch("--pages", "0"), &["--pages", "0"]),
        (&fetch("--pages", "501"), &["--pages", "501"]),
        (&fetch("--attempts", "0"), &["--attempts", "0"]),
        (&fetch("--threads", "0"), &["--threads", "0"]),
        (&fetch("--max-movies", "0"), &["--max-movies", "0"]),
    ]);
}
