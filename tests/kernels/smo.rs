//! The SMO loops on every SIMD level against the scalar reference: the same bits (values,
//! ties to the last index, signed zeros), on lengths around the 16-lane blocks; and whole SMO
//! solves that take the same path on every level.

use cinegenre::kernels::smo::{Active, Best, Bound, Selection, add_column, select, step};
use cinegenre::matrix::CsrMatrix;
use cinegenre::simd::SimdLevel;
use cinegenre::svm::Gram;
use cinegenre::svm::kernel::Rows;
use cinegenre::svm::smo::{SmoOptions, SmoProblem, solve};

use crate::common::values;

/// Active-set sizes: empty, under one block, the block ±1, several blocks and a tail.
const SIZES: [usize; 8] = [0, 1, 15, 16, 17, 48, 63, 301];

/// Values on a coarse grid (many exact ties), with signed zeros.
fn coarse(len: usize, seed: u64) -> Vec<f64> {
    values(len, seed)
        .iter()
        .map(|&v| if v.abs() < 0.1 { -0.0 } else { f64::from((v * 4.0).round()) / 4.0 })
        .collect()
}

/// One random problem of `a` active variables over a row of `n = a + 7`.
struct Case {
    row: Vec<f32>,
    index: Vec<u32>,
    ys: Vec<f32>,
    status: Vec<Bound>,
    g: Vec<f64>,
    qd: Vec<f64>,
    col_i: Vec<f32>,
}

fn case(a: usize, seed: u64) -> Case {
    let n = a + 7;
    let row = coarse(n, seed).iter().map(|&v| v as f32).collect();
    let pick = values(a, seed + 1);
    let index = pick.iter().map(|&v| (((v + 1.0) / 2.0 * n as f32) as u32).min(n as u32 - 1)).collect();
    let ys = values(a, seed + 2).iter().map(|&v| if v >= 0.0 { 1.0 } else { -1.0 }).collect();
    let status = values(a, seed + 3)
        .iter()
        .map(|&v| {
            if v < -0.3 {
                Bound::Lower
            } else if v < 0.3 {
                Bound::Upper
            } else {
                Bound::Free
            }
        })
        .collect();
    let g = coarse(a, seed + 4);
    let qd = coarse(a, seed + 5).iter().map(|v| v.abs() + 0.5).collect();
    let col_i = coarse(a, seed + 6).iter().map(|&v| v as f32).collect();
    Case { row, index, ys, status, g, qd, col_i }
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn best_bits(b: Best) -> (u64, Option<usize>) {
    (b.value.to_bits(), b.index)
}

#[test]
fn step_matches_reference_bitwise() {
    for a in SIZES {
        for seed in [1, 2, 3] {
            let c = case(a, seed * 100);
            let active = Active { index: &c.index, ys: &c.ys, status: &c.status };
            // A zero step keeps g on the coarse grid: many tied maxima.
            for (d_i, d_j) in [(0.25, -0.5), (0.0, 0.0)] {
                let run = |level| {
                    let mut g = c.g.clone();
                    let up = step(level, &c.row, -1.0, active, &c.col_i, d_i, d_j, &mut g);
                    (best_bits(up), bits64(&g))
                };
                let want = run(SimdLevel::Portable);
                for level in SimdLevel::supported() {
                    assert_eq!(run(level), want, "step, {level}, a = {a}, seed {seed}, Δα ({d_i}, {d_j})");
                }
            }
        }
    }
}

#[test]
fn select_matches_reference_bitwise() {
    for a in SIZES {
        for (seed, gmax) in [(1, 0.5), (2, -0.0), (3, 2.0)] {
            let c = case(a, seed * 1000);
            let active = Active { index: &c.index, ys: &c.ys, status: &c.status };
            let run = |level| {
                let mut col = vec![f32::NAN; a];
                let s: Selection = select(level, &c.row, 1.0, 1.0, gmax, active, &c.qd, &c.g, &mut col);
                (s.low.to_bits(), best_bits(s.j), bits32(&col))
            };
            let want = run(SimdLevel::Portable);
            for level in SimdLevel::supported() {
                assert_eq!(run(level), want, "select, {level}, a = {a}, seed {seed}");
            }
        }
    }
}

#[test]
fn add_column_matches_reference_bitwise() {
    for a in SIZES {
        let c = case(a, 7);
        let run = |level| {
            let mut out = c.g.clone();
            add_column(level, &c.row, -1.0, &c.index, &c.ys, 0.3, &mut out);
            bits64(&out)
        };
        let want = run(SimdLevel::Portable);
        for level in SimdLevel::supported() {
            assert_eq!(run(level), want, "add_column, {level}, a = {a}");
        }
    }
}

#[test]
fn an_index_outside_the_row_panics_on_every_level() {
    for level in SimdLevel::supported() {
        let mut c = case(40, 9);
        c.index[33] = c.row.len() as u32;
        let result = std::panic::catch_unwind(move || {
            add_column(level, &c.row, 1.0, &c.index, &c.ys, 1.0, &mut c.g);
        });
        assert!(result.is_err(), "{level}: no panic");
    }
}

/// Whole solves (300 noisy points, shrinking on and off) take the same path on every level.
#[test]
fn solves_are_identical_on_every_level() {
    let n = 300;
    let (x, y): (Vec<f64>, Vec<i8>) = {
        let v = values(3 * n, 5);
        let x = v[..2 * n].iter().map(|&a| f64::from(a)).collect();
        let y = (0..n)
            .map(|i| if f64::from(v[2 * n + i]) + f64::from(v[2 * i]) * 0.8 > 0.0 { 1 } else { -1 })
            .collect();
        (x, y)
    };
    let gram = Gram::new(&CsrMatrix::from_dense(n, 2, &x)).unwrap();
    for (c, shrinking) in [(0.01, true), (1.0, true), (10.0, false)] {
        let run = |simd| {
            let problem = SmoProblem {
                rows: Rows::Full(&gram),
                index: (0..n).collect(),
                y: y.clone(),
                c: vec![c; n],
                alpha: None,
            };
            let options = SmoOptions { shrinking, checkpoint_every: Some(7), simd, ..SmoOptions::default() };
            solve(problem, &options)
        };
        let want = run(SimdLevel::Portable);
        assert!(want.n_iter > 10, "C = {c}: only {} steps", want.n_iter);
        for level in SimdLevel::supported() {
            let got = run(level);
            assert_eq!(bits64(&got.alpha), bits64(&want.alpha), "{level}, C = {c}: α");
            assert_eq!(got.rho.to_bits(), want.rho.to_bits(), "{level}, C = {c}: ρ");
            assert_eq!(got.checkpoints, want.checkpoints, "{level}, C = {c}: checkpoints");
        }
    }
}
