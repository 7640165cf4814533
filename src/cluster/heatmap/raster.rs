//! Rasterise a [`Figure`] into an RGB buffer and encode it as PNG (the `image` crate's encoder).

use std::path::Path;

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use crate::cluster::font;
use crate::cluster::heatmap::{Anchor, Figure, Shape};
use crate::error::{Error, Result};
use crate::io::write_atomic;

/// An RGB canvas.
struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    fn plot(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            let k = 3 * (y as usize * self.width + x as usize);
            self.pixels[k..k + 3].copy_from_slice(&c);
        }
    }

    fn fill(&mut self, x: f64, y: f64, w: f64, h: f64, c: [u8; 3]) {
        let (x0, y0) = (x.round() as i64, y.round() as i64);
        let (x1, y1) = ((x + w).round() as i64, (y + h).round() as i64);
        for yy in y0..y1.max(y0 + 1) {
            for xx in x0..x1.max(x0 + 1) {
                self.plot(xx, yy, c);
            }
        }
    }
}

/// Draw every shape in order.
pub fn rasterise(fig: &Figure) -> Vec<u8> {
    let mut cv =
        Canvas { width: fig.width, height: fig.height, pixels: vec![255; 3 * fig.width * fig.height] };
    for shape in &fig.shapes {
        match shape {
            Shape::Rect { x, y, w, h, fill } => cv.fill(*x, *y, *w, *h, *fill),
            Shape::Outline { x, y, w, h, stroke, width } => {
                let t = width.max(1.0);
                cv.fill(*x, *y, *w, t, *stroke);
                cv.fill(*x, y + h - t, *w, t, *stroke);
                cv.fill(*x, *y, t, *h, *stroke);
                cv.fill(x + w - t, *y, t, *h, *stroke);
            }
            Shape::Text { x, y, text, scale, anchor, vertical, color } => {
                let len = font::text_width(text, *scale) as f64;
                let shift = match anchor {
                    Anchor::Start => 0.0,
                    Anchor::Middle => len / 2.0,
                    Anchor::End => len,
                };
                let (x0, y0) = if *vertical { (*x, y + shift) } else { (x - shift, *y) };
                font::draw_text(text, x0.round() as i64, y0.round() as i64, *scale, *vertical, |px, py| {
                    cv.plot(px, py, *color)
                });
            }
        }
    }
    cv.pixels
}

/// Write `fig` as a PNG file, atomically.
pub fn write_png(path: &Path, fig: &Figure) -> Result<()> {
    let pixels = rasterise(fig);
    write_atomic(path, |w| {
        PngEncoder::new(w)
            .write_image(&pixels, fig.width as u32, fig.height as u32, image::ExtendedColorType::Rgb8)
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))
    })
}
