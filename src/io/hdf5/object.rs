//! Object headers (spec Level 2A1, version 1) and what is read from their messages:
//! attributes (0x000C) and dataset values (0x0001 dataspace, 0x0003 datatype, 0x0008 layout).

use super::File;
use super::cursor::Cursor;
use super::types::{self, Datatype};
use crate::error::{Error, Result};

pub(crate) const DATASPACE: u16 = 0x0001;
pub(crate) const LINK_INFO: u16 = 0x0002;
pub(crate) const DATATYPE: u16 = 0x0003;
pub(crate) const LINK: u16 = 0x0006;
const LAYOUT: u16 = 0x0008;
const FILTERS: u16 = 0x000B;
const ATTRIBUTE: u16 = 0x000C;
const CONTINUATION: u16 = 0x0010;
pub(crate) const SYMBOL_TABLE: u16 = 0x0011;
const ATTRIBUTE_INFO: u16 = 0x0015;

/// Continuation blocks followed per header before the file is called corrupt.
const MAX_BLOCKS: usize = 1024;

/// One header message: its type, flags and where its body lies in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message {
    pub kind: u16,
    pub flags: u8,
    pub start: usize,
}

/// A group or dataset: its path (for errors) and its header messages.
#[derive(Debug)]
pub struct Object<'f> {
    pub(crate) file: &'f File,
    path: String,
    pub(crate) messages: Vec<Message>,
}

/// An attribute's type, shape and where its values start.
struct Attribute {
    datatype: Datatype,
    dims: Option<Vec<usize>>,
    data: usize,
}

impl<'f> Object<'f> {
    /// Parse the version 1 object header at `addr`.
    pub(crate) fn load(file: &'f File, addr: usize, path: String) -> Result<Object<'f>> {
        let mut c = Cursor::at(file, addr, "object header");
        let version = c.u8()?;
        if version != 1 {
            let what = if file.data.get(addr..addr + 4) == Some(b"OHDR") {
                "a version 2 object header (HDF5 ≥ 1.8 'latest' layout), which is not covered".to_string()
            } else {
                format!("corrupt: object header version {version} at byte {addr}")
            };
            return Err(file.error(what).in_field(path));
        }
        c.skip(1)?;
        let count = c.u16()? as usize;
        c.skip(4)?; // reference count
        let size = c.u32()? as usize;
        c.skip(4)?; // padding to 8 bytes
        let (mut blocks, mut messages) = (vec![(c.pos, size)], Vec::new());
        let mut k = 0;
        while k < blocks.len() && messages.len() < count {
            if k >= MAX_BLOCKS {
                return Err(file.error("corrupt: endless object header continuations").in_field(path));
            }
            let (start, len) = blocks[k];
            let end = start.checked_add(len).filter(|&e| e <= file.data.len()).ok_or_else(|| {
                file.error(format!(
                    "truncated or corrupt: object header block at byte {start} runs past the end"
                ))
                .in_field(path.clone())
            })?;
            let mut m = Cursor::at(file, start, "object header message");
            while m.pos + 8 <= end && messages.len() < count {
                let kind = m.u16()?;
                let len = m.u16()? as usize;
                let flags = m.u8()?;
                m.skip(3)?;
                if m.pos + len > end {
                    return Err(file
                        .error(format!("corrupt: header message at byte {} runs past its block", m.pos))
                        .in_field(path));
                }
                let message = Message { kind, flags, start: m.pos };
                m.skip(len)?;
                if kind == CONTINUATION {
                    let mut cc = Cursor::at(file, message.start, "header continuation");
                    blocks.push((cc.defined_address()?, cc.length()?));
                }
                messages.push(message);
            }
            k += 1;
        }
        Ok(Object { file, path, messages })
    }

    /// The path from the root, e.g. `/block1_conv1/block1_conv1_W_1:0`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// An error about this object.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        self.file.error(message).in_field(self.path.clone())
    }

    pub(crate) fn message(&self, kind: u16) -> Option<Message> {
        self.messages.iter().copied().find(|m| m.kind == kind)
    }

