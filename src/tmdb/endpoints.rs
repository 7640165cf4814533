//! The TMDB v3 endpoints cinegenre uses, as plain request descriptions (path + query), free
//! of credentials: the client adds the key when it sends, so nothing built here (cache keys,
//! log lines, error messages) can contain it.
//!
//! ```text
//! genre/movie/list                                    the genre ids and names
//! configuration                                       images.secure_base_url, poster sizes
//! movie/popular?page=P                                20 movies per page
//! discover/movie?with_genres=G&primary_release_year=Y&page=P&sort_by=popularity.desc
//! search/movie?query=Q&page=P
//! movie/ID                                            one movie's details
//! {image_base}/{size}{poster_path}                    a poster, e.g. w185/abc.jpg
//! ```
//!
//! ```
//! use cinegenre::tmdb::Request;
//! let r = Request::discover(28, Some(2015), 3);
//! assert_eq!(r.cache_key(), "discover/movie?page=3&primary_release_year=2015&sort_by=popularity.desc&with_genres=28");
//! ```

/// One API request: a path under the API base and its query parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    /// Relative to the API base, without a leading slash: `discover/movie`.
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Request {
    fn new(path: impl Into<String>, query: &[(&str, String)]) -> Self {
        let query = query.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        Request { path: path.into(), query }
    }

    /// `genre/movie/list`: `{"genres": [{"id": 28, "name": "Action"}, …]}`.
    pub fn genre_list() -> Self {
        Request::new("genre/movie/list", &[])
    }

    /// `configuration`: the image base URL and the poster sizes.
    pub fn configuration() -> Self {
        Request::new("configuration", &[])
    }

    /// `movie/popular`, one page of 20 results.
    pub fn popular(page: u32) -> Self {
        Request::new("movie/popular", &[("page", page.to_string())])
    }

    /// `discover/movie` for one genre (and release year), most popular first.
    pub fn discover(genre: u32, year: Option<u16>, page: u32) -> Self {
        let mut query = vec![("with_genres", genre.to_string())];
        if let Some(year) = year {
            query.push(("primary_release_year", year.to_string()));
        }
        query.push(("page", page.to_string()));
        query.push(("sort_by", "popularity.desc".to_string()));
        Request::new("discover/movie", &query)
    }

    /// `search/movie` by title.
    pub fn search_movie(title: &str, page: u32) -> Self {
        Request::new("search/movie", &[("query", title.to_string()), ("page", page.to_string())])
    }

    /// `movie/{id}`: one movie's details (404 when TMDB has no such movie).
    pub fn movie_details(id: u64) -> Self {
        Request::new(format!("movie/{id}"), &[])
    }

    /// `path?k=v&…` with the parameters sorted: the same request always has the same key.
    pub fn cache_key(&self) -> String {
        let mut query = self.query.clone();
        query.sort();
        let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if pairs.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, pairs.join("&")) }
    }
}

/// The poster sizes TMDB serves (`configuration.images.poster_sizes`).
pub const POSTER_SIZES: &[&str] = &["w92", "w154", "w185", "w342", "w500", "w780", "original"];

/// The URL of poster `poster_path` (`/abc.jpg`) at `size` under `image_base`.
pub fn poster_url(image_base: &str, size: &str, poster_path: &str) -> String {
    format!("{}/{}/{}", image_base.trim_end_matches('/'), size, poster_path.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_urls_join_cleanly() {
        assert_eq!(Request::genre_list().cache_key(), "genre/movie/list");
        assert_eq!(Request::movie_details(603).cache_key(), "movie/603");
        assert_eq!(
            Request::search_movie("The Matrix", 1).cache_key(),
            "search/movie?page=1&query=The Matrix"
        );
        assert_eq!(
            poster_url("https://image.tmdb.org/t/p/", "w185", "/a.jpg"),
            "https://image.tmdb.org/t/p/w185/a.jpg"
        );
    }
}
