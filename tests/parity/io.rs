//! `.npy` and Matrix Market files against numpy 2.4.6 / scipy 1.17.1 (fixtures/io, written by
//! tools/gen_io.py). Values must match bit for bit (file formats are exact), and files written by
//! cinegenre must be byte-identical to numpy's `np.save` and scipy's `mmwrite`.

use std::path::{Path, PathBuf};

use cinegenre::Error;
use cinegenre::io::{NpyData, read_mtx, read_npy, write_mtx, write_npy};
use cinegenre::matrix::CsrMatrix;
use serde_json::Value;

use crate::fixtures::{
    assert_bits_eq, float, floats, ints, load as load_json, path, string, temp_dir, usizes,
};

fn io_fixture() -> Value {
    load_json("io/io.json")
}

fn fixture_path(entry: &Value) -> PathBuf {
    path("io").join(string(&entry["file"]))
}

/// The values of an array as f64 (exact for every type read here).
fn as_f64(data: &NpyData) -> Vec<f64> {
    match data {
        NpyData::U8(v) => v.iter().map(|&x| x as f64).collect(),
        NpyData::I64(v) => v.iter().map(|&x| x as f64).collect(),
        NpyData::F32(v) => v.iter().map(|&x| x as f64).collect(),
        NpyData::F64(v) => v.clone(),
    }
}

