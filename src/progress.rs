//! Saying what the program is doing, on standard error, wherever it runs.
//!
//! Two pieces:
//! - [`Stages`]: numbered stages (`[3/12] Vectorizing overviews …`), each closed with its result
//!   and duration; a spinner while a stage runs when standard error is a terminal.
//! - [`Counter`]: the progress of one long piece of work (SVM fits, skip-gram words, posters,
//!   MLP batches, TMDB requests). On a terminal it is an indicatif bar; otherwise (a log file, a
//!   pipe, CI) it prints one line at most every [`LINE_EVERY`] — `label: done/total (rate/s,
//!   elapsed)` — so a long stage is never silent.
//!
//! `CINEGENRE_PROGRESS=bars|lines|none` overrides the choice (tests use `lines` with
//! `CINEGENRE_PROGRESS_EVERY=0.2` to see the lines of short work). Bars need the
//! `progress-bars` feature (on with `cli`); without it progress is always lines.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

#[cfg(feature = "progress-bars")]
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
#[cfg(not(feature = "progress-bars"))]
use no_bars::{MultiProgress, ProgressBar, ProgressStyle};

/// Environment variable choosing how progress is shown: `bars`, `lines` or `none`.
pub const PROGRESS_ENV: &str = "CINEGENRE_PROGRESS";
/// Environment variable setting the seconds between progress lines (default 5).
pub const PROGRESS_EVERY_ENV: &str = "CINEGENRE_PROGRESS_EVERY";
/// Time between two progress lines when standard error is not a terminal.
pub const LINE_EVERY: Duration = Duration::from_secs(5);

/// Whether this build can draw bars (the `progress-bars` feature).
const BARS: bool = cfg!(feature = "progress-bars");

/// How progress reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Bars,
    Lines,
    None,
}

fn mode() -> Mode {
    match std::env::var(PROGRESS_ENV).as_deref() {
        Ok("bars") if BARS => Mode::Bars,
        Ok("lines") => Mode::Lines,
        Ok("none") => Mode::None,
        _ if BARS && std::io::IsTerminal::is_terminal(&std::io::stderr()) => Mode::Bars,
        _ => Mode::Lines,
    }
}

fn line_every() -> Duration {
    std::env::var(PROGRESS_EVERY_ENV)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
        .map_or(LINE_EVERY, Duration::from_secs_f64)
}

/// Every bar and spinner of the process, so a stage's spinner and its work's bar share the
/// terminal without tearing.
fn bars() -> &'static MultiProgress {
    static BARS: OnceLock<MultiProgress> = OnceLock::new();
    BARS.get_or_init(MultiProgress::new)
}

/// Write one line to standard error above any bars, ignoring a closed or full stream
/// (progress is a courtesy: it must never stop the work).
pub fn note(line: &str) {
    use std::io::Write as _;
    bars().suspend(|| {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    });
}

/// Progress of `total` units of work, shared by threads (`inc` is lock-free).
pub struct Counter {
    label: String,
    unit: &'static str,
    total: u64,
    done: AtomicU64,
    started: Instant,
    bar: Option<ProgressBar>,
    /// When the last line was printed (line mode only).
    last_line: Option<Mutex<Instant>>,
    every: Duration,
}

impl Counter {
    /// Work of `total` `unit`s (`"fits"`, `"words"`, `"images"`), shown when `show`.
    pub fn new(label: &str, total: u64, unit: &'static str, show: bool) -> Counter {
        let mode = if show { mode() } else { Mode::None };
        let bar = (mode == Mode::Bars).then(|| {
            let bar = bars().add(ProgressBar::new(total));
            let template = format!(
                "  {label} {{bar:30}} {{pos}}/{{len}} {unit} {{per_sec}} [{{elapsed}}<{{eta}}] {{msg}}"
            );
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        let now = Instant::now();
        Counter {
            label: label.to_string(),
            unit,
            total,
            done: AtomicU64::new(0),
            started: now,
            bar,
            last_line: (mode == Mode::Lines).then(|| Mutex::new(now)),
            every: line_every(),
        }
    }

    /// `n` more units done.
    pub fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(bar) = &self.bar {
            bar.inc(n);
        } else {
            self.maybe_line(done, None);
        }
    }

    /// Units done so far.
    pub fn position(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Start from `n` units already done (a resumed job).
    pub fn resume_at(&self, n: u64) {
        self.done.store(n, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_position(n);
            bar.reset_eta();
        }
    }

    /// A short status after the counts (`loss 0.2431`), shown with the next update.
    pub fn message(&self, msg: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg.to_string());
        } else {
            self.maybe_line(self.position(), Some(msg));
        }
    }

    /// Print `line` without tearing the bar.
    pub fn println(&self, line: &str) {
        note(line);
    }

