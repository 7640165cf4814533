//! Where everything goes: the figure as a list of shapes in pixel coordinates.
//!
//! ```text
//! ┌──────────────────────────── title ───────────────────────────────────┐
//! │            panel title                     panel title               │
//! │   row  ┌──────────────┐        row  ┌──────────────┐  ┌─┐ tick       │
//! │  names │  as given    │       names │  reordered,  │  │▒│ tick       │
//! │        │              │             │  boxes       │  │▒│            │
//! │        └──────────────┘             └──────────────┘  └─┘            │
//! │         column names (vertical)      column names                    │
//! └──────────────────────────────────────────────────────────────────────┘
//! ```

use crate::cluster::font::{self, HEIGHT};
use crate::cluster::heatmap::{HeatmapSpec, MAX_BINS, viridis};
use crate::cluster::{Cocluster, Input};

/// How text sits on its anchor point (along the reading direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One thing to draw; coordinates in pixels, `y` downwards.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled rectangle.
    Rect { x: f64, y: f64, w: f64, h: f64, fill: [u8; 3] },
    /// A rectangle outline of `width` pixels, drawn inside `(x, y, w, h)`.
    Outline { x: f64, y: f64, w: f64, h: f64, stroke: [u8; 3], width: f64 },
    /// Text at font `scale` (glyph height `8 · scale`). Horizontal: `y` is the top of the glyphs
    /// and `x` the anchor. Vertical (reading upwards): `x` is the left edge and `y` the anchor.
    Text { x: f64, y: f64, text: String, scale: usize, anchor: Anchor, vertical: bool, color: [u8; 3] },
}

/// A laid-out figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub width: usize,
    pub height: usize,
    pub shapes: Vec<Shape>,
}

const MARGIN: f64 = 24.0;
const PANEL_GAP: f64 = 48.0;
const TARGET_PANEL: usize = 480;
const INK: [u8; 3] = [0x22, 0x22, 0x22];
const GREY: [u8; 3] = [0x66, 0x66, 0x66];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
const BOX: [u8; 3] = [0xe8, 0x3e, 0x3e];

/// Block means of `x` with rows and columns in the given orders, `bins_r × bins_c` blocks.
fn binned(x: Input<'_>, rows: &[usize], cols: &[usize], bins_r: usize, bins_c: usize) -> Vec<f64> {
    let (m, n) = x.shape();
    let mut rpos = vec![0; m];
    rows.iter().enumerate().for_each(|(p, &i)| rpos[i] = p * bins_r / m);
    let mut cpos = vec![0; n];
    cols.iter().enumerate().for_each(|(p, &j)| cpos[j] = p * bins_c / n);
    let (mut rsize, mut csize) = (vec![0.0; bins_r], vec![0.0; bins_c]);
    rpos.iter().for_each(|&b| rsize[b] += 1.0);
    cpos.iter().for_each(|&b| csize[b] += 1.0);
    let mut grid = vec![0.0; bins_r * bins_c];
    match x {
        Input::Dense(a) => {
            for (i, row) in a.rows().enumerate() {
                for (j, &v) in row.iter().enumerate() {
                    grid[rpos[i] * bins_c + cpos[j]] += v;
                }
            }
        }
        Input::Sparse(a) => {
            for (i, (idx, vals)) in a.rows().enumerate() {
                for (&j, &v) in idx.iter().zip(vals) {
                    grid[rpos[i] * bins_c + cpos[j as usize]] += v;
                }
            }
        }
    }
    for (b, g) in grid.iter_mut().enumerate() {
        *g /= rsize[b / bins_c] * csize[b % bins_c];
    }
    grid
}

/// A "nice" tick step (1, 2 or 5 × 10ᵏ) giving about five ticks up to `vmax`.
fn tick_step(vmax: f64) -> f64 {
    let raw = vmax / 5.0;
    let pow = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|f| f * pow).find(|&s| s >= raw).unwrap_or(10.0 * pow)
}

fn tick_label(v: f64, step: f64) -> String {
    if step >= 1.0 { format!("{v:.0}") } else { format!("{:.*}", (-step.log10().floor()) as usize, v) }
}

fn text(x: f64, y: f64, s: &str, scale: usize, anchor: Anchor, vertical: bool, color: [u8; 3]) -> Shape {
    Shape::Text { x, y, text: s.to_string(), scale, anchor, vertical, color }
}

