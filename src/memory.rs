//! Large buffers on transparent huge pages: a zeroed `Vec` whose pages Linux is asked to back
//! with 2 MiB pages rather than 4 KiB ones, as numpy does for its arrays.
//!
//! ```text
//! bytes ≥ HUGE_FROM (4 MiB):  reserve len (+ 2 MiB), madvise(MADV_HUGEPAGE) on its whole pages,
//!                             then write the zeros (the first touch faults in 2 MiB pages)
//! else:                       vec![0; len]
//! ```
//!
//! Why: a GEMM reads its operands a panel at a time, and a panel's rows lie one row stride
//! apart — at n = 4096, 16 KiB, so every row of A, B or C it touches is on a page of its own.
//! A 4096² f32 matrix spans 16,384 pages of 4 KiB, more than the second-level TLB holds (2,048
//! entries on Sapphire Rapids), and each miss is a page walk — in a virtual machine a
//! two-level one. On 2 MiB pages the same matrix is 32 pages. numpy madvises every array of
//! 4 MiB or more this way (its `hugepage` allocator setting, on by default on Linux), so when
//! `tools/bench_gemm_vs_numpy.py` times OpenBLAS, OpenBLAS reads huge pages; `cinegenre bench
//! gemm` allocates its matrices here so that the two sides are timed on the same kind of
//! memory. Measured on a 2-core Intel Xeon VM with AMX (THP mode `madvise`), `cinegenre bench
//! gemm` at n = 2048 / 4096, 2 threads, two alternated runs: 298–304 / 296–300 GFLOP/s on
//! 4 KiB pages, 311–314 / 305–307 on huge pages. The scratch buffers VGG16 keeps between
//! passes grow through [`grow`]: its conv base at batch 8 went from 59.8–60.5 to 61.9–62.0
//! images/s in bf16 and from 16.8–17.3 to 17.5–17.6 in f32 (with the GEMM's panels of B on
//! cache lines, `kernels::gemm`; two alternated `bench vgg` runs).
//!
//! The advice is only advice: where transparent huge pages are off (`never`), off Linux, or
//! when the kernel finds no free 2 MiB page, the buffer is an ordinary one and nothing else
//! changes. The values are the same either way; only the page size differs.
//!
//! Cost: one pass writing the zeros (a `vec![0; len]` would defer them to the first touch),
//! and up to 2 MiB of address space reserved beyond `len` so that the buffer's last huge page
//! is whole.
//!
//! ```
//! let buffer: Vec<f32> = cinegenre::memory::zeroed(3 << 20); // 12 MiB: advised
//! assert_eq!(buffer.len(), 3 << 20);
//! assert!(buffer.iter().all(|&x| x == 0.0));
//! let small: Vec<u16> = cinegenre::memory::zeroed(10); // below HUGE_FROM: a plain vec!
//! assert_eq!(small, vec![0; 10]);
//! ```

use bytemuck::Zeroable;

/// Smallest buffer (in bytes) put on huge pages: numpy's threshold.
pub const HUGE_FROM: usize = 4 << 20;
/// A huge page on x86-64 Linux.
const HUGE_PAGE: usize = 2 << 20;
/// A base page.
const PAGE: usize = 4 << 10;

/// `len` zeros of `T`, on transparent huge pages when they take at least [`HUGE_FROM`] bytes
/// (module doc).
pub fn zeroed<T: Zeroable + Copy>(len: usize) -> Vec<T> {
    let bytes = len.saturating_mul(size_of::<T>());
    if bytes < HUGE_FROM {
        return vec![T::zeroed(); len];
    }
    let mut buffer = Vec::new();
    grow(&mut buffer, len);
    buffer
}

/// `buffer.resize(len, zero)` when `len` is longer (the values kept, the new ones zero), the
/// buffer moved onto huge pages when it must grow to [`HUGE_FROM`] bytes or more: for scratch
/// buffers kept between calls and grown to the largest size asked.
pub fn grow<T: Zeroable + Copy>(buffer: &mut Vec<T>, len: usize) {
    if buffer.len() >= len {
        return;
    }
    if buffer.capacity() < len && len.saturating_mul(size_of::<T>()) >= HUGE_FROM {
        let mut bigger: Vec<T> = Vec::with_capacity(len + HUGE_PAGE / size_of::<T>().max(1));
        advise_huge(bigger.as_mut_ptr().cast(), bigger.capacity() * size_of::<T>());
        bigger.extend_from_slice(buffer);
        *buffer = bigger;
    }
    buffer.resize(len, T::zeroed());
}

