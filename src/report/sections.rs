//! The report's sections, one function each, in the page's order.

use std::fmt::Write as _;
use std::path::Path;

use super::chart::{Series, bar_chart};
use super::facts::relative_to;
use super::html::{Cell, definitions, escape, score, table};
use crate::run::{ModelResult, RunReport};

/// Section ids and headings, in order (the navigation bar and the tests use them).
pub const HEADINGS: [(&str, &str); 7] = [
    ("inputs", "Data and weights"),
    ("dataset", "Dataset summary"),
    ("cooccurrence", "Genre co-occurrence"),
    ("comparison", "Models against the tutorial"),
    ("models", "Per-genre scores"),
    ("samples", "Sample predictions"),
    ("timings", "Timings and devices"),
];

fn heading(id: &str) -> String {
    let title = HEADINGS.iter().find(|(i, _)| *i == id).map_or(id, |(_, t)| t);
    format!("<section id=\"{id}\">\n<h2>{}</h2>\n", escape(title))
}

pub fn inputs(r: &RunReport) -> String {
    let mut s = heading("inputs");
    let mut pairs = vec![
        ("Movies", r.data.source.clone()),
        ("Preparation", r.data.prepare.to_string()),
        ("Split", format!("{} training, {} test movies (seed {})", r.train_rows, r.test_rows, r.seed)),
        (
            "Text features",
            format!(
                "{} terms (min_df {}, max_df {}), {} count non-zeros",
                r.features.n_features, r.features.min_df, r.features.max_df, r.features.count_nnz
            ),
        ),
    ];
    if let Some(w) = &r.word_vectors {
        pairs.push(("Word vectors", w.vectors.clone()));
    }
    for (what, from) in &r.inputs {
        pairs.push((what.as_str(), from.clone()));
    }
    pairs.push(("cinegenre", r.cinegenre_version.to_string()));
    s.push_str(&definitions(&pairs));
    s.push_str("</section>\n");
    s
}

