//! Hand-built HDF5 images whose structures are each valid but multiply: many references to
//! one large object. A reader that follows every reference independently builds gigabytes
//! from a one-megabyte file; cinegenre's is bounded by the file (valid files store each name
//! and each variable-length string once).

use std::time::Instant;

use cinegenre::io::hdf5;

use crate::common::{CONSTANT, SLOW, measure, scratch, serial};

const UNDEFINED: [u8; 8] = [0xFF; 8];

/// A file image being written at fixed positions (offsets and lengths of 8 bytes).
struct Image(Vec<u8>);

impl Image {
    /// Superblock version 0 whose root group's object header is at 128.
    fn new() -> Image {
        let mut img = Image(Vec::new());
        img.put(0, hdf5::SIGNATURE);
        img.put(8, &[0, 0, 0, 0, 0, 8, 8, 0, 4, 0, 16, 0, 0, 0, 0, 0]);
        img.put(24, &0u64.to_le_bytes()); // base address
        img.put(32, &UNDEFINED); // free space
        img.put(48, &UNDEFINED); // driver information
        img.put(56, &0u64.to_le_bytes()); // root entry: link name offset
        img.put(64, &128u64.to_le_bytes()); // root entry: object header
        img
    }

    fn put(&mut self, at: usize, bytes: &[u8]) {
        if self.0.len() < at + bytes.len() {
            self.0.resize(at + bytes.len(), 0);
        }
        self.0[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// A version 1 object header at 128 holding one message; returns where the next free
    /// (8-aligned) byte is.
    fn root_header(&mut self, kind: u16, body: &[u8]) -> usize {
        let mut header = vec![1, 0];
        header.extend(1u16.to_le_bytes()); // one message
        header.extend(1u32.to_le_bytes()); // reference count
        header.extend((8 + body.len() as u32).to_le_bytes());
        header.extend([0; 4]);
        header.extend(kind.to_le_bytes());
        header.extend((body.len() as u16).to_le_bytes());
        header.extend([0; 4]); // flags, reserved
        header.extend(body);
        self.put(128, &header);
        (128 + header.len()).div_ceil(8) * 8
    }

    fn finish(mut self) -> Vec<u8> {
        let len = self.0.len() as u64;
        self.put(40, &len.to_le_bytes()); // end-of-file address
        self.0
    }
}

/// Run `f` on the image written to a file; it must fail fast with bounded allocation.
fn refused(name: &str, image: &[u8], f: impl FnOnce(&hdf5::File) -> cinegenre::Result<usize>) -> String {
    let dir = scratch("crafted");
    let path = dir.join(name);
    std::fs::write(&path, image).unwrap();
    let start = Instant::now();
    let (result, peak) = measure(|| hdf5::File::open(&path).and_then(|file| f(&file)));
    assert!(start.elapsed() < SLOW, "{name}: took {:?}", start.elapsed());
    let bound = 4 * image.len() + CONSTANT;
    assert!(peak <= bound, "{name}: peaked at {peak} bytes for a {}-byte file", image.len());
    let message = result.expect_err(name).to_string();
    assert!(message.contains(name), "{message}");
    message
}

#[test]
fn hdf5_vlen_strings_all_pointing_at_one_large_heap_object_are_refused() {
    let _serial = serial();
    // Attribute `layer_names`: 4000 variable-length strings, each (1 MiB, collection G, #1).
    let (n, len) = (4000usize, 1usize << 20);
    let mut img = Image::new();
    let heap_at = 128 + 16 + 8 + 48 + 16 * n;
    let mut body = vec![1, 0];
    body.extend(12u16.to_le_bytes()); // name length with NUL
    body.extend(8u16.to_le_bytes()); // datatype
    body.extend(16u16.to_le_bytes()); // dataspace
    body.extend(b"layer_names\0\0\0\0\0");
    body.extend([0x19, 0x01, 0, 0]); // class 9 (variable length), string
    body.extend(16u32.to_le_bytes());
    body.extend([1, 1, 0, 0, 0, 0, 0, 0]); // dataspace v1, rank 1
    body.extend((n as u64).to_le_bytes());
    for _ in 0..n {
        body.extend((len as u32).to_le_bytes());
        body.extend((heap_at as u64).to_le_bytes());
        body.extend(1u32.to_le_bytes());
    }
    let free = img.root_header(0x000C, &body);
    assert_eq!(free, heap_at);
    let mut heap = b"GCOL\x01\0\0\0".to_vec();
    heap.extend(((16 + 16 + len) as u64).to_le_bytes());
    heap.extend([1, 0, 1, 0, 0, 0, 0, 0]);
    heap.extend((len as u64).to_le_bytes());
    heap.extend(std::iter::repeat_n(b'a', len));
    img.put(heap_at, &heap);
    let e = refused("vlen.h5", &img.finish(), |f| {
        f.root()?.attribute_strings("layer_names").map(|v| v.map_or(0, |v| v.len()))
    });
    assert!(e.contains("add up to more bytes than the file"), "{e}");
}

#[test]
fn hdf5_group_entries_all_naming_one_long_heap_string_are_refused() {
    let _serial = serial();
    // 8 symbol table nodes of 1000 entries, every entry named by heap offset 0 (256 KiB).
    let (nodes, per_node, len) = (8usize, 1000usize, 256usize << 10);
    let mut img = Image::new();
    let (tree_at, heap_at) = (512usize, 1024usize);
    let mut body = (tree_at as u64).to_le_bytes().to_vec();
    body.extend((heap_at as u64).to_le_bytes());
    img.root_header(0x0011, &body);
    let data_at = heap_at + 32;
    let mut heap = b"HEAP\0\0\0\0".to_vec();
    heap.extend(((len + 1) as u64).to_le_bytes());
    heap.extend(UNDEFINED);
    heap.extend((data_at as u64).to_le_bytes());
    img.put(heap_at, &heap);
    img.put(data_at, &vec![b'b'; len]);
    let node_at = |k: usize| (data_at + len + 8).div_ceil(8) * 8 + k * (8 + 40 * per_node);
    let mut tree = b"TREE\0\0".to_vec();
    tree.extend((nodes as u16).to_le_bytes());
    tree.extend(UNDEFINED);
    tree.extend(UNDEFINED);
    for k in 0..nodes {
        tree.extend(0u64.to_le_bytes());
        tree.extend((node_at(k) as u64).to_le_bytes());
    }
    tree.extend(0u64.to_le_bytes());
    img.put(tree_at, &tree);
    for k in 0..nodes {
        let mut node = b"SNOD\x01\0".to_vec();
        node.extend((per_node as u16).to_le_bytes());
        for _ in 0..per_node {
            node.extend(0u64.to_le_bytes()); // name: heap offset 0
            node.extend(128u64.to_le_bytes()); // object header
            node.extend([0; 24]);
        }
        img.put(node_at(k), &node);
    }
    let e = refused("names.h5", &img.finish(), |f| f.root()?.members().map(|m| m.len()));
    assert!(e.contains("names of the group's members overlap"), "{e}");
}
