//! The page's structure: sections in order, balanced tags, escaped data, one block per model.

use super::*;

/// Elements that never have a closing tag.
const VOID: [&str; 2] = ["meta", "img"];

/// Tag names in document order, `/name` for closing tags; self-closing tags (`<x/>`) omitted.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag is closed") + start;
        let inner = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if inner.starts_with('!') || inner.ends_with('/') {
            continue;
        }
        let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
        if !VOID.contains(&name.as_str()) {
            out.push(name.to_ascii_lowercase());
        }
    }
    out
}

fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    for tag in tags(html) {
        match tag.strip_prefix('/') {
            Some(name) => {
                let open = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing"));
                assert_eq!(open, name, "<{open}> closed by </{name}>");
            }
            None => stack.push(tag),
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn every_section_appears_once_in_order() {
    let html = render(&demo_report());
    let mut last = 0;
    for (id, title) in HEADINGS {
        let at =
            html.find(&format!("<section id=\"{id}\">\n<h2>{title}</h2>")).unwrap_or_else(|| panic!("{id}"));
        assert!(at > last, "{id} out of order");
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1);
        last = at;
    }
}

#[test]
fn tags_are_balanced_and_there_is_no_script() {
    let html = render(&demo_report());
    assert_balanced(&html);
    assert!(!html.contains("<script"), "data reached the page unescaped");
}

#[test]
fn strings_from_data_are_escaped() {
    let html = render(&demo_report());
    for raw in ["<Sci-Fi & \"Fantasy\">", "Tom & Jerry <3", "demo <data>", "<none>"] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("&lt;Sci-Fi &amp; &quot;Fantasy&quot;&gt;"));
    assert!(html.contains("model two &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Tom &amp; Jerry &lt;3"));
}

#[test]
fn one_table_and_chart_per_model_whatever_the_number() {
    let mut report = demo_report();
    let third = ModelResultLike::from(&report.models[0], "a third model");
    report.models.push(third);
    let html = render(&report);
    assert_eq!(html.matches("<table class=\"per-genre\">").count(), 3);
    assert!(html.contains("<h3 id=\"model-2\">a third model"));
    // One chart per model, one in the comparison, one of genres, one of timings, and the
    // demo trace's line chart.
    assert_eq!(html.matches("<svg ").count(), 3 + 3 + 1);
    // The comparison row carries the tutorial's figures, and the baseline's.
    assert!(html.contains("<td class=\"num\">0.49</td><td class=\"num\">0.55</td>"));
    assert!(html.contains("Baseline: always Drama"), "{html}");
}

/// A copy of a model result under another name (as another registry entry would push one).
struct ModelResultLike;

impl ModelResultLike {
    fn from(m: &crate::results::ModelResult, name: &str) -> crate::results::ModelResult {
        crate::results::ModelResult { name: name.into(), ..m.clone() }
    }
}

#[test]
fn the_heatmap_is_inline_and_the_groupings_are_two_lists() {
    let mut report = demo_report();
    let html = render(&report);
    assert!(html.contains("did not co-cluster"));
    report.biclusters = Some(crate::cluster::GenreBiclusters {
        movies: 1000,
        genres: vec!["Drama".into()],
        n_clusters: 1,
        seed: 0,
        groups: vec![vec!["Drama".into(), "<War>".into()]],
        row_column_agreement: 1.0,
        tutorial_grouping: vec![("Drama etc.".into(), vec!["Drama".into()])],
        tutorial_agreement: 0.25,
        compared_genres: 1,
        heatmaps: Vec::new(),
        svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\" height=\"2\"></svg>".into(),
        kmeans_inertia: Vec::new(),
    });
    let html = render(&report);
    assert!(html.contains("<figure class=\"heatmap\"><svg xmlns"), "{html}");
    assert!(!html.contains("<img class=\"heatmap\""), "the heatmap must not be a file beside the page");
    // Numbered from 0 by the list, as on the terminal, and numbered once.
    assert!(html.contains("<ol start=\"0\" class=\"groups\">\n<li>Drama, &lt;War&gt;</li>"), "{html}");
    assert!(html.contains("<ul class=\"groups\">\n<li>Drama etc.: Drama</li>"), "{html}");
    assert!(html.contains("adjusted Rand") && html.contains("0.250"));
    assert_balanced(&html);
}

#[test]
fn write_is_atomic_and_leaves_only_the_page() {
    let dir = std::env::temp_dir().join(format!("cinegenre-report-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = write(&demo_report(), &RunLayout::new(&dir)).unwrap();
    assert_eq!(path, dir.join(layout::REPORT));
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, [std::ffi::OsString::from(layout::REPORT)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn posters_are_data_uris_with_a_placeholder_when_missing() {
    let mut report = demo_report();
    assert!(!render(&report).contains("<th>poster</th>"));
    report.samples.push(report.samples[0].clone());
    report.samples[0].poster = Some(crate::report::html::data_uri("image/jpeg", b"\xff\xd8\xff"));
    let html = render(&report);
    assert!(html.contains("<th>poster</th>"));
    assert!(html.contains("src=\"data:image/jpeg;base64,/9j/\""), "{html}");
    assert_eq!(html.matches("<span class=\"no-poster\">no poster</span>").count(), 1);
    assert_balanced(&html);
}

#[test]
fn per_genre_tables_have_the_baseline_and_the_traces_columns() {
    let html = render(&demo_report());
    let header =
        "<th>genre</th><th>precision</th><th>recall</th><th>F1</th><th>baseline F1</th><th>support</th>";
    assert_eq!(html.matches(header).count(), 2, "{html}");
    // The first model's trace adds its C column; the second has none.
    assert_eq!(html.matches(&format!("{header}<th>C</th>")).count(), 1);
    // The demo baseline always predicts Drama, 3 of the 4 movies' genre: F1 2·0.75/1.75 = 0.86,
    // right after the model's own F1 on the Drama row.
    let base = &demo_report().models[0].baseline.evaluation;
    assert!((base.per_label.f1[0] - 1.5 / 1.75).abs() < 1e-12);
    assert!(html.contains("<td class=\"num\">0.86</td><td class=\"num\">3</td>"), "{html}");
}

#[test]
fn each_model_names_its_own_baseline() {
    let mut report = demo_report();
    let html = render(&report);
    assert_eq!(html.matches("<p>Baseline").count(), 1, "one shared baseline, one line");
    let mut other = report.models[1].clone();
    other.name = "image model".into();
    other.baseline.genres = vec!["Comedy".into()];
    report.models.push(other);
    let html = render(&report);
    assert!(
        html.contains(
            "<p>Baseline of model one, model two &lt;script&gt;alert(1)&lt;/script&gt;: always Drama"
        ),
        "{html}"
    );
    assert!(html.contains("<p>Baseline of image model: always Comedy"), "{html}");
}

#[test]
fn the_learning_section_draws_each_trace() {
    let mut report = demo_report();
    let html = render(&report);
    let at = html.find("<section id=\"learning\">").unwrap();
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    assert!(section.contains("<h3>model one</h3>"), "the trace is titled by its model's name: {section}");
    assert_eq!(section.matches("<polyline").count(), 2);
    assert!(section.contains("test &lt;watched&gt;") && section.contains("The loss falls &lt;fast&gt;."));
    assert!(section.contains("<td>chosen_c</td>"));
    assert_balanced(&html);
    report.traces = Default::default();
    assert!(render(&report).contains("No model recorded how it learned."));
}
