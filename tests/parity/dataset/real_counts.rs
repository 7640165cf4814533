//! Record, id, usable and per-genre counts of every real file against the README's figures.

use cinegenre::dataset::{SourceFormat, detect_format, load_movies, read_text};

use super::{assert_counts, distinct_ids, genre_counts, readme_counts, usable};
use crate::fixtures::path as fixture;

/// One tutorial file's README row: records, distinct ids, usable, with poster_path, genres.
struct TutorialFile {
    name: &'static str,
    records: usize,
    distinct: usize,
    usable: usize,
    with_poster: usize,
    genres: &'static str,
}

const TUTORIAL_FILES: &[TutorialFile] = &[
    TutorialFile {
        name: "paritoshgoyal_movie_list123.json.gz",
        records: 1000,
        distinct: 999,
        usable: 999,
        with_poster: 1000,
        genres: "Action 374, Drama 359, Adventure 348, Thriller 305, Comedy 244, Science Fiction 212, Fantasy 199, Family 167, Crime 138, Animation 124, Romance 123, Mystery 92, Horror 75, War 33, History 30, Music 23, Western 13, TV Movie 1",
    },
    TutorialFile {
        name: "paritoshgoyal_movies_for_posters.json.gz",
        records: 1653,
        distinct: 1587,
        usable: 1625,
        with_poster: 1639,
        genres: "Drama 687, Thriller 480, Action 465, Comedy 427, Adventure 355, Family 278, Fantasy 266, Animation 264, Science Fiction 264, Crime 260, Romance 241, Horror 219, Mystery 202, History 150, Music 124, TV Movie 103, War 86, Western 51, Documentary 45, Foreign 19",
    },
    TutorialFile {
        name: "paritoshgoyal_movies_with_overviews.json.gz",
        records: 1559,
        distinct: 1559,
        usable: 1559,
        with_poster: 1551,
        genres: "Drama 652, Thriller 450, Action 439, Comedy 402, Adventure 328, Family 265, Science Fiction 250, Fantasy 243, Crime 240, Animation 239, Romance 230, Horror 214, Mystery 187, History 141, Music 117, TV Movie 90, War 82, Western 47, Documentary 44, Foreign 19",
    },
    TutorialFile {
        name: "paritoshgoyal_poster_movies.json.gz",
        records: 1462,
        distinct: 1406,
        usable: 1441,
        with_poster: 1459,
        genres: "Drama 603, Thriller 463, Comedy 396, Action 391, Adventure 306, Family 258, Crime 242, Science Fiction 223, Romance 215, Horror 213, Fantasy 204, Mystery 194, Animation 188, History 120, Music 114, TV Movie 89, War 71, Western 45, Documentary 43, Foreign 14",
    },
    TutorialFile {
        name: "paritoshgoyal_no_poster_movies.json.gz",
        records: 191,
        distinct: 182,
        usable: 183,
        with_poster: 181,
        genres: "Drama 85, Animation 71, Action 64, Fantasy 45, Adventure 41, Science Fiction 37, Comedy 35, History 28, Family 24, Romance 23, Thriller 21, War 21, Crime 20, TV Movie 15, Mystery 13, Horror 12, Music 10, Western 5, Documentary 4, Foreign 3",
    },
    TutorialFile {
        name: "paritoshgoyal_final_movies_set.json.gz",
        records: 1278,
        distinct: 1228,
        usable: 1261,
        with_poster: 1276,
        genres: "Drama 521, Thriller 424, Action 360, Comedy 339, Adventure 267, Family 219, Crime 211, Science Fiction 207, Horror 196, Romance 181, Fantasy 177, Mystery 171, Animation 158, History 102, Music 101, TV Movie 78, War 54, Documentary 39, Western 38, Foreign 13",
    },
    TutorialFile {
        name: "yashchoubey_movie_list.json.gz",
        records: 1000,
        distinct: 1000,
        usable: 997,
        with_poster: 1000,
        genres: "Action 362, Drama 348, Thriller 315, Adventure 290, Comedy 256, Science Fiction 203, Fantasy 154, Crime 142, Family 134, Horror 122, Romance 108, Animation 105, Mystery 88, War 34, History 33, Music 21, Western 16, TV Movie 7, Documentary 3",
    },
    TutorialFile {
        name: "yashchoubey_movies_for_posters.json.gz",
        records: 1777,
        distinct: 1701,
        usable: 1756,
        with_poster: 1762,
        genres: "Drama 709, Thriller 472, Action 463, Comedy 455, Adventure 368, Family 295, Fantasy 278, Crime 272, Animation 266, Science Fiction 262, Romance 248, Horror 236, Mystery 207, History 157, Music 151, Documentary 149, TV Movie 134, War 93, Western 50, Foreign 14",
    },
];

