//! Heatmaps of a matrix before and after reordering its rows and columns by bicluster, the
//! tutorial's two `sns.heatmap` figures side by side, with names on both axes, a colour bar and
//! a box around each bicluster in the reordered view.
//!
//! The figure is laid out once as a list of [`Shape`]s (rectangles, outlines, text) and then
//! drawn either as a PNG (rasterised here, text in the hand-drawn [`font`](super::font)) or as an
//! SVG (real `<text>`, for the HTML report): the output format follows the file extension.
//! Matrices larger than [`MAX_BINS`] per side are shown as block means, without names.
//! Colours: viridis on a linear scale from 0 to the largest value, like seaborn's default.

mod colormap;
mod layout;
mod raster;
mod svg;

use std::path::Path;

pub use colormap::viridis;
pub use layout::{Anchor, Figure, Shape};
pub use svg::to_svg;

use crate::cluster::{Cocluster, Input};
use crate::error::{Error, Result};

/// At most this many cells per side; larger matrices are averaged into blocks.
pub const MAX_BINS: usize = 400;

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct HeatmapSpec<'a> {
    /// Figure title.
    pub title: &'a str,
    /// One name per row (shown when the matrix is small enough).
    pub row_names: Option<&'a [String]>,
    /// One name per column.
    pub column_names: Option<&'a [String]>,
}

/// Lay out the two-panel figure of `x` and its biclusters `fit`.
pub fn figure(x: Input<'_>, fit: &Cocluster, spec: &HeatmapSpec<'_>) -> Result<Figure> {
    let (m, n) = x.shape();
    if fit.row_labels.len() != m || fit.column_labels.len() != n {
        return Err(Error::Shape(format!(
            "the biclustering has {} row and {} column labels but the matrix is ({m}, {n})",
            fit.row_labels.len(),
            fit.column_labels.len()
        )));
    }
    for (names, len, what) in [(spec.row_names, m, "rows"), (spec.column_names, n, "columns")] {
        if let Some(names) = names
            && names.len() != len
        {
            return Err(Error::Shape(format!("{} names given for a matrix with {len} {what}", names.len())));
        }
    }
    Ok(layout::lay_out(x, fit, spec))
}

/// Write the figure to `path`: PNG for `.png`, SVG for `.svg` (atomically).
pub fn write_heatmap(path: &Path, x: Input<'_>, fit: &Cocluster, spec: &HeatmapSpec<'_>) -> Result<()> {
    let svg = check_extension(path)?;
    let fig = figure(x, fit, spec)?;
    if svg { svg::write_svg(path, &fig) } else { raster::write_png(path, &fig) }
}

/// Check that `path` ends in `.png` or `.svg` (any case), before any work; `true` for SVG.
pub fn check_extension(path: &Path) -> Result<bool> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(false),
        Some("svg") => Ok(true),
        _ => Err(Error::param(
            "heatmap",
            format!("{}: the heatmap file must end in .png or .svg", path.display()),
        )),
    }
}
