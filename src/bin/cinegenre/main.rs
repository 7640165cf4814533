//! `cinegenre`: the command line. Parse (clap) → call the library → print.
//!
//! One file per command group holds its flags (a clap `Args` struct or `Subcommand` enum with
//! every option documented and an example in its help) and its handler (`run`). This file only
//! names the commands and dispatches, one line each. Adding a command: a new file with its
//! `Args` and `run`, a variant below and its dispatch line.

mod bench;
mod classify;
mod cluster;
mod common;
mod data;
mod features;
mod fetch;
mod predict;
mod renamed;
mod run;
mod train;
mod vectorize;
mod words;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use cinegenre::Result;
use common::Context;

#[derive(Parser)]
#[command(
    name = "cinegenre",
    version,
    about = "Movie-genre classification from scratch: the CS209 pipeline in Rust",
    after_help = "Example:\n  cinegenre run --quick --out out   # the whole pipeline on 2,000 bundled movies\n\n\
                  Every command has --help with an example."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print how long each step took (read, compute, write) and the total to standard error.
    #[arg(long, global = true)]
    timings: bool,
}

#[derive(Subcommand)]
enum Command {
    Run(run::RunArgs),
    Dataset(data::DatasetArgs),
    Labels(data::LabelsArgs),
    Vectorize(vectorize::VectorizeArgs),
    #[command(subcommand, after_help = train::EXAMPLE)]
    Train(train::TrainCommand),
    Predict(predict::PredictArgs),
    Evaluate(predict::EvaluateArgs),
    Cooccur(cluster::CooccurArgs),
    Cocluster(cluster::CoclusterArgs),
    Embed(words::EmbedArgs),
    #[command(subcommand, after_help = words::VECTORS_EXAMPLE)]
    Vectors(words::VectorsCommand),
    #[command(subcommand, after_help = fetch::EXAMPLE)]
    Fetch(fetch::FetchCommand),
    Bench(bench::BenchArgs),
    Classify(classify::ClassifyArgs),
    #[command(subcommand, after_help = features::EXAMPLE)]
    Features(features::FeaturesCommand),
}

fn main() -> ExitCode {
    ignore_file_size_signal();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    for line in renamed::deprecations(&renamed::command_path(&matches), &args) {
        cinegenre::progress::note(&line);
    }
    let context = Context::new(cli.timings);
    let outcome = dispatch(cli.command, &context);
    common::flush_stdout();
    match outcome {
        Ok(()) => {
            context.finish();
            ExitCode::SUCCESS
        }
        Err(e) => {
            cinegenre::progress::note(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Past a file-size limit (`ulimit -f`) the kernel sends SIGXFSZ, which kills the process with
/// no message and leaves its temp files. Ignored, the write fails with EFBIG instead: the
/// command reports "File too large" naming the file and removes its temp files.
fn ignore_file_size_signal() {
    #[cfg(target_os = "linux")]
    {
        /// SIGXFSZ on Linux (x86, x86_64, arm, aarch64, riscv); SIG_IGN is 1.
        const SIGXFSZ: i32 = 25;
        const SIG_IGN: usize = 1;
        unsafe extern "C" {
            fn signal(sig: i32, handler: usize) -> usize;
        }
        // SAFETY: `signal` is the C library's; setting SIG_IGN for SIGXFSZ installs no handler
        // code and runs before any thread is started.
        unsafe {
            signal(SIGXFSZ, SIG_IGN);
        }
    }
}

fn dispatch(command: Command, context: &Context) -> Result<()> {
    match command {
        Command::Run(a) => a.run(context),
        Command::Dataset(a) => a.run(context),
        Command::Labels(a) => a.run(context),
        Command::Vectorize(a) => a.run(context),
        Command::Train(c) => c.run(context),
        Command::Predict(a) => a.run(context),
        Command::Evaluate(a) => a.run(context),
        Command::Cooccur(a) => a.run(context),
        Command::Cocluster(a) => a.run(context),
        Command::Embed(a) => a.run(context),
        Command::Vectors(c) => c.run(context),
        Command::Fetch(c) => c.run(context),
        Command::Bench(a) => a.run(context),
        Command::Classify(a) => a.run(context),
        Command::Features(c) => c.run(context),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// The vocabulary: `--out` is always something written (never the output layer), and no
    /// command spells a concept the way the table of renamed flags retired.
    #[test]
    fn one_vocabulary_of_flags() {
        fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name()).trim().to_string();
            for arg in cmd.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                let retired =
                    ["output", "dtype", "size", "weights", "poster-precision", "poster-size", "text-output"];
                if retired.contains(&long) {
                    problems.push(format!("{path}: --{long} is a retired spelling"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, problems);
            }
        }
        let mut problems = Vec::new();
        walk(&Cli::command(), "", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Every command, group or leaf, has a description and an example; every option a help line.
    #[test]
    fn every_command_explains_itself() {
        fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            if cmd.get_about().is_none() {
                problems.push(format!("{path}: no description"));
            }
            if !cmd.get_after_help().is_some_and(|h| h.to_string().contains("Example")) {
                problems.push(format!("{path}: no example in its help"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() && !arg.is_hide_set() {
                    problems.push(format!("{path} --{id}: no help line"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, problems);
            }
        }
        let mut problems = Vec::new();
        walk(&Cli::command(), "", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        Cli::command().debug_assert();
    }
}
