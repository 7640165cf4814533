//! How the CPU drivers ([`simd`](super::simd), [`pairs`](super::pairs), [`amx`](super::amx))
//! share C between threads: C's tiles are cut into rectangles of tiles ([`Task`]), each
//! written by one thread only, through a shared raw pointer ([`SharedC`]).
//!
//! ```text
//! m_panels × n_panels tiles  ──plan──▶  ≤ 6 row panels, or A stored, k ≥ 256 and ≥ 4
//!                                        column panels per thread: one band of all the rows,
//!                                        one column group per thread
//!                                        else: row tasks of 1 to 4 panels, ≈ 64 per thread
//!                                        when there are that many (A stored: the last
//!                                        `threads` of them cut in column groups); columns cut
//!                                        everywhere when fewer than 4 row tasks per thread
//!                                        remain
//!            ──run──▶  each thread takes the next task of the plan as it frees up
//! ```
//! **A stored** (a packed panel is a copy:
//! [`PanelSource::stored`](super::panel::PanelSource::stored)): each thread computes every row
//! of its own columns, packing its columns of B itself, slice by slice, with no barrier
//! between packing and products ([`simd`](super::simd)); at n = 512 that half of B (512 KiB)
//! stays in the core's 1 MiB L2 for all 37 row panels. Each thread packs every A panel, which
//! is a copy of 28 KiB. Measured on a 2-core AMD EPYC Zen 4 (best of 5 interleaved runs,
//! `cinegenre bench gemm`): 168 → 189 GFLOP/s at n = 256, 205 → 214 at n = 512 (+2% to level
//! in later A/Bs, in a noisier hour), level (±1%) at 1024 / 2048 / 4096; bf16-dot 265 → 286
//! at 512. The same cut with A computed (im2col) lost 6–11% of VGG16's f32 rate: every thread
//! then computes every im2col panel; and with k = 64 (the poster MLP's weight gradient) it ran
//! 8–35% slower than row tasks, so shallower products keep them.
//!
//! **A computed** (im2col, Winograd), or a shallow product: row tasks, so each panel is packed
//! once. Tasks are handed out in the plan's order from a shared counter; with a stored A the
//! last row tasks are cut in column groups, so each thread ends with a short task (cutting a
//! computed A's would compute those panels twice: VGG16's bf16 rate fell ~2%). Rayon's
//! `par_iter` splits the list in halves instead: at n = 512 one core ran 19 row panels, the
//! other 18 (with row tasks, before the cut by columns, 203 → 209 GFLOP/s with the ordered
//! hand-out and the cut tail). One panel per task (rather than four) had raised n = 512 /
//! 1024 / 2048 from 194 / 195 / 199 to 202 / 201 / 202 GFLOP/s.
//!
//! **A short** (a batch of 64 rows is five 14-row panels): one band of rows, its columns
//! halved between two threads, so that each B panel is packed once, by the task that uses it,
//! in runs of 16 panels (2 KiB of each row of a 1024-column B): the forward product of the
//! poster MLP took 25 ms so (best of 15), against 31 ms with 4-panel column groups (8 tasks),
//! and 32–35 ms before (five one-panel row tasks per column half: each packed slice of B read
//! five times).

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// Fewest column panels per thread for a stored A to be cut by columns only.
const MIN_GROUP_PANELS: usize = 4;
/// Shallowest product (k) for a stored A to be cut by columns only: at k = 64 (the poster
/// MLP's weight gradient, 25088 × 1024 × 64) that cut ran 8–35% slower than row tasks.
const MIN_BAND_DEPTH: usize = 256;

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

/// Cut `m_panels × n_panels` tiles of a k-deep product into tasks. At most
/// [`ONE_BAND_PANELS`] row panels, or a stored A (`stored_a`) at least [`MIN_BAND_DEPTH`] deep
/// with at least [`MIN_GROUP_PANELS`] column panels per thread: one band of all the rows, one
/// column group per thread. Else rows first, about [`ROW_TASKS_PER_THREAD`] per thread of 1 to
/// [`MAX_PANELS_PER_TASK`] panels each (a stored A: the last `threads` of them cut in column
/// groups), or columns cut everywhere if that leaves fewer than [`MIN_TASKS_PER_THREAD`] tasks
/// per thread. One thread: row tasks of [`MAX_PANELS_PER_TASK`] panels, in order.
pub(super) fn plan(m_panels: usize, n_panels: usize, k: usize, par: Par, stored_a: bool) -> Vec<Task> {
    plan_for(m_panels, n_panels, k, threads(par), stored_a)
}

/// Whether the plan is one band of all the rows cut by columns only: a stored A costs a copy
/// per panel, so each thread can pack and keep its own columns of B, with no barrier and no
/// tail to even out.
fn by_columns(n_panels: usize, k: usize, threads: usize, stored_a: bool) -> bool {
    stored_a && threads > 1 && n_panels >= threads * MIN_GROUP_PANELS && k >= MIN_BAND_DEPTH
}

