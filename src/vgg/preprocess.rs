//! From a poster file to the network's input: decode, convert to RGB, resize to 224×224,
//! normalise — Keras 2.0's `load_img` + `img_to_array` + `preprocess_input`, or torchvision's.
//!
//! ```text
//! decode      image crate (JPEG, PNG) → RGB8 (grey and CMYK converted, alpha dropped)
//! resize      nearest (default): out[y][x] = in[⌊(y+½)·H/h⌋][⌊(x+½)·W/w⌋]   (Pillow's NEAREST)
//!             bilinear / bicubic: the image crate's Triangle / CatmullRom filters
//! caffe       x = float32(BGR pixel) − [103.939, 116.779, 123.68]         (Keras 'caffe' mode)
//! torchvision x = (float32(RGB pixel) / 255 − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
//! ```
//! Output: (h, w, 3) NHWC float32, the layout [`super::network::Vgg::forward`] takes.
//!
//! Reference: Keras 2.0 `keras/preprocessing/image.py` (`load_img(target_size=(224, 224))`:
//! `PIL.Image.resize` with Pillow's then-default NEAREST filter, aspect ratio not kept) and
//! `keras/applications/imagenet_utils.py` (`preprocess_input`, channels_last, all in float32);
//! Pillow `src/libImaging/Geometry.c` (`ImagingScaleAffine`: source index
//! `COORD(a·(x + 0.5))` with `a = in/out` in double); torchvision `transforms.ToTensor` +
//! `Normalize`. ALGORITHMS.md §10.4.
//!
//! Deviations: nearest sampling matches Pillow ≥ 3.4 index for index (checked against Pillow
//! in `tests/parity`); the bilinear and bicubic options use the image crate's filters, which
//! are *not* Pillow-identical (Pillow widens its kernel when shrinking and rounds in fixed
//! point), so features differ slightly from a Python pipeline using them. JPEG decoding
//! differs between libjpeg builds and the image crate by a few levels per pixel (an IDCT
//! detail), which is why feature parity starts from decoded arrays (ALGORITHMS.md §10.4).
//! torchvision's usual resize-256 + centre-crop-224 is not done: every mode resizes the whole
//! poster to 224×224 as the tutorial did.
//!
//! Hostile input: decoding stops at [`MAX_SIDE`] pixels a side and [`MAX_DECODE_BYTES`] of
//! allocation (an "image bomb" declaring 10⁵ × 10⁵ pixels is an error before any pixel).
//!
//! Cost: decoding dominates (≈1 ms for a 185×278 JPEG); resize and normalise are O(h·w).
//!
//! ```
//! use cinegenre::vgg::preprocess::{Normalization, Preprocess, Resize};
//! let img = image::RgbImage::from_fn(4, 2, |x, y| image::Rgb([x as u8 * 60, y as u8 * 100, 7]));
//! let p = Preprocess { size: (2, 2), resize: Resize::Nearest, normalization: Normalization::Caffe };
//! let x = p.from_rgb(&img);
//! assert_eq!(x.len(), 2 * 2 * 3);
//! // pixel (0, 0) samples source x = ⌊0.5·4/2⌋ = 1: RGB (60, 0, 7) → BGR minus the means
//! assert_eq!(&x[..3], &[7.0 - 103.939f32, 0.0 - 116.779f32, 60.0 - 123.68f32]);
//! ```

use std::path::Path;

use image::RgbImage;
use image::imageops::FilterType;

use super::weights::WeightOrigin;
use crate::error::{Error, Result};

/// The side of the square input the tutorial feeds VGG16.
pub const INPUT_SIZE: usize = 224;

/// Keras' channel means in BGR order (`preprocess_input`, 'caffe' mode).
pub const CAFFE_MEAN_BGR: [f32; 3] = [103.939, 116.779, 123.68];
/// torchvision's ImageNet mean and standard deviation, RGB.
pub const TORCH_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
pub const TORCH_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// How a poster is resized to the input size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resize {
    /// Pillow's NEAREST, as Keras 2.0's `load_img` resized (default).
    Nearest,
    /// The image crate's Triangle filter (not Pillow's BILINEAR bit for bit).
    Bilinear,
    /// The image crate's Catmull-Rom filter (not Pillow's BICUBIC bit for bit).
    Bicubic,
}

impl Resize {
    pub fn name(self) -> &'static str {
        match self {
            Resize::Nearest => "nearest",
            Resize::Bilinear => "bilinear",
            Resize::Bicubic => "bicubic",
        }
    }
}

