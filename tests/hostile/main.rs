//! Hostile and extreme input (issue 14): every reader on corrupt, truncated, mutated and
//! giant-header files returns `Ok` or a clean `Error` — never a panic, a hang, an allocation
//! beyond what the input can justify, or a NaN result.
//!
//! The binary counts every allocation (a `#[global_allocator]` wrapping the system one):
//! [`common::measure`] records the peak of live heap bytes while a reader runs, and the tests
//! assert `peak ≤ k · input bytes + constant` with `k` per reader (named constants). Any single
//! allocation request above [`HARD_CAP`] is refused, which aborts the process: a reader that
//! asks for gigabytes from a header fails the suite instead of swapping the machine. The tests
//! take one lock ([`common::serial`]) so that a measurement sees only its own allocations.
//!
//! One test per case, named after it: `sizes` (giant headers), `crafted` (HDF5 structures
//! that multiply one large object), `mutate` (proptest mutation of
//! every reader's fixtures), `nonfinite` (NaN/inf refused), `outputs` (several outputs, stale
//! temp files, full disk), `inputs` (FIFOs and folders among inputs, resume after a change);
//! issue 21: `clobber` (an output that is an input; one run per folder), `state` (state and
//! cache files: links, FIFOs, bounds), `trust` (damaged model parameters), `disk` (a
//! file-size limit, stale temp files, truncated images).

// The modules behind `cli` run the `cinegenre` binary or the TMDB cache, built only with that feature.
#[cfg(feature = "cli")]
mod clobber;
mod common;
mod crafted;
#[cfg(feature = "cli")]
mod disk;
mod inputs;
#[cfg(feature = "cli")]
#[path = "../common/movies.rs"]
mod movies;
mod mutate;
#[cfg(feature = "cli")]
mod mutate_state;
mod nonfinite;
mod outputs;
#[path = "../common/scratch.rs"]
mod scratch;
mod sizes;
#[cfg(feature = "cli")]
mod state;
#[cfg(feature = "cli")]
mod trust;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Refuse any one allocation above this (the process aborts): no reader here needs 2 GiB.
const HARD_CAP: usize = 2 << 30;

/// Live heap bytes, and the most seen since the last reset.
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting.
struct Counting;

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// Refuse a request above [`HARD_CAP`], else make it with `make` and count it.
fn counted(layout: Layout, make: impl FnOnce() -> *mut u8) -> *mut u8 {
    if layout.size() > HARD_CAP {
        return std::ptr::null_mut();
    }
    let p = make();
    if !p.is_null() {
        grew(layout.size());
    }
    p
}

// SAFETY: every call is forwarded to `System` with the caller's layout and pointer unchanged;
// the counters are plain atomics and never touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl).
        counted(layout, || unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see the impl).
        counted(layout, || unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > HARD_CAP {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged (see the impl).
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;
