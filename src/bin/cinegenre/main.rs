//! `cinegenre`: the command line. Parse (clap) → call the library → print.

mod args;
mod args_tools;
mod commands;
mod vgg_cmd;

use std::process::ExitCode;

use clap::Parser;

use cinegenre::backend::Backend;
use cinegenre::bayes::{NbModel, NbParams};
use cinegenre::classifier::Classifier;
use cinegenre::dataset::{self, GenreMap};
use cinegenre::labels::{self, LabelFile};
use cinegenre::run::{DataChoice, RunConfig};
use cinegenre::text::{self, Cleaning, VectorizeOptions};
use cinegenre::{Result, io, metrics};

use args::*;
use args_tools::*;
use commands::*;

#[derive(Parser)]
#[command(
    name = "cinegenre",
    version,
    about = "Movie-genre classification from scratch: the CS209 pipeline in Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print how long each step took (read, compute, write) to standard error.
    #[arg(long, global = true)]
    timings: bool,
}

/// Times steps when `--timings` is on: `timing <step> <seconds>` on standard error.
struct Timer(bool);

impl Timer {
    fn step<T>(&self, name: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = std::time::Instant::now();
        let out = work()?;
        if self.0 {
            eprintln!("timing {name} {:.6}", start.elapsed().as_secs_f64());
        }
        Ok(out)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command, &Timer(cli.timings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command, timer: &Timer) -> Result<()> {
    match command {
        Command::Run(a) => {
            let data = if a.data.is_empty() {
                DataChoice::Bundled(a.dataset.into())
            } else {
                DataChoice::Files(a.data)
            };
            let config = RunConfig {
                data,
                seed: a.seed,
                out_dir: a.out,
                min_df: a.min_df,
                max_df: a.max_df,
                quick: a.quick,
                quiet: a.quiet,
                svm: !a.no_svm,
                svm_cv: a.svm_cv,
                word_vectors: a.word_vectors,
                text_output: match a.text_output {
                    OutputArg::Sigmoid => cinegenre::mlp::Output::Sigmoid,
                    OutputArg::Softmax => cinegenre::mlp::Output::Softmax,
                },
                device: a.device,
                posters: !a.no_posters,
                vgg_weights: a.vgg_weights,
                posters_dir: a.posters,
                poster_limit: a.poster_limit,
                poster_size: a.poster_size,
                poster_precision: a.poster_precision,
                ..RunConfig::default()
            };
            let report = cinegenre::run::run(&config)?;
            print!("{}", report.summary());
        }
        Command::Dataset(a) => {
            let (movies, report) = if a.input.is_empty() {
                dataset::load_bundled(a.bundled.into())?
            } else {
                dataset::load_prepared(&a.input)?
            };
            dataset::write_jsonl(&a.out, &movies)?;
            println!("{report}");
            println!("wrote {} movies to {}", movies.len(), a.out.display());
        }
        Command::Labels(a) => {
            let (movies, _) = dataset::load_prepared(std::slice::from_ref(&a.data))?;
            let map = match &a.genres {
                Some(path) => Some(GenreMap::from_json_file(path)?),
                None => None,
            };
            let file = LabelFile::from_movies(&movies, map.as_ref())?;
            file.write(&a.out)?;
            let shape = (file.labels.n_rows(), file.labels.n_cols());
            println!(
                "wrote {}×{} labels to {} (columns: {})",
                shape.0,
                shape.1,
                a.out.display(),
                file.names.join(", ")
            );
            if file.unknown > 0 {
                eprintln!("warning: {} genre ids are not in the genre map and were ignored", file.unknown);
            }
        }
        Command::Vectorize(a) => {
            let options = VectorizeOptions {
                column: a.column,
                min_df: a.min_df,
                max_df: a.max_df,
                tfidf: a.tfidf,
                sublinear_tf: a.sublinear_tf,
                cleaning: match a.clean {
                    CleanArg::Tutorial => Cleaning::Tutorial,
                    CleanArg::None => Cleaning::None,
                },
            };
            let docs =
                timer.step("read", || text::read_documents(&a.input, &options.column, options.cleaning))?;
            let features = timer.step("vectorize", || text::vectorize_documents(&docs, &options))?;
            timer.step("write", || {
                io::write_mtx(&a.out, &features.matrix)?;
                match &a.vocab {
                    Some(vocab) => features.vocabulary.write_json(vocab),
                    None => Ok(()),
                }
            })?;
            let (rows, cols) = features.matrix.shape();
            println!(
                "wrote a {rows}×{cols} matrix ({} non-zeros) to {}",
                features.matrix.nnz(),
                a.out.display()
            );
        }
        Command::Train(TrainCommand::Nb(a)) => {
            let (x, y) = timer.step("read", || Ok((io::read_mtx(&a.x)?, LabelFile::read(&a.y)?)))?;
            let params = NbParams { alpha: a.alpha, fit_prior: !a.no_fit_prior };
            let vocab = a.vocab.as_ref().map(|p| p.display().to_string());
            let model = timer.step("fit", || {
                NbModel::train(&params, &x, &y, vocab).map_err(|e| e.for_inputs(&[&a.x, &a.y]))
            })?;
            timer.step("write", || model.save(&a.model))?;
            println!(
                "trained naive Bayes on {} rows × {} features, {} labels → {}",
                x.n_rows(),
                x.n_cols(),
                y.names.len(),
                a.model.display()
            );
        }
        Command::Predict(a) if is_mlp(&a.model) => predict_mlp(&a, timer)?,
        Command::Train(TrainCommand::Mlp(a)) => train_mlp(&a, timer)?,
        Command::Bench(BenchArgs { command: None, suite }) => bench_suite(&suite)?,
        Command::Classify(a) => classify(&a)?,
        Command::Bench(BenchArgs { command: Some(BenchCommand::Gemm(a)), .. }) => bench_gemm(&a)?,
        Command::Bench(BenchArgs { command: Some(BenchCommand::Vgg(a)), .. }) => bench_vgg(&a)?,
        Command::Bench(BenchArgs { command: Some(BenchCommand::Mlp(a)), .. }) => {
            let backend = Backend::for_device(a.device)?;
            let seconds = cinegenre::bench::mlp_epoch(&backend, &a.sizes, a.rows, a.batch)?;
            let sizes: Vec<String> = a.sizes.iter().map(|s| s.to_string()).collect();
            println!(
                "mlp {} rows {} batch {} on {}: {seconds:.3} s/epoch",
                sizes.join("→"),
                a.rows,
                a.batch,
                describe_backend(&backend)
            );
        }
        Command::Train(TrainCommand::Svm(a)) => train_svm(a, timer)?,
        Command::Predict(a) => {
            let (classifier, x) =
                timer.step("read", || Ok((Classifier::load(&a.model)?, io::read_mtx(&a.x)?)))?;
            let (n, k) = (x.n_rows(), classifier.labels().len());
            let inputs = |e: cinegenre::Error| e.for_inputs(&[&a.model, &a.x]);
            let scores = a.proba || (classifier.scores_by_default() && !a.labels);
            if scores {
                let scores = timer.step("predict", || classifier.scores(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], scores.data()))?;
            } else {
                let predicted = timer.step("predict", || classifier.predict(&x).map_err(inputs))?;
                timer.step("write", || io::write_npy(&a.out, &[n, k], &predicted))?;
            }
            println!(
                "wrote {n}×{k} {} to {}",
                if scores { "scores" } else { "predictions" },
                a.out.display()
            );
        }
        Command::Evaluate(a) => {
            let truth = LabelFile::read(&a.y_true)?;
            let pred = labels::read_predictions(&a.y_pred, &truth.labels)?;
            let names = match &a.genres {
                Some(path) => GenreMap::from_json_file(path)?.names_for(truth.labels.genre_ids()),
                None => truth.names.clone(),
            };
            let evaluation =
                metrics::Evaluation::new(truth.labels.as_slice(), pred.as_slice(), &names, a.digits)?;
            print!("{evaluation}");
        }
        Command::Cooccur(a) => cooccur_command(&a)?,
        Command::Cocluster(a) => cocluster_command(&a, timer)?,
        Command::Embed(a) => embed_command(a, timer)?,
        Command::Vectors(c) => vectors_command(c, timer)?,
        Command::Fetch(FetchCommand::Tmdb(a)) => fetch_tmdb(a)?,
        Command::Features(c) => vgg_cmd::features_command(c)?,
    }
    Ok(())
}