impl std::str::FromStr for Resize {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nearest" => Ok(Resize::Nearest),
            "bilinear" | "triangle" => Ok(Resize::Bilinear),
            "bicubic" | "catmullrom" => Ok(Resize::Bicubic),
            other => {
                Err(Error::param("resize", format!("`{other}` is not one of nearest, bilinear, bicubic")))
            }
        }
    }
}

/// How pixel values become network inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// Keras 'caffe': RGB→BGR, subtract [`CAFFE_MEAN_BGR`], no scaling.
    Caffe,
    /// torchvision: ÷255, then (x − [`TORCH_MEAN`]) / [`TORCH_STD`], RGB.
    Torchvision,
}

impl Normalization {
    /// The normalisation the weights were trained with (random weights: Keras').
    pub fn of(origin: &WeightOrigin) -> Normalization {
        match origin {
            WeightOrigin::Torchvision => Normalization::Torchvision,
            WeightOrigin::Keras | WeightOrigin::Random { .. } => Normalization::Caffe,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Normalization::Caffe => "caffe",
            Normalization::Torchvision => "torchvision",
        }
    }
}

impl std::str::FromStr for Normalization {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "caffe" | "keras" => Ok(Normalization::Caffe),
            "torchvision" | "torch" => Ok(Normalization::Torchvision),
            other => {
                Err(Error::param("normalization", format!("`{other}` is not one of caffe, torchvision")))
            }
        }
    }
}

/// The whole recipe: output size (h, w), resize filter, normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preprocess {
    pub size: (usize, usize),
    pub resize: Resize,
    pub normalization: Normalization,
}

impl Preprocess {
    /// 224×224, nearest, and the normalisation of the weights' origin.
    pub fn for_weights(origin: &WeightOrigin) -> Preprocess {
        Preprocess {
            size: (INPUT_SIZE, INPUT_SIZE),
            resize: Resize::Nearest,
            normalization: Normalization::of(origin),
        }
    }

    /// Read, decode and preprocess one image file → (h, w, 3) float32.
    pub fn load(&self, path: &Path) -> Result<Vec<f32>> {
        Ok(self.from_rgb(&decode_rgb(path)?))
    }

    /// Resize and normalise a decoded image → (h, w, 3) float32.
    pub fn from_rgb(&self, img: &RgbImage) -> Vec<f32> {
        let resized = resize(img, self.size, self.resize);
        normalize(resized.as_raw(), self.normalization)
    }
}

/// The widest or tallest image decoded: posters are a few thousand pixels a side.
pub const MAX_SIDE: u32 = 16_384;
/// The most one decode may allocate. A few hundred bytes of JPEG can declare a 65535² frame;
/// the image crate's default (512 MiB) times the images decoded in parallel is gigabytes, so
/// the limit is tighter: 128 MiB holds a 6000 × 7000 RGB8 poster.
pub const MAX_DECODE_BYTES: u64 = 128 << 20;

/// The largest image file read: posters are well under a megabyte.
pub const MAX_IMAGE_FILE_BYTES: u64 = 256 << 20;

/// `path` is a regular file that can hold an image: a folder, FIFO or device is named (and
/// never opened: a FIFO would block, `/dev/zero` would never end), and so is a missing file.
pub fn check_image_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        let kind = crate::io::state::describe_kind(&meta);
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("is {kind}, not an image file")),
        ));
    }
    if meta.len() > MAX_IMAGE_FILE_BYTES {
        return Err(Error::parse(
            path,
            None,
            format!("{} bytes: larger than any image read here ({MAX_IMAGE_FILE_BYTES})", meta.len()),
        ));
    }
    Ok(())
}

/// Why the encoded image `bytes` is cut short, if it is: a JPEG must have its end-of-image
/// marker (FF D9) after the start of its last scan (FF DA; an EXIF thumbnail's markers come
/// before it), a PNG its `IEND` chunk. Decoders fill a truncated image with grey and say
/// nothing; this check is O(bytes) with no decoding.
pub fn truncation(bytes: &[u8]) -> Option<&'static str> {
    let find_last = |pattern: &[u8]| bytes.windows(pattern.len()).rposition(|w| w == pattern);
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let last_scan = find_last(&[0xFF, 0xDA]);
        let end = find_last(&[0xFF, 0xD9]);
        if !matches!((last_scan, end), (Some(s), Some(e)) if e > s) {
            return Some("the JPEG is truncated: no end-of-image marker (FF D9) after its last scan");
        }
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && find_last(b"IEND").is_none() {
        return Some("the PNG is truncated: no IEND chunk");
    }
    None
}

