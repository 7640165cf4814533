//! `cinegenre embed` and `cinegenre vectors train|neighbors|convert`: word vectors and the
//! tutorial's mean-vector text features (section 8).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use cinegenre::dataset::{self, Bundled};
use cinegenre::text::{self, Cleaning};
use cinegenre::{Result, embed};

use crate::common::{CleanArg, Context, declare_outputs, in_range, non_negative, say};

/// A word-vector file format.
#[derive(Clone, Copy, ValueEnum)]
pub enum VectorFormatArg {
    /// word2vec binary (.bin).
    Bin,
    /// word2vec text, or GloVe without a header (.txt, .vec).
    Text,
}

impl From<VectorFormatArg> for embed::Format {
    fn from(f: VectorFormatArg) -> Self {
        match f {
            VectorFormatArg::Bin => embed::Format::Binary,
            VectorFormatArg::Text => embed::Format::Text,
        }
    }
}

/// What to do with a word that is not valid UTF-8.
#[derive(Clone, Copy, ValueEnum)]
pub enum UnicodeErrorsArg {
    /// Refuse a word that is not valid UTF-8.
    Strict,
    /// Replace invalid bytes by U+FFFD (gensim's unicode_errors='replace').
    Replace,
}

/// How to read a word-vector file.
#[derive(Args)]
pub struct VectorFileArgs {
    /// Word vectors: word2vec binary (.bin), word2vec text or GloVe (.txt, .vec); .gz allowed.
    #[arg(long)]
    pub vectors: PathBuf,
    /// The file's format, when its name does not say (default: from the name, else detected).
    #[arg(long, value_enum)]
    pub format: Option<VectorFormatArg>,
    /// What to do with words that are not valid UTF-8.
    #[arg(long, value_enum, default_value = "strict")]
    pub unicode_errors: UnicodeErrorsArg,
}

impl VectorFileArgs {
    fn options<'a>(&self, keep: Option<&'a std::collections::HashSet<String>>) -> embed::ReadOptions<'a> {
        let utf8_errors = match self.unicode_errors {
            UnicodeErrorsArg::Strict => embed::Utf8Errors::Strict,
            UnicodeErrorsArg::Replace => embed::Utf8Errors::Replace,
        };
        embed::ReadOptions { keep, utf8_errors, ..Default::default() }
    }

    fn read(
        &self,
        keep: Option<&std::collections::HashSet<String>>,
    ) -> Result<(embed::WordVectors, embed::ReadReport)> {
        embed::read_vectors(&self.vectors, self.format.map(Into::into), &self.options(keep))
    }
}

/// Mean word vector of each document (the tutorial's text features): float32 .npy, one row per
/// document with a known content word.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre embed --vectors vectors.bin --input movies.jsonl --out E.npy --kept kept.json"
)]
pub struct EmbedArgs {
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long, alias = "data")]
    pub input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Text cleaning before tokenizing (the tutorial's word-vector branch does none).
    #[arg(long, value_enum, default_value = "none")]
    pub clean: CleanArg,
    /// Output matrix: float32 .npy of shape (kept documents, dim).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write which documents the rows are, and which were dropped and why (JSON).
    #[arg(long)]
    pub kept: Option<PathBuf>,
}

impl EmbedArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let inputs = [self.input.as_path(), self.file.vectors.as_path()];
        let outputs = declare_outputs(&[Some(&self.out), self.kept.as_deref()], &inputs)?;
        let docs =
            context.step("read", || text::read_documents(&self.input, &self.column, self.clean.into()))?;
        let utf8_errors = self.file.options(None).utf8_errors;
        let options = embed::EmbedOptions { format: self.file.format.map(Into::into), utf8_errors };
        let (means, report) =
            context.step("embed", || embed::embed_documents(&docs, &self.file.vectors, &options))?;
        context.step("write", || {
            let mut outputs = outputs;
            outputs.write_path(&self.out, |p| embed::write_means(p, &means))?;
            if let Some(kept) = &self.kept {
                outputs.write_path(kept, |p| embed::write_kept(p, &means, docs.len()))?;
            }
            outputs.commit()
        })?;
        say!(
            "read {} word-vector records; wrote {}×{} mean vectors to {}",
            report.records,
            means.kept.len(),
            means.dim,
            self.out.display()
        );
        if !means.dropped.is_empty() {
            let only_stop = means.dropped.iter().filter(|d| d.1 == embed::DropReason::OnlyStopWords).count();
            cinegenre::progress::note(&format!(
                "dropped {} of {} documents: {} with only stop words, {} with no word in the vectors",
                means.dropped.len(),
                docs.len(),
                only_stop,
                means.dropped.len() - only_stop
            ));
        }
        Ok(())
    }
}

/// The group's example (`cinegenre vectors --help`).
pub const VECTORS_EXAMPLE: &str = "Example:\n  cinegenre vectors train --out vectors.bin --dim 100 --epochs 10\n  \
                                   cinegenre vectors neighbors murder --vectors vectors.bin";

/// Word vectors: train skip-gram, look up neighbours, convert or filter a vector file.
#[derive(Subcommand)]
pub enum VectorsCommand {
    Train(VectorsTrainArgs),
    Neighbors(VectorsNeighborsArgs),
    Convert(VectorsConvertArgs),
}

impl VectorsCommand {
    pub fn run(self, context: &Context) -> Result<()> {
        match self {
            VectorsCommand::Train(a) => a.run(context),
            VectorsCommand::Neighbors(a) => a.run(context),
            VectorsCommand::Convert(a) => a.run(context),
        }
    }
}

