//! TMDB genre ids and their names.
//!
//! [`GenreMap::tmdb_2017`] is the tutorial's `Genredict`: TMDB's 19 movie genres of 2017 plus
//! 10769 "Foreign", which TMDB had dropped from its list but which still labels many movies.
//! Ids are kept ascending, the column order of scikit-learn's `MultiLabelBinarizer`.
//!
//! ```
//! use cinegenre::dataset::GenreMap;
//! let genres = GenreMap::tmdb_2017();
//! assert_eq!(genres.ids().len(), 20);
//! assert_eq!(genres.name(878), Some("Science Fiction"));
//! assert_eq!(genres.name(1), None);
//! ```

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::dataset::read::read_text;
use crate::error::{Error, Result};
use crate::io::write_atomic;

/// TMDB's 2017 movie genres plus Foreign, as in the tutorial's `paritoshgoyal_genredict.json`.
const TMDB_2017: [(u32, &str); 20] = [
    (12, "Adventure"),
    (14, "Fantasy"),
    (16, "Animation"),
    (18, "Drama"),
    (27, "Horror"),
    (28, "Action"),
    (35, "Comedy"),
    (36, "History"),
    (37, "Western"),
    (53, "Thriller"),
    (80, "Crime"),
    (99, "Documentary"),
    (878, "Science Fiction"),
    (9648, "Mystery"),
    (10402, "Music"),
    (10749, "Romance"),
    (10751, "Family"),
    (10752, "War"),
    (10769, "Foreign"),
    (10770, "TV Movie"),
];

/// Genre id → name, ids ascending and unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenreMap {
    ids: Vec<u32>,
    names: Vec<String>,
}

impl GenreMap {
    /// The tutorial's 20 genres (TMDB 2017 list + 10769 Foreign).
    pub fn tmdb_2017() -> Self {
        GenreMap {
            ids: TMDB_2017.iter().map(|&(id, _)| id).collect(),
            names: TMDB_2017.iter().map(|&(_, name)| name.to_string()).collect(),
        }
    }

    /// Build from `(id, name)` pairs in any order; a repeated id is an error.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u32, String)>) -> Result<Self> {
        let mut pairs: Vec<(u32, String)> = pairs.into_iter().collect();
        pairs.sort_by_key(|&(id, _)| id);
        if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::param("genres", format!("genre id {} appears twice", w[0].0)));
        }
        let (ids, names) = pairs.into_iter().unzip();
        Ok(GenreMap { ids, names })
    }

    /// Read either the genredict format `{"28": "Action", …}` or TMDB's `genre/movie/list`
    /// response `{"genres": [{"id": 28, "name": "Action"}, …]}`.
    pub fn from_json_file(path: &Path) -> Result<Self> {
        let text = read_text(path)?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| Error::parse(path, Some(e.line()), format!("malformed JSON: {e}")))?;
        let fail = |field: &str, message: String| Error::parse(path, None, message).in_field(field);
        let Value::Object(map) = value else {
            return Err(fail("(root)", "expected a JSON object of genres".into()));
        };
        let mut pairs = Vec::with_capacity(map.len());
        if let Some(list) = map.get("genres") {
            let Value::Array(items) = list else {
                return Err(fail("genres", "expected an array of {\"id\", \"name\"}".into()));
            };
            for (i, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(Value::as_u64).and_then(|id| u32::try_from(id).ok());
                let name = item.get("name").and_then(Value::as_str);
                match (id, name) {
                    (Some(id), Some(name)) => pairs.push((id, name.to_string())),
                    _ => {
                        return Err(fail("genres", format!("entry {i} lacks an integer id or a name")));
                    }
                }
            }
        } else {
            for (key, name) in &map {
                let id =
                    key.parse::<u32>().map_err(|_| fail(key, format!("key `{key}` is not a genre id")))?;
                let Some(name) = name.as_str() else {
                    return Err(fail(key, "the genre name is not a string".into()));
                };
                pairs.push((id, name.to_string()));
            }
        }
        Self::from_pairs(pairs).map_err(|e| fail("genres", e.to_string()))
    }

    /// The name of genre `id`, if known.
    pub fn name(&self, id: u32) -> Option<&str> {
        self.ids.binary_search(&id).ok().map(|i| self.names[i].as_str())
    }

    /// All ids, ascending.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The names in the order of [`GenreMap::ids`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of each of `ids`, or `genre <id>` for an id this map does not know.
    pub fn names_for(&self, ids: &[u32]) -> Vec<String> {
        ids.iter().map(|&id| self.name(id).map_or_else(|| format!("genre {id}"), str::to_string)).collect()
    }

    /// The map restricted to `ids` (unknown ids get the name `genre <id>`).
    pub fn subset(&self, ids: &[u32]) -> GenreMap {
        let mut pairs: Vec<(u32, String)> = ids.iter().copied().zip(self.names_for(ids)).collect();
        pairs.sort_by_key(|&(id, _)| id);
        pairs.dedup_by_key(|(id, _)| *id);
        let (ids, names) = pairs.into_iter().unzip();
        GenreMap { ids, names }
    }

    /// Number of genres.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no genres.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Write the genredict format `{"12": "Adventure", …}` with keys in ascending id order,
    /// laid out byte for byte like `paritoshgoyal_genredict.json`.
    pub fn write_json(&self, path: &Path) -> Result<()> {
        let mut text = String::from("{\n");
        for (i, (id, name)) in self.ids.iter().zip(&self.names).enumerate() {
            let sep = if i + 1 < self.ids.len() { "," } else { "" };
            let name = Value::String(name.clone());
            text.push_str(&format!(" \"{id}\": {name}{sep}\n"));
        }
        text.push_str("}\n");
        write_atomic(path, |out| out.write_all(text.as_bytes()).map_err(|e| Error::io(path, e)))
    }
}