/// Decode a JPEG or PNG file to 8-bit RGB, within [`MAX_SIDE`] and [`MAX_DECODE_BYTES`]; a
/// truncated file ([`truncation`]) is an error, not a partly grey image.
pub fn decode_rgb(path: &Path) -> Result<RgbImage> {
    check_image_file(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if let Some(why) = truncation(&bytes) {
        return Err(Error::parse(path, None, format!("cannot decode the image: {why}")));
    }
    let decode_error =
        |e: &dyn std::fmt::Display| Error::parse(path, None, format!("cannot decode the image: {e}"));
    let mut reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| decode_error(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| decode_error(&e))?;
    if img.width() == 0 || img.height() == 0 {
        return Err(Error::parse(path, None, "the image has no pixels"));
    }
    Ok(img.to_rgb8())
}

/// Resize to (h, w) with `filter`.
pub fn resize(img: &RgbImage, (h, w): (usize, usize), filter: Resize) -> RgbImage {
    let (w32, h32) = (w as u32, h as u32);
    if (img.width(), img.height()) == (w32, h32) {
        return img.clone();
    }
    match filter {
        Resize::Nearest => resize_nearest(img, (h, w)),
        Resize::Bilinear => image::imageops::resize(img, w32, h32, FilterType::Triangle),
        Resize::Bicubic => image::imageops::resize(img, w32, h32, FilterType::CatmullRom),
    }
}

/// The source index Pillow's NEAREST reads for output index `i` of `out` from `inp`:
/// `⌊(i + ½)·inp/out⌋`, the scale computed in double as in `ImagingScaleAffine`.
pub fn nearest_index(i: usize, inp: usize, out: usize) -> usize {
    let scale = inp as f64 / out as f64;
    (((i as f64 + 0.5) * scale) as usize).min(inp - 1)
}

/// Pillow's NEAREST resize (Pillow ≥ 3.4 sampling).
pub fn resize_nearest(img: &RgbImage, (h, w): (usize, usize)) -> RgbImage {
    let (iw, ih) = (img.width() as usize, img.height() as usize);
    let xs: Vec<u32> = (0..w).map(|x| nearest_index(x, iw, w) as u32).collect();
    let ys: Vec<u32> = (0..h).map(|y| nearest_index(y, ih, h) as u32).collect();
    RgbImage::from_fn(w as u32, h as u32, |x, y| *img.get_pixel(xs[x as usize], ys[y as usize]))
}

/// Normalise interleaved RGB8 pixels → float32 (h, w, 3) in the mode's channel order.
pub fn normalize(rgb: &[u8], mode: Normalization) -> Vec<f32> {
    let mut out = Vec::with_capacity(rgb.len());
    for px in rgb.chunks_exact(3) {
        match mode {
            Normalization::Caffe => {
                for (c, &mean) in CAFFE_MEAN_BGR.iter().enumerate() {
                    out.push(f32::from(px[2 - c]) - mean);
                }
            }
            Normalization::Torchvision => {
                for c in 0..3 {
                    out.push((f32::from(px[c]) / 255.0 - TORCH_MEAN[c]) / TORCH_STD[c]);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_indices_stay_in_range_and_cover_upscales() {
        for (inp, out) in [(185, 224), (278, 224), (1, 224), (224, 1), (3, 7)] {
            let idx: Vec<usize> = (0..out).map(|i| nearest_index(i, inp, out)).collect();
            assert!(idx.iter().all(|&i| i < inp));
            assert!(idx.windows(2).all(|w| w[0] <= w[1]), "{inp}→{out} not monotone");
        }
        // identity size maps each index to itself
        assert!((0..224).all(|i| nearest_index(i, 224, 224) == i));
    }

    #[test]
    fn torchvision_mode_keeps_rgb_and_scales() {
        let x = normalize(&[255, 0, 128], Normalization::Torchvision);
        assert_eq!(x[0], (1.0 - TORCH_MEAN[0]) / TORCH_STD[0]);
        assert_eq!(x[1], (0.0 - TORCH_MEAN[1]) / TORCH_STD[1]);
        assert_eq!(x[2], (128.0 / 255.0 - TORCH_MEAN[2]) / TORCH_STD[2]);
    }

    #[test]
    fn undecodable_bytes_are_a_parse_error_naming_the_file() {
        let path = std::env::temp_dir().join(format!("cinegenre-bad-{}.jpg", std::process::id()));
        std::fs::write(&path, b"not an image").unwrap();
        let err = decode_rgb(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(err.contains("cinegenre-bad-") && err.contains("decode"), "{err}");
    }

    #[test]
    fn parse_names() {
        assert_eq!("Bicubic".parse::<Resize>().unwrap(), Resize::Bicubic);
        assert!("lanczos".parse::<Resize>().is_err());
        assert_eq!("torch".parse::<Normalization>().unwrap(), Normalization::Torchvision);
    }
}
