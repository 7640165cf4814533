//! Movie data in: the bundled real TMDB files and any file in the formats they use, read into
//! one [`Movie`] record, cleaned as the tutorial cleans them, and saved as JSON Lines.
//!
//! Step 1 of the pipeline (ALGORITHMS.md §1, steps 1 and 3). The pieces:
//!
//! * [`read_text`] → [`detect_format`] → [`load_movies`]: gzip-transparent, format from the
//!   content ([`SourceFormat`]): TMDB 5000 CSV, The Movies Dataset CSV
//!   with Python-literal cells ([`pyliteral`]), TMDB API results JSON, movies JSONL.
//! * [`prepare`]: de-duplicate by id (first wins), drop empty overviews ([`PrepareReport`]);
//!   [`tutorial_clean`]: the tutorial's comma/period deletion.
//! * [`GenreMap`]: genre id ↔ name; [`load_bundled`]: the embedded data.
//! * [`write_jsonl`] / [`read_jsonl`]: the interchange format.
//!
//! The CSV reader ([`csv`]) and the literal parser ([`pyliteral`]) are hand-written: they
//! track physical line numbers, so every error names the file, line and field.
//!
//! ```
//! use cinegenre::dataset::{load_bundled, Bundled, GenreMap};
//! let (movies, _) = load_bundled(Bundled::Tutorial).unwrap();
//! let genres = GenreMap::tmdb_2017();
//! assert_eq!(movies[0].title, "Deadpool");
//! assert_eq!(genres.name(movies[0].genre_ids[0]), Some("Action"));
//! ```

mod api_json;
mod bundled;
pub mod csv;
mod csv_movies;
mod genres;
mod json_fields;
mod jsonl;
mod movie;
mod movies_dataset;
mod prepare;
pub mod pyliteral;
mod read;
mod tmdb5000;

pub use bundled::{Bundled, bundled_bytes, bundled_sources, load_bundled, load_bundled_file};
pub use genres::GenreMap;
pub use jsonl::{read_jsonl, write_jsonl};
pub use movie::{Movie, SourceFormat};
pub use prepare::{PrepareReport, load_prepared, prepare, tutorial_clean};
pub use read::{decode_text, detect_format, load_movies, load_movies_from_text, read_text};
