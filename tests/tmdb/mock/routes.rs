//! What the mock serves: TMDB's bodies built from the bundled crawl, and the posters.

use std::io::Read;

use serde_json::{Value, json};

use super::{GENRES, PAGE, State};

/// The bundled crawl as raw TMDB result objects.
pub fn tutorial_movies() -> Vec<Value> {
    let gz = cinegenre::dataset::bundled_bytes("paritoshgoyal_movies_for_posters.json.gz").unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What discover returns for `genre` (and `year`) over all pages: most popular first.
pub fn discover(movies: &[Value], genre: u32, year: Option<u16>) -> Vec<Value> {
    let mut found: Vec<Value> = movies
        .iter()
        .filter(|m| m["genre_ids"].as_array().unwrap().iter().any(|g| g.as_u64() == Some(genre as u64)))
        .filter(|m| year.is_none_or(|y| m["release_date"].as_str().unwrap_or("").starts_with(&y.to_string())))
        .cloned()
        .collect();
    let pop = |m: &Value| m["popularity"].as_f64().unwrap_or(0.0);
    found.sort_by(|a, b| pop(b).total_cmp(&pop(a)).then(a["id"].as_u64().cmp(&b["id"].as_u64())));
    found
}

pub(super) fn route(state: &State, path: &str, params: &[(String, String)]) -> (u16, &'static str, Vec<u8>) {
    let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let page_of = |all: Vec<Value>| {
        let page: usize = get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let mut body = page_body(&all, page);
        if let Some(total) = &state.config.total_pages {
            body["total_pages"] = total.clone();
        }
        (200, "application/json;charset=utf-8", body.to_string().into_bytes())
    };
    let not_found = || {
        let body =
            json!({"status_code": 34, "status_message": "The resource you requested could not be found."});
        (404, "application/json", body.to_string().into_bytes())
    };
    if let Some(image) = path.strip_prefix("/t/p/") {
        let file = image.split('/').nth(1).unwrap_or("");
        if let Some(code) = state.config.deny_images {
            return (code, "application/json", br#"{"status_code": 7, "status_message": "denied"}"#.to_vec());
        }
        if state.config.not_images.contains(file) {
            return (200, "image/jpeg", b"<html><body>Service Unavailable</body></html>".to_vec());
        }
        let jpeg = if state.config.real_posters { real_poster() } else { poster_jpeg(file) };
        return (200, "image/jpeg", jpeg);
    }
    match path {
        "/3/genre/movie/list" => (200, "application/json", genre_list_body().to_string().into_bytes()),
        "/3/configuration" => {
            let images = json!({"secure_base_url": format!("{}/", state.image_base), "poster_sizes": ["w92", "w185", "original"]});
            (200, "application/json", json!({ "images": images }).to_string().into_bytes())
        }
        "/3/discover/movie" => {
            let genre = get("with_genres").and_then(|g| g.parse().ok()).unwrap_or(0);
            let year = get("primary_release_year").and_then(|y| y.parse().ok());
            page_of(discover(&state.movies, genre, year))
        }
        "/3/movie/popular" => {
            let mut all = state.movies.clone();
            let pop = |m: &Value| m["popularity"].as_f64().unwrap_or(0.0);
            all.sort_by(|a, b| pop(b).total_cmp(&pop(a)));
            page_of(all)
        }
        "/3/search/movie" => {
            let q = get("query").unwrap_or("").to_lowercase();
            let all =
                state.movies.iter().filter(|m| m["title"].as_str().unwrap_or("").to_lowercase().contains(&q));
            page_of(all.cloned().collect())
        }
        _ => match path.strip_prefix("/3/movie/").and_then(|id| id.parse::<u64>().ok()) {
            Some(id) => match state.movies.iter().find(|m| m["id"].as_u64() == Some(id)) {
                Some(m) => (200, "application/json", m.to_string().into_bytes()),
                None => not_found(),
            },
            None => not_found(),
        },
    }
}

/// `genre/movie/list` as TMDB answers it.
pub fn genre_list_body() -> Value {
    let genres: Vec<Value> = GENRES.iter().map(|(id, name)| json!({"id": id, "name": name})).collect();
    json!({ "genres": genres })
}

/// Page `page` (1-based) of the results `all`, as TMDB answers a discover or popular query.
pub fn page_body(all: &[Value], page: usize) -> Value {
    let total_pages = all.len().div_ceil(PAGE).max(1);
    let results: Vec<Value> = all.iter().skip(page.saturating_sub(1) * PAGE).take(PAGE).cloned().collect();
    json!({"page": page, "results": results, "total_results": all.len(), "total_pages": total_pages})
}

/// A real w185 TMDB poster (185 × 278 JPEG).
pub fn real_poster() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/posters/100042.jpg")).unwrap()
}

/// A small deterministic JPEG for poster `file` (colour from the name).
pub fn poster_jpeg(file: &str) -> Vec<u8> {
    let h = file.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    let pixel = image::Rgb([h as u8, (h >> 8) as u8, (h >> 16) as u8]);
    let img = image::RgbImage::from_pixel(6, 9, pixel);
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    bytes
}
