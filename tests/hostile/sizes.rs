//! Giant sizes in headers: each is refused with an error naming the file and the header,
//! quickly, with allocation bounded by the input (a test that allocated what the header asks
//! would abort the process through the allocator's hard cap).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use cinegenre::embed::{ReadOptions, read_vectors};
use cinegenre::io::{read_mtx, read_npy};
use cinegenre::labels::LabelFile;
use cinegenre::model_file::ModelFile;

use crate::common::{CONSTANT, SLOW, measure, scratch, serial};

/// Peak allocation allowed for a refused giant header: the file's bytes a few times over plus
/// the readers' fixed buffers.
fn refused(name: &str, bytes: &[u8], read: impl FnOnce(&Path) -> Result<(), String>) -> String {
    let dir = scratch("sizes");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let start = Instant::now();
    let (result, peak) = measure(|| read(&path));
    assert!(start.elapsed() < SLOW, "{name}: took {:?}", start.elapsed());
    let bound = 8 * bytes.len() + CONSTANT;
    assert!(peak <= bound, "{name}: peaked at {peak} bytes for a {}-byte file", bytes.len());
    let message = result.expect_err(name);
    assert!(message.contains(name), "{name}: the error does not name the file: {message}");
    let _ = std::fs::remove_dir_all(&dir);
    message
}

fn mtx(path: &Path) -> Result<(), String> {
    read_mtx(path).map(drop).map_err(|e| e.to_string())
}

fn vectors(path: &Path) -> Result<(), String> {
    read_vectors(path, None, &ReadOptions::default()).map(drop).map_err(|e| e.to_string())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

#[test]
fn mtx_header_of_4e9_by_4e9_is_refused_before_allocating() {
    let _serial = serial();
    let text = b"%%MatrixMarket matrix coordinate real general\n4000000000 4000000000 1\n1 1 1\n";
    let e = refused("giant.mtx", text, mtx);
    assert!(e.contains("declares 4000000000 rows") && e.contains("field `size`"), "{e}");
}

#[test]
fn mtx_header_of_1e9_empty_rows_on_a_30_byte_file_is_refused() {
    let _serial = serial();
    let e = refused("rows.mtx", b"%%MatrixMarket matrix coordinate real general\n1000000000 1 0\n", mtx);
    assert!(e.contains(":2: field `size`: the size line declares 1000000000 rows"), "{e}");
    // Within the floor a short file may still declare a large, empty matrix.
    let dir = scratch("rows-ok");
    let path = dir.join("ok.mtx");
    std::fs::write(&path, "%%MatrixMarket matrix coordinate real general\n1000000 3 0\n").unwrap();
    assert_eq!(read_mtx(&path).unwrap().n_rows(), 1_000_000);
}

#[test]
fn mtx_entry_count_beyond_the_file_is_refused() {
    let _serial = serial();
    let e =
        refused("nnz.mtx", b"%%MatrixMarket matrix coordinate real general\n3 3 999999999999\n1 1 1\n", mtx);
    assert!(e.contains("declares 999999999999 entries but the 7 bytes after it hold at most 2"), "{e}");
    let e = refused("array.mtx", b"%%MatrixMarket matrix array real general\n100000 100000\n1\n", mtx);
    assert!(e.contains("declares 10000000000 values"), "{e}");
}

#[test]
fn mtx_gzip_with_giant_header_is_refused() {
    let _serial = serial();
    let text = b"%%MatrixMarket matrix coordinate real general\n4000000000 2 0\n";
    let e = refused("giant.mtx.gz", &gzip(text), mtx);
    assert!(e.contains("declares 4000000000 rows"), "{e}");
}

#[test]
fn npy_shape_beyond_the_file_or_overflowing_is_refused() {
    let _serial = serial();
    let npy = |shape: &str, descr: &str| {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((dict.len() as u16 + 1).to_le_bytes());
        bytes.extend(dict.bytes());
        bytes.push(b'\n');
        bytes.extend([0u8; 16]);
        bytes
    };
    let read = |p: &Path| read_npy(p).map(drop).map_err(|e| e.to_string());
    let e = refused("big.npy", &npy("(4000000000,)", "<f8"), read);
    assert!(e.contains("the data holds 16 bytes, but shape [4000000000]"), "{e}");
    let e = refused("overflow.npy", &npy("(4611686018427387904, 4611686018427387904)", "<f8"), read);
    assert!(e.contains("too many elements"), "{e}");
    let e = refused("empty.npy", &npy("(0, 1000000000000)", "|u1"), |p| {
        LabelFile::read(p).map(drop).map_err(|e| e.to_string())
    });
    assert!(e.contains("holds no element but declares a dimension of 1000000000000"), "{e}");
}

#[test]
fn word2vec_binary_header_with_capacity_overflow_dimension_is_refused() {
    let _serial = serial();
    let e = refused("overflow.bin", b"10 4611686018427387904\nword \x01\x02\x03\x04", vectors);
    assert!(e.contains(":1: the header `10 4611686018427387904` announces vectors of dimension"), "{e}");
}

#[test]
fn word2vec_binary_header_of_8_gb_on_100_kb_is_refused() {
    let _serial = serial();
    let mut bytes = b"10 2147483648\n".to_vec();
    bytes.extend(std::iter::repeat_n(7u8, 100_000));
    let e = refused("huge.bin", &bytes, vectors);
    assert!(e.contains("the header `10 2147483648` announces"), "{e}");
    // Within the dimension bound, the count × dimension must fit the file.
    let mut bytes = b"10 1000000\n".to_vec();
    bytes.extend(std::iter::repeat_n(7u8, 100_000));
    let e = refused("wide.bin", &bytes, vectors);
    assert!(
        e.contains("10 words of dimension 1000000, but 10 such records need at least 40000020 bytes"),
        "{e}"
    );
}

#[test]
fn word2vec_gzip_with_giant_header_grows_only_as_bytes_arrive() {
    let _serial = serial();
    let mut bytes = b"3000000 1000000\nword ".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 200_000));
    let e = refused("wide.bin.gz", &gzip(&bytes), vectors);
    assert!(e.contains("record 1 of 3000000") && e.contains("truncated"), "{e}");
    let e = refused("wide.txt.gz", &gzip(b"3000000 1000000\nword 1 2 3\n"), vectors);
    assert!(e.contains(":2: `word` has 3 values, expected 1000000"), "{e}");
}

