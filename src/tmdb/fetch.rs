//! The dataset builder behind `cinegenre fetch tmdb`: the tutorial's collection plan (§3–4)
//! as one resumable command.
//!
//! ```text
//! 1. genres     genre/movie/list; keep --genres (all, or ids / names)
//! 2. discover   for each genre (× each --years year): page 1, then pages 2..=min(--pages,
//!               total_pages) — parallel workers, one shared rate limit
//! 3. select     results in plan order (genre, year, page, rank) → de-duplicate by id (first
//!               wins) → drop empty overviews → drop no poster_path → first --max-movies
//! 4. posters    DIR/posters/<id>.jpg at --posters size, decoded before they count
//! 5. write      DIR/movies.jsonl (movies with an overview and, when posters are asked for,
//!               a valid poster), DIR/summary.json (counts, client statistics, failures)
//! ```
//!
//! Every response is cached under `DIR/cache/` and posters are their own record, so a rerun
//! after a crash or `kill -9` skips what is done and, because selection follows the plan
//! order rather than arrival order, writes the same `movies.jsonl` as an uninterrupted run.
//! Items that fail after all retries are listed in the summary; the run goes on. The tutorial
//! sampled discover pages per genre the same way, then kept movies with a poster.
//! Cost: `genres × years × pages` discover requests plus one per poster, at the rate limit.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::dataset::{self, Movie, SourceFormat};
use crate::error::{Error, Result};
use crate::tmdb::client::{Client, Failure};
use crate::tmdb::endpoints::Request;
use crate::tmdb::summary::{FailureRecord, FetchSummary, write_summary};

/// Which genres to crawl.
#[derive(Debug, Clone, PartialEq)]
pub enum GenreChoice {
    All,
    /// Genre ids or names (case-insensitive) as the user wrote them.
    Listed(Vec<String>),
}

impl std::str::FromStr for GenreChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(GenreChoice::All);
        }
        let items: Vec<String> =
            s.split(',').map(|g| g.trim().to_string()).filter(|g| !g.is_empty()).collect();
        if items.is_empty() {
            return Err(Error::param("--genres", "expected `all` or a comma-separated list of ids or names"));
        }
        Ok(GenreChoice::Listed(items))
    }
}

/// Parse `2000-2017` or `2015` into an inclusive range.
pub fn parse_years(s: &str) -> Result<(u16, u16)> {
    let bad = || Error::param("--years", format!("`{s}` is not a year or a range like 2000-2017"));
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a > b || a < 1870 {
        return Err(bad());
    }
    Ok((a, b))
}

/// What to fetch and where to put it.
#[derive(Debug, Clone)]
pub struct FetchPlan {
    pub out_dir: PathBuf,
    /// Discover pages per genre (and year).
    pub pages: u32,
    pub genres: GenreChoice,
    pub years: Option<(u16, u16)>,
    /// Poster size such as `w185`; `None` skips posters.
    pub poster_size: Option<String>,
    pub max_movies: Option<usize>,
    /// Worker threads sharing the rate limit.
    pub threads: usize,
    pub quiet: bool,
}

#[derive(Deserialize)]
struct GenreList {
    genres: Vec<GenreEntry>,
}

#[derive(Deserialize)]
struct GenreEntry {
    id: u32,
    name: String,
}

/// One parsed discover page.
struct Page {
    movies: Vec<Movie>,
    total_pages: u32,
}

fn parse_page(key: &str) -> impl Fn(&[u8]) -> Result<Page, String> + '_ {
    move |bytes| {
        let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let total_pages = value.get("total_pages").and_then(|v| v.as_u64()).unwrap_or(1) as u32;
        let movies = dataset::load_movies_from_text(Path::new(key), text, SourceFormat::ApiResultsJson)
            .map_err(|e| e.to_string())?;
        Ok(Page { movies, total_pages })
    }
}

