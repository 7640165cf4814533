//! Inline SVG bar charts: one row per category, one bar per series, a legend and an x axis.
//!
//! Horizontal bars because the categories are genre and model names, which read best
//! left-aligned. Values are drawn from 0 to the first round number at or above `max` (1 for
//! scores, the largest count otherwise), with ticks at multiples of a 1-2-5 step ([`ticks`]);
//! NaN values (undefined scores) draw no bar.

use std::fmt::Write as _;

use super::html::escape;

/// One coloured series of values, one per category.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

/// Fill colours of the series, in order (colour-blind-safe Okabe–Ito hues).
pub const PALETTE: [&str; 6] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"];

/// Width of the bars' area and of the value printed after the longest bar.
const PLOT: f64 = 460.0;
const VALUE_WIDTH: f64 = 50.0;
/// Room a category label takes per character at font size 11 (generous: labels never clip).
const CHAR_WIDTH: f64 = 6.8;
const BAR: f64 = 11.0;
const GAP: f64 = 7.0;
const TOP: f64 = 28.0;
const AXIS: f64 = 26.0;

/// A grouped horizontal bar chart of `series` over `categories`, scaled to `max`.
/// `digits` sets the decimals of the value printed after each bar.
pub fn bar_chart(
    title: &str,
    categories: &[String],
    series: &[Series<'_>],
    max: f64,
    digits: usize,
) -> String {
    let k = series.len().max(1);
    let row = k as f64 * BAR + GAP;
    let legend_rows = legend_rows(series);
    let top = TOP + 18.0 * (legend_rows - 1) as f64;
    let height = top + categories.len() as f64 * row + AXIS;
    let plot = PLOT;
    let longest = categories.iter().map(|c| shorten(c).chars().count()).max().unwrap_or(0);
    let label_width = (longest as f64 * CHAR_WIDTH + 12.0).max(60.0);
    let width = label_width + PLOT + VALUE_WIDTH;
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let axis = ticks(0.0, max);
    let max = *axis.last().unwrap_or(&max);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" font-size=\"11\" \
         font-family=\"sans-serif\">\n<title>{}</title>\n",
        escape(title),
        escape(title)
    );
    // Legend along the top, wrapped onto more rows when the series are many.
    let (mut x, mut y) = (label_width, 6.0);
    for (j, se) in series.iter().enumerate() {
        let colour = PALETTE[j % PALETTE.len()];
        let w = legend_width(se.name);
        if x + w > width && x > label_width {
            (x, y) = (label_width, y + 18.0);
        }
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            x + 16.0,
            y + 10.0,
            escape(se.name)
        );
        x += w;
    }
    for (i, category) in categories.iter().enumerate() {
        let y0 = top + i as f64 * row;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_width - 6.0,
            y0 + k as f64 * BAR / 2.0 + 4.0,
            escape(&shorten(category))
        );
        for (j, se) in series.iter().enumerate() {
            let Some(&v) = se.values.get(i) else { continue };
            if !v.is_finite() {
                continue;
            }
            let w = (v.max(0.0) / max).min(1.0) * plot;
            let y = y0 + j as f64 * BAR;
            let colour = PALETTE[j % PALETTE.len()];
            let _ = writeln!(
                s,
                "<rect x=\"{label_width}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\">\
                 <title>{}: {v:.digits$}</title></rect>\
                 <text x=\"{:.1}\" y=\"{}\" fill=\"#333\">{v:.digits$}</text>",
                BAR - 1.0,
                escape(se.name),
                label_width + w + 3.0,
                y + BAR - 2.0
            );
        }
    }
    // The x axis, ticks at round numbers.
    let y_axis = top + categories.len() as f64 * row;
    let _ = writeln!(
        s,
        "<line x1=\"{label_width}\" y1=\"{top}\" x2=\"{label_width}\" y2=\"{y_axis}\" stroke=\"#555\"/>\
         <line x1=\"{label_width}\" y1=\"{y_axis}\" x2=\"{}\" y2=\"{y_axis}\" stroke=\"#555\"/>",
        label_width + plot
    );
    for &v in &axis {
        let x = label_width + plot * v / max;
        let label = format!("{v:.6}");
        let label = label.trim_end_matches('0').trim_end_matches('.');
        let _ = writeln!(
            s,
            "<line x1=\"{x}\" y1=\"{y_axis}\" x2=\"{x}\" y2=\"{}\" stroke=\"#555\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            y_axis + 4.0,
            y_axis + 16.0
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Ticks at round numbers covering `[lo, hi]`: the multiples of the first step of 1, 2, 5 × 10ᵏ
/// that cuts the range into at most 5 intervals, from the last one at or below `lo` to the first
/// one at or above `hi`.
pub fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if hi > lo && (hi - lo).is_finite() { (lo, hi) } else { (lo.min(0.0), lo.max(0.0) + 1.0) };
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|&s| s >= raw * (1.0 - 1e-9));
    let step = step.unwrap_or(10.0 * magnitude);
    let (first, last) = ((lo / step + 1e-9).floor() as i64, (hi / step - 1e-9).ceil() as i64);
    (first..=last.max(first + 1)).map(|k| k as f64 * step).collect()
}

