//! The few HTML pieces the report is built from: escaping, tables, numbers.
//!
//! Every string that comes from data (titles, genre names, file names, model names) goes through
//! [`escape`] before it reaches the page; the builders below escape their cells themselves.

use std::fmt::Write as _;

/// `bytes` as a `data:` URI (RFC 2397) with standard base64 (RFC 4648 §4, padded), for images
/// inlined in the page.
///
/// ```
/// assert_eq!(cinegenre::report::html::data_uri("text/plain", b"Man"), "data:text/plain;base64,TWFu");
/// assert_eq!(cinegenre::report::html::data_uri("x/y", b"Ma"), "data:x/y;base64,TWE=");
/// ```
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = format!("data:{mime};base64,");
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `text` safe inside an element or a double- or single-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A score with `digits` decimals; NaN (an undefined ratio) as a dash.
pub fn score(value: f64, digits: usize) -> String {
    if value.is_finite() { format!("{value:.digits$}") } else { "–".into() }
}

/// One table cell: already-safe HTML, or text to escape; numbers are right-aligned.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Number(String),
    Html(String),
    /// Already-safe HTML, right-aligned like a number.
    NumberHtml(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn num(s: impl Into<String>) -> Cell {
        Cell::Number(s.into())
    }
}

/// A `<table>` with a header row (escaped) and body rows.
pub fn table(class: &str, header: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut s = format!("<table class=\"{}\">\n<thead><tr>", escape(class));
    for h in header {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(t) => {
                    let _ = write!(s, "<td>{}</td>", escape(t));
                }
                Cell::Number(t) => {
                    let _ = write!(s, "<td class=\"num\">{}</td>", escape(t));
                }
                Cell::Html(h) => {
                    let _ = write!(s, "<td>{h}</td>");
                }
                Cell::NumberHtml(h) => {
                    let _ = write!(s, "<td class=\"num\">{h}</td>");
                }
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// A `<dl>` of (term, description) text pairs.
pub fn definitions(pairs: &[(&str, String)]) -> String {
    let mut s = String::from("<dl>\n");
    for (term, description) in pairs {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(description));
    }
    s.push_str("</dl>\n");
    s
}

/// The page's style sheet: readable type, striped tables, no external resources.
pub const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0 auto;
       max-width: 1250px; padding: 1.5em; color: #1d2330; background: #fbfbfd; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #3b6ea5; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
nav a { margin-right: 1em; color: #3b6ea5; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #dde2ea; text-align: left; }
th { background: #e8eef6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f1f4f9; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: 600; }
dd { margin: 0; }
figure { margin: 1em 0; }
.model { display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }
figcaption { font-size: 0.9em; color: #5a6272; }
img.heatmap { max-width: 100%; border: 1px solid #dde2ea; background: white; }
img.poster { height: 90px; }
.no-poster { display: inline-block; width: 60px; height: 90px; background: #e8eef6; color: #5a6272;
             font-size: 0.75em; text-align: center; line-height: 90px; }
figure.heatmap svg { max-width: 100%; height: auto; border: 1px solid #dde2ea; background: white; }
ol.groups { margin-top: 0.2em; }
.warning { color: #9a4a00; }
.better { color: #1b7a3a; font-weight: 600; }
.worse { color: #a32020; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_special_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Amélie"), "Amélie");
    }

    #[test]
    fn table_cells_are_escaped_but_html_cells_are_not() {
        let t =
            table("t", &["a<b"], &[vec![Cell::text("<i>"), Cell::num("1.0"), Cell::Html("<b>x</b>".into())]]);
        assert!(t.contains("<th>a&lt;b</th>"));
        assert!(t.contains("<td>&lt;i&gt;</td><td class=\"num\">1.0</td><td><b>x</b></td>"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Escaped text holds no markup character and unescapes back to the input.
        #[test]
        fn escape_leaves_no_markup_and_round_trips(text in ".{0,40}") {
            let e = escape(&text);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
            proptest::prop_assert_eq!(back, text);
        }
    }

    #[test]
    fn undefined_scores_are_dashes() {
        assert_eq!(score(f64::NAN, 2), "–");
        assert_eq!(score(0.4567, 2), "0.46");
    }
}
