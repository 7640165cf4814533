//! numpy's `.npy` format: read what `np.save` writes, and write files byte-identical to it.
//!
//! ```text
//! offset 0   b"\x93NUMPY"  major  minor                   (6 + 2 bytes)
//! offset 8   header length: u16 LE (version 1.0) or u32 LE (2.0, 3.0)
//! then       "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + spaces + "\n"
//!            (a Python dict literal; magic + length + header padded to a multiple of 64)
//! then       the elements, C order (or Fortran order if the header says so), no padding
//! ```
//!
//! Reading accepts versions 1.0, 2.0 and 3.0 and the element types `|b1` (→ [`NpyData::U8`],
//! any non-zero byte → 1), `|u1`, `<i4`/`<i8` (→ [`NpyData::I64`]), `<f4`, `<f8`. Two
//! conversions numpy would do implicitly are done here too, so the caller always gets
//! little-endian C-order data: big-endian types (`>i4`, `>i8`, `>f4`, `>f8`) are byte-swapped,
//! and `fortran_order: True` arrays are transposed into C order. Every malformed header is an
//! [`Error::Parse`] naming the file and the header field.
//!
//! Writing ([`write_npy`]) produces version 1.0 (2.0 only if the header outgrows 64 KiB), the
//! keys in sorted order, numpy's 21-character growth space after the dict and its padding —
//! byte for byte what numpy 2.4's `np.save` writes for a C-contiguous little-endian array.
//! Output is atomic ([`crate::io::write_atomic`]).
//!
//! Reference: numpy 2.4.6 `numpy/lib/_format_impl.py` (`_write_array_header`, `_wrap_header`,
//! `_read_array_header`), <https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html>.
//!
//! Hostile input: the data length must equal `Π shape · item size` (checked for overflow)
//! before anything is decoded, and an empty array may not declare a dimension above 2²⁰.
//!
//! Cost: one pass over the file; memory = the data once (plus the raw bytes while reading).
//!
//! ```
//! use cinegenre::io::{read_npy, write_npy, NpyData};
//! let path = std::env::temp_dir().join(format!("cinegenre-npy-doc-{}.npy", std::process::id()));
//! write_npy(&path, &[2, 3], &[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0])?;
//! let bytes = std::fs::read(&path)?;
//! assert_eq!(&bytes[..10], b"\x93NUMPY\x01\x00\x76\x00");
//! assert_eq!(bytes.len(), 128 + 48); // 128-byte header (64-aligned) + 6 doubles
//! let array = read_npy(&path)?;
//! assert_eq!(array.shape, vec![2, 3]);
//! assert!(matches!(array.data, NpyData::F64(ref v) if v[5] == 6.0));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod header;

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::write_atomic;

use header::{ByteOrder, Header, Kind};

/// The largest dimension an array without elements may declare. A non-empty array's
/// dimensions are bounded by its data; an empty one's are not, and callers size per-column
/// tables (label names, feature counts) from them.
const MAX_EMPTY_DIM: usize = 1 << 20;

/// The elements of an `.npy` array, widened to the four types cinegenre computes with.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyData {
    /// `|u1` bytes, and `|b1` booleans as 0/1.
    U8(Vec<u8>),
    /// `<i8`, and `<i4` widened.
    I64(Vec<i64>),
    /// `<f4`.
    F32(Vec<f32>),
    /// `<f8`.
    F64(Vec<f64>),
}

impl NpyData {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            NpyData::U8(v) => v.len(),
            NpyData::I64(v) => v.len(),
            NpyData::F32(v) => v.len(),
            NpyData::F64(v) => v.len(),
        }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An n-dimensional array read from an `.npy` file: `shape` and C-order (row-major) `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// Dimensions; empty for a 0-d (scalar) array, which holds one element.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` elements in C order.
    pub data: NpyData,
}

/// An element type [`write_npy`] can store.
pub trait NpyElement: Copy {
    /// numpy's type string, as `np.save` writes it (`'<f8'`, `'|u1'`, …).
    const DESCR: &'static str;
    /// Append the little-endian bytes of `self` to `out`.
    fn put_le(self, out: &mut Vec<u8>);
}