    pub(crate) fn cursor(&self, message: Message, what: &'static str) -> Cursor<'f> {
        Cursor::at(self.file, message.start, what)
    }

    fn attribute(&self, name: &str) -> Result<Option<Attribute>> {
        for message in self.messages.iter().filter(|m| m.kind == ATTRIBUTE) {
            let mut c = self.cursor(*message, "attribute message");
            let version = c.u8()?;
            let flags = c.u8()?;
            let name_len = c.u16()? as usize;
            let dt_len = c.u16()? as usize;
            let ds_len = c.u16()? as usize;
            let pad = |n: usize| if version == 1 { n.div_ceil(8) * 8 } else { n };
            match version {
                1 | 2 => {}
                3 => c.skip(1)?, // name character set
                v => return Err(self.error(format!("attribute message version {v} is not covered"))),
            }
            if version > 1 && flags & 0x03 != 0 {
                return Err(self.error("shared attribute datatypes/dataspaces are not covered"));
            }
            let start = c.pos;
            let raw = c.bytes(name_len)?;
            let found = raw.split(|&b| b == 0).next().unwrap_or(raw);
            if found != name.as_bytes() {
                continue;
            }
            let dt_at = start + pad(name_len);
            let datatype = Datatype::parse(&mut Cursor::at(self.file, dt_at, "attribute datatype"))?;
            let ds_at = dt_at + pad(dt_len);
            let dims = types::dataspace(&mut Cursor::at(self.file, ds_at, "attribute dataspace"))?;
            return Ok(Some(Attribute { datatype, dims, data: ds_at + pad(ds_len) }));
        }
        if let Some(info) = self.message(ATTRIBUTE_INFO) {
            let mut c = self.cursor(info, "attribute info");
            c.skip(1)?;
            let flags = c.u8()?;
            c.skip(if flags & 1 != 0 { 2 } else { 0 })?;
            if c.address()?.is_some() {
                return Err(self.error("dense attribute storage (fractal heap) is not covered"));
            }
        }
        Ok(None)
    }

    /// The attribute `name` as a list of strings (a scalar gives one; an empty array of any
    /// type gives none), or `None` when the object has no such attribute.
    pub fn attribute_strings(&self, name: &str) -> Result<Option<Vec<String>>> {
        let Some(attr) = self.attribute(name)? else { return Ok(None) };
        let count = types::element_count(self.file, &attr.dims)?;
        if count == 0 {
            return Ok(Some(Vec::new()));
        }
        types::strings(self.file, &attr.datatype, count, attr.data).map(Some).map_err(|e| match e {
            Error::Parse { message, .. } => self.error(format!("attribute `{name}`: {message}")),
            other => other,
        })
    }

    /// A dataset's datatype and dimensions.
    pub fn dataset_type(&self) -> Result<(Datatype, Vec<usize>)> {
        let (Some(dt), Some(ds)) = (self.message(DATATYPE), self.message(DATASPACE)) else {
            return Err(self.error("is not a dataset (no datatype or dataspace message)"));
        };
        if dt.flags & 0x02 != 0 {
            return Err(self.error("shared (committed) datatypes are not covered"));
        }
        let datatype = Datatype::parse(&mut self.cursor(dt, "datatype message"))?;
        let dims = types::dataspace(&mut self.cursor(ds, "dataspace message"))?.unwrap_or_default();
        Ok((datatype, dims))
    }

    /// A float32 little-endian dataset: its dimensions and values in C order.
    pub fn read_f32(&self) -> Result<(Vec<usize>, Vec<f32>)> {
        let (datatype, dims) = self.dataset_type()?;
        if !datatype.is_f32_le() {
            return Err(
                self.error(format!("dataset holds {datatype} values, expected 32-bit little-endian float"))
            );
        }
        if self.message(FILTERS).is_some() {
            return Err(self.error("filtered (compressed) datasets are not covered"));
        }
        let count = types::element_count(self.file, &Some(dims.clone()))?;
        let need = count.checked_mul(4).ok_or_else(|| self.error("corrupt: dataset too large"))?;
        let (start, len) = self.raw_data()?;
        if len < need {
            return Err(
                self.error(format!("corrupt: {dims:?} float32 values need {need} bytes, storage has {len}"))
            );
        }
        let raw = Cursor::at(self.file, start, "dataset values").bytes(need)?;
        let values = raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        Ok((dims, values))
    }

    /// Where a compact or contiguous dataset's bytes lie: (start, length).
    fn raw_data(&self) -> Result<(usize, usize)> {
        let message = self.message(LAYOUT).ok_or_else(|| self.error("dataset has no layout message"))?;
        let mut c = self.cursor(message, "data layout message");
        let version = c.u8()?;
        let class = match version {
            1 | 2 => {
                let rank = c.u8()? as usize;
                let class = c.u8()?;
                c.skip(5)?;
                let address = if class == 0 { None } else { c.address()? };
                c.skip(4 * rank)?;
                match class {
                    0 => {
                        let len = c.u32()? as usize;
                        return Ok((c.pos, len));
                    }
                    1 => return self.contiguous(address, None),
                    _ => class,
                }
            }
            3 => c.u8()?,
            v => return Err(self.error(format!("data layout message version {v} is not covered"))),
        };
        match class {
            0 => {
                let len = c.u16()? as usize;
                Ok((c.pos, len))
            }
            1 => {
                let address = c.address()?;
                let len = c.length()?;
                self.contiguous(address, Some(len))
            }
            2 => Err(self.error("chunked datasets are not covered (Keras writes contiguous ones)")),
            other => Err(self.error(format!("data layout class {other} is not covered"))),
        }
    }

    fn contiguous(&self, address: Option<usize>, len: Option<usize>) -> Result<(usize, usize)> {
        let start = address.ok_or_else(|| self.error("dataset has no data (it was never written)"))?;
        let len = len.unwrap_or(self.file.data.len() - start);
        Ok((start, len))
    }
}
