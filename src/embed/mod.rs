//! Word vectors: word2vec files, skip-gram training, and the tutorial's mean-vector text features.
//!
//! ```text
//! GoogleNews .bin / .txt / GloVe ──read (keep the corpus' words)──▶ WordVectors
//! overviews ──skip-gram with negative sampling──────────────────────▶ WordVectors
//! overview ──\w+──▶ tokens ──not a stop word──▶ lower ──in vectors──▶ mean (float32) ──▶ row
//! ```
//!
//! * [`format`](mod@format), [`word2vec`](mod@word2vec), [`text_format`](mod@text_format): the
//!   binary and text formats, streaming and filtered, byte-identical to gensim 4.4's writer.
//! * [`stopwords`](mod@stopwords): the 174-word English list of `stop_words` 2018.7.23.
//! * [`mean`](mod@mean): tokens and the tutorial's float32 mean (ALGORITHMS.md §12.2).
//! * [`skipgram`](mod@skipgram): our own vectors trained from the overviews (Mikolov et al.
//!   2013), so the branch works without the 3.6 GB GoogleNews file.
//! * [`neighbors`](mod@neighbors): nearest words by cosine, a sanity check for trained vectors.
//! * [`text_model`](mod@text_model): the tutorial's text MLP on mean vectors, top-3 evaluation.
//!
//! Vectors trained on a toy corpus, then one mean vector per overview and a word's neighbours:
//!
//! ```
//! use cinegenre::embed::{SkipGramParams, mean_vectors, nearest, train_skipgram};
//! let docs = vec!["a detective hunts a killer through the night city"; 40];
//! let params = SkipGramParams { dim: 16, min_count: 1, epochs: 3, threads: 1, ..SkipGramParams::default() };
//! let (vectors, report) = train_skipgram(&docs, &params, false)?;
//! assert_eq!((vectors.len(), vectors.dim()), (8, 16));
//! assert_eq!(report.raw_words, 3 * 40 * 9); // epochs × overviews × words
//! let means = mean_vectors(&docs[..2], &vectors); // "a" and "the" are stop words
//! assert_eq!((means.kept.clone(), means.rows.len()), (vec![0, 1], 2 * 16));
//! assert_eq!(means.rows[..16], means.rows[16..]); // the same overview, the same mean
//! let near = nearest(&vectors, "killer", 3)?;
//! assert!(near.len() == 3 && near.iter().all(|(w, cos)| *w != "killer" && cos.abs() <= 1.0 + 1e-9));
//! # Ok::<(), cinegenre::Error>(())
//! ```

pub mod format;
mod job;
pub mod mean;
pub mod neighbors;
pub mod skipgram;
pub mod stopwords;
pub mod text_format;
pub mod text_model;
mod vectors;
pub mod word2vec;

pub use format::{Format, ReadOptions, ReadReport, Utf8Errors, read_vectors, write_vectors};
pub use job::{EmbedOptions, embed_documents, write_kept, write_means};
pub use mean::{DropReason, MeanVectors, content_tokens, mean_vectors, needed_words, word_tokens};
pub use neighbors::nearest;
pub use skipgram::{SkipGramParams, TrainReport, check_threads, train_skipgram};
pub use stopwords::{STOP_WORDS_EN, is_stop_word};
pub use text_format::numpy_f32_str;
pub use vectors::WordVectors;
