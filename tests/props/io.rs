//! Round trips through the file formats: what is written reads back exactly.

use std::path::PathBuf;

use cinegenre::io::{NpyData, read_mtx, read_npy, write_mtx, write_npy};
use cinegenre::matrix::CsrMatrix;
use proptest::prelude::*;

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinegenre-props-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Shapes of 0 to 3 dimensions, each 0..5 long.
fn shapes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..5, 0..=3)
}

fn count(shape: &[usize]) -> usize {
    shape.iter().product()
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn npy_f64_round_trip(shape in shapes(), data in prop::collection::vec(any::<f64>(), 64)) {
        let data = &data[..count(&shape)];
        let path = temp_file("f64.npy");
        write_npy(&path, &shape, data).unwrap();
        let back = read_npy(&path).unwrap();
        prop_assert_eq!(&back.shape, &shape);
        let NpyData::F64(got) = back.data else { panic!("not f64") };
        prop_assert_eq!(bits(&got), bits(data));
    }

    #[test]
    fn npy_f32_i64_u8_round_trip(shape in shapes(), f in prop::collection::vec(any::<f32>(), 64),
                                 i in prop::collection::vec(any::<i64>(), 64), u in prop::collection::vec(any::<u8>(), 64)) {
        let n = count(&shape);
        let path = temp_file("mixed.npy");
        write_npy(&path, &shape, &f[..n]).unwrap();
        let back = read_npy(&path).unwrap();
        prop_assert_eq!(&back.shape, &shape);
        let NpyData::F32(got) = back.data else { panic!("not f32") };
        prop_assert_eq!(got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), f[..n].iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        write_npy(&path, &shape, &i[..n]).unwrap();
        prop_assert_eq!(read_npy(&path).unwrap().data, NpyData::I64(i[..n].to_vec()));
        write_npy(&path, &shape, &u[..n]).unwrap();
        prop_assert_eq!(read_npy(&path).unwrap().data, NpyData::U8(u[..n].to_vec()));
    }

    #[test]
    fn mtx_round_trip_keeps_every_value(x in csr_matrices()) {
        let path = temp_file("x.mtx");
        write_mtx(&path, &x).unwrap();
        let back = read_mtx(&path).unwrap();
        prop_assert_eq!(back.shape(), x.shape());
        // Dense comparison with `==`: a symmetric matrix is stored as its lower triangle, so
        // upper-triangle explicit zeros and the sign of mirrored zeros are not kept.
        prop_assert_eq!(back.to_dense(), x.to_dense());
    }
}

/// Finite doubles of every magnitude, with many exact zeros and repeated values.
fn values() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<f64>().prop_filter("finite", |v| v.is_finite()),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => (-3i32..4).prop_map(f64::from),
        1 => Just(f64::INFINITY),
    ]
}

/// Random CSR matrices up to 7 × 7, rows with distinct but unsorted columns; half of the square
/// ones are made symmetric or skew-symmetric so that every symmetry branch of the writer runs.
fn csr_matrices() -> impl Strategy<Value = CsrMatrix> {
    (0usize..8, 0usize..8, 0u8..4, prop::collection::vec((0usize..8, 0usize..8, values()), 0..40)).prop_map(
        |(rows, cols, mode, entries)| {
            let square = mode > 0;
            let cols = if square { rows } else { cols };
            let mut dense = vec![None::<f64>; rows * cols];
            for (i, j, v) in entries {
                if i >= rows || j >= cols {
                    continue;
                }
                dense[i * cols + j] = Some(v);
                if square && mode >= 2 && i != j {
                    let mirrored = if mode == 3 { -v } else { v };
                    dense[j * cols + i] = Some(mirrored);
                }
                if square && mode == 3 && i == j {
                    dense[i * cols + j] = Some(0.0);
                }
            }
            let mut indptr = vec![0];
            let (mut indices, mut data) = (Vec::new(), Vec::new());
            for i in 0..rows {
                // Reverse column order: unsorted indices, as CountVectorizer produces.
                for j in (0..cols).rev() {
                    if let Some(v) = dense[i * cols + j] {
                        indices.push(j as u32);
                        data.push(v);
                    }
                }
                indptr.push(data.len());
            }
            CsrMatrix::from_parts(rows, cols, indptr, indices, data).unwrap()
        },
    )
}
