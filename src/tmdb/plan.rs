//! What `cinegenre fetch tmdb` is asked to do, and the ranges each setting must lie in,
//! checked before any work starts.
//!
//! ```text
//! --pages      1 ≤ p ≤ 500          TMDB serves at most 500 pages of a query
//! --threads    1 ≤ t; above 64 capped (with a note): more workers only wait on the rate limit
//! --years      1870 ≤ a ≤ b ≤ 2100
//! --posters    one of POSTER_SIZES, or none
//! ```
//!
//! ```
//! use cinegenre::tmdb::FetchPlan;
//! let mut plan = FetchPlan::new("out".into());
//! plan.threads = 1000;
//! let notes = plan.validate().unwrap();
//! assert_eq!(notes, ["--threads 1000 capped at 64 (more workers only wait on the rate limit)"]);
//! assert_eq!(plan.threads, 64);
//! plan.pages = 0;
//! assert!(plan.validate().unwrap_err().to_string().starts_with("invalid --pages: "));
//! ```

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::tmdb::endpoints::POSTER_SIZES;

/// The most discover pages TMDB serves for one query (its documented maximum).
pub const MAX_PAGES: u32 = 500;
/// The most worker threads a fetch runs; more would only wait on the rate limit.
pub const MAX_THREADS: usize = 64;
/// The first and last release years a discover query may ask for.
pub const YEARS: (u16, u16) = (1870, 2100);

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

/// Parse `2000-2017` or `2015` into an inclusive range within [`YEARS`].
pub fn parse_years(s: &str) -> Result<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let parsed = a.trim().parse().ok().zip(b.trim().parse().ok());
    let bad = || Error::param("--years", format!("`{s}` is not a year or a range like 2000-2017"));
    let years = parsed.ok_or_else(bad)?;
    check_years(years).map_err(|why| Error::param("--years", format!("`{s}` {why}")))?;
    Ok(years)
}

fn check_years((a, b): (u16, u16)) -> Result<(), String> {
    if a > b {
        return Err("ends before it starts".into());
    }
    if a < YEARS.0 || b > YEARS.1 {
        return Err(format!("lies outside {}-{}", YEARS.0, YEARS.1));
    }
    Ok(())
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

impl FetchPlan {
    /// The command's defaults into `out_dir`: all genres, 5 pages, w185 posters, 8 workers.
    pub fn new(out_dir: PathBuf) -> Self {
        FetchPlan {
            out_dir,
            pages: 5,
            genres: GenreChoice::All,
            years: None,
            poster_size: Some("w185".into()),
            max_movies: None,
            threads: 8,
            quiet: false,
        }
    }

    /// Refuse settings out of range (the error names the flag) and cap `threads` at
    /// [`MAX_THREADS`]; returns a note for each value capped. Call it before any work;
    /// [`super::fetch_dataset`] calls it again.
    pub fn validate(&mut self) -> Result<Vec<String>> {
        if self.out_dir.as_os_str().is_empty() {
            return Err(Error::param("--out", "the output folder is empty"));
        }
        if !(1..=MAX_PAGES).contains(&self.pages) {
            let why = if self.pages == 0 { "0 pages would fetch nothing" } else { "TMDB serves no more" };
            return Err(Error::param(
                "--pages",
                format!("{} ({why}); give 1 to {MAX_PAGES} pages per query", self.pages),
            ));
        }
        if let Some(size) = &self.poster_size
            && !POSTER_SIZES.contains(&size.as_str())
        {
            let sizes = POSTER_SIZES.join(", ");
            return Err(Error::param("--posters", format!("`{size}` is not one of {sizes}, none")));
        }
        if let Some(years) = self.years {
            check_years(years)
                .map_err(|why| Error::param("--years", format!("{}-{} {why}", years.0, years.1)))?;
        }
        let mut notes = Vec::new();
        if self.threads == 0 {
            return Err(Error::param(
                "--threads",
                format!("0 workers would fetch nothing; give 1 to {MAX_THREADS}"),
            ));
        }
        if self.threads > MAX_THREADS {
            notes.push(format!(
                "--threads {} capped at {MAX_THREADS} (more workers only wait on the rate limit)",
                self.threads
            ));
            self.threads = MAX_THREADS;
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag and a way to put its setting out of range.
    type Case = (&'static str, fn(&mut FetchPlan));

    #[test]
    fn out_of_range_settings_name_their_flag() {
        let cases: [Case; 7] = [
            ("--pages", |p| p.pages = 0),
            ("--pages", |p| p.pages = 501),
            ("--threads", |p| p.threads = 0),
            ("--posters", |p| p.poster_size = Some("w999".into())),
            ("--years", |p| p.years = Some((2017, 2000))),
            ("--years", |p| p.years = Some((1800, 2000))),
            ("--out", |p| p.out_dir = PathBuf::new()),
        ];
        for (flag, break_it) in cases {
            let mut plan = FetchPlan::new("out".into());
            break_it(&mut plan);
            let e = plan.validate().unwrap_err().to_string();
            assert!(e.starts_with(&format!("invalid {flag}: ")), "{e}");
        }
        let mut plan = FetchPlan::new("out".into());
        assert_eq!(plan.validate().unwrap(), Vec::<String>::new());
        plan.threads = usize::MAX;
        assert_eq!(plan.validate().unwrap().len(), 1);
        assert_eq!(
            (plan.threads, plan.validate().unwrap().len()),
            (MAX_THREADS, 0),
            "validate twice: one note"
        );
    }

    #[test]
    fn years_parse_within_range() {
        assert_eq!(parse_years("2000-2017").unwrap(), (2000, 2017));
        assert_eq!(parse_years(" 2015 ").unwrap(), (2015, 2015));
        for bad in ["2017-2000", "1800", "2000-65535", "x", "2000-", "99999"] {
            assert!(parse_years(bad).unwrap_err().to_string().starts_with("invalid --years: "), "{bad}");
        }
    }
}