/// Train skip-gram vectors with negative sampling on documents (default: all bundled overviews).
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre vectors train --out vectors.bin --dim 100 --epochs 10"
)]
pub struct VectorsTrainArgs {
    /// Documents (as for `vectorize`); without it, every bundled overview.
    #[arg(long, alias = "data")]
    pub input: Option<PathBuf>,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Vector dimension (1 to 10,000).
    #[arg(long, default_value_t = 300, value_parser = in_range(1usize, 10_000))]
    pub dim: usize,
    /// Maximum distance between center and context word (1 to 1,000).
    #[arg(long, default_value_t = 5, value_parser = in_range(1usize, 1_000))]
    pub window: usize,
    /// Noise words per pair (1 to 1,000).
    #[arg(long, default_value_t = 5, value_parser = in_range(1usize, 1_000))]
    pub negative: usize,
    /// Passes over the corpus (1 to 100,000).
    #[arg(long, default_value_t = 5, value_parser = in_range(1usize, 100_000))]
    pub epochs: usize,
    /// Ignore words seen fewer times.
    #[arg(long, default_value_t = 5, value_parser = in_range(1usize, usize::MAX))]
    pub min_count: usize,
    /// Sub-sampling threshold of frequent words (0 disables).
    #[arg(long, default_value_t = 1e-3, value_parser = non_negative(1.0f64))]
    pub sample: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (1 to 256; 0: every core). Jobs train in rounds of this many, so the same
    /// seed and thread count give the same vectors on any machine.
    #[arg(long, default_value_t = 1, value_parser = in_range(0usize, 256))]
    pub threads: usize,
    /// Let the threads update shared weights without locks (Hogwild, as gensim): faster, but
    /// the vectors differ slightly from run to run.
    #[arg(long)]
    pub hogwild: bool,
    /// Output vectors (.bin: word2vec binary, .txt: text).
    #[arg(long)]
    pub out: PathBuf,
}

impl VectorsTrainArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        crate::common::refuse_inputs(&[("--out", &self.out)], &[("--input", self.input.as_deref())])?;
        let docs = context.step("read", || match &self.input {
            Some(path) => text::read_documents(path, &self.column, Cleaning::None),
            None => Ok(dataset::load_bundled(Bundled::All)?.0.into_iter().map(|m| m.overview).collect()),
        })?;
        let params = embed::SkipGramParams {
            dim: self.dim,
            window: self.window,
            negative: self.negative,
            epochs: self.epochs,
            min_count: self.min_count,
            sample: self.sample,
            seed: self.seed,
            threads: self.threads,
            hogwild: self.hogwild,
            ..embed::SkipGramParams::default()
        };
        let (vectors, report) = context.step("train", || embed::train_skipgram(&docs, &params, true))?;
        let format = embed::Format::from_path(&self.out).unwrap_or(embed::Format::Binary);
        context.step("write", || embed::write_vectors(&self.out, &vectors, format))?;
        say!(
            "trained {} words × {} dims on {} documents: {} raw words ({} after sub-sampling) in {:.2} s, \
             {:.0} words/s; wrote {}",
            report.vocabulary,
            vectors.dim(),
            docs.len(),
            report.raw_words,
            report.effective_words,
            report.seconds,
            report.words_per_second(),
            self.out.display()
        );
        Ok(())
    }
}

/// Print the nearest words of WORD by cosine similarity.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre vectors neighbors murder --vectors vectors.bin --top 5"
)]
pub struct VectorsNeighborsArgs {
    /// The word (exact, case-sensitive).
    pub word: String,
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// How many neighbours (1 to 100,000).
    #[arg(long, default_value_t = 10, alias = "k", alias = "top-k", value_parser = in_range(1usize, 100_000))]
    pub top: usize,
}

impl VectorsNeighborsArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let (vectors, _) = context.step("read", || self.file.read(None))?;
        let nearest = context.step("search", || embed::nearest(&vectors, &self.word, self.top))?;
        for (word, sim) in nearest {
            say!("{word}\t{sim:.4}");
        }
        Ok(())
    }
}

/// Rewrite a vector file in another format, optionally keeping only the words a corpus needs.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre vectors convert --vectors GoogleNews-vectors-negative300.bin \
                        --vocab-from movies.jsonl --out news.bin"
)]
pub struct VectorsConvertArgs {
    #[command(flatten)]
    pub file: VectorFileArgs,
    /// Keep only the words these documents need (lowercased non-stop-word tokens).
    #[arg(long)]
    pub vocab_from: Option<PathBuf>,
    /// Column or field of --vocab-from holding the text.
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Output vectors.
    #[arg(long)]
    pub out: PathBuf,
    /// Output format (default: from the output name, else binary).
    #[arg(long, value_enum)]
    pub out_format: Option<VectorFormatArg>,
}

impl VectorsConvertArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let inputs =
            [("--vectors", Some(self.file.vectors.as_path())), ("--vocab-from", self.vocab_from.as_deref())];
        crate::common::refuse_inputs(&[("--out", &self.out)], &inputs)?;
        let needed = match &self.vocab_from {
            Some(path) => Some(context.step("read documents", || {
                Ok(embed::needed_words(&text::read_documents(path, &self.column, Cleaning::None)?))
            })?),
            None => None,
        };
        let (vectors, report) = context.step("read", || self.file.read(needed.as_ref()))?;
        let format = self
            .out_format
            .map(Into::into)
            .or_else(|| embed::Format::from_path(&self.out))
            .unwrap_or(embed::Format::Binary);
        context.step("write", || embed::write_vectors(&self.out, &vectors, format))?;
        say!(
            "read {} records ({} repeated), wrote {} words × {} dims to {}",
            report.records,
            report.duplicates,
            vectors.len(),
            vectors.dim(),
            self.out.display()
        );
        Ok(())
    }
}