#[test]
fn tutorial_files_match_the_readme_table() {
    for file in TUTORIAL_FILES {
        let path = fixture(&format!("data/tmdb_tutorial/{}", file.name));
        let text = read_text(&path).unwrap();
        assert_eq!(detect_format(&path, &text).unwrap(), SourceFormat::ApiResultsJson);
        let movies = load_movies(&path).unwrap();
        let label = file.name;
        assert_eq!(movies.len(), file.records, "{label}: records");
        assert_eq!(distinct_ids(&movies), file.distinct, "{label}: distinct ids");
        assert_eq!(usable(&movies), file.usable, "{label}: usable");
        let with_poster = movies.iter().filter(|m| m.poster_path.is_some()).count();
        assert_eq!(with_poster, file.with_poster, "{label}: with poster_path");
        assert_counts(label, &genre_counts(&movies), &readme_counts(file.genres));
    }
}

#[test]
fn tmdb_5000_matches_the_readme() {
    let path = fixture("data/tmdb_5000_movies.csv.gz");
    let text = read_text(&path).unwrap();
    assert_eq!(text.lines().count(), 4804, "physical lines (a bare \\r does not end one)");
    assert_eq!(detect_format(&path, &text).unwrap(), SourceFormat::Tmdb5000Csv);
    let movies = load_movies(&path).unwrap();
    // 4,803 records although 3 overviews hold a bare \r: the reader did not split them.
    assert_eq!(movies.len(), 4803, "records");
    assert_eq!(super::distinct_ids(&movies), 4803, "distinct ids");
    assert_eq!(usable(&movies), 4771, "usable");
    assert_eq!(movies.iter().filter(|m| m.overview.trim().is_empty()).count(), 4, "blank overviews");
    assert_eq!(movies.iter().filter(|m| m.genre_ids.is_empty()).count(), 28, "[] genres");
    assert_eq!(movies.iter().filter(|m| m.release_date.is_none()).count(), 1, "no date");
    assert!(movies.iter().all(|m| m.poster_path.is_none()), "TMDB 5000 has no poster_path");
    let with_cr: Vec<u64> = movies.iter().filter(|m| m.overview.contains('\r')).map(|m| m.id).collect();
    assert_eq!(with_cr, vec![11891, 11342, 25248], "overviews holding a bare \\r");
    let avatar = &movies[0];
    assert_eq!((avatar.id, avatar.title.as_str()), (19995, "Avatar"));
    assert_eq!(avatar.genre_ids, vec![28, 12, 14, 878]);
    assert_eq!((avatar.popularity, avatar.language.as_deref()), (Some(150.437577), Some("en")));
    let want = readme_counts(
        "Drama 2297, Comedy 1722, Thriller 1274, Action 1154, Romance 894, Adventure 790, Crime 696, Science Fiction 535, Horror 519, Family 513, Fantasy 424, Mystery 348, Animation 234, History 197, Music 185, War 144, Documentary 110, Western 82, Foreign 34, TV Movie 8",
    );
    assert_counts("tmdb_5000_movies", &genre_counts(&movies), &want);
}

#[test]
fn movies_metadata_sample_matches_the_readme() {
    let path = fixture("data/movies_metadata_sample.csv.gz");
    let text = read_text(&path).unwrap();
    assert_eq!(text.lines().count(), 5000, "physical lines");
    assert_eq!(detect_format(&path, &text).unwrap(), SourceFormat::MoviesDatasetCsv);
    let movies = load_movies(&path).unwrap();
    assert_eq!(movies.len(), 4994, "records");
    assert_eq!(super::distinct_ids(&movies), 4993, "distinct ids");
    assert_eq!(movies.iter().filter(|m| m.id == 105045).count(), 2, "id 105045 twice");
    assert_eq!(usable(&movies), 4870, "usable");
    assert_eq!(movies.iter().filter(|m| m.overview.trim().is_empty()).count(), 23, "blank overviews");
    assert_eq!(movies.iter().filter(|m| m.genre_ids.is_empty()).count(), 106, "[] genres");
    assert_eq!(movies.iter().filter(|m| m.poster_path.is_some()).count(), 4973, "posters");
    assert_eq!(movies.iter().filter(|m| m.release_date.is_none()).count(), 4, "no date");
    assert_eq!(movies.iter().filter(|m| m.overview.contains('\n')).count(), 4, "multi-line");
    let waterboy = movies.iter().find(|m| m.id == 10663).expect("The Waterboy");
    assert_eq!((waterboy.title.as_str(), &waterboy.genre_ids[..]), ("The Waterboy", &[35][..]));
    let toy_story = &movies[0];
    assert_eq!((toy_story.id, toy_story.genre_ids.clone()), (862, vec![16, 35, 10751]));
    assert_eq!(toy_story.poster_path.as_deref(), Some("/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"));
    assert_eq!(toy_story.popularity, Some(21.946943));
    assert_eq!(movies.last().map(|m| m.id), Some(93427), "last row");
    let want = readme_counts(
        "Drama 2619, Comedy 1861, Romance 1120, Thriller 1067, Action 884, Crime 653, Adventure 588, Horror 516, Science Fiction 464, Family 450, Mystery 363, Fantasy 360, Music 233, War 162, History 159, Animation 138, Documentary 138, Western 111, Foreign 100, TV Movie 7",
    );
    assert_counts("movies_metadata_sample", &genre_counts(&movies), &want);
}
