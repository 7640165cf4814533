//! Group members: old-style symbol-table groups (spec Level 1A1 version 1 B-tree group nodes,
//! 1B symbol table nodes `SNOD`, 1C symbol table entries, 1D local heap for the names) and
//! new-style compact groups (link messages 0x0006, hard links only).

use std::collections::HashSet;

use super::File;
use super::cursor::Cursor;
use super::object::{LINK, LINK_INFO, Object, SYMBOL_TABLE};
use crate::error::Result;

/// B-tree levels followed before the file is called corrupt.
const MAX_DEPTH: usize = 64;

impl<'f> Object<'f> {
    /// The members of a group: (name, object header position), in storage order (names sorted
    /// for symbol-table groups).
    pub fn members(&self) -> Result<Vec<(String, usize)>> {
        if let Some(table) = self.message(SYMBOL_TABLE) {
            let mut c = self.cursor(table, "symbol table message");
            let btree = c.defined_address()?;
            let heap = local_heap(self.file, c.defined_address()?)?;
            let mut out = Vec::new();
            walk(self.file, btree, heap, 0, &mut HashSet::new(), &mut out)
                .map_err(|e| e.in_field(self.path().to_string()))?;
            return Ok(out);
        }
        if let Some(info) = self.message(LINK_INFO) {
            let mut c = self.cursor(info, "link info message");
            let flags = c.uint(2)? >> 8;
            c.skip(if flags & 1 != 0 { 8 } else { 0 })?;
            if c.address()?.is_some() {
                return Err(self.error("dense link storage (fractal heap) is not covered"));
            }
        }
        let links: Vec<_> = self.messages.iter().filter(|m| m.kind == LINK).copied().collect();
        if links.is_empty() && self.message(LINK_INFO).is_none() {
            return Err(self.error("is not a group"));
        }
        links.into_iter().filter_map(|m| self.link(&mut self.cursor(m, "link message")).transpose()).collect()
    }

    /// One link message: `Some((name, address))` for a hard link, `None` for soft/external.
    fn link(&self, c: &mut Cursor<'f>) -> Result<Option<(String, usize)>> {
        c.skip(1)?; // version
        let flags = c.u8()?;
        let kind = if flags & 0x08 != 0 { c.u8()? } else { 0 };
        c.skip(if flags & 0x04 != 0 { 8 } else { 0 })?; // creation order
        c.skip(if flags & 0x10 != 0 { 1 } else { 0 })?; // character set
        let name_len = c.uint(1 << (flags & 0x03))? as usize;
        let name = String::from_utf8_lossy(c.bytes(name_len)?).into_owned();
        if kind != 0 {
            return Ok(None);
        }
        Ok(Some((name, c.defined_address()?)))
    }

    /// The member at `path` below this group (`a/b` descends), or `None` if a part is missing.
    pub fn member(&self, path: &str) -> Result<Option<Object<'f>>> {
        let mut here: Option<Object<'f>> = None;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let group = here.as_ref().unwrap_or(self);
            let Some((_, addr)) = group.members()?.into_iter().find(|(name, _)| name == part) else {
                return Ok(None);
            };
            let child = format!("{}/{part}", group.path().trim_end_matches('/'));
            here = Some(Object::load(self.file, addr, child)?);
        }
        Ok(here)
    }
}

/// A local heap's data segment: (start, length).
fn local_heap(file: &File, addr: usize) -> Result<(usize, usize)> {
    let mut c = Cursor::at(file, addr, "local heap");
    c.expect(b"HEAP")?;
    c.skip(4)?; // version, reserved
    let size = c.length()?;
    c.length()?; // free list head
    let start = c.defined_address()?;
    Cursor::at(file, start, "local heap data").skip(size)?;
    Ok((start, size))
}

/// The NUL-terminated name at `offset` in a local heap.
fn heap_name(file: &File, (start, size): (usize, usize), offset: usize) -> Result<String> {
    let segment = Cursor::at(file, start, "local heap data").bytes(size)?;
    let tail = segment.get(offset..).ok_or_else(|| {
        file.error(format!("corrupt: name offset {offset} is outside the local heap of {size} bytes"))
    })?;
    let end = tail.iter().position(|&b| b == 0).ok_or_else(|| file.error("corrupt: unterminated name"))?;
    Ok(String::from_utf8_lossy(&tail[..end]).into_owned())
}

/// Collect the entries below the group B-tree node at `addr`.
fn walk(
    file: &File,
    addr: usize,
    heap: (usize, usize),
    depth: usize,
    seen: &mut HashSet<usize>,
    out: &mut Vec<(String, usize)>,
) -> Result<()> {
    if depth > MAX_DEPTH || !seen.insert(addr) {
        return Err(file.error(format!("corrupt: the group B-tree loops back to byte {addr}")));
    }
    let mut c = Cursor::at(file, addr, "group B-tree node");
    c.expect(b"TREE")?;
    let (node_type, level, entries) = (c.u8()?, c.u8()?, c.u16()? as usize);
    if node_type != 0 {
        return Err(
            file.error(format!("corrupt: B-tree node at byte {addr} has type {node_type}, not a group node"))
        );
    }
    c.address()?; // left sibling
    c.address()?; // right sibling
    let mut children = Vec::with_capacity(entries.min(1024));
    for _ in 0..entries {
        c.length()?; // key: heap offset of the largest name to the left
        children.push(c.defined_address()?);
    }
    for child in children {
        if level > 0 {
            walk(file, child, heap, depth + 1, seen, out)?;
        } else {
            // Each node once: a corrupt tree cannot multiply entries.
            if !seen.insert(child) {
                return Err(file.error(format!("corrupt: symbol table node at byte {child} is listed twice")));
            }
            symbol_node(file, child, heap, out)?;
        }
    }
    Ok(())
}

/// Read one symbol table node (`SNOD`) into `out`.
fn symbol_node(file: &File, addr: usize, heap: (usize, usize), out: &mut Vec<(String, usize)>) -> Result<()> {
    let mut c = Cursor::at(file, addr, "symbol table node");
    c.expect(b"SNOD")?;
    c.skip(2)?; // version, reserved
    let count = c.u16()? as usize;
    for _ in 0..count {
        let name = c.uint(file.offset_size)? as usize;
        let header = c.defined_address()?;
        c.skip(4 + 4 + 16)?; // cache type, reserved, scratch pad
        out.push((heap_name(file, heap, name)?, header));
    }
    Ok(())
}
