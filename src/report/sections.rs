//! The report's sections, one function each, in the page's order.

use std::fmt::Write as _;

use super::chart::{Series, bar_chart};
use super::html::{Cell, definitions, escape, score, table};
use crate::results::{ModelResult, RunResults};

/// Section ids and headings, in order (the navigation bar and the tests use them).
pub const HEADINGS: [(&str, &str); 8] = [
    ("inputs", "Data and weights"),
    ("dataset", "Dataset summary"),
    ("cooccurrence", "Genre co-occurrence"),
    ("comparison", "Models against the baseline and the tutorial"),
    ("models", "Per-genre scores"),
    ("learning", "How each model learned"),
    ("samples", "Sample predictions"),
    ("timings", "Timings and devices"),
];

pub(super) fn heading(id: &str) -> String {
    let title = HEADINGS.iter().find(|(i, _)| *i == id).map_or(id, |(_, t)| t);
    format!("<section id=\"{id}\">\n<h2>{}</h2>\n", escape(title))
}

pub fn inputs(r: &RunResults) -> String {
    let mut s = heading("inputs");
    let mut pairs = vec![
        ("Movies", r.data.source.clone()),
        ("Preparation", r.data.prepare.to_string()),
        (
            "Split",
            format!(
                "{} training, {} test movies (seed {}) for the models on the text features; a model \
                 whose features only some movies have draws its own 80/20 split of those (its test \
                 movies are in the table below)",
                r.train_rows, r.test_rows, r.seed
            ),
        ),
        (
            "Text features",
            format!(
                "{} terms (min_df {}, max_df {}), {} count non-zeros",
                r.features.n_features, r.features.min_df, r.features.max_df, r.features.count_nnz
            ),
        ),
    ];
    for (what, description) in &r.notes {
        pairs.push((what.as_str(), description.clone()));
    }
    for (what, from) in &r.inputs {
        pairs.push((what.as_str(), from.clone()));
    }
    pairs.push(("cinegenre", r.cinegenre_version.to_string()));
    s.push_str(&definitions(&pairs));
    s.push_str("</section>\n");
    s
}

pub fn dataset(r: &RunResults) -> String {
    let mut s = heading("dataset");
    let labelled: usize = r.data.genre_counts.iter().sum();
    let _ = writeln!(
        s,
        "<p>{} movies, {} genres, {labelled} genre labels in all ({:.2} per movie).</p>",
        r.data.movies,
        r.data.genres.len(),
        labelled as f64 / r.data.movies.max(1) as f64
    );
    let mut order: Vec<usize> = (0..r.data.genres.len().min(r.data.genre_counts.len())).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(r.data.genre_counts[i]));
    let names: Vec<String> = order.iter().map(|&i| r.data.genres[i].clone()).collect();
    let counts: Vec<f64> = order.iter().map(|&i| r.data.genre_counts[i] as f64).collect();
    let max = counts.iter().copied().fold(0.0, f64::max);
    let series = [Series { name: "movies", values: counts }];
    let _ = writeln!(
        s,
        "<figure>{}<figcaption>Movies per genre (a movie counts once for each of its genres).\
         </figcaption></figure>",
        bar_chart("Movies per genre", &names, &series, max, 0)
    );
    s.push_str("</section>\n");
    s
}

pub fn cooccurrence(r: &RunResults) -> String {
    let mut s = heading("cooccurrence");
    let Some(b) = &r.biclusters else {
        s.push_str("<p>This run did not co-cluster the genres.</p>\n</section>\n");
        return s;
    };
    if !b.svg.is_empty() {
        let _ = writeln!(
            s,
            "<figure class=\"heatmap\">{}<figcaption>Left: how often two genres share a movie among \
             the {} most popular movies. Right: rows and columns reordered by spectral \
             co-clustering into {} biclusters (boxes).</figcaption></figure>",
            b.svg, b.movies, b.n_clusters
        );
    }
    // Numbered from 0 by the list itself, as the terminal numbers them; the tutorial's groups
    // have names instead.
    let ours: Vec<String> = b.groups.iter().map(|g| g.join(", ")).collect();
    let theirs: Vec<String> =
        b.tutorial_grouping.iter().map(|(n, g)| format!("{n}: {}", g.join(", "))).collect();
    s.push_str("<div class=\"model\">\n");
    s.push_str(&list("This run's biclusters", &ours, "<ol start=\"0\" class=\"groups\">", "</ol>"));
    s.push_str(&list("The tutorial's suggested grouping", &theirs, "<ul class=\"groups\">", "</ul>"));
    s.push_str("</div>\n");
    let _ = writeln!(
        s,
        "<p>The two lists are separate partitions, not matched row by row. Their adjusted Rand \
         index over the {} genres both place is {:.3} (1: the same partition; about 0: no more \
         alike than chance). The co-clustering's row and column partitions agree with an adjusted \
         Rand index of {:.3} (on this symmetric matrix they should agree).</p>",
        b.compared_genres, b.tutorial_agreement, b.row_column_agreement
    );
    s.push_str("</section>\n");
    s
}