    /// Close the bar (a terminal keeps no trace of it; lines are already printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            bars().remove(bar);
        }
    }

    /// Seconds since the counter was made.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn maybe_line(&self, done: u64, msg: Option<&str>) {
        let Some(last) = &self.last_line else { return };
        // try_lock: a thread that finds another printing simply skips its line.
        let Ok(mut last) = last.try_lock() else { return };
        if last.elapsed() < self.every {
            return;
        }
        *last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let pct = if self.total > 0 { 100.0 * done as f64 / self.total as f64 } else { 100.0 };
        let tail = msg.map_or(String::new(), |m| format!(", {m}"));
        note(&format!(
            "  {}: {done}/{} {} ({pct:.0}%, {} {}/s, {secs:.0} s{tail})",
            self.label,
            self.total,
            self.unit,
            human(rate),
            self.unit
        ));
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `1234.5` → `1235`, `0.42` → `0.42`: enough digits to read a rate.
fn human(x: f64) -> String {
    if x >= 100.0 { format!("{x:.0}") } else { format!("{x:.2}") }
}

/// A run of `total` numbered stages.
pub struct Stages {
    total: usize,
    current: usize,
    started: Instant,
    spinner: Option<ProgressBar>,
    quiet: bool,
    timings: Vec<(String, Duration)>,
    name: String,
}

impl Stages {
    /// `total` stages; `quiet` silences all output (timings are still recorded).
    pub fn new(total: usize, quiet: bool) -> Self {
        Stages {
            total,
            current: 0,
            started: Instant::now(),
            spinner: None,
            quiet,
            timings: Vec::new(),
            name: String::new(),
        }
    }

    /// Whether stage output (and the progress of long stages) is shown.
    pub fn shown(&self) -> bool {
        !self.quiet
    }

    /// Begin the next stage, described as `what` ("Vectorizing overviews").
    pub fn start(&mut self, key: &str, what: &str) {
        self.current += 1;
        self.name = key.to_string();
        self.started = Instant::now();
        if self.quiet {
            return;
        }
        let line = format!("[{}/{}] {what}", self.current, self.total);
        if mode() != Mode::Bars {
            note(&format!("{line} …"));
            return;
        }
        let spinner = bars().add(ProgressBar::new_spinner());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            spinner.set_style(style);
        }
        spinner.set_message(line);
        spinner.enable_steady_tick(Duration::from_millis(100));
        self.spinner = Some(spinner);
    }

    /// Close the current stage with a one-line result; returns its duration.
    pub fn done(&mut self, detail: &str) -> Duration {
        let elapsed = self.started.elapsed();
        self.timings.push((self.name.clone(), elapsed));
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
            note(&format!("[{}/{}] {detail} ({:.2} s)", self.current, self.total, elapsed.as_secs_f64()));
        } else if !self.quiet {
            note(&format!("      {detail} ({:.2} s)", elapsed.as_secs_f64()));
        }
        elapsed
    }

    /// `(stage key, duration)` of every finished stage.
    pub fn timings(&self) -> &[(String, Duration)] {
        &self.timings
    }
}

/// Stand-ins for the few indicatif calls made here, for a build without `progress-bars`:
/// [`mode`] never chooses bars then, so none of them is ever drawn.
#[cfg(not(feature = "progress-bars"))]
mod no_bars {
    pub struct MultiProgress;
    pub struct ProgressBar;
    pub struct ProgressStyle;

    impl MultiProgress {
        pub fn new() -> Self {
            MultiProgress
        }
        pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
            f()
        }
        pub fn add(&self, bar: ProgressBar) -> ProgressBar {
            bar
        }
        pub fn remove(&self, _: &ProgressBar) {}
    }

    impl ProgressBar {
        pub fn new(_: u64) -> Self {
            ProgressBar
        }
        pub fn new_spinner() -> Self {
            ProgressBar
        }
        pub fn set_style(&self, _: ProgressStyle) {}
        pub fn inc(&self, _: u64) {}
        pub fn set_position(&self, _: u64) {}
        pub fn reset_eta(&self) {}
        pub fn set_message(&self, _: String) {}
        pub fn finish_and_clear(&self) {}
        pub fn enable_steady_tick(&self, _: std::time::Duration) {}
    }

    impl ProgressStyle {
        pub fn with_template(_: &str) -> Result<Self, std::fmt::Error> {
            Ok(ProgressStyle)
        }
        pub fn progress_chars(self, _: &str) -> Self {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_across_threads() {
        let c = Counter::new("work", 1000, "items", false);
        rayon::scope(|s| {
            for _ in 0..4 {
                s.spawn(|_| (0..250).for_each(|_| c.inc(1)));
            }
        });
        assert_eq!(c.position(), 1000);
        c.resume_at(10);
        assert_eq!(c.position(), 10);
    }

    #[test]
    fn rates_read_well() {
        assert_eq!(human(1234.4), "1234");
        assert_eq!(human(0.421), "0.42");
    }
}