/// Run the plan with `client`; writes `movies.jsonl` and `summary.json` into the plan's folder.
pub fn fetch_dataset(plan: &FetchPlan, client: &Client) -> Result<FetchSummary> {
    let out = &plan.out_dir;
    std::fs::create_dir_all(out.join("posters")).map_err(|e| Error::io(out, e))?;
    for dir in [out.join("posters"), out.join("cache")] {
        remove_stale_temps(&dir);
    }
    let mut summary = FetchSummary::default();

    let genres = client
        .fetch_json(&Request::genre_list(), |b| {
            serde_json::from_slice::<GenreList>(b).map_err(|e| e.to_string())
        })
        .map_err(Error::from)?
        .genres;
    let selected = select_genres(&genres, &plan.genres)?;
    summary.genres = selected.iter().map(|g| g.name.clone()).collect();

    // Discover: first pages, then the rest up to each query's total_pages.
    let years: Vec<Option<u16>> = match plan.years {
        Some((a, b)) => (a..=b).map(Some).collect(),
        None => vec![None],
    };
    let queries: Vec<(u32, Option<u16>)> =
        selected.iter().flat_map(|g| years.iter().map(move |&y| (g.id, y))).collect();
    let first: Vec<Request> = queries.iter().map(|&(g, y)| Request::discover(g, y, 1)).collect();
    let failures = Mutex::new(Vec::new());
    let first_pages = run_parallel(plan, "discover (page 1)", &first, |r| fetch_page(client, r, &failures))?;
    let mut rest = Vec::new();
    for (&(g, y), page) in queries.iter().zip(&first_pages) {
        let last = page.as_ref().map_or(0, |p| p.total_pages.min(plan.pages));
        rest.extend((2..=last).map(|p| Request::discover(g, y, p)));
    }
    let rest_pages =
        run_parallel(plan, "discover (more pages)", &rest, |r| fetch_page(client, r, &failures))?;
    summary.pages_planned = first.len() + rest.len();

    // Select, in plan order: query by query, page by page.
    let mut pages: Vec<(&Request, Option<Page>)> = first.iter().zip(first_pages).collect();
    pages.extend(rest.iter().zip(rest_pages));
    pages.sort_by_key(|(r, _)| plan_position(r, &queries));
    summary.pages_failed = pages.iter().filter(|(_, p)| p.is_none()).count();
    let results: Vec<Movie> =
        pages.into_iter().flat_map(|(_, p)| p.map(|p| p.movies).unwrap_or_default()).collect();
    let (movies, prepare) = dataset::prepare(results);
    summary.prepare = prepare;
    let (mut movies, no_poster): (Vec<Movie>, Vec<Movie>) = match plan.poster_size {
        Some(_) => movies.into_iter().partition(|m| m.poster_path.is_some()),
        None => (movies, Vec::new()),
    };
    summary.no_poster_path = no_poster.len();
    if let Some(max) = plan.max_movies {
        summary.over_max_movies = movies.len().saturating_sub(max);
        movies.truncate(max);
    }

    if let Some(size) = &plan.poster_size {
        let posters = out.join("posters");
        let done = run_parallel(plan, &format!("posters ({size})"), &movies, |m| {
            let path = m.poster_path.as_deref().unwrap_or_default();
            let dest = posters.join(format!("{}.jpg", m.id));
            match client.fetch_poster(size, path, &dest) {
                Ok(_) => Ok(true),
                Err(Failure::Item { what, fault, attempts }) => {
                    let what = format!("movie {} ({what})", m.id);
                    failures.lock().unwrap().push(FailureRecord {
                        what,
                        reason: fault.to_string(),
                        attempts,
                    });
                    Ok(false)
                }
                Err(Failure::Fatal(e)) => Err(e),
            }
        })?;
        summary.posters_failed = done.iter().filter(|&&ok| !ok).count();
        movies = movies.into_iter().zip(done).filter(|(_, ok)| *ok).map(|(m, _)| m).collect();
        summary.posters_ok = movies.len();
    }

    let jsonl = out.join("movies.jsonl");
    dataset::write_jsonl(&jsonl, &movies)?;
    summary.movies_written = movies.len();
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort_by(|a, b| a.what.cmp(&b.what));
    summary.failures = failures;
    summary.client = client.stats();
    write_summary(&out.join("summary.json"), &summary)?;
    Ok(summary)
}

/// Remove the `.name.tmp-PID` files a killed run left behind (see [`crate::io::write_atomic`]).
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.contains(".tmp-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn select_genres(all: &[GenreEntry], choice: &GenreChoice) -> Result<Vec<GenreEntry>> {
    let GenreChoice::Listed(wanted) = choice else {
        return Ok(all.iter().map(|g| GenreEntry { id: g.id, name: g.name.clone() }).collect());
    };
    wanted
        .iter()
        .map(|w| {
            all.iter()
                .find(|g| g.id.to_string() == *w || g.name.eq_ignore_ascii_case(w))
                .map(|g| GenreEntry { id: g.id, name: g.name.clone() })
                .ok_or_else(|| {
                    let known: Vec<String> = all.iter().map(|g| format!("{} {}", g.id, g.name)).collect();
                    Error::param(
                        "--genres",
                        format!("`{w}` is not a TMDB genre (known: {})", known.join(", ")),
                    )
                })
        })
        .collect()
}

/// (query index, page) of a discover request, for sorting pages into plan order.
fn plan_position(r: &Request, queries: &[(u32, Option<u16>)]) -> (usize, u32) {
    let get = |k: &str| r.query.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.parse::<u32>().ok());
    let genre = get("with_genres").unwrap_or(0);
    let year = get("primary_release_year").map(|y| y as u16);
    let index = queries.iter().position(|&q| q == (genre, year)).unwrap_or(usize::MAX);
    (index, get("page").unwrap_or(0))
}

fn fetch_page(client: &Client, r: &Request, failures: &Mutex<Vec<FailureRecord>>) -> Result<Option<Page>> {
    let key = r.cache_key();
    match client.fetch_json(r, parse_page(&key)) {
        Ok(page) => Ok(Some(page)),
        Err(Failure::Item { what, fault, attempts }) => {
            failures.lock().unwrap().push(FailureRecord { what, reason: fault.to_string(), attempts });
            Ok(None)
        }
        Err(Failure::Fatal(e)) => Err(e),
    }
}

/// `work` on every item with `plan.threads` workers; results in item order. The first error
/// stops the workers from taking new items and is returned.
fn run_parallel<T: Sync, R: Send>(
    plan: &FetchPlan,
    label: &str,
    items: &[T],
    work: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let bar = progress(plan, label, items.len());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let error = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..plan.threads.clamp(1, items.len().max(1)) {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    match work(item) {
                        Ok(r) => *slots[i].lock().unwrap() = Some(r),
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            error.lock().unwrap().get_or_insert(e);
                        }
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = error.into_inner().unwrap() {
        return Err(e);
    }
    if !plan.quiet {
        eprintln!("{label}: {} done in {:.1} s", items.len(), bar.elapsed().as_secs_f64());
    }
    Ok(slots
        .into_iter()
        .map(|s| s.into_inner().unwrap().expect("every slot is filled without an error"))
        .collect())
}

fn progress(plan: &FetchPlan, label: &str, len: usize) -> ProgressBar {
    if plan.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64).with_prefix(label.to_string());
    let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {per_sec} ETA {eta}")
        .expect("valid template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar
}
