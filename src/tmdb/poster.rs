//! What a poster must be before it is requested and before it counts as saved: a plain file
//! name on the image host, and a whole JPEG or PNG.
//!
//! ```text
//! poster_path   "/" name, name = stem "." (jpg | jpeg | png), stem of [A-Za-z0-9_-], ≤ 128 bytes
//!               (TMDB's form, e.g. /kqjL17yufvn9OVLyXYpvtyrFfak.jpg); refused, never rewritten:
//!               "..", "%2e", any "%", "//host", "\", "?", "#", spaces, an empty name
//! image bytes   JPEG: starts FF D8 FF and ends with EOI (FF D9)
//!               PNG:  the 8-byte signature and ends with the IEND chunk
//!               then a full decode, within 12,000 px a side and 256 MiB
//! ```
//!
//! The end marker catches a file cut short (a killed download, a proxy that stopped early):
//! JPEG decoders fill a truncated scan with grey rather than fail, so a decode alone would keep
//! the first 500 bytes of a poster as a valid image. The decode catches a damaged header or
//! scan. A path check that refuses rather than normalises keeps a hostile `poster_path` from
//! becoming another URL on the image host. Cost: `O(len)` for the path; one decode per poster
//! (about a millisecond for a w185 JPEG).
//!
//! ```
//! use cinegenre::tmdb::check_poster_path;
//! assert!(check_poster_path("/kqjL17yufvn9OVLyXYpvtyrFfak.jpg").is_ok());
//! assert!(check_poster_path("/../../3/movie/603").is_err());
//! assert!(check_poster_path("/%2e%2e/x.jpg").is_err());
//! ```

use std::io::{Cursor, Read};
use std::path::Path;

/// Longest file name accepted in a `poster_path` (TMDB's are 32 characters).
const MAX_NAME: usize = 128;
/// Largest side a poster may have when decoded (TMDB's `original` posters are ~2,000 × 3,000).
const MAX_SIDE: u32 = 12_000;
/// Most memory one decode may allocate.
const MAX_DECODE_BYTES: u64 = 256 << 20;
/// Larger files are not read as posters (the largest TMDB poster is a few MB).
pub const MAX_POSTER_BYTES: u64 = 32 << 20;

const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];
const JPEG_END: &[u8] = &[0xFF, 0xD9];
const PNG_START: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Length 0, type IEND, CRC.
const PNG_END: &[u8] = b"\0\0\0\0IEND\xAE\x42\x60\x82";

/// `Ok` if `poster_path` is `/` and a plain image file name, as TMDB serves them; otherwise
/// why not (a sentence fragment naming the path).
pub fn check_poster_path(poster_path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("poster_path `{}` {why}", poster_path.escape_debug()));
    let Some(name) = poster_path.strip_prefix('/') else { return bad("does not start with `/`") };
    if name.is_empty() {
        return bad("has no file name");
    }
    if name.len() > MAX_NAME {
        return bad(&format!("is longer than {MAX_NAME} bytes"));
    }
    if let Some(c) = name.chars().find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))) {
        return bad(&format!("holds `{}`, which a plain file name does not", c.escape_debug()));
    }
    let Some((stem, extension)) = name.split_once('.') else { return bad("has no file extension") };
    if stem.is_empty() || extension.contains('.') {
        return bad("is not one name and one extension");
    }
    if !["jpg", "jpeg", "png"].iter().any(|e| extension.eq_ignore_ascii_case(e)) {
        return bad("is not a .jpg or .png file");
    }
    Ok(())
}

/// Whether the file at `path` is a whole poster ([`decodes_as_image`]).
pub fn poster_is_valid(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut bytes = Vec::new();
    file.take(MAX_POSTER_BYTES + 1).read_to_end(&mut bytes).is_ok()
        && bytes.len() as u64 <= MAX_POSTER_BYTES
        && decodes_as_image(&bytes).is_ok()
}

/// Check that `bytes` are a whole JPEG or PNG (end marker present) and decode them fully;
/// the width and height, or why not.
pub fn decodes_as_image(bytes: &[u8]) -> Result<(u32, u32), String> {
    let format = if bytes.starts_with(JPEG_START) {
        if !bytes.ends_with(JPEG_END) {
            return Err("a JPEG without its end marker (cut short)".into());
        }
        image::ImageFormat::Jpeg
    } else if bytes.starts_with(PNG_START) {
        if !bytes.ends_with(PNG_END) {
            return Err("a PNG without its IEND chunk (cut short)".into());
        }
        image::ImageFormat::Png
    } else {
        return Err("neither a JPEG nor a PNG".into());
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?;
    Ok((image.width(), image.height()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_pass() {
        for good in ["/a.jpg", "/kqjL17yufvn9OVLyXYpvtyrFfak.jpg", "/x_y-z.PNG", "/b.jpeg"] {
            assert_eq!(check_poster_path(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "/",
            "a.jpg",
            "//evil.example/a.jpg",
            "/../3/movie/603",
            "/..",
            "/%2e%2e/a.jpg",
            "/a%2fb.jpg",
            "/a%20.jpg",
            "/a\\b.jpg",
            "/a.jpg?x=1",
            "/a.jpg#f",
            "/a b.jpg",
            "/.jpg",
            "/a..jpg",
            "/a.jpg.exe",
            "/a",
            "/a.gif",
            "/é.jpg",
            "/a.jpg\n",
            "/w185/a.jpg",
        ] {
            assert!(check_poster_path(bad).is_err(), "{bad:?} passed");
        }
        assert!(check_poster_path(&format!("/{}.jpg", "a".repeat(200))).unwrap_err().contains("longer"));
    }

    #[test]
    fn only_whole_images_are_valid_posters() {
        let mut png = Vec::new();
        image::RgbImage::new(2, 3).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        assert_eq!(decodes_as_image(&png), Ok((2, 3)));
        assert!(decodes_as_image(b"<html>Not Found</html>").is_err());
        assert!(decodes_as_image(&png[..png.len() / 2]).is_err());
        assert!(decodes_as_image(&png[..png.len() - 1]).unwrap_err().contains("IEND"));
        let mut jpeg = Vec::new();
        image::RgbImage::new(40, 60).write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        assert_eq!(decodes_as_image(&jpeg), Ok((40, 60)));
        assert!(decodes_as_image(&jpeg[..jpeg.len() - 2]).unwrap_err().contains("end marker"));
        // A cut file with an end marker glued on still fails to decode (header or scan short).
        let glued = [&jpeg[..jpeg.len() / 4], JPEG_END].concat();
        assert!(decodes_as_image(&glued).is_err());
    }
}
