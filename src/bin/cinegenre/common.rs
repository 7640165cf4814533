//! What every command shares: the `--timings` clock, standard output that survives a closed
//! pipe or a full disk, the device choice, and the checked ranges of numeric flags.

use std::fmt::Display;
use std::io::Write as _;
use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use clap::{Args, ValueEnum};

use cinegenre::Result;
use cinegenre::backend::{Backend, Device};
use cinegenre::io::OutputSet;

/// Declare a command's outputs — the required one and the optional ones it was given — before
/// any work: every path is checked against the others and the inputs, and none of them appears
/// unless all are written ([`OutputSet`]).
pub fn declare_outputs(outputs: &[Option<&Path>], inputs: &[&Path]) -> Result<OutputSet> {
    let paths: Vec<&Path> = outputs.iter().flatten().copied().collect();
    OutputSet::new(&paths, inputs)
}

/// Check outputs the library writes together later (a matrix and its `.genres.json` sidecar)
/// before any work, leaving nothing behind.
pub fn check_outputs(outputs: &[&Path], inputs: &[&Path]) -> Result<()> {
    OutputSet::new(outputs, inputs).map(drop)
}

/// Refuse, before any work, an output that is the same file as an input (device and inode:
/// through symbolic and hard links; a missing output by its canonical folder and name).
/// Pairs are (flag, path): the error names both flags.
pub fn refuse_inputs(outputs: &[(&str, &Path)], inputs: &[(&str, Option<&Path>)]) -> Result<()> {
    for &(out_flag, output) in outputs {
        for &(in_flag, input) in inputs {
            if let Some(input) = input
                && cinegenre::io::same_file(output, input)
            {
                return Err(cinegenre::Error::param(
                    out_flag,
                    format!(
                        "{} is the same file as the input `{in_flag}` {}; choose another output",
                        output.display(),
                        input.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// What a command gets besides its own flags.
pub struct Context {
    /// `--timings`: print how long each step took.
    pub timings: bool,
    started: Instant,
}

impl Context {
    pub fn new(timings: bool) -> Context {
        Context { timings, started: Instant::now() }
    }

    /// Run `work` as the step `name`; with `--timings`, print `timing NAME SECONDS` to standard
    /// error.
    pub fn step<T>(&self, name: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let out = work()?;
        if self.timings {
            cinegenre::progress::note(&format!("timing {name} {:.6}", start.elapsed().as_secs_f64()));
        }
        Ok(out)
    }

    /// With `--timings`, the command's whole time (`timing total SECONDS`).
    pub fn finish(&self) {
        if self.timings {
            cinegenre::progress::note(&format!("timing total {:.6}", self.started.elapsed().as_secs_f64()));
        }
    }
}

/// Print a line on standard output. A closed pipe (`| head`) ends the program quietly with
/// the status a shell gives a process killed by SIGPIPE (141); any other failure (a full disk,
/// `> /dev/full`) is a clear error.
macro_rules! say {
    ($($arg:tt)*) => { $crate::common::say_line(format_args!($($arg)*)) };
}
pub(crate) use say;

/// Exit status after a write to a closed pipe: 128 + SIGPIPE.
pub const BROKEN_PIPE_STATUS: i32 = 141;

pub fn say_line(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        stdout_failed(&e);
    }
}

/// Flush standard output at the end of a command (where a full disk shows).
pub fn flush_stdout() {
    if let Err(e) = std::io::stdout().flush() {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE_STATUS);
    }
    cinegenre::progress::note(&format!("error: cannot write to standard output: {e}"));
    std::process::exit(1);
}

/// `--device`: where the GPU-capable work of a command runs.
#[derive(Args, Debug, Clone)]
pub struct DeviceArg {
    /// cpu, gpu or auto (the GPU when an adapter exists); default: $CINEGENRE_DEVICE, else cpu.
    #[arg(long)]
    pub device: Option<Device>,
}

impl DeviceArg {
    /// The backend, resolved once for the command.
    pub fn backend(&self) -> Result<Backend> {
        Backend::for_device(Device::resolve(self.device)?)
    }
}

/// A short description of a backend for messages: the adapter for a GPU.
pub fn describe_backend(backend: &Backend) -> String {
    match backend {
        Backend::Gpu(ctx) => format!("gpu: {}", ctx.report),
        other => other.name(),
    }
}

/// A clap parser for values of `T` in `min..=max`; the error names the range.
pub fn in_range<T>(
    min: T,
    max: T,
) -> impl Fn(&str) -> std::result::Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |s: &str| {
        let v: T = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
        // NaN compares false both ways, so it fails here too.
        if v >= min && v <= max { Ok(v) } else { Err(format!("{v} is not in {min}..={max}")) }
    }
}

/// A clap parser for a finite number greater than 0 and at most `max`.
pub fn positive<T>(max: T) -> impl Fn(&str) -> std::result::Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Default + Send + Sync + 'static,
{
    move |s: &str| {
        let v: T = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
        if v > T::default() && v <= max {
            Ok(v)
        } else {
            Err(format!("must be a finite number > 0 and ≤ {max}, got {v}"))
        }
    }
}

/// A clap parser for a finite number ≥ 0 and at most `max`.
pub fn non_negative<T>(
    max: T,
) -> impl Fn(&str) -> std::result::Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Default + Send + Sync + 'static,
{
    move |s: &str| {
        let v: T = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
        if v >= T::default() && v <= max {
            Ok(v)
        } else {
            Err(format!("must be a finite number ≥ 0 and ≤ {max}, got {v}"))
        }
    }
}

/// Text cleaning before tokenizing.
#[derive(Clone, Copy, ValueEnum)]
pub enum CleanArg {
    /// Delete ',' and '.' first, as the tutorial does.
    Tutorial,
    /// Leave the text as it is.
    None,
}

impl From<CleanArg> for cinegenre::text::Cleaning {
    fn from(c: CleanArg) -> Self {
        match c {
            CleanArg::Tutorial => cinegenre::text::Cleaning::Tutorial,
            CleanArg::None => cinegenre::text::Cleaning::None,
        }
    }
}

/// A bundled data set.
#[derive(Clone, Copy, ValueEnum)]
pub enum BundledArg {
    /// Every bundled file, de-duplicated (about 10,000 movies).
    All,
    /// The tutorial's own 1,559 movies with overviews.
    Tutorial,
}

impl From<BundledArg> for cinegenre::dataset::Bundled {
    fn from(b: BundledArg) -> Self {
        match b {
            BundledArg::All => cinegenre::dataset::Bundled::All,
            BundledArg::Tutorial => cinegenre::dataset::Bundled::Tutorial,
        }
    }
}

/// The output layer of an MLP.
#[derive(Clone, Copy, ValueEnum)]
pub enum OutputArg {
    /// Independent per-genre probabilities.
    Sigmoid,
    /// One distribution over the genres (the tutorial's text model).
    Softmax,
}

impl From<OutputArg> for cinegenre::mlp::Output {
    fn from(o: OutputArg) -> Self {
        match o {
            OutputArg::Sigmoid => cinegenre::mlp::Output::Sigmoid,
            OutputArg::Softmax => cinegenre::mlp::Output::Softmax,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_what_they_should() {
        let digits = in_range(0usize, 15);
        assert_eq!(digits("3"), Ok(3));
        assert!(digits("65536").unwrap_err().contains("0..=15"));
        let lr = positive(10.0f32);
        assert!(lr("NaN").is_err() && lr("-1").is_err() && lr("1e308").is_err() && lr("inf").is_err());
        assert!(lr("0").unwrap_err().contains("> 0"));
        assert_eq!(lr("0.001"), Ok(0.001));
        let alpha = non_negative(1e12f64);
        assert_eq!(alpha("0"), Ok(0.0));
        assert!(alpha("-0.5").is_err() && alpha("NaN").is_err());
    }
}