/// Ask Linux to back the whole pages of `bytes` bytes at `start` with huge pages.
#[cfg(target_os = "linux")]
fn advise_huge(start: *mut u8, bytes: usize) {
    use std::ffi::{c_int, c_void};
    /// `MADV_HUGEPAGE` from `<sys/mman.h>` (the same value on every Linux architecture).
    const MADV_HUGEPAGE: c_int = 14;
    unsafe extern "C" {
        /// madvise(2), from the C library that std already links on Linux.
        fn madvise(addr: *mut c_void, length: usize, advice: c_int) -> c_int;
    }
    let first = (start as usize).next_multiple_of(PAGE);
    let end = (start as usize + bytes) / PAGE * PAGE;
    if end > first {
        // SAFETY: [first, end) is page-aligned and lies inside this process's own allocation
        // of `bytes` bytes at `start`; MADV_HUGEPAGE changes no contents and no permissions,
        // and its failure (THP off, an old kernel) is harmless, so its result is ignored.
        unsafe { madvise(first as *mut c_void, end - first, MADV_HUGEPAGE) };
    }
}

/// Off Linux there is no advice to give.
#[cfg(not(target_os = "linux"))]
fn advise_huge(_start: *mut u8, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both sides of the threshold give `len` zeros and room for no fewer.
    #[test]
    fn zeroed_is_zeros_of_the_asked_length() {
        for len in [0, 1, HUGE_FROM / 4 - 1, HUGE_FROM / 4, HUGE_FROM / 4 + 12_345] {
            let buffer: Vec<f32> = zeroed(len);
            assert_eq!(buffer.len(), len);
            assert!(buffer.iter().all(|x| x.to_bits() == 0), "len {len}");
        }
        let bits: Vec<u16> = zeroed(HUGE_FROM);
        assert!(bits.len() == HUGE_FROM && bits.iter().all(|&b| b == 0));
    }

    /// Growing keeps the values and zeroes the new ones, below and across the threshold.
    #[test]
    fn grow_is_resize_with_zeros() {
        let mut buffer: Vec<f32> = (0..1000).map(|i| i as f32 + 0.5).collect();
        for len in [10, 1000, 5000, HUGE_FROM / 4 + 77] {
            let mut want = buffer.clone();
            want.resize(want.len().max(len), 0.0);
            grow(&mut buffer, len);
            assert_eq!(buffer, want, "len {len}");
        }
    }

    /// On Linux with THP available, an advised buffer is backed by huge pages once written
    /// (where `/sys/kernel/mm/transparent_hugepage/enabled` says `never`, there is nothing to
    /// check; the test says so rather than passing silently).
    #[cfg(target_os = "linux")]
    #[test]
    fn advised_buffer_is_on_huge_pages_where_thp_is_on() {
        let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").unwrap_or_default();
        if !mode.contains("[always]") && !mode.contains("[madvise]") {
            eprintln!("transparent huge pages are off here ({}): nothing to check", mode.trim());
            return;
        }
        let buffer: Vec<f32> = zeroed(16 << 20); // 64 MiB, written
        let start = buffer.as_ptr() as usize;
        let kib = huge_kib_in(start..start + buffer.len() * 4);
        // The kernel may be short of free 2 MiB pages; a quarter of the buffer is a floor
        // that a buffer left on 4 KiB pages (0 KiB) cannot reach.
        assert!(kib >= 16 << 10, "{kib} KiB of the 64 MiB buffer on huge pages");
    }

    /// KiB on anonymous huge pages in this process's mappings that overlap `range` (their
    /// `AnonHugePages` lines in `/proc/self/smaps`; madvise splits a mapping at the advised
    /// pages).
    #[cfg(target_os = "linux")]
    fn huge_kib_in(range: std::ops::Range<usize>) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let parse = |h: &str| usize::from_str_radix(h, 16).ok();
        let (mut inside, mut kib) = (false, 0);
        for line in smaps.lines() {
            // A mapping's header starts "lo-hi perms …" in hex; its fields follow, "Key: value".
            let first = line.split_whitespace().next().unwrap_or("");
            if let Some((Some(lo), Some(hi))) = first.split_once('-').map(|(lo, hi)| (parse(lo), parse(hi))) {
                inside = lo < range.end && range.start < hi;
            } else if let (true, Some(value)) = (inside, line.strip_prefix("AnonHugePages:")) {
                kib += value.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap_or(0);
            }
        }
        kib
    }
}
