//! `cinegenre classify`: a new movie scored by every model of a run, with the caveats a user
//! must see (no known word, random VGG16 weights) and, on request, the words behind the
//! scores. On the shared quick run.

use std::collections::HashSet;

use cinegenre::run::models::NO_KNOWN_WORD;

use crate::SharedRun;

/// Each model's block of `classify`'s output: (model, its lines), in order.
fn blocks(stdout: &str) -> Vec<(String, Vec<&str>)> {
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    // A title line (when given) is not indented: it starts no block.
    for line in stdout.lines() {
        let starts_block = line.starts_with("  ") && !line[2..].starts_with(' ');
        if starts_block {
            let model = line.get(2..14).unwrap_or(&line[2..]).trim().to_string();
            blocks.push((model, vec![line]));
        } else if let Some(block) = blocks.last_mut() {
            block.1.push(line);
        }
    }
    blocks
}

fn block<'a>(blocks: &'a [(String, Vec<&'a str>)], model: &str) -> &'a [&'a str] {
    let found = blocks.iter().find(|(m, _)| m == model);
    &found.unwrap_or_else(|| panic!("no {model} block in {blocks:?}")).1
}

#[test]
fn classify_warns_when_no_word_of_the_overview_is_known() {
    let run = SharedRun::get();
    let args = ["classify", "--models", "out", "--title", "Noise", "--overview", "Zyxwv qwrtp vbnmk."];
    let out = run.cinegenre(&args);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    let blocks = blocks(&out.stdout);
    for model in ["naive Bayes", "linear SVM"] {
        let note = format!("note: {NO_KNOWN_WORD}");
        assert!(block(&blocks, model).iter().any(|l| l.contains(&note)), "{}", out.stdout);
    }
    // Each model's caveat once, beside its scores.
    assert_eq!(out.stdout.matches(NO_KNOWN_WORD).count(), 2, "{}", out.stdout);
    assert!(!out.stderr.contains(NO_KNOWN_WORD), "the caveat is printed twice:\n{}", out.stderr);
    assert!(out.stderr.contains("warning: text MLP: "), "{}", out.stderr);
    assert!(block(&blocks, "text MLP")[0].contains("no score"), "{}", out.stdout);
}

#[test]
fn classify_with_a_poster_says_its_scores_come_from_random_weights() {
    let run = SharedRun::get();
    let poster = crate::common::fixtures::path("posters/10009.jpg");
    let overview = "A young wizard goes to a school of magic and fights a dark lord with his friends.";
    let args = ["classify", "--models", "out", "--title", "T", "--overview", overview, "--poster"];
    let out = run.cinegenre(&[&args[..], &[poster.to_str().unwrap()]].concat());
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    let blocks = blocks(&out.stdout);
    let poster_block = block(&blocks, "poster MLP");
    assert!(poster_block[0].contains("(output)"), "the poster MLP gave no scores:\n{}", out.stdout);
    assert!(
        poster_block.iter().any(|l| l.contains("note: ") && l.contains("random weights")),
        "no random-weights caveat beside the poster scores:\n{}",
        out.stdout
    );
    // Once: beside the scores, not again on standard error.
    let both = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(both.matches("random weights").count(), 1, "the caveat is printed more than once:\n{both}");
}

#[test]
fn classify_explain_names_the_words_behind_naive_bayes_and_the_svm() {
    let run = SharedRun::get();
    let overview = "A space crew fights aliens on a dark planet far from home.";
    let args = ["classify", "--models", "out", "--title", "T", "--overview", overview, "--explain", "3"];
    let out = run.cinegenre(&args);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    let words: HashSet<String> =
        overview.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
    let blocks = blocks(&out.stdout);
    for model in ["naive Bayes", "linear SVM"] {
        let lines = block(&blocks, model);
        let explained: Vec<&str> = lines.iter().filter(|l| l.contains(" ← ")).copied().collect();
        assert!(!explained.is_empty(), "{model}: no `GENRE ← words` line:\n{}", out.stdout);
        for line in explained {
            let (genre, pushes) = line.split_once(" ← ").unwrap();
            assert!(lines[0].contains(genre.trim()), "{model}: {genre:?} is not a genre shown");
            if pushes == "no word pushed it up" {
                continue;
            }
            let pushes: Vec<(&str, f64)> = pushes
                .split(", ")
                .map(|p| p.split_once(" +").unwrap_or_else(|| panic!("{model}: bad push {p:?} in {line:?}")))
                .map(|(w, v)| (w, v.parse().unwrap_or_else(|_| panic!("{model}: bad value in {line:?}"))))
                .collect();
            assert!((1..=3).contains(&pushes.len()), "{model}: {line:?} lists more than --explain 3");
            assert!(
                pushes.iter().all(|(w, _)| words.contains(*w)),
                "{model}: {line:?} names a word not in the overview"
            );
            assert!(pushes.iter().all(|&(_, v)| v > 0.0), "{model}: {line:?}");
            assert!(pushes.windows(2).all(|p| p[0].1 >= p[1].1), "{model}: {line:?} is not largest first");
        }
    }
    for model in ["text MLP", "poster MLP"] {
        assert!(!block(&blocks, model).iter().any(|l| l.contains('←')), "{model} explains:\n{}", out.stdout);
    }
}

/// `--title` is optional (no model reads it): shown above the scores only when given.
#[test]
fn classify_needs_no_title_and_shows_one_when_given() {
    let run = SharedRun::get();
    let overview = "Two detectives hunt a killer through a rainy city.";
    let out = run.cinegenre(&["classify", "--models", "out", "--overview", overview]);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("  naive Bayes"), "no title line without --title:\n{}", out.stdout);
    let titled = run.cinegenre(&["classify", "--models", "out", "--title", "Se7en", "--overview", overview]);
    assert!(titled.success, "{}", titled.stderr);
    assert_eq!(titled.stdout.lines().next(), Some("Se7en"));
    assert_eq!(titled.stdout.lines().skip(1).collect::<Vec<_>>(), out.stdout.lines().collect::<Vec<_>>());
}

/// A predicted genre below the `--top` shown is named, not counted.
#[test]
fn classify_names_the_predicted_genres_below_the_top() {
    let run = SharedRun::get();
    let genres: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&run.scratch.read("out/genres.json")).unwrap();
    let overview = "A family of toys comes alive, fights a war in space and falls in love with music.";
    let out = run.cinegenre(&["classify", "--models", "out", "--overview", overview, "--top", "1"]);
    assert!(out.success, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains(" more below"), "a count instead of names:\n{}", out.stdout);
    let mut named = 0;
    for (model, lines) in blocks(&out.stdout) {
        let Some(tail) = lines.iter().find_map(|l| l.split_once("(also ").map(|(_, t)| t)) else { continue };
        let (list, rest) = tail.split_once(" below the top 1").unwrap_or_else(|| panic!("{model}: {tail:?}"));
        assert!(rest.contains("--top"), "{model}: {tail:?}");
        for genre in list.split(", ") {
            assert!(genres.values().any(|g| g == genre), "{model}: {genre:?} is no genre of the run");
            assert!(!lines[0].contains(genre), "{model}: {genre} is shown and named below the top");
            named += 1;
        }
    }
    // The SVM's balanced classes predict several genres for almost any overview.
    assert!(named > 0, "no model predicted more than its top genre:\n{}", out.stdout);
}