/// Lay out the figure (inputs already checked by [`super::figure`]).
pub fn lay_out(x: Input<'_>, fit: &Cocluster, spec: &HeatmapSpec<'_>) -> Figure {
    let (m, n) = x.shape();
    let (bins_r, bins_c) = (m.min(MAX_BINS), n.min(MAX_BINS));
    let cell = (TARGET_PANEL / bins_r.max(bins_c)).clamp(1, 28) as f64;
    let (pw, ph) = (bins_c as f64 * cell, bins_r as f64 * cell);
    let label_scale = if cell >= 18.0 {
        2
    } else if cell >= 9.0 {
        1
    } else {
        0
    };
    let names_shown = |names: Option<&[String]>, len: usize, bins: usize| {
        names.filter(|_| label_scale > 0 && bins == len).map(|v| v.to_vec())
    };
    let row_names = names_shown(spec.row_names, m, bins_r);
    let col_names = names_shown(spec.column_names, n, bins_c);
    let longest = |names: &Option<Vec<String>>| {
        names.as_ref().map_or(0.0, |v| {
            v.iter().map(|s| font::text_width(s, label_scale)).max().unwrap_or(0) as f64 + 10.0
        })
    };
    let (row_w, col_h) = (longest(&row_names), longest(&col_names).max(12.0));

    let title_scale = 3;
    let panel_title_y = MARGIN + (HEIGHT * title_scale) as f64 + 18.0;
    let top = panel_title_y + (HEIGHT * 2) as f64 + 12.0;
    let x1 = MARGIN + row_w;
    let x2 = x1 + pw + PANEL_GAP + row_w;
    let bar_x = x2 + pw + 28.0;
    let vmax = [binned(x, &(0..m).collect::<Vec<_>>(), &(0..n).collect::<Vec<_>>(), bins_r, bins_c)]
        .iter()
        .flatten()
        .fold(0.0f64, |a, &b| a.max(b));
    let vmax = if vmax > 0.0 { vmax } else { 1.0 };
    let step = tick_step(vmax);
    let ticks: Vec<f64> = (0..).map(|t| t as f64 * step).take_while(|&v| v <= vmax * (1.0 + 1e-12)).collect();
    let tick_w = ticks.iter().map(|&v| font::text_width(&tick_label(v, step), 2)).max().unwrap_or(0) as f64;
    let width = (bar_x + 18.0 + 8.0 + tick_w + MARGIN).ceil() as usize;
    let height = (top + ph + col_h + MARGIN).ceil() as usize;

    let mut shapes = vec![Shape::Rect { x: 0.0, y: 0.0, w: width as f64, h: height as f64, fill: WHITE }];
    shapes.push(text(MARGIN, MARGIN, spec.title, title_scale, Anchor::Start, false, INK));
    let k = fit.row_labels.iter().chain(&fit.column_labels).max().map_or(0, |&l| l + 1);
    let identity = ((0..m).collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
    let reordered = (fit.row_order(), fit.column_order());
    let after = format!("After biclustering ({k} biclusters)");
    for (px, (rows, cols), title) in [(x1, &identity, "As counted"), (x2, &reordered, after.as_str())] {
        let title_scale = if font::text_width(title, 2) as f64 <= pw + row_w { 2 } else { 1 };
        shapes.push(text(px + pw / 2.0, panel_title_y, title, title_scale, Anchor::Middle, false, INK));
        let grid = binned(x, rows, cols, bins_r, bins_c);
        for (b, &v) in grid.iter().enumerate() {
            let (r, c) = ((b / bins_c) as f64, (b % bins_c) as f64);
            let fill = viridis(v / vmax);
            shapes.push(Shape::Rect { x: px + c * cell, y: top + r * cell, w: cell, h: cell, fill });
        }
        if let Some(names) = &row_names {
            for (p, &i) in rows.iter().enumerate() {
                let y =
                    top + (p as f64 + 0.5) * cell - (HEIGHT * label_scale) as f64 / 2.0 + label_scale as f64;
                shapes.push(text(px - 6.0, y, &names[i], label_scale, Anchor::End, false, INK));
            }
        }
        if let Some(names) = &col_names {
            for (p, &j) in cols.iter().enumerate() {
                let xx =
                    px + (p as f64 + 0.5) * cell - (HEIGHT * label_scale) as f64 / 2.0 + label_scale as f64;
                shapes.push(text(xx, top + ph + 6.0, &names[j], label_scale, Anchor::End, true, INK));
            }
        }
        shapes.push(Shape::Outline {
            x: px - 1.0,
            y: top - 1.0,
            w: pw + 2.0,
            h: ph + 2.0,
            stroke: GREY,
            width: 1.0,
        });
    }
    // Boxes around the biclusters of the reordered panel: contiguous after sorting by label.
    for c in 0..k {
        let span = |labels: &[usize], order: &[usize]| {
            let pos: Vec<usize> =
                order.iter().enumerate().filter(|&(_, &i)| labels[i] == c).map(|(p, _)| p).collect();
            pos.first().map(|&a| (a, pos[pos.len() - 1] + 1))
        };
        if let (Some((r0, r1)), Some((c0, c1))) =
            (span(&fit.row_labels, &reordered.0), span(&fit.column_labels, &reordered.1))
        {
            let (sx, sy) = (pw / n as f64, ph / m as f64);
            let (x, y) = (x2 + c0 as f64 * sx, top + r0 as f64 * sy);
            let (w, h) = ((c1 - c0) as f64 * sx, (r1 - r0) as f64 * sy);
            shapes.push(Shape::Outline { x, y, w, h, stroke: WHITE, width: 3.0 });
            shapes.push(Shape::Outline {
                x: x + 1.0,
                y: y + 1.0,
                w: w - 2.0,
                h: h - 2.0,
                stroke: BOX,
                width: 1.0,
            });
        }
    }
    // Colour bar: 128 slices from vmax (top) to 0 (bottom), ticks on the right.
    let slices = 128;
    for s in 0..slices {
        let t = 1.0 - (s as f64 + 0.5) / slices as f64;
        let y = top + s as f64 * ph / slices as f64;
        shapes.push(Shape::Rect { x: bar_x, y, w: 18.0, h: ph / slices as f64 + 0.5, fill: viridis(t) });
    }
    shapes.push(Shape::Outline {
        x: bar_x - 1.0,
        y: top - 1.0,
        w: 20.0,
        h: ph + 2.0,
        stroke: GREY,
        width: 1.0,
    });
    for &v in &ticks {
        let y = top + ph * (1.0 - v / vmax);
        shapes.push(Shape::Rect { x: bar_x + 18.0, y: y - 0.5, w: 5.0, h: 1.0, fill: GREY });
        shapes.push(text(
            bar_x + 26.0,
            y - HEIGHT as f64 + 1.0,
            &tick_label(v, step),
            2,
            Anchor::Start,
            false,
            INK,
        ));
    }
    Figure { width, height, shapes }
}
