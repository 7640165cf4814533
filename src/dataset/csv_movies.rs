//! Movie records from a CSV file with a header: the columns both Kaggle formats share.
//!
//! Required columns: `id`, `title`, `overview`, `genres`. Optional: `poster_path`,
//! `release_date`, `popularity`, `original_language` (empty cells become `None`). How the
//! `genres` cell is written differs per format, so the caller passes its parser.

use std::path::Path;

use crate::dataset::csv::{CsvReader, Field, column_index, optional_column};
use crate::dataset::movie::{Movie, non_empty};
use crate::error::{Error, Result};

/// Parses one `genres` cell into TMDB genre ids; errors name the file, line and field.
pub(crate) type GenresParser = fn(&Path, &Field<'_>) -> Result<Vec<u32>>;

struct Columns {
    id: usize,
    title: usize,
    overview: usize,
    genres: usize,
    poster_path: Option<usize>,
    release_date: Option<usize>,
    popularity: Option<usize>,
    language: Option<usize>,
}

/// Every record of the CSV `text`, in file order.
pub(crate) fn read_csv_movies(path: &Path, text: &str, genres: GenresParser) -> Result<Vec<Movie>> {
    let mut reader = CsvReader::new(path, text);
    let header = reader.read_header()?;
    let cols = Columns {
        id: column_index(path, &header, "id")?,
        title: column_index(path, &header, "title")?,
        overview: column_index(path, &header, "overview")?,
        genres: column_index(path, &header, "genres")?,
        poster_path: optional_column(&header, "poster_path"),
        release_date: optional_column(&header, "release_date"),
        popularity: optional_column(&header, "popularity"),
        language: optional_column(&header, "original_language"),
    };
    let mut movies = Vec::new();
    while let Some(record) = reader.next_record()? {
        let f = &record.fields;
        let optional = |col: Option<usize>| col.and_then(|c| non_empty(&f[c].text));
        movies.push(Movie {
            id: parse_id(path, &f[cols.id])?,
            title: f[cols.title].text.to_string(),
            overview: f[cols.overview].text.to_string(),
            genre_ids: genres(path, &f[cols.genres])?,
            poster_path: optional(cols.poster_path),
            release_date: optional(cols.release_date),
            popularity: match cols.popularity {
                Some(c) => parse_optional_float(path, &f[c], "popularity")?,
                None => None,
            },
            language: optional(cols.language),
        });
    }
    Ok(movies)
}

fn parse_id(path: &Path, field: &Field<'_>) -> Result<u64> {
    field.text.trim().parse::<u64>().map_err(|_| {
        Error::parse(path, Some(field.line), format!("`{}` is not a movie id", field.text)).in_field("id")
    })
}

fn parse_optional_float(path: &Path, field: &Field<'_>, name: &str) -> Result<Option<f64>> {
    let text = field.text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => {
            Err(Error::parse(path, Some(field.line), format!("`{text}` is not a finite number"))
                .in_field(name))
        }
    }
}

/// A genre id from an integer that must fit `u32`.
pub(crate) fn genre_id(path: &Path, field: &Field<'_>, value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| {
        Error::parse(path, Some(field.line), format!("genre id {value} is out of range")).in_field("genres")
    })
}