/// A poster the run trained on is recognised by content (renamed too) and said to be one; a
/// poster of the run's test movies is not.
#[test]
fn classify_says_when_the_poster_was_in_the_training_set() {
    let run = SharedRun::get();
    let seen: serde_json::Value =
        serde_json::from_str(&run.scratch.read("out/poster_training.json")).unwrap();
    let trained: Vec<String> =
        seen["posters"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    assert!(!trained.is_empty() && trained.len() < crate::SHARED_POSTERS, "{seen}");
    let untrained = std::fs::read_dir(&run.posters)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !trained.iter().any(|id| p.file_stem().is_some_and(|s| s == id.as_str())))
        .expect("a poster of a test movie");
    let copy = run.scratch.path("renamed-poster.jpg");
    std::fs::copy(run.posters.join(format!("{}.jpg", trained[0])), &copy).unwrap();
    let classify = |poster: &std::path::Path| {
        let args = ["classify", "--models", "out", "--overview", "A toy cowboy.", "--poster"];
        let out = run.cinegenre(&[&args[..], &[poster.to_str().unwrap()]].concat());
        assert!(out.success, "{}{}", out.stdout, out.stderr);
        out.stdout
    };
    let stdout = classify(&copy);
    let poster_block = block(&blocks(&stdout), "poster MLP").join("\n");
    let note = format!("note: this poster was in the training set (TMDB id {})", trained[0]);
    assert!(poster_block.contains(&note), "{stdout}");
    let stdout = classify(&untrained);
    assert!(!stdout.contains("training set"), "{}: {stdout}", untrained.display());
}