/// [`plan`] for a given number of threads.
fn plan_for(m_panels: usize, n_panels: usize, k: usize, threads: usize, stored_a: bool) -> Vec<Task> {
    let (row_want, min_tasks) = match threads {
        1 => (1, 1),
        t => (t * ROW_TASKS_PER_THREAD, t * MIN_TASKS_PER_THREAD),
    };
    let rows_per_task = if m_panels <= ONE_BAND_PANELS || by_columns(n_panels, k, threads, stored_a) {
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
    // The last `threads` row tasks of an uncut plan with a stored A are cut into one column
    // group per thread: handed out last (`run`), they even out the threads' finishing times.
    // A computed A is not cut: each cut panel would be computed once per group.
    let tail = match (col_groups, threads) {
        (1, t) if stored_a && t > 1 && row_tasks > t => t,
        _ => 0,
    };
    let mut tasks = Vec::with_capacity(row_tasks * col_groups + tail * threads);
    for (t, r0) in (0..m_panels).step_by(rows_per_task).enumerate() {
        let per = if t + tail >= row_tasks { n_panels.div_ceil(threads) } else { cols_per_task };
        for c0 in (0..n_panels).step_by(per) {
            tasks.push(Task {
                row_panels: r0..m_panels.min(r0 + rows_per_task),
                col_panels: c0..n_panels.min(c0 + per),
            });
        }
    }
    tasks
}

/// Run `work` on every task, in order, or over rayon's pool: one worker per thread takes the
/// next task in the plan's order as it frees up, so the short tasks of the plan's tail run
/// last. Called from inside a rayon task, the workers that find no free thread run after the
/// first has taken every task, and find none left.
pub(super) fn run(par: Par, tasks: &[Task], work: impl Fn(&Task) + Sync) {
    match par {
        Par::Seq => tasks.iter().for_each(work),
        Par::Rayon => {
            let next = AtomicUsize::new(0);
            (0..threads(par).min(tasks.len())).into_par_iter().for_each(|_| {
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    work(task);
                }
            })
        }
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

    /// Every tile in exactly one task; row tasks of at most MAX_PANELS_PER_TASK panels, or one
    /// band of all rows (a short A, or a stored A wide enough to cut by columns); with several
    /// threads, about MIN_TASKS_PER_THREAD tasks each when there are that many tiles.
    #[test]
    fn plans_cover_every_tile_once_in_small_tasks() {
        for threads in [1, 2, 3, 8] {
            for m_panels in [1, 2, 5, 37, 74, 147, 600, 3584] {
                for n_panels in [1, 2, 8, 16, 128] {
                    for (stored_a, k) in [(false, 512), (true, 64), (true, 512)] {
                        let case =
                            format!("{threads} threads, {m_panels} × {n_panels}, k {k}, stored A {stored_a}");
                        let tasks = plan_for(m_panels, n_panels, k, threads, stored_a);
                        let mut seen = vec![0u8; m_panels * n_panels];
                        let band = m_panels <= ONE_BAND_PANELS || by_columns(n_panels, k, threads, stored_a);
                        for t in &tasks {
                            let most = if band { m_panels } else { MAX_PANELS_PER_TASK };
                            assert!(!t.row_panels.is_empty() && t.row_panels.len() <= most, "{case}");
                            for i in t.row_panels.clone() {
                                for j in t.col_panels.clone() {
                                    seen[i * n_panels + j] += 1;
                                }
                            }
                        }
                        assert!(seen.iter().all(|&c| c == 1), "{case}");
                        if band {
                            // One band of rows, one column group per thread.
                            assert_eq!(tasks.len(), threads.min(n_panels), "{case}");
                            assert!(tasks.iter().all(|t| t.row_panels == (0..m_panels)), "{case}");
                            continue;
                        }
                        // Cutting n_panels into equal groups may make fewer than asked (16 in
                        // groups of 2 for 12 asked), never fewer than half.
                        let want = (threads * MIN_TASKS_PER_THREAD).min(m_panels * n_panels);
                        if threads > 1 {
                            assert!(2 * tasks.len() >= want, "{} tasks: {case}", tasks.len());
                        }
                    }
                }
            }
        }
        // n = 512 at MR = 14 on two threads, A computed (im2col): one-panel row tasks, each
        // panel computed once.
        let im2col: Vec<_> =
            plan_for(37, 16, 512, 2, false).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(im2col, (0..37).map(|i| (i..i + 1, 0..16)).collect::<Vec<_>>());
        // The same rows with A stored but only 64 deep: row tasks, the last two cut in column
        // halves to run last, so neither core ends a whole panel late.
        let shallow: Vec<_> =
            plan_for(37, 16, 64, 2, true).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(shallow.len(), 35 + 4);
        assert!(shallow[..35].iter().enumerate().all(|(i, t)| *t == (i..i + 1, 0..16)));
        assert_eq!(shallow[35..], [(35..36, 0..8), (35..36, 8..16), (36..37, 0..8), (36..37, 8..16)]);
        // The same product with A stored: one band, half the columns each.
        let stored: Vec<_> =
            plan_for(37, 16, 512, 2, true).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(stored, [(0..37, 0..8), (0..37, 8..16)]);
        // The poster MLP's weight gradient (25088 × 1024 × 64): A stored, but too shallow to
        // cut by columns.
        assert!(plan_for(1792, 32, 64, 2, true).iter().all(|t| t.row_panels.len() == MAX_PANELS_PER_TASK));
        // A batch of 64 rows (five panels) times 1,024 columns: one band, half the columns each.
        let batch: Vec<_> =
            plan_for(5, 32, 25088, 2, false).into_iter().map(|t| (t.row_panels, t.col_panels)).collect();
        assert_eq!(batch, [(0..5, 0..16), (0..5, 16..32)]);
    }
}
