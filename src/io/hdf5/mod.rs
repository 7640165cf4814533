//! A small, read-only HDF5 reader: enough of the format to read the weight files Keras writes
//! through h5py (groups, string attributes, float32 datasets).
//!
//! ```text
//! file ─ superblock ─▶ root object header ─ symbol table ─▶ v1 B-tree ─▶ SNOD ─▶ member headers
//!                                           (or link messages)          └ names in the local heap
//! object header (v1) ─ messages: dataspace · datatype · layout · attributes · continuation …
//! ```
//!
//! Spec: *HDF5 File Format Specification Version 3.0* (The HDF Group). Sections used:
//! Level 0A (format signature and superblock, versions 0 and 1), Level 1A1 (version 1 B-trees,
//! group nodes), 1B (group symbol table nodes), 1C (symbol table entry), 1D (local heaps),
//! 1E (global heap, for variable-length strings), Level 2A1 (version 1 object header prefix)
//! and 2A2 messages 0x0001 dataspace (v1, v2), 0x0003 datatype (fixed-point, floating-point,
//! string, variable-length string), 0x0006 link (hard links of compact new-style groups),
//! 0x0008 data layout (v1–v3: compact and contiguous), 0x000B filter pipeline (detected, refused),
//! 0x000C attribute (v1–v3), 0x0010 continuation, 0x0011 symbol table.
//!
//! What h5py 3.16 writes with its defaults (libver "earliest") is covered: superblock v0, v1
//! object headers, symbol-table groups, attributes with fixed-length (numpy `S`) or
//! variable-length (h5py 3 `bytes`/`str`) strings, contiguous datasets. The files Keras 1/2
//! wrote with h5py 2 use the same structures.
//! Not covered (each a clear error): superblock v2/v3 and v2 (`OHDR`) object headers (libver
//! "latest"), dense attribute/link storage (fractal heaps), chunked or filtered (compressed)
//! datasets, shared (committed) datatypes, external storage, big-endian or non-32-bit floats
//! when reading `f32`. Reference implementation: the HDF Group's C library via h5py; the Rust
//! `hdf5` crate binds that C library, which cinegenre does not want.
//!
//! Every read is bounds-checked: a truncated or corrupt file is an [`Error::Parse`] naming the
//! file, the object path and what was being read, never a panic; sizes are checked against the
//! file length before anything is allocated. Cost: the file is read into memory once; a
//! lookup walks one group's B-tree (O(members)).
//!
//! ```
//! # fn main() -> cinegenre::Result<()> {
//! use cinegenre::io::hdf5;
//! let bad = hdf5::File::from_bytes(std::path::Path::new("x.h5"), b"\x89HDF\r\n\x1a\n".to_vec());
//! assert!(bad.is_err()); // a signature alone is a truncated file, not a panic
//! # Ok(()) }
//! ```

mod cursor;
mod group;
mod object;
mod types;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use cursor::Cursor;
pub use object::Object;
pub use types::Datatype;

/// The 8-byte format signature.
pub const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

/// Whether `bytes` start like an HDF5 file (no user block).
pub fn is_hdf5(bytes: &[u8]) -> bool {
    bytes.starts_with(SIGNATURE)
}

/// An HDF5 file read into memory.
#[derive(Debug)]
pub struct File {
    path: PathBuf,
    data: Vec<u8>,
    offset_size: usize,
    length_size: usize,
    /// Base address: every stored address is relative to it.
    base: u64,
    /// Absolute position of the root group's object header.
    root: usize,
}

impl File {
    /// Read and parse the superblock of `path`.
    pub fn open(path: &Path) -> Result<File> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        File::from_bytes(path, data)
    }

    /// Parse the superblock of an in-memory image; `path` names it in errors.
    pub fn from_bytes(path: &Path, data: Vec<u8>) -> Result<File> {
        let mut file =
            File { path: path.to_path_buf(), data, offset_size: 8, length_size: 8, base: 0, root: 0 };
        // The signature sits at 0 or after a user block of 512·2^k bytes.
        let mut at = 0usize;
        while file.data.get(at..at + 8).is_none_or(|s| s != SIGNATURE) {
            at = if at == 0 { 512 } else { at * 2 };
            if at + 8 > file.data.len() {
                return Err(file.error("not an HDF5 file: no format signature"));
            }
        }
        let mut c = Cursor::at(&file, at + 8, "superblock");
        let version = c.u8()?;
        if version > 1 {
            return Err(file.error(format!(
                "superblock version {version} (HDF5 ≥ 1.8 'latest' layout) is not covered; \
                 re-save with h5py's default libver"
            )));
        }
        c.skip(4)?; // free-space, root symbol table, reserved, shared header versions
        let (offset_size, length_size) = (c.u8()? as usize, c.u8()? as usize);
        c.skip(1 + 2 + 2 + 4)?; // reserved, leaf K, internal K, consistency flags
        if version == 1 {
            c.skip(4)?; // indexed storage K, reserved
        }
        let pos = c.pos;
        for size in [offset_size, length_size] {
            if ![2, 4, 8].contains(&size) {
                return Err(file.error(format!("corrupt superblock: field size {size} is not 2, 4 or 8")));
            }
        }
        (file.offset_size, file.length_size) = (offset_size, length_size);
        let mut c = Cursor::at(&file, pos, "superblock");
        let base = c.uint(offset_size)?;
        // Then free-space, end-of-file and driver-info addresses, and the root group's symbol
        // table entry: link name offset, object header address.
        c.skip(4 * offset_size)?;
        file.base = base;
        let mut c = Cursor::at(&file, pos + 5 * offset_size, "root group entry");
        file.root = c.defined_address()?;
        Ok(file)
    }

    /// The root group.
    pub fn root(&self) -> Result<Object<'_>> {
        Object::load(self, self.root, "/".to_string())
    }

    /// The file's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::parse(&self.path, None, message)
    }
}