macro_rules! npy_element {
    ($t:ty, $descr:literal) => {
        impl NpyElement for $t {
            const DESCR: &'static str = $descr;
            fn put_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    };
}
npy_element!(u8, "|u1");
npy_element!(i64, "<i8");
npy_element!(f32, "<f4");
npy_element!(f64, "<f8");

/// Read an `.npy` file (versions 1.0–3.0; see the module docs for the accepted types).
pub fn read_npy(path: &Path) -> Result<NpyArray> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let (header, offset) = Header::parse(&bytes, path)?;
    let body = &bytes[offset..];
    let count = header.element_count(path)?;
    if count == 0
        && let Some(&d) = header.shape.iter().find(|&&d| d > MAX_EMPTY_DIM)
    {
        return Err(Error::parse(
            path,
            None,
            format!(
                "shape {:?} holds no element but declares a dimension of {d} (at most {MAX_EMPTY_DIM} for \
                 an empty array): the header is corrupt",
                header.shape
            ),
        )
        .in_field("shape"));
    }
    let needed = count.checked_mul(header.item_size).ok_or_else(|| {
        Error::parse(path, None, format!("shape {:?} is too large to address", header.shape))
            .in_field("shape")
    })?;
    if body.len() != needed {
        return Err(Error::parse(
            path,
            None,
            format!(
                "the data holds {} bytes, but shape {:?} of '{}' needs {needed}",
                body.len(),
                header.shape,
                header.descr
            ),
        )
        .in_field("shape"));
    }
    let data = decode(&header, body);
    let data = if header.fortran_order { fortran_to_c(&header.shape, data) } else { data };
    Ok(NpyArray { shape: header.shape, data })
}

/// Decode `body` (exactly `count · item_size` bytes) into C-order-agnostic flat values.
fn decode(header: &Header, body: &[u8]) -> NpyData {
    let big = header.order == ByteOrder::Big;
    macro_rules! words {
        ($t:ty, $n:literal) => {
            body.chunks_exact($n).map(|c| {
                let w: [u8; $n] = c.try_into().expect("chunks_exact yields full chunks");
                if big { <$t>::from_be_bytes(w) } else { <$t>::from_le_bytes(w) }
            })
        };
    }
    match header.kind {
        Kind::Bool => NpyData::U8(body.iter().map(|&b| u8::from(b != 0)).collect()),
        Kind::U8 => NpyData::U8(body.to_vec()),
        Kind::I32 => NpyData::I64(words!(i32, 4).map(i64::from).collect()),
        Kind::I64 => NpyData::I64(words!(i64, 8).collect()),
        Kind::F32 => NpyData::F32(words!(f32, 4).collect()),
        Kind::F64 => NpyData::F64(words!(f64, 8).collect()),
    }
}

/// Reorder Fortran-order (first index fastest) values of `shape` into C order.
fn fortran_to_c(shape: &[usize], data: NpyData) -> NpyData {
    if shape.len() < 2 {
        return data;
    }
    fn permute<T: Copy>(shape: &[usize], f: &[T]) -> Vec<T> {
        // The C-order position of every element, walked in Fortran order.
        let mut out = f.to_vec();
        let mut index = vec![0usize; shape.len()];
        for &value in f {
            let c_pos = index.iter().zip(shape).fold(0, |acc, (&i, &d)| acc * d + i);
            out[c_pos] = value;
            for (i, &d) in index.iter_mut().zip(shape) {
                *i += 1;
                if *i < d {
                    break;
                }
                *i = 0;
            }
        }
        out
    }
    match data {
        NpyData::U8(v) => NpyData::U8(permute(shape, &v)),
        NpyData::I64(v) => NpyData::I64(permute(shape, &v)),
        NpyData::F32(v) => NpyData::F32(permute(shape, &v)),
        NpyData::F64(v) => NpyData::F64(permute(shape, &v)),
    }
}

/// Write `data` (C order, `shape.iter().product()` elements; one element for `shape = []`) as an
/// `.npy` file identical to numpy's `np.save` of the same array.
pub fn write_npy<T: NpyElement>(path: &Path, shape: &[usize], data: &[T]) -> Result<()> {
    let count = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    if count != Some(data.len()) {
        return Err(Error::Shape(format!(
            "cannot write {}: shape {shape:?} does not hold the {} values given",
            path.display(),
            data.len()
        )));
    }
    let mut bytes = header::encode(T::DESCR, shape);
    bytes.reserve(std::mem::size_of_val(data));
    for &value in data {
        value.put_le(&mut bytes);
    }
    write_atomic(path, |w| w.write_all(&bytes).map_err(|e| Error::io(path, e)))
}

/// The bytes [`write_npy`] puts before the data of an array of `T` with `shape` (magic,
/// version, header dict, padding), for writers that stream the data themselves.
pub fn npy_header<T: NpyElement>(shape: &[usize]) -> Vec<u8> {
    header::encode(T::DESCR, shape)
}
