//! Inline SVG line charts of a model's training curves ([`Chart`]): one polyline per curve, a
//! legend, axes with ticks at round numbers (1-2-5 steps, or decades on a log scale).
//!
//! Points that cannot be drawn — NaN, or ≤ 0 on a log scale — are left out; a curve with no
//! drawable point keeps its legend entry. Curves of up to 30 points also mark each point.

use std::fmt::Write as _;

use super::chart::{PALETTE, ticks};
use super::html::escape;
use crate::results::Chart;

const WIDTH: f64 = 540.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// Room per legend row.
const LEGEND_ROW: f64 = 18.0;
const CHAR_WIDTH: f64 = 6.8;

/// The chart as an `<svg>` element.
pub fn line_chart(chart: &Chart) -> String {
    let drawable = |y: f64| y.is_finite() && (!chart.log_y || y > 0.0);
    let points: Vec<Vec<(f64, f64)>> = chart
        .curves
        .iter()
        .map(|c| c.points.iter().copied().filter(|&(x, y)| x.is_finite() && drawable(y)).collect())
        .collect();
    let all = || points.iter().flatten();
    let (x_lo, x_hi) = bounds(all().map(|p| p.0));
    let x_ticks = ticks(if x_lo >= 0.0 { 0.0 } else { x_lo }, x_hi);
    let y_ticks = if chart.log_y {
        decades(all().map(|p| p.1))
    } else {
        let (lo, hi) = bounds(all().map(|p| p.1));
        ticks(if lo >= 0.0 && lo < hi * 0.5 { 0.0 } else { lo }, hi)
    };
    // Legend rows.
    let mut rows = 1;
    let mut x = LEFT;
    for c in &chart.curves {
        let w = legend_width(&c.name);
        if x + w > WIDTH && x > LEFT {
            rows += 1;
            x = LEFT;
        }
        x += w;
    }
    let top = 8.0 + LEGEND_ROW * rows as f64;
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - top - BOTTOM);
    let (x0, x1) = (x_ticks[0], *x_ticks.last().unwrap_or(&1.0));
    let (y0, y1) = (y_ticks[0], *y_ticks.last().unwrap_or(&1.0));
    let scale_y = |y: f64| if chart.log_y { y.log10() } else { y };
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0).max(f64::MIN_POSITIVE) * plot_w;
    let py = |y: f64| {
        top + plot_h
            - (scale_y(y) - scale_y(y0)) / (scale_y(y1) - scale_y(y0)).max(f64::MIN_POSITIVE) * plot_h
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{t}\" font-size=\"11\" \
         font-family=\"sans-serif\">\n<title>{t}</title>\n",
        t = escape(&chart.title)
    );
    let (mut lx, mut ly) = (LEFT, 6.0);
    for (j, c) in chart.curves.iter().enumerate() {
        let w = legend_width(&c.name);
        if lx + w > WIDTH && lx > LEFT {
            (lx, ly) = (LEFT, ly + LEGEND_ROW);
        }
        let _ = writeln!(
            s,
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"3\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            ly + 5.0,
            PALETTE[j % PALETTE.len()],
            lx + 18.0,
            ly + 10.0,
            escape(&c.name)
        );
        lx += w;
    }
    // Axes, grid lines and tick labels.
    let bottom = top + plot_h;
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{top}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"#555\"/>\
         <line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#555\"/>",
        LEFT + plot_w
    );
    for &t in &x_ticks {
        let x = px(t);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{bottom}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#555\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            bottom + 4.0,
            bottom + 16.0,
            label(t)
        );
    }
    for &t in &y_ticks {
        let y = py(t);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#e3e7ee\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            LEFT - 5.0,
            y + 4.0,
            if chart.log_y { format!("{t:.0e}") } else { label(t) }
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text x=\"12\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {:.1})\">{}</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 6.0,
        escape(&chart.x),
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        escape(&format!("{}{}", chart.y, if chart.log_y { " (log)" } else { "" }))
    );
    for (j, (c, pts)) in chart.curves.iter().zip(&points).enumerate() {
        let colour = PALETTE[j % PALETTE.len()];
        let path: Vec<String> = pts.iter().map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y))).collect();
        if path.len() > 1 {
            let _ = writeln!(
                s,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{}\"><title>{}</title></polyline>",
                path.join(" "),
                escape(&c.name)
            );
        }
        if pts.len() <= 30 {
            for &(x, y) in pts {
                let _ = writeln!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"><title>{}: {} {}, {}</title></circle>",
                    px(x),
                    py(y),
                    escape(&c.name),
                    escape(&chart.x),
                    label(x),
                    format_value(y)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Smallest and largest of `values`, (0, 1) when there are none, widened when equal.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5 * lo.abs().max(1.0), hi + 0.5 * hi.abs().max(1.0))
    } else {
        (lo, hi)
    }
}

/// Powers of ten around positive `values` (every other one past 8 decades).
fn decades(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return vec![0.1, 1.0];
    }
    let (a, b) = (lo.log10().floor() as i32, (hi.log10().ceil() as i32).max(lo.log10().floor() as i32 + 1));
    let step = if b - a > 8 { 2 } else { 1 };
    let mut out: Vec<f64> = (a..=b).step_by(step).map(|e| 10f64.powi(e)).collect();
    if out.last().is_some_and(|&l| l < hi) {
        out.push(10f64.powi(b));
    }
    out
}

/// A tick value without trailing zeros: 0.2, 5, 1500.
fn label(v: f64) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn format_value(v: f64) -> String {
    if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e5) { format!("{v:.3e}") } else { format!("{v:.4}") }
}

fn legend_width(name: &str) -> f64 {
    18.0 + CHAR_WIDTH * name.chars().count() as f64 + 16.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Curve;

    fn chart(log_y: bool, points: Vec<(f64, f64)>) -> Chart {
        Chart {
            title: "t <x>".into(),
            x: "epoch".into(),
            y: "loss".into(),
            log_y,
            curves: vec![
                Curve { name: "a & b".into(), points },
                Curve { name: "empty".into(), points: vec![] },
            ],
        }
    }

    #[test]
    fn one_polyline_per_drawable_curve_with_round_ticks() {
        let svg = line_chart(&chart(false, vec![(1.0, 0.7), (2.0, 0.43), (3.0, f64::NAN), (4.0, 0.31)]));
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3, "the NaN point is left out: {svg}");
        assert!(svg.contains("a &amp; b") && svg.contains("t &lt;x&gt;") && !svg.contains("<x>"));
        // y from 0 (the data start below half the top) to 0.8 in steps of 0.1 or 0.2.
        assert!(svg.contains(">0.8</text>") && svg.contains(">0</text>"), "{svg}");
        assert!(!svg.contains(">0.7000"), "tick labels are round: {svg}");
    }

    #[test]
    fn log_scale_drops_non_positive_points_and_ticks_decades() {
        let svg = line_chart(&chart(true, vec![(0.0, 1.0), (25.0, 1e-2), (50.0, 0.0), (75.0, 2e-4)]));
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        for d in ["1e-4", "1e-3", "1e-2", "1e-1", "1e0"] {
            assert!(svg.contains(&format!(">{d}</text>")), "{d} missing: {svg}");
        }
    }

    #[test]
    fn decades_cover_the_values() {
        assert_eq!(decades([0.02, 3.0].into_iter()), vec![0.01, 0.1, 1.0, 10.0]);
        assert_eq!(label(0.30000000000000004), "0.3");
        assert_eq!(label(1500.0), "1500");
    }
}
