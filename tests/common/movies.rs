//! Small movie files for the CLI and hostile-input tests.

/// `n` movies as JSON lines; overviews share words so that every term is in ≥ 2 documents.
pub fn small_movies(n: usize) -> String {
    const WORDS: [&str; 6] = ["space", "love", "war", "ghost", "heist", "family"];
    const GENRES: [u32; 4] = [28, 35, 18, 878];
    (0..n)
        .map(|i| {
            let overview = format!("{} {} story", WORDS[i % 6], WORDS[(i + 1) % 6]);
            let genres = [GENRES[i % 4], GENRES[(i + 2) % 4]];
            format!(
                "{{\"id\":{},\"title\":\"Movie {i}\",\"overview\":\"{overview}\",\"genre_ids\":{genres:?}}}\n",
                100 + i
            )
        })
        .collect()
}