fn list(title: &str, items: &[String], open: &str, close: &str) -> String {
    let mut s = format!("<div><h3>{}</h3>\n{open}\n", escape(title));
    for item in items {
        let _ = writeln!(s, "<li>{}</li>", escape(item));
    }
    let _ = writeln!(s, "{close}</div>");
    s
}

pub fn comparison(r: &RunResults) -> String {
    let mut s = heading("comparison");
    s.push_str(
        "<p>Mean per-movie precision, recall and F1 of each model on its own test movies, beside \
         the baseline that always predicts the most frequent training genres (on the same test \
         movies) and the figures the tutorial printed. Green: the model beats the baseline's F1.</p>\n",
    );
    let marked = |m: &ModelResult| {
        let class = if m.beats_baseline() { "better" } else { "worse" };
        Cell::NumberHtml(format!("<span class=\"{class}\">{}</span>", score(m.evaluation.samples_f1(), 3)))
    };
    let rows: Vec<Vec<Cell>> = r
        .models
        .iter()
        .map(|m| {
            let (e, b) = (&m.evaluation, &m.baseline.evaluation);
            let mut name = escape(&m.name);
            if let Some(caveat) = &m.caveat {
                let _ = write!(name, "<br><small class=\"warning\">{}</small>", escape(caveat));
            }
            vec![
                Cell::Html(name),
                Cell::num(m.test_rows.to_string()),
                Cell::num(score(e.mean_precision, 3)),
                Cell::num(score(e.mean_recall, 3)),
                marked(m),
                Cell::num(score(b.mean_precision, 3)),
                Cell::num(score(b.mean_recall, 3)),
                Cell::num(score(b.samples_f1(), 3)),
                Cell::num(score(m.tutorial_mean_precision, 2)),
                Cell::num(score(m.tutorial_mean_recall, 2)),
            ]
        })
        .collect();
    s.push_str(&table(
        "comparison",
        &[
            "model",
            "test movies",
            "precision",
            "recall",
            "F1",
            "baseline precision",
            "baseline recall",
            "baseline F1",
            "tutorial precision",
            "tutorial recall",
        ],
        &rows,
    ));
    // Each model's baseline comes from its own training movies: one line per distinct baseline,
    // naming the models that share it.
    let mut baselines: Vec<(&[String], usize, Vec<&str>)> = Vec::new();
    for m in &r.models {
        match baselines.iter_mut().find(|(g, _, _)| *g == m.baseline.genres.as_slice()) {
            Some((_, _, names)) => names.push(&m.name),
            None => baselines.push((&m.baseline.genres, m.baseline.k, vec![&m.name])),
        }
    }
    for (genres, k, names) in &baselines {
        let whose =
            if baselines.len() == 1 { String::new() } else { format!(" of {}", escape(&names.join(", "))) };
        let _ = writeln!(
            s,
            "<p>Baseline{whose}: always {} (the {k} most frequent genres of its training movies).</p>",
            escape(&genres.join(", "))
        );
    }
    let names: Vec<String> = r.models.iter().map(|m| m.key.replace('_', " ")).collect();
    let pick = |f: fn(&ModelResult) -> f64| r.models.iter().map(f).collect::<Vec<f64>>();
    let series = [
        Series { name: "precision", values: pick(|m| m.evaluation.mean_precision) },
        Series { name: "baseline precision", values: pick(|m| m.baseline.evaluation.mean_precision) },
        Series { name: "tutorial precision", values: pick(|m| m.tutorial_mean_precision) },
        Series { name: "recall", values: pick(|m| m.evaluation.mean_recall) },
        Series { name: "baseline recall", values: pick(|m| m.baseline.evaluation.mean_recall) },
        Series { name: "tutorial recall", values: pick(|m| m.tutorial_mean_recall) },
    ];
    let _ = writeln!(s, "<figure>{}</figure>", bar_chart("Mean per-movie scores", &names, &series, 1.0, 2));
    s.push_str("</section>\n");
    s
}

