//! Write a [`Figure`] as SVG: rectangles as `<rect>`, text as real `<text>` (selectable,
//! scalable), for embedding in the HTML report.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::cluster::font::HEIGHT;
use crate::cluster::heatmap::{Anchor, Figure, Shape};
use crate::error::{Error, Result};
use crate::io::write_atomic;

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG document of `fig`.
pub fn to_svg(fig: &Figure) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"#,
        w = fig.width,
        h = fig.height
    );
    for shape in &fig.shapes {
        match shape {
            Shape::Rect { x, y, w, h, fill } => {
                let _ =
                    writeln!(s, r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{}"/>"#, hex(*fill));
            }
            Shape::Outline { x, y, w, h, stroke, width } => {
                let half = width / 2.0;
                let _ = writeln!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="{width}"/>"#,
                    x + half,
                    y + half,
                    w - width,
                    h - width,
                    hex(*stroke)
                );
            }
            Shape::Text { x, y, text, scale, anchor, vertical, color } => {
                let size = (HEIGHT * scale) as f64 * 1.2;
                let cap = (7 * scale) as f64;
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let (tx, ty, rotate) = if *vertical {
                    (x + cap, *y, format!(r#" transform="rotate(-90 {} {y})""#, x + cap))
                } else {
                    (*x, y + cap, String::new())
                };
                let _ = writeln!(
                    s,
                    r#"<text x="{tx}" y="{ty}" font-size="{size}" text-anchor="{anchor}" fill="{}"{rotate}>{}</text>"#,
                    hex(*color),
                    escape(text)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Write `fig` as an SVG file, atomically.
pub fn write_svg(path: &Path, fig: &Figure) -> Result<()> {
    let doc = to_svg(fig);
    write_atomic(path, |w| w.write_all(doc.as_bytes()).map_err(|e| Error::io(path, e)))
}