pub fn dataset(r: &RunReport) -> String {
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

pub fn cooccurrence(r: &RunReport, dir: &Path) -> String {
    let mut s = heading("cooccurrence");
    let Some(b) = &r.biclusters else {
        s.push_str("<p>This run did not co-cluster the genres.</p>\n</section>\n");
        return s;
    };
    let svg = b.heatmaps.iter().find(|p| p.extension().is_some_and(|e| e == "svg"));
    if let Some(image) = svg.or(b.heatmaps.first()) {
        let _ = writeln!(
            s,
            "<figure><img class=\"heatmap\" src=\"{}\" alt=\"genre co-occurrence heatmaps\">\
             <figcaption>Left: how often two genres share a movie among the {} most popular \
             movies. Right: rows and columns reordered by spectral co-clustering into {} \
             biclusters (boxes).</figcaption></figure>",
            escape(&relative_to(image, dir)),
            b.movies,
            b.n_clusters
        );
    }
    let n = b.groups.len().max(b.tutorial_grouping.len());
    let rows: Vec<Vec<Cell>> = (0..n)
        .map(|i| {
            let ours = b.groups.get(i).map_or(String::new(), |g| g.join(", "));
            let theirs = b
                .tutorial_grouping
                .get(i)
                .map_or(String::new(), |(name, g)| format!("{name}: {}", g.join(", ")));
            vec![Cell::num(i.to_string()), Cell::text(ours), Cell::text(theirs)]
        })
        .collect();
    s.push_str(&table("biclusters", &["#", "bicluster (this run)", "the tutorial's grouping"], &rows));
    let _ = writeln!(
        s,
        "<p>Row/column partition agreement (adjusted Rand index): {:.3}.</p>",
        b.row_column_agreement
    );
    s.push_str("</section>\n");
    s
}

pub fn comparison(r: &RunReport) -> String {
    let mut s = heading("comparison");
    s.push_str(
        "<p>Mean per-movie precision and recall on the test movies, beside the figures the \
         tutorial printed.</p>\n",
    );
    let marked = |ours: f64, theirs: f64| {
        let class = if ours >= theirs { "better" } else { "worse" };
        Cell::NumberHtml(format!("<span class=\"{class}\">{}</span>", score(ours, 4)))
    };
    let rows: Vec<Vec<Cell>> = r
        .models
        .iter()
        .map(|m| {
            vec![
                Cell::text(&m.name),
                Cell::text(&m.features),
                marked(m.evaluation.mean_precision, m.tutorial_mean_precision),
                marked(m.evaluation.mean_recall, m.tutorial_mean_recall),
                Cell::num(score(m.tutorial_mean_precision, 2)),
                Cell::num(score(m.tutorial_mean_recall, 2)),
            ]
        })
        .collect();
    s.push_str(&table(
        "comparison",
        &["model", "features", "precision", "recall", "tutorial precision", "tutorial recall"],
        &rows,
    ));
    let names: Vec<String> = r.models.iter().map(|m| m.name.clone()).collect();
    let pick = |f: fn(&ModelResult) -> f64| r.models.iter().map(f).collect::<Vec<f64>>();
    let series = [
        Series { name: "precision", values: pick(|m| m.evaluation.mean_precision) },
        Series { name: "tutorial precision", values: pick(|m| m.tutorial_mean_precision) },
        Series { name: "recall", values: pick(|m| m.evaluation.mean_recall) },
        Series { name: "tutorial recall", values: pick(|m| m.tutorial_mean_recall) },
    ];
    let _ = writeln!(s, "<figure>{}</figure>", bar_chart("Mean per-movie scores", &names, &series, 1.0, 2));
    s.push_str("</section>\n");
    s
}

pub fn models(r: &RunReport) -> String {
    let mut s = heading("models");
    for (i, m) in r.models.iter().enumerate() {
        let e = &m.evaluation;
        let _ = writeln!(
            s,
            "<h3 id=\"model-{i}\">{} <small>on {}</small></h3>",
            escape(&m.name),
            escape(&m.features)
        );
        let p = &e.per_label;
        let rows: Vec<Vec<Cell>> = e
            .genres
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let at = |v: &[f64]| Cell::num(score(v.get(g).copied().unwrap_or(f64::NAN), 2));
                let support = p.support.get(g).map_or(String::new(), |n| n.to_string());
                vec![Cell::text(name), at(&p.precision), at(&p.recall), at(&p.f1), Cell::num(support)]
            })
            .chain(e.averages.iter().map(|a| {
                vec![
                    Cell::text(format!("{} avg", a.average)),
                    Cell::num(score(a.precision, 2)),
                    Cell::num(score(a.recall, 2)),
                    Cell::num(score(a.f1, 2)),
                    Cell::num(""),
                ]
            }))
            .collect();
        s.push_str("<div class=\"model\">\n");
        s.push_str(&table("per-genre", &["genre", "precision", "recall", "F1", "support"], &rows));
        let series = [
            Series { name: "precision", values: p.precision.clone() },
            Series { name: "recall", values: p.recall.clone() },
            Series { name: "F1", values: p.f1.clone() },
        ];
        let _ = writeln!(s, "<figure>{}</figure>\n</div>", bar_chart(&m.name, &e.genres, &series, 1.0, 2));
    }
    s.push_str("</section>\n");
    s
}

pub fn samples(r: &RunReport) -> String {
    let mut s = heading("samples");
    if r.samples.is_empty() {
        s.push_str("<p>No sample predictions were recorded.</p>\n</section>\n");
        return s;
    }
    let mut models: Vec<&str> = Vec::new();
    for (m, _) in r.samples.iter().flat_map(|x| &x.predicted) {
        if !models.contains(&m.as_str()) {
            models.push(m);
        }
    }
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
                row.push(Cell::Html(x.poster.as_deref().map_or(String::new(), |p| {
                    format!(
                        "<img class=\"poster\" src=\"{}\" alt=\"poster of {}\">",
                        escape(p),
                        escape(&x.title)
                    )
                })));
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

pub fn timings(r: &RunReport) -> String {
    let mut s = heading("timings");
    let env = &r.environment;
    let mut pairs = vec![
        ("CPU", format!("{}, SIMD level {}, {} threads", env.platform, env.simd, env.threads)),
        ("GPU adapter", env.gpu_adapter.clone().unwrap_or_else(|| "none used".into())),
    ];
    for (stage, backend) in &env.devices {
        pairs.push((stage.as_str(), format!("ran on {backend}")));
    }
    s.push_str(&definitions(&pairs));
    let total: f64 = r.timings.iter().map(|(_, t)| t).sum();
    let rows: Vec<Vec<Cell>> = r
        .timings
        .iter()
        .map(|(stage, t)| vec![Cell::text(stage), Cell::num(format!("{t:.3}"))])
        .chain([vec![Cell::text("total"), Cell::num(format!("{total:.3}"))]])
        .collect();
    s.push_str("<div class=\"model\">\n");
    s.push_str(&table("timings", &["stage", "seconds"], &rows));
    let names: Vec<String> = r.timings.iter().map(|(n, _)| n.clone()).collect();
    let values: Vec<f64> = r.timings.iter().map(|(_, t)| *t).collect();
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
