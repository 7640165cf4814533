//! How often the host synchronised with the device, in every build: without the `gpu`
//! feature nothing submits or reads back, and the counts stay zero.

use std::cell::Cell;

/// How often the host synchronised with the device: queue submissions and readbacks (staging
/// buffers mapped). Each is a round trip through the driver, and a readback also waits for
/// the GPU to finish; resident loops keep both O(1) per epoch rather than per batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpuCounters {
    pub submits: u64,
    pub readbacks: u64,
}

impl GpuCounters {
    /// The counts of the calling thread alone (robust to other threads using the shared
    /// context, e.g. tests running in parallel): take two and subtract.
    pub fn this_thread() -> GpuCounters {
        THREAD_COUNTERS.with(Cell::get)
    }
}

impl std::ops::Sub for GpuCounters {
    type Output = GpuCounters;
    fn sub(self, rhs: GpuCounters) -> GpuCounters {
        GpuCounters { submits: self.submits - rhs.submits, readbacks: self.readbacks - rhs.readbacks }
    }
}

impl std::ops::AddAssign for GpuCounters {
    fn add_assign(&mut self, rhs: GpuCounters) {
        self.submits += rhs.submits;
        self.readbacks += rhs.readbacks;
    }
}

thread_local! {
    static THREAD_COUNTERS: Cell<GpuCounters> = const { Cell::new(GpuCounters { submits: 0, readbacks: 0 }) };
}

/// Add `n` to the calling thread's counts (the context counts every submission and readback).
#[cfg_attr(not(feature = "gpu"), allow(dead_code))]
pub(crate) fn count_on_this_thread(n: GpuCounters) {
    THREAD_COUNTERS.with(|c| {
        let mut now = c.get();
        now += n;
        c.set(now);
    });
}