/// Category labels longer than this are cut with an ellipsis (the table beside has them whole).
const MAX_LABEL: usize = 44;

/// Width a legend entry takes: swatch, name, gap.
fn legend_width(name: &str) -> f64 {
    16.0 + CHAR_WIDTH * name.chars().count() as f64 + 18.0
}

/// Rows the legend needs within the chart's width.
fn legend_rows(series: &[Series<'_>]) -> usize {
    let mut rows = 1;
    let mut x = 0.0;
    for se in series {
        let w = legend_width(se.name);
        if x + w > PLOT + VALUE_WIDTH && x > 0.0 {
            rows += 1;
            x = 0.0;
        }
        x += w;
    }
    rows
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        return label.to_string();
    }
    let cut: String = label.chars().take(MAX_LABEL - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_finite_value_and_names_escaped() {
        let cats = vec!["Drama".to_string(), "<Sci-Fi>".to_string()];
        let series = [
            Series { name: "precision", values: vec![0.5, f64::NAN] },
            Series { name: "recall & more", values: vec![1.0, 0.25] },
        ];
        let svg = bar_chart("t", &cats, &series, 1.0, 2);
        assert_eq!(svg.matches("</rect>").count(), 3, "{svg}");
        assert!(svg.contains("&lt;Sci-Fi&gt;") && svg.contains("recall &amp; more"));
        assert!(!svg.contains("<Sci-Fi>"));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn ticks_are_round_numbers() {
        let near = |got: Vec<f64>, want: &[f64]| {
            assert_eq!(got.len(), want.len(), "{got:?}");
            assert!(got.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9), "{got:?} vs {want:?}");
        };
        near(ticks(0.0, 1.0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        near(ticks(0.0, 1234.0), &[0.0, 500.0, 1000.0, 1500.0]);
        near(ticks(0.0, 3.7), &[0.0, 1.0, 2.0, 3.0, 4.0]);
        near(ticks(0.31, 0.7), &[0.3, 0.4, 0.5, 0.6, 0.7]);
        near(ticks(0.0, 10.0), &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        near(ticks(5.0, 5.0), &[0.0, 2.0, 4.0, 6.0]);
    }

    #[test]
    fn bars_never_leave_the_plot() {
        let svg = bar_chart("t", &["a".into()], &[Series { name: "s", values: vec![7.0] }], 2.0, 0);
        assert!(svg.contains(&format!("width=\"{PLOT:.1}\"")), "{svg}");
    }

    #[test]
    fn long_labels_get_the_room_they_need() {
        let long = "a model's long name (sigmoid, top 3 genres)".to_string();
        let svg =
            bar_chart("t", std::slice::from_ref(&long), &[Series { name: "s", values: vec![0.5] }], 1.0, 2);
        // The label ends 6 px left of the axis and must start at x ≥ 0.
        let axis: f64 =
            svg.split("<line x1=\"").nth(1).and_then(|t| t.split('"').next()).unwrap().parse().unwrap();
        assert!(axis - 6.0 - CHAR_WIDTH * long.chars().count() as f64 >= 0.0, "axis at {axis}");
        assert!(svg.contains(&crate::report::html::escape(&long)), "the label was cut: {svg}");
    }
}