#[test]
fn npy_reads_every_numpy_file() {
    let json = io_fixture();
    for entry in json["npy"].as_array().unwrap().iter().filter(|e| e.get("unsupported").is_none()) {
        let name = string(&entry["name"]);
        let array = read_npy(&fixture_path(entry)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(array.shape, usizes(&entry["shape"]), "{name}: shape");
        let descr = string(&entry["descr"]);
        let kind_ok = matches!(
            (&array.data, &descr[1..]),
            (NpyData::U8(_), "u1" | "b1")
                | (NpyData::I64(_), "i4" | "i8")
                | (NpyData::F32(_), "f4")
                | (NpyData::F64(_), "f8")
        );
        assert!(kind_ok, "{name}: '{descr}' read as {:?}", std::mem::discriminant(&array.data));
        if let NpyData::I64(values) = &array.data {
            // Integers beyond 2^53: compare as integers, not through f64.
            assert_eq!(values, &ints(&entry["values"]), "{name}: values");
        } else {
            assert_bits_eq(&name, &as_f64(&array.data), &floats(&entry["values"]));
        }
    }
}

#[test]
fn npy_writes_bytes_identical_to_np_save() {
    let json = io_fixture();
    let dir = temp_dir("npy-write");
    for entry in json["npy"].as_array().unwrap().iter().filter(|e| e["write_identical"] == true) {
        let name = string(&entry["name"]);
        let want_path = fixture_path(entry);
        let array = read_npy(&want_path).unwrap();
        let out = dir.join(format!("{name}.npy"));
        match &array.data {
            NpyData::U8(v) => write_npy(&out, &array.shape, v),
            NpyData::I64(v) => write_npy(&out, &array.shape, v),
            NpyData::F32(v) => write_npy(&out, &array.shape, v),
            NpyData::F64(v) => write_npy(&out, &array.shape, v),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_bytes(&name, &out, &want_path);
    }
}

fn assert_same_bytes(label: &str, got: &Path, want: &Path) {
    let (got, want) = (std::fs::read(got).unwrap(), std::fs::read(want).unwrap());
    if let Some(at) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) {
        let show = |b: &[u8]| {
            String::from_utf8_lossy(&b[at.saturating_sub(20)..(at + 40).min(b.len())]).into_owned()
        };
        panic!("{label}: first differing byte {at}\n got: {:?}\nwant: {:?}", show(&got), show(&want));
    }
    assert_eq!(got.len(), want.len(), "{label}: {} bytes, expected {}", got.len(), want.len());
}

/// The field and line of a parse error, after checking that it names `path`.
fn parse_error(
    result: Result<impl std::fmt::Debug, Error>,
    path: &Path,
) -> (Option<usize>, Option<String>, String) {
    match result {
        Err(e @ Error::Parse { .. }) => {
            let text = e.to_string();
            let Error::Parse { path: p, line, field, .. } = e else { unreachable!() };
            assert_eq!(p, path, "error names the wrong file: {text}");
            assert!(text.contains(&path.display().to_string()), "message lacks the file: {text}");
            (line, field, text)
        }
        other => panic!("{}: expected a parse error, got {other:?}", path.display()),
    }
}

#[test]
fn npy_rejects_bad_files_naming_file_and_field() {
    let dir = temp_dir("npy-bad");
    let good = std::fs::read(path("io/npy/f64_2d.npy")).unwrap();
    let header_end = 10 + u16::from_le_bytes([good[8], good[9]]) as usize;
    let mut patched_key = good.clone();
    let at = good.windows(7).position(|w| w == b"'shape'").unwrap();
    patched_key[at + 1..at + 6].copy_from_slice(b"shapx");
    let mut bad_version = good.clone();
    bad_version[6] = 9;
    let mut bad_magic = good.clone();
    bad_magic[1] = b'X';
    let mut too_long = good.clone();
    too_long.extend_from_slice(&[0; 8]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated_magic", good[..5].to_vec(), "magic"),
        ("truncated_header", good[..40].to_vec(), "header length"),
        ("truncated_data", good[..good.len() - 3].to_vec(), "shape"),
        ("wrong_magic", bad_magic, "magic"),
        ("bad_version", bad_version, "version"),
        ("unknown_key", patched_key, "shapx"),
        ("extra_data", too_long, "shape"),
        ("header_only", good[..header_end].to_vec(), "shape"),
    ];
    for (name, bytes, want_field) in cases {
        let path = dir.join(format!("{name}.npy"));
        std::fs::write(&path, bytes).unwrap();
        let (_, field, text) = parse_error(read_npy(&path), &path);
        assert_eq!(field.as_deref(), Some(want_field), "{name}: {text}");
    }
    let complex = path("io/npy/c128_unsupported.npy");
    let (_, field, text) = parse_error(read_npy(&complex), &complex);
    assert_eq!(field.as_deref(), Some("descr"), "{text}");
    assert!(text.contains("<c16"), "{text}");
}

#[test]
fn npy_write_checks_shape_against_data() {
    let dir = temp_dir("npy-shape");
    let path = dir.join("x.npy");
    assert!(matches!(write_npy(&path, &[2, 3], &[1.0f64; 5]), Err(Error::Shape(_))));
    assert!(!path.exists());
}

/// The CSR arrays a generator wrote, as a `CsrMatrix`.
fn csr_from_json(v: &Value) -> CsrMatrix {
    let shape = usizes(&v["shape"]);
    let indices = usizes(&v["indices"]).into_iter().map(|j| j as u32).collect();
    CsrMatrix::from_parts(shape[0], shape[1], usizes(&v["indptr"]), indices, floats(&v["data"])).unwrap()
}

/// Canonical COO of a matrix: sorted row-major, duplicates summed (scipy's `sum_duplicates`).
fn canonical(x: &CsrMatrix) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let mut entries: Vec<(usize, usize, f64)> = Vec::new();
    for (i, (idx, vals)) in x.rows().enumerate() {
        entries.extend(idx.iter().zip(vals).map(|(&j, &v)| (i, j as usize, v)));
    }
    entries.sort_by_key(|&(i, j, _)| (i, j));
    let mut out: (Vec<usize>, Vec<usize>, Vec<f64>) = Default::default();
    for (i, j, v) in entries {
        if out.0.last() == Some(&i) && out.1.last() == Some(&j) {
            *out.2.last_mut().unwrap() += v;
        } else {
            out.0.push(i);
            out.1.push(j);
            out.2.push(v);
        }
    }
    out
}

