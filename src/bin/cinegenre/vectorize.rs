//! `cinegenre vectorize`: documents → a count or TF-IDF matrix, scikit-learn compatible.

use std::path::PathBuf;

use clap::Args;

use cinegenre::text::{self, DocFreq, VectorizeOptions};
use cinegenre::{Result, io};

use crate::common::{CleanArg, Context, declare_outputs, say};

/// Turn documents into a count or TF-IDF matrix (Matrix Market), bit-equal to scikit-learn's
/// CountVectorizer / TfidfTransformer.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre vectorize --input movies.jsonl --min-df 0.005 --max-df 0.95 \
                        --out X.mtx --vocab vocab.json\n  \
                        cinegenre vectorize --input movies.jsonl --tfidf --out X_tfidf.mtx"
)]
pub struct VectorizeArgs {
    /// Documents: .txt (one per line), .csv (a named column), .jsonl (a named field), or a movie file.
    #[arg(long, alias = "data")]
    pub input: PathBuf,
    /// Column or field holding the text (.csv/.jsonl).
    #[arg(long, default_value = "overview")]
    pub column: String,
    /// Ignore terms in fewer documents than this: an integer count or a fraction (scikit-learn's min_df).
    #[arg(long, default_value = "1")]
    pub min_df: DocFreq,
    /// Ignore terms in more documents than this: an integer count or a fraction (scikit-learn's max_df).
    #[arg(long, default_value = "1.0")]
    pub max_df: DocFreq,
    /// TF-IDF (smooth idf, l2 rows) instead of raw counts.
    #[arg(long)]
    pub tfidf: bool,
    /// With --tfidf: 1 + ln(tf) instead of tf.
    #[arg(long, requires = "tfidf")]
    pub sublinear_tf: bool,
    /// Text cleaning before tokenizing.
    #[arg(long, value_enum, default_value = "tutorial")]
    pub clean: CleanArg,
    /// Output matrix (Matrix Market coordinate format).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the vocabulary ({term: column}) here.
    #[arg(long)]
    pub vocab: Option<PathBuf>,
}

impl VectorizeArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        let options = VectorizeOptions {
            column: self.column.clone(),
            min_df: self.min_df,
            max_df: self.max_df,
            tfidf: self.tfidf,
            sublinear_tf: self.sublinear_tf,
            cleaning: self.clean.into(),
        };
        let outputs = declare_outputs(&[Some(&self.out), self.vocab.as_deref()], &[&self.input])?;
        let docs =
            context.step("read", || text::read_documents(&self.input, &options.column, options.cleaning))?;
        let features = context.step("vectorize", || text::vectorize_documents(&docs, &options))?;
        context.step("write", || {
            let mut outputs = outputs;
            outputs.write_path(&self.out, |p| io::write_mtx(p, &features.matrix))?;
            if let Some(vocab) = &self.vocab {
                outputs.write_path(vocab, |p| features.vocabulary.write_json(p))?;
            }
            outputs.commit()
        })?;
        let (rows, cols) = features.matrix.shape();
        say!("wrote a {rows}×{cols} matrix ({} non-zeros) to {}", features.matrix.nnz(), self.out.display());
        Ok(())
    }
}
