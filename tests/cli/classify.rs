//! `cinegenre classify`: a new movie scored by every model of a run, with the caveats a user
//! must see (no known word, random VGG16 weights) and, on request, the words behind the
//! scores. On the shared quick run.

use std::collections::HashSet;

use cinegenre::run::models::NO_KNOWN_WORD;

use crate::SharedRun;

/// Each model's block of `classify`'s output: (model, its lines), in order.
fn blocks(stdout: &str) -> Vec<(String, Vec<&str>)> {
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    for line in stdout.lines().skip(1) {
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
        let warning = format!("warning: {model}: {NO_KNOWN_WORD}");
        assert!(out.stderr.contains(&warning), "stderr lacks {warning:?}:\n{}", out.stderr);
        let note = format!("note: {NO_KNOWN_WORD}");
        assert!(block(&blocks, model).iter().any(|l| l.contains(&note)), "{}", out.stdout);
    }
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
    assert!(
        out.stderr.lines().any(|l| l.starts_with("warning: poster MLP: ") && l.contains("random weights")),
        "{}",
        out.stderr
    );
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
