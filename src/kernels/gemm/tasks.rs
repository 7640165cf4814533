//! How the CPU drivers ([`simd`](super::simd), [`pairs`](super::pairs), [`amx`](super::amx))
//! share C between threads: C's tiles are cut into rectangles of tiles ([`Task`]), each
//! written by one thread only, through a shared raw pointer ([`SharedC`]).
//!
//! ```text
//! m_panels × n_panels tiles  ──plan──▶  ≈ 4 tasks per thread: rows first (≤ 4 panels each),
//!                                        then columns when rows alone are too few
//! ```
//! A batch of 64 rows is five 14-row panels: cutting columns too keeps both cores busy.

use std::ops::Range;

use rayon::prelude::*;

use super::problem::Epilogue;
use crate::backend::Par;

/// Most row panels per task (its C block stays in L2 across k-slices).
const MAX_PANELS_PER_TASK: usize = 4;
/// Tasks per thread aimed for, so uneven tasks still balance.
const TASKS_PER_THREAD: usize = 4;

/// A rectangle of tiles of C one thread computes.
pub(super) struct Task {
    pub(super) row_panels: Range<usize>,
    pub(super) col_panels: Range<usize>,
}

/// The threads `par` runs on.
pub(super) fn threads(par: Par) -> usize {
    match par {
        Par::Seq => 1,
        Par::Rayon => rayon::current_num_threads(),
    }
}

/// Cut `m_panels × n_panels` tiles into about [`TASKS_PER_THREAD`] tasks per thread: rows
/// first (up to [`MAX_PANELS_PER_TASK`] panels each), then columns if rows alone are too few.
pub(super) fn plan(m_panels: usize, n_panels: usize, par: Par) -> Vec<Task> {
    let threads = threads(par);
    let want = if threads == 1 { 1 } else { threads * TASKS_PER_THREAD };
    let rows_per_task = m_panels.div_ceil(want).clamp(1, MAX_PANELS_PER_TASK);
    let row_tasks = m_panels.div_ceil(rows_per_task);
    let col_groups = want.div_ceil(row_tasks).clamp(1, n_panels);
    let cols_per_task = n_panels.div_ceil(col_groups);
    let mut tasks = Vec::with_capacity(row_tasks * col_groups);
    for r0 in (0..m_panels).step_by(rows_per_task) {
        for c0 in (0..n_panels).step_by(cols_per_task) {
            tasks.push(Task {
                row_panels: r0..m_panels.min(r0 + rows_per_task),
                col_panels: c0..n_panels.min(c0 + cols_per_task),
            });
        }
    }
    tasks
}

/// Run `work` on every task, in order or over rayon's pool.
pub(super) fn run(par: Par, tasks: &[Task], work: impl Fn(&Task) + Sync) {
    match par {
        Par::Seq => tasks.iter().for_each(work),
        Par::Rayon => tasks.par_iter().for_each(&work),
    }
}

/// Fill `dst` as consecutive panels of `len` elements, `fill(index, panel)`, in order or over
/// rayon's pool.
pub(super) fn fill_panels<E: Send>(
    par: Par,
    dst: &mut [E],
    len: usize,
    fill: impl Fn((usize, &mut [E])) + Sync + Send,
) {
    match par {
        Par::Seq => dst.chunks_mut(len).enumerate().for_each(fill),
        Par::Rayon => dst.par_chunks_mut(len).enumerate().for_each(fill),
    }
}

/// The products with nothing to compute: C is empty, or k = 0 and C = act(0 + bias). True when
/// C is done.
pub(super) fn trivial(m: usize, n: usize, k: usize, epilogue: &Epilogue<'_>, c: &mut [f32]) -> bool {
    if m == 0 || n == 0 {
        return true;
    }
    if k > 0 {
        return false;
    }
    for row in c.chunks_mut(n) {
        for (j, x) in row.iter_mut().enumerate() {
            *x = epilogue.apply(j, 0.0);
        }
    }
    true
}

/// A pointer to C shared by tasks that write disjoint tiles.
#[derive(Clone, Copy)]
pub(super) struct SharedC(*mut f32);

// SAFETY: tasks write disjoint tiles of C (see `plan` and its callers), so sharing the pointer
// across threads creates no data race.
unsafe impl Send for SharedC {}
// SAFETY: as above.
unsafe impl Sync for SharedC {}

impl SharedC {
    pub(super) fn new(c: &mut [f32]) -> SharedC {
        SharedC(c.as_mut_ptr())
    }

    /// Element `at` of C (a method, so closures capture the whole `Sync` wrapper).
    ///
    /// # Safety
    /// `at` is inside C.
    pub(super) unsafe fn at(self, at: usize) -> *mut f32 {
        // SAFETY: the caller keeps `at` inside C.
        unsafe { self.0.add(at) }
    }
}

/// Apply the epilogue to the finished `rows × cols` tile at `ct` (row stride `ldc`) whose first
/// column is column `j0` of C.
///
/// # Safety
/// The tile lies inside C and no other thread touches it meanwhile.
pub(super) unsafe fn finish_tile(
    ct: *mut f32,
    ldc: usize,
    (rows, cols): (usize, usize),
    j0: usize,
    epilogue: &Epilogue<'_>,
) {
    for r in 0..rows {
        // SAFETY: row r of the tile is inside C and owned by the caller (see above).
        let row = unsafe { std::slice::from_raw_parts_mut(ct.add(r * ldc), cols) };
        for (jj, x) in row.iter_mut().enumerate() {
            *x = epilogue.apply(j0 + jj, *x);
        }
    }
}
