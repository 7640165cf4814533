//! How the CPU drivers ([`simd`](super::simd), [`pairs`](super::pairs), [`amx`](super::amx))
//! share C between threads: C's tiles are cut into rectangles of tiles ([`Task`]), each
//! written by one thread only, through a shared raw pointer ([`SharedC`]).
//!
//! ```text
//! m_panels × n_panels tiles  ──plan──▶  row tasks of 1 to 4 panels, ≈ 64 per thread when
//!                                        there are that many; columns cut too when fewer
//!                                        than 4 row tasks per thread remain
//!                                        (≤ 6 row panels: one band, one column group per
//!                                        thread)
//! ```
//! Rayon hands tasks out as threads free up, so a thread idles at the end for at most one
//! task: small row tasks keep that tail short. At n = 512 the 37 row panels made ten 4-panel
//! tasks (20 panels on one core, 17 on the other); one panel per task raised the best of 6
//! interleaved runs from 194 / 195 / 199 to 202 / 201 / 202 GFLOP/s at n = 512 / 1024 / 2048
//! (2-core AMD EPYC Zen 4). Packing is unchanged by the cut: A is packed per row panel, B per
//! k-slice. A batch of 64 rows is five 14-row panels: one band of rows, its columns halved
//! between two threads, so that each B panel is packed once, by the task that uses it, in runs
//! of 16 panels (2 KiB of each row of a 1024-column B): the forward product of the poster MLP
//! took 25 ms so (best of 15), against 31 ms with 4-panel column groups (8 tasks), and
//! 32–35 ms before (five one-panel row tasks per column half: each packed slice of B read
//! five times).

use std::ops::Range;

use rayon::prelude::*;

use super::problem::Epilogue;
use crate::backend::Par;

/// Most row panels per task (its C block stays in L2 across k-slices).
const MAX_PANELS_PER_TASK: usize = 4;
/// Most row panels that make one band of rows, every task spanning them all (a batch of 64
/// rows is five 14-row panels).
const ONE_BAND_PANELS: usize = 6;
/// Row tasks per thread aimed for: many, so the last one each thread runs is short.
const ROW_TASKS_PER_THREAD: usize = 64;
/// Fewest tasks per thread before columns are cut too.
const MIN_TASKS_PER_THREAD: usize = 4;

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

/// Cut `m_panels × n_panels` tiles into tasks: rows first, about [`ROW_TASKS_PER_THREAD`] per
/// thread of 1 to [`MAX_PANELS_PER_TASK`] panels each, then columns if that leaves fewer than
/// [`MIN_TASKS_PER_THREAD`] tasks per thread. One thread: row tasks of
/// [`MAX_PANELS_PER_TASK`] panels, in order.
pub(super) fn plan(m_panels: usize, n_panels: usize, par: Par) -> Vec<Task> {
    plan_for(m_panels, n_panels, threads(par))
}

/// [`plan`] for a given number of threads.
fn plan_for(m_panels: usize, n_panels: usize, threads: usize) -> Vec<Task> {
    let (row_want, min_tasks) = match threads {
        1 => (1, 1),
        t => (t * ROW_TASKS_PER_THREAD, t * MIN_TASKS_PER_THREAD),
    };
    let rows_per_task = if m_panels <= ONE_BAND_PANELS {
        m_panels
    } else {
        m_panels.div_ceil(row_want).clamp(1, MAX_PANELS_PER_TASK)
    };
    let row_tasks = m_panels.div_ceil(rows_per_task);
    // One band of rows: one column group per thread, so that each task packs wide runs of
    // B's rows itself (simd::blocked); else enough groups for `min_tasks`.
    let col_groups = match row_tasks {
        1 => threads,
        _ => min_tasks.div_ceil(row_tasks),
    }
    .clamp(1, n_panels);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tile in exactly one task; row tasks of at most MAX_PANELS_PER_TASK panels; with
    /// several threads, about MIN_TASKS_PER_THREAD tasks each when there are that many tiles.
    #[test]
    fn plans_cover_every_tile_once_in_small_tasks() {
        for threads in [1, 2, 3, 8] {
            for m_panels in [1, 2, 5, 37, 74, 147, 600, 3584] {
                for n_panels in [1, 2, 16, 128] {
                    let tasks = plan_for(m_panels, n_panels, threads);
                    let mut seen = vec![0u8; m_panels * n_panels];
                    for t in &tasks {
                        let most = if m_panels <= ONE_BAND_PANELS { m_panels } else { MAX_PANELS_PER_TASK };
                        assert!(!t.row_panels.is_empty() && t.row_panels.len() <= most);
                        for i in t.row_panels.clone() {
                            for j in t.col_panels.clone() {
                                seen[i * n_panels + j] += 1;
                            }
                        }
                    }
                    assert!(seen.iter().all(|&c| c == 1), "{threads} threads, {m_panels} × {n_panels}");
                    if m_panels <= ONE_BAND_PANELS {
                        // One band of rows, one column group per thread.
                        assert_eq!(
                            tasks.len(),
                            threads.min(n_panels),
                            "{threads} threads, {m_panels} × {n_panels}"
                        );
                        continue;
                    }
                    // Cutting n_panels into equal groups may make fewer than asked (16 in
                    // groups of 2 for 12 asked), never fewer than half.
                    let want = (threads * MIN_TASKS_PER_THREAD).min(m_panels * n_panels);
                    if threads > 1 {
                        assert!(2 * tasks.len() >= want, "{} tasks for {m_panels} × {n_panels}", tasks.len());
                    }
                }
            }
        }
        // The case that motivated one-panel tasks: n = 512 at MR = 14 on two threads.
        assert!(plan_for(37, 16, 2).iter().all(|t| t.row_panels.len() == 1));
        // A batch of 64 rows (five panels) times 1,024 columns: one band, half the columns each.
        let batch: Vec<_> = plan_for(5, 32, 2).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(batch, [(0..5, 0..16), (0..5, 16..32)]);
    }
}
