//! Group members: old-style symbol-table groups (spec Level 1A1 version 1 B-tree group nodes,
//! 1B symbol table nodes `SNOD`, 1C symbol table entries, 1D local heap for the names) and
//! new-style compact groups (link messages 0x0006, hard links only).

use std::collections::{HashMap, HashSet};

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
            // Valid names are distinct strings of the heap: together they fit in it.
            let mut walker = Walk { file: self.file, heap, seen: HashSet::new(), name_budget: heap.1 };
            walker.node(btree, 0, &mut out).map_err(|e| e.in_field(self.path().to_string()))?;
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
            here = Some(group.load_member(part, addr)?);
        }
        Ok(here)
    }

    /// The members by name, from one walk of the group: for many lookups in one group.
    pub fn member_map(&self) -> Result<HashMap<String, usize>> {
        Ok(self.members()?.into_iter().collect())
    }

    /// Load the direct member `name` whose header is at `addr` (from [`Object::members`]).
    pub fn load_member(&self, name: &str, addr: usize) -> Result<Object<'f>> {
        Object::load(self.file, addr, format!("{}/{name}", self.path().trim_end_matches('/')))
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

/// A walk of one group's B-tree: the nodes seen (a corrupt tree cannot loop or multiply
/// entries) and the heap bytes its names may still take.
struct Walk<'a> {
    file: &'a File,
    heap: (usize, usize),
    seen: HashSet<usize>,
    name_budget: usize,
}

impl Walk<'_> {
    /// Collect the entries below the group B-tree node at `addr`.
    fn node(&mut self, addr: usize, depth: usize, out: &mut Vec<(String, usize)>) -> Result<()> {
        let file = self.file;
        if depth > MAX_DEPTH || !self.seen.insert(addr) {
            return Err(file.error(format!("corrupt: the group B-tree loops back to byte {addr}")));
        }
        let mut c = Cursor::at(file, addr, "group B-tree node");
        c.expect(b"TREE")?;
        let (node_type, level, entries) = (c.u8()?, c.u8()?, c.u16()? as usize);
        if node_type != 0 {
            return Err(file.error(format!(
                "corrupt: B-tree node at byte {addr} has type {node_type}, not a group node"
            )));
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
                self.node(child, depth + 1, out)?;
            } else {
                // Each node once: a corrupt tree cannot multiply entries.
                if !self.seen.insert(child) {
                    return Err(
                        file.error(format!("corrupt: symbol table node at byte {child} is listed twice"))
                    );
                }
                self.symbol_node(child, out)?;
            }
        }
        Ok(())
    }

    /// Read one symbol table node (`SNOD`) into `out`.
    fn symbol_node(&mut self, addr: usize, out: &mut Vec<(String, usize)>) -> Result<()> {
        let file = self.file;
        let mut c = Cursor::at(file, addr, "symbol table node");
        c.expect(b"SNOD")?;
        c.skip(2)?; // version, reserved
        let count = c.u16()? as usize;
        for _ in 0..count {
            let name = c.uint(file.offset_size)? as usize;
            let header = c.defined_address()?;
            c.skip(4 + 4 + 16)?; // cache type, reserved, scratch pad
            let name = heap_name(file, self.heap, name)?;
            self.name_budget = self.name_budget.checked_sub(name.len() + 1).ok_or_else(|| {
                file.error(format!(
                    "corrupt: the names of the group's members overlap (more name bytes than its local \
                     heap of {} bytes holds)",
                    self.heap.1
                ))
            })?;
            out.push((name, header));
        }
        Ok(())
    }
}
