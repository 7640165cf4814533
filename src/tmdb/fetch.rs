//! The dataset builder behind `cinegenre fetch tmdb`: the tutorial's collection plan (§3–4)
//! as one resumable command.
//!
//! ```text
//! 0. check      FetchPlan::validate: every flag in range, before any request
//! 1. genres     genre/movie/list; keep --genres (all, or ids / names)
//! 2. discover   for each genre (× each --years year): page 1, then pages 2..=min(--pages,
//!               total_pages ≤ 500) — parallel workers, one shared rate limit
//! 3. select     results in plan order (genre, year, page, rank) → de-duplicate by id (first
//!               wins) → drop empty overviews → drop no poster_path → drop (and list) a
//!               poster_path that is not a plain file name → first --max-movies
//! 4. posters    DIR/posters/<id>.jpg at --posters size, whole and decoded before they count
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

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::dataset::{self, Movie};
use crate::error::{Error, Result};
use crate::progress::Counter;
use crate::tmdb::client::{Client, Failure};
use crate::tmdb::endpoints::Request;
use crate::tmdb::plan::{FetchPlan, GenreChoice};
use crate::tmdb::poster::check_poster_path;
use crate::tmdb::responses::{Genre, ResultsPage, parse_genre_list, parse_results_page};
use crate::tmdb::summary::{FailureRecord, FetchSummary, write_summary};

/// Run the plan with `client`; writes `movies.jsonl` and `summary.json` into the plan's folder.
/// The plan is checked first ([`FetchPlan::validate`]; its notes go to the client's warnings).
pub fn fetch_dataset(plan: &FetchPlan, client: &Client) -> Result<FetchSummary> {
    let mut plan = plan.clone();
    for note in plan.validate()? {
        client.warn(&note);
    }
    let plan = &plan;
    let out = &plan.out_dir;
    std::fs::create_dir_all(out.join("posters")).map_err(|e| Error::io(out, e))?;
    // One fetch per folder (its cache included): a second one refuses, naming this process.
    let _lock = crate::io::FolderLock::acquire(out)?;
    for dir in [out.join("posters"), out.join("cache")] {
        remove_stale_temps(&dir);
    }
    let mut summary = FetchSummary::default();

    let genres = client.fetch_json(&Request::genre_list(), parse_genre_list).map_err(Error::from)?;
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
    let mut pages: Vec<(&Request, Option<ResultsPage>)> = first.iter().zip(first_pages).collect();
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
    if plan.poster_size.is_some() {
        movies.retain(|m| {
            let path = m.poster_path.as_deref().unwrap_or_default();
            let Err(why) = check_poster_path(path) else { return true };
            let what = format!("movie {} (poster_path)", m.id);
            client.warn(&format!("{what}: {why}; not requested"));
            let reason = format!("{why}; not requested");
            failures.lock().unwrap().push(FailureRecord { what, reason, attempts: 0 });
            summary.bad_poster_path += 1;
            false
        });
    }
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
    if !movies.is_empty() {
        dataset::write_jsonl(&jsonl, &movies)?;
    }
    summary.movies_written = movies.len();
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort_by(|a, b| a.what.cmp(&b.what));
    summary.failures = failures;
    summary.client = client.stats();
    write_summary(&out.join("summary.json"), &summary)?;
    if movies.is_empty() {
        return Err(nothing_fetched(&summary, &out.join("summary.json")));
    }
    Ok(summary)
}

/// The error of a fetch that kept no movie: how many pages and posters failed, and the first
/// failure's reason (movies.jsonl is not written; summary.json is).
fn nothing_fetched(summary: &FetchSummary, summary_path: &Path) -> Error {
    let first = summary.failures.first().map_or_else(
        || "no page listed any movie".to_string(),
        |f| format!("first failure: {}: {}", f.what, f.reason),
    );
    Error::Network {
        what: "TMDB fetch".into(),
        message: format!(
            "nothing useful was fetched: {} of {} discover pages failed, {} posters failed; {first} \
             (details in {}; movies.jsonl not written)",
            summary.pages_failed,
            summary.pages_planned,
            summary.posters_failed,
            summary_path.display()
        ),
    }
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

fn select_genres(all: &[Genre], choice: &GenreChoice) -> Result<Vec<Genre>> {
    let GenreChoice::Listed(wanted) = choice else {
        return Ok(all.to_vec());
    };
    wanted
        .iter()
        .map(|w| {
            all.iter().find(|g| g.id.to_string() == *w || g.name.eq_ignore_ascii_case(w)).cloned().ok_or_else(
                || {
                    let known: Vec<String> = all.iter().map(|g| format!("{} {}", g.id, g.name)).collect();
                    Error::param(
                        "--genres",
                        format!("`{w}` is not a TMDB genre (known: {})", known.join(", ")),
                    )
                },
            )
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

fn fetch_page(
    client: &Client,
    r: &Request,
    failures: &Mutex<Vec<FailureRecord>>,
) -> Result<Option<ResultsPage>> {
    let key = r.cache_key();
    match client.fetch_json(r, |bytes| parse_results_page(&key, bytes)) {
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
    let bar = Counter::new(label, items.len() as u64, "requests", !plan.quiet);
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
    bar.finish();
    if let Some(e) = error.into_inner().unwrap() {
        return Err(e);
    }
    if !plan.quiet {
        crate::progress::note(&format!(
            "{label}: {} done in {:.1} s",
            items.len(),
            bar.elapsed().as_secs_f64()
        ));
    }
    Ok(slots
        .into_iter()
        .map(|s| s.into_inner().unwrap().expect("every slot is filled without an error"))
        .collect())
}
