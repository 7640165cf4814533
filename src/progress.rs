//! Saying what the program is doing: numbered stages on standard error, each closed with its
//! result and duration, and a spinner while a stage runs when standard error is a terminal.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

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

    /// Begin the next stage, described as `what` ("Vectorizing overviews").
    pub fn start(&mut self, key: &str, what: &str) {
        self.current += 1;
        self.name = key.to_string();
        self.started = Instant::now();
        if self.quiet {
            return;
        }
        let line = format!("[{}/{}] {what}", self.current, self.total);
        let spinner = ProgressBar::new_spinner();
        if spinner.is_hidden() {
            eprintln!("{line} …");
        } else {
            spinner.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
            );
            spinner.set_message(line);
            spinner.enable_steady_tick(Duration::from_millis(100));
            self.spinner = Some(spinner);
        }
    }

    /// Close the current stage with a one-line result; returns its duration.
    pub fn done(&mut self, detail: &str) -> Duration {
        let elapsed = self.started.elapsed();
        self.timings.push((self.name.clone(), elapsed));
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
            eprintln!("[{}/{}] {detail} ({:.2} s)", self.current, self.total, elapsed.as_secs_f64());
        } else if !self.quiet {
            eprintln!("      {detail} ({:.2} s)", elapsed.as_secs_f64());
        }
        elapsed
    }

    /// `(stage key, duration)` of every finished stage.
    pub fn timings(&self) -> &[(String, Duration)] {
        &self.timings
    }
}