#[test]
fn word2vec_text_header_beyond_the_file_is_refused() {
    let _serial = serial();
    let e = refused("huge.txt", b"10 2147483648\nword 1 2 3\n", vectors);
    assert!(e.contains("more than the 1048576 this reader accepts"), "{e}");
    let e = refused("long.txt", b"100000000 300\nword 1 2 3\n", vectors);
    assert!(e.contains("100000000 words of dimension 300, but"), "{e}");
}

#[test]
fn safetensors_header_with_giant_length_or_offsets_is_refused() {
    let _serial = serial();
    let model = |p: &Path| ModelFile::load_any(p).map(drop).map_err(|e| e.to_string());
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend(b"{}");
    let e = refused("len.safetensors", &bytes, model);
    assert!(e.contains("not a cinegenre model file"), "{e}");
    let header = br#"{"__metadata__":{"cinegenre.kind":"mlp","cinegenre.format_version":"1"},"w":{"dtype":"F64","shape":[1000000000,1000000000],"data_offsets":[0,8000000000000000000]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header);
    bytes.extend([0u8; 8]);
    let e = refused("offsets.safetensors", &bytes, model);
    assert!(e.contains("not a cinegenre model file"), "{e}");
}

#[test]
fn png_bomb_declaring_100000_by_100000_pixels_is_refused() {
    let _serial = serial();
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(crc.sum().to_be_bytes());
        out
    };
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 1 << 20]).unwrap(); // a megabyte of zero rows: compresses to ~1 KiB
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &z.finish().unwrap()));
    png.extend(chunk(b"IEND", &[]));
    let e = refused("bomb.png", &png, |p| {
        cinegenre::vgg::preprocess::decode_rgb(p).map(drop).map_err(|e| e.to_string())
    });
    assert!(e.contains("cannot decode the image"), "{e}");
}
