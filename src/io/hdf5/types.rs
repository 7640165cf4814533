//! Datatypes, dataspaces and the decoding of attribute and dataset values (spec Level 2A2
//! messages 0x0001 and 0x0003; Level 1E global heap for variable-length strings).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use super::File;
use super::cursor::Cursor;
use crate::error::Result;

/// The datatypes this reader tells apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datatype {
    Integer {
        size: usize,
        signed: bool,
    },
    Float {
        size: usize,
        little_endian: bool,
    },
    /// Fixed-length string of `size` bytes; `space_pad` for Fortran-style padding.
    FixedString {
        size: usize,
        space_pad: bool,
    },
    /// Variable-length string: each element is (length, global heap collection, index).
    VarString {
        size: usize,
    },
    /// Anything else: the class number of spec table "Datatype Message".
    Other {
        class: u8,
        size: usize,
    },
}

impl Datatype {
    /// Parse a datatype message body.
    pub(crate) fn parse(c: &mut Cursor<'_>) -> Result<Datatype> {
        let class_version = c.u8()?;
        let bits = c.bytes(3)?;
        let size = c.u32()? as usize;
        let class = class_version & 0x0f;
        Ok(match class {
            0 => Datatype::Integer { size, signed: bits[0] & 0x08 != 0 },
            1 => Datatype::Float { size, little_endian: bits[0] & 0x41 == 0 },
            3 => Datatype::FixedString { size, space_pad: bits[0] & 0x0f == 2 },
            9 if bits[0] & 0x0f == 1 => Datatype::VarString { size },
            _ => Datatype::Other { class, size },
        })
    }

    /// Bytes per element.
    pub fn size(&self) -> usize {
        match *self {
            Datatype::Integer { size, .. }
            | Datatype::Float { size, .. }
            | Datatype::FixedString { size, .. }
            | Datatype::VarString { size }
            | Datatype::Other { size, .. } => size,
        }
    }

    /// Whether this is numpy's `<f4`.
    pub fn is_f32_le(&self) -> bool {
        *self == Datatype::Float { size: 4, little_endian: true }
    }
}

impl fmt::Display for Datatype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endian = |le: bool| if le { "little-endian" } else { "big-endian" };
        match *self {
            Datatype::Integer { size, signed } => {
                write!(f, "{}-bit {}integer", 8 * size, if signed { "" } else { "unsigned " })
            }
            Datatype::Float { size, little_endian } => {
                write!(f, "{}-bit {} float", 8 * size, endian(little_endian))
            }
            Datatype::FixedString { size, .. } => write!(f, "{size}-byte string"),
            Datatype::VarString { .. } => write!(f, "variable-length string"),
            Datatype::Other { class, size } => write!(f, "{size}-byte value of HDF5 class {class}"),
        }
    }
}

/// Parse a dataspace message body: `None` for a null dataspace (no elements), `Some([])` for a
/// scalar, else the dimensions.
pub(crate) fn dataspace(c: &mut Cursor<'_>) -> Result<Option<Vec<usize>>> {
    let version = c.u8()?;
    let rank = c.u8()? as usize;
    let _flags = c.u8()?;
    let null = match version {
        1 => {
            c.skip(5)?;
            false
        }
        2 => c.u8()? == 2,
        v => return Err(c.file.error(format!("dataspace message version {v} is not covered"))),
    };
    if null {
        return Ok(None);
    }
    let dims = (0..rank).map(|_| c.length()).collect::<Result<Vec<_>>>()?;
    Ok(Some(dims))
}

/// Number of elements of a dataspace, checked for overflow.
pub(crate) fn element_count(file: &File, dims: &Option<Vec<usize>>) -> Result<usize> {
    match dims {
        None => Ok(0),
        Some(dims) => dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| file.error(format!("corrupt: dataspace {dims:?} has too many elements"))),
    }
}

/// Decode `count` string elements of type `dt` stored at `pos`.
///
/// Bounded by the file: fixed-length elements must lie inside it, and variable-length ones
/// may not add up to more bytes than the file holds (valid elements are distinct heap
/// objects); each global heap collection is indexed once, however many elements use it.
pub(crate) fn strings(file: &File, dt: &Datatype, count: usize, pos: usize) -> Result<Vec<String>> {
    let size = dt.size();
    if size == 0 {
        return Err(file.error(format!("corrupt: {dt} elements of 0 bytes")));
    }
    let total = count.checked_mul(size).ok_or_else(|| file.error("corrupt: string array too large"))?;
    Cursor::at(file, pos, "string values").skip(total)?; // all elements are inside the file
    let mut collections: HashMap<usize, HashMap<u32, &[u8]>> = HashMap::new();
    let mut budget = file.data.len();
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let mut c = Cursor::at(file, pos + k * size, "string value");
        let text = match *dt {
            Datatype::FixedString { space_pad, .. } => {
                let element = c.bytes(size)?;
                let end = element.iter().position(|&b| b == 0).unwrap_or(element.len());
                let text = String::from_utf8_lossy(&element[..end]);
                if space_pad { text.trim_end_matches(' ').to_string() } else { text.into_owned() }
            }
            Datatype::VarString { .. } => {
                let len = c.u32()? as usize;
                let collection = c.address()?;
                let index = c.u32()?;
                match collection {
                    None if len == 0 => String::new(),
                    None => {
                        return Err(file.error("corrupt: a variable-length string has no heap collection"));
                    }
                    Some(addr) => {
                        let objects = match collections.entry(addr) {
                            Entry::Occupied(e) => e.into_mut(),
                            Entry::Vacant(e) => e.insert(global_heap(file, addr)?),
                        };
                        let bytes = objects.get(&index).copied().ok_or_else(|| {
                            file.error(format!(
                                "corrupt: global heap collection at byte {addr} has no object {index}"
                            ))
                        })?;
                        let bytes = bytes.get(..len).unwrap_or(bytes);
                        budget = budget.checked_sub(bytes.len()).ok_or_else(|| {
                            file.error(
                                "corrupt: the variable-length strings add up to more bytes than the file",
                            )
                        })?;
                        String::from_utf8_lossy(bytes).into_owned()
                    }
                }
            }
            _ => return Err(file.error(format!("expected strings, found {dt}"))),
        };
        out.push(text);
    }
    Ok(out)
}

/// The objects of the global heap collection at `addr` (spec Level 1E), by index.
fn global_heap(file: &File, addr: usize) -> Result<HashMap<u32, &[u8]>> {
    let mut c = Cursor::at(file, addr, "global heap collection");
    c.expect(b"GCOL")?;
    c.skip(4)?; // version, reserved
    let size = c.length()?;
    let end = addr.checked_add(size).filter(|&e| e <= file.data.len()).ok_or_else(|| {
        file.error(format!("truncated or corrupt: global heap collection at byte {addr} runs past the end"))
    })?;
    let mut objects = HashMap::new();
    while c.pos + 8 + file.length_size <= end {
        let id = c.u16()?;
        c.skip(6)?; // reference count, reserved
        let len = c.length()?;
        if id == 0 {
            break; // free space: the rest of the collection
        }
        let start = c.pos;
        let object = c.bytes(len)?;
        objects.entry(u32::from(id)).or_insert(object);
        c.pos = start + len.div_ceil(8) * 8;
    }
    Ok(objects)
}