#[test]
fn mtx_reads_what_scipy_mmread_reads() {
    let json = io_fixture();
    for entry in json["mtx"].as_array().unwrap() {
        let name = string(&entry["name"]);
        let x = read_mtx(&fixture_path(entry)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = &entry["read"];
        let shape = usizes(&want["shape"]);
        assert_eq!(x.shape(), (shape[0], shape[1]), "{name}: shape");
        let (rows, cols, values) = canonical(&x);
        assert_eq!(rows, usizes(&want["rows"]), "{name}: rows");
        assert_eq!(cols, usizes(&want["cols"]), "{name}: cols");
        assert_bits_eq(&name, &values, &floats(&want["values"]));
    }
}

#[test]
fn mtx_writes_bytes_identical_to_scipy_mmwrite() {
    let json = io_fixture();
    let dir = temp_dir("mtx-write");
    for entry in json["mtx"].as_array().unwrap().iter().filter(|e| e["write_identical"] == true) {
        let name = string(&entry["name"]);
        let x = csr_from_json(&entry["written_csr"]);
        let out = dir.join(format!("{name}.mtx"));
        write_mtx(&out, &x).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_bytes(&name, &out, &fixture_path(entry));
        // And it reads back to the same matrix, value for value.
        let back = read_mtx(&out).unwrap();
        let (want, got) = (canonical(&x), canonical(&back));
        assert_eq!((&got.0, &got.1), (&want.0, &want.1), "{name}: pattern after round trip");
        assert_bits_eq(&name, &got.2, &want.2);
    }
}

#[test]
fn mtx_rejects_bad_files_naming_file_line_and_field() {
    let dir = temp_dir("mtx-bad");
    let banner = "%%MatrixMarket matrix coordinate real general\n";
    let cases: Vec<(&str, String, Option<usize>, &str)> = vec![
        ("bad_banner", "%%MatrixMarket tensor coordinate real general\n1 1 0\n".into(), Some(1), "banner"),
        ("bad_format", "%%MatrixMarket matrix sparse real general\n1 1 0\n".into(), Some(1), "format"),
        (
            "complex_field",
            "%%MatrixMarket matrix coordinate complex general\n1 1 0\n".into(),
            Some(1),
            "field",
        ),
        ("hermitian", "%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n".into(), Some(1), "symmetry"),
        ("bad_size", format!("{banner}%\n2 x 1\n1 1 1\n"), Some(3), "size"),
        ("no_size", format!("{banner}% only comments\n"), None, "size"),
        ("row_out_of_range", format!("{banner}2 2 2\n1 1 1\n3 1 1\n"), Some(4), "row"),
        ("column_zero", format!("{banner}2 2 1\n1 0 1\n"), Some(3), "column"),
        ("too_many_entries", format!("{banner}2 2 1\n1 1 1\n2 2 2\n"), Some(4), "entries"),
        ("too_few_entries", format!("{banner}2 2 3\n1 1 1\n\n2 2 2\n"), Some(5), "entries"),
        ("not_a_number", format!("{banner}2 2 2\n1 1 1\n2 2 abc\n"), Some(4), "value"),
        (
            "integer_with_point",
            "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 1.5\n".into(),
            Some(3),
            "value",
        ),
        ("missing_value", format!("{banner}2 2 1\n1 1\n"), Some(3), "entry"),
        (
            "symmetric_not_square",
            "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n".into(),
            Some(2),
            "size",
        ),
        (
            "array_short",
            "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n".into(),
            Some(5),
            "entries",
        ),
    ];
    for (name, text, want_line, want_field) in cases {
        let path = dir.join(format!("{name}.mtx"));
        std::fs::write(&path, text).unwrap();
        let (line, field, message) = parse_error(read_mtx(&path), &path);
        assert_eq!((line, field.as_deref()), (want_line, Some(want_field)), "{name}: {message}");
    }
}

#[test]
fn mtx_reads_gzip_by_magic_bytes_not_name() {
    let json = io_fixture();
    let gz = json["mtx"].as_array().unwrap().iter().find(|e| e["name"] == "awkward_reals_gz").unwrap();
    let dir = temp_dir("mtx-gz");
    let renamed = dir.join("no_extension");
    std::fs::copy(fixture_path(gz), &renamed).unwrap();
    let plain = read_mtx(&path("io/mtx/awkward_reals.mtx")).unwrap();
    assert_eq!(read_mtx(&renamed).unwrap(), plain);
    assert_eq!(float(&gz["read"]["values"][0]), 1e-300);
}
