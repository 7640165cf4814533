//! Bounds-checked little-endian reads at absolute positions of the file image.
//!
//! Every read returns an error naming what was being read when the bytes run out, so a
//! truncated or corrupt file is an [`Error::Parse`], never a panic or an out-of-range slice.

use super::File;
use crate::error::Result;

/// A position in `file`'s bytes; `what` names the structure being read (for errors).
pub(crate) struct Cursor<'f> {
    pub file: &'f File,
    pub pos: usize,
    pub what: &'static str,
}

impl<'f> Cursor<'f> {
    pub fn at(file: &'f File, pos: usize, what: &'static str) -> Cursor<'f> {
        Cursor { file, pos, what }
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'f [u8]> {
        let data: &'f [u8] = &self.file.data;
        let end = self.pos.checked_add(n).filter(|&end| end <= data.len()).ok_or_else(|| {
            self.file.error(format!(
                "truncated or corrupt: the {} at byte {} needs {n} more bytes but the file has {}",
                self.what,
                self.pos,
                data.len()
            ))
        })?;
        let out = &data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub fn skip(&mut self, n: usize) -> Result<()> {
        self.bytes(n).map(|_| ())
    }

    /// Check a signature such as `TREE`.
    pub fn expect(&mut self, signature: &[u8]) -> Result<()> {
        let at = self.pos;
        let got = self.bytes(signature.len())?;
        if got != signature {
            return Err(self.file.error(format!(
                "corrupt: expected the {} signature {:?} at byte {at}, found {:?}",
                self.what,
                String::from_utf8_lossy(signature),
                String::from_utf8_lossy(got)
            )));
        }
        Ok(())
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16> {
        Ok(self.uint(2)? as u16)
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(self.uint(4)? as u32)
    }

    /// An unsigned little-endian integer of `n` ≤ 8 bytes.
    pub fn uint(&mut self, n: usize) -> Result<u64> {
        let raw = self.bytes(n)?;
        Ok(raw.iter().rev().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    /// A "size of lengths" field, as a `usize`.
    pub fn length(&mut self) -> Result<usize> {
        let n = self.uint(self.file.length_size)?;
        usize::try_from(n)
            .map_err(|_| self.file.error(format!("corrupt: {} length {n} is too large", self.what)))
    }

    /// A "size of offsets" address, made absolute; `None` for the undefined address (all ones).
    pub fn address(&mut self) -> Result<Option<usize>> {
        let size = self.file.offset_size;
        let raw = self.uint(size)?;
        let undefined = if size == 8 { u64::MAX } else { (1u64 << (8 * size)) - 1 };
        if raw == undefined {
            return Ok(None);
        }
        let abs = raw.checked_add(self.file.base).and_then(|a| usize::try_from(a).ok());
        match abs {
            Some(a) if a < self.file.data.len() => Ok(Some(a)),
            _ => Err(self.file.error(format!(
                "truncated or corrupt: the {} at byte {} points to byte {raw} (+ base {}), past the end of the file ({} bytes)",
                self.what,
                self.pos - size,
                self.file.base,
                self.file.data.len()
            ))),
        }
    }

    /// An address that must be defined.
    pub fn defined_address(&mut self) -> Result<usize> {
        let at = self.pos;
        self.address()?.ok_or_else(|| {
            self.file.error(format!("corrupt: the {} at byte {at} has an undefined address", self.what))
        })
    }
}