pub fn models(r: &RunResults) -> String {
    let mut s = heading("models");
    for (i, m) in r.models.iter().enumerate() {
        let e = &m.evaluation;
        let _ = writeln!(
            s,
            "<h3 id=\"model-{i}\">{} <small>on {}, {} test movies</small></h3>",
            escape(&m.name),
            escape(&m.features),
            m.test_rows
        );
        if let Some(caveat) = &m.caveat {
            let _ = writeln!(s, "<p class=\"warning\">{}</p>", escape(caveat));
        }
        let (p, base) = (&e.per_label, &m.baseline.evaluation);
        // Columns the model's own trace adds (a C chosen per genre, …).
        let extra: &[(String, Vec<String>)] =
            r.traces.get(&m.key).map_or(&[][..], |t| t.per_genre.as_slice());
        let base_f1 = |genre: &str| {
            let at = base.genres.iter().position(|g| g == genre);
            at.and_then(|i| base.per_label.f1.get(i)).copied().unwrap_or(f64::NAN)
        };
        let rows: Vec<Vec<Cell>> = e
            .genres
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let at = |v: &[f64]| Cell::num(score(v.get(g).copied().unwrap_or(f64::NAN), 2));
                let support = p.support.get(g).map_or(String::new(), |n| n.to_string());
                let mut row = vec![Cell::text(name), at(&p.precision), at(&p.recall), at(&p.f1)];
                row.push(Cell::num(score(base_f1(name), 2)));
                row.push(Cell::num(support));
                row.extend(
                    extra.iter().map(|(_, cells)| Cell::num(cells.get(g).cloned().unwrap_or_default())),
                );
                row
            })
            .chain(e.averages.iter().map(|a| {
                let b = base.averages.iter().find(|x| x.average == a.average).map_or(f64::NAN, |x| x.f1);
                let mut row = vec![
                    Cell::text(format!("{} avg", a.average)),
                    Cell::num(score(a.precision, 2)),
                    Cell::num(score(a.recall, 2)),
                    Cell::num(score(a.f1, 2)),
                    Cell::num(score(b, 2)),
                    Cell::num(""),
                ];
                row.extend(extra.iter().map(|_| Cell::num("")));
                row
            }))
            .collect();
        let mut header = vec!["genre", "precision", "recall", "F1", "baseline F1", "support"];
        header.extend(extra.iter().map(|(h, _)| h.as_str()));
        s.push_str("<div class=\"model\">\n");
        s.push_str(&table("per-genre", &header, &rows));
        let series = [
            Series { name: "precision", values: p.precision.clone() },
            Series { name: "recall", values: p.recall.clone() },
            Series { name: "F1", values: p.f1.clone() },
            Series { name: "baseline F1", values: e.genres.iter().map(|g| base_f1(g)).collect() },
        ];
        let _ = writeln!(s, "<figure>{}</figure>\n</div>", bar_chart(&m.name, &e.genres, &series, 1.0, 2));
    }
    s.push_str("</section>\n");
    s
}

pub fn samples(r: &RunResults) -> String {
    let mut s = heading("samples");
    if r.samples.is_empty() {
        s.push_str("<p>No sample predictions were recorded.</p>\n</section>\n");
        return s;
    }
    s.push_str(
        "<p>Test movies drawn across genres, each in the test set of every model that lists \
         genres for it (an empty cell: that model trained on the movie or had no features for it).</p>\n",
    );
    let models: Vec<&str> = r.models.iter().map(|m| m.name.as_str()).collect();
    let posters = r.samples.iter().any(|x| x.poster.is_some());
    let mut header: Vec<&str> = if posters { vec!["poster"] } else { Vec::new() };
    header.extend(["title", "true genres"]);
    header.extend(models.iter().copied());
    let rows: Vec<Vec<Cell>> = r
        .samples
        .iter()
        .map(|x| {
            let mut row = Vec::new();
            if posters {
                row.push(Cell::Html(x.poster.as_deref().map_or_else(
                    || "<span class=\"no-poster\">no poster</span>".to_string(),
                    |uri| {
                        format!(
                            "<img class=\"poster\" src=\"{}\" alt=\"poster of {}\">",
                            escape(uri),
                            escape(&x.title)
                        )
                    },
                )));
            }
            row.push(Cell::text(&x.title));
            row.push(Cell::text(x.true_genres.join(", ")));
            for m in &models {
                let got =
                    x.predicted.iter().find(|(n, _)| n == m).map_or(String::new(), |(_, g)| g.join(", "));
                row.push(Cell::text(got));
            }
            row
        })
        .collect();
    s.push_str(&table("samples", &header, &rows));
    s.push_str("</section>\n");
    s
}

pub fn timings(r: &RunResults) -> String {
    let mut s = heading("timings");
    let t = &r.timings;
    let env = &t.environment;
    let mut pairs = vec![
        ("CPU", format!("{}, SIMD level {}, {} threads", env.platform, env.simd, env.threads)),
        ("GPU adapter", env.gpu_adapter.clone().unwrap_or_else(|| "none used".into())),
    ];
    for (stage, backend) in &env.devices {
        pairs.push((stage.as_str(), format!("ran on {backend}")));
    }
    s.push_str(&definitions(&pairs));
    let rows: Vec<Vec<Cell>> = t
        .stages
        .iter()
        .map(|(stage, secs)| vec![Cell::text(stage), Cell::num(format!("{secs:.3}"))])
        .chain([vec![Cell::text("total"), Cell::num(format!("{:.3}", t.total()))]])
        .collect();
    s.push_str("<div class=\"model\">\n");
    s.push_str(&table("timings", &["stage", "seconds"], &rows));
    let names: Vec<String> = t.stages.iter().map(|(n, _)| n.clone()).collect();
    let values: Vec<f64> = t.stages.iter().map(|(_, secs)| *secs).collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let series = [Series { name: "seconds", values }];
    let _ =
        writeln!(s, "<figure>{}</figure>\n</div>", bar_chart("Seconds per stage", &names, &series, max, 2));
    if !r.warnings.is_empty() {
        s.push_str("<h3>Warnings</h3>\n<ul>\n");
        for w in &r.warnings {
            let _ = writeln!(s, "<li class=\"warning\">{}</li>", escape(w));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
    s
}
