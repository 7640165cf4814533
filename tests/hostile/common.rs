//! The harness: one lock, scratch folders, the allocation measurement and its bound, and the
//! byte mutations the proptests apply to fixtures.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use proptest::prelude::*;

pub use crate::scratch::ScratchDir;
use crate::{CURRENT, PEAK};

/// A reader that takes longer than this on a fixture-sized input hangs (quadratic or worse).
/// Generous: the machine is shared with other builds.
pub const SLOW: Duration = Duration::from_secs(10);

/// Fixed allocations any reader may make whatever its input: read buffers (word2vec 4 MiB,
/// text 1 MiB, gzip 64 KiB), rayon and thread bookkeeping, an 8 MiB CSR row-pointer floor.
pub const CONSTANT: usize = 24 << 20;

/// Serialise the tests of this binary: a measurement must see only its own allocations.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fresh folder for one test, removed when dropped.
pub fn scratch(name: &str) -> ScratchDir {
    ScratchDir::new("hostile", name)
}

/// A file of `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// Run `f` and return its result with the peak of live heap bytes above the start.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = CURRENT.load(std::sync::atomic::Ordering::Relaxed);
    PEAK.store(base, std::sync::atomic::Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(base);
    (out, peak)
}

/// The most a reader may allocate: `per_byte` · input bytes + `fixed`.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub per_byte: usize,
    pub fixed: usize,
}

impl Bound {
    /// `per_byte` · input + [`CONSTANT`].
    pub const fn input(per_byte: usize) -> Bound {
        Bound { per_byte, fixed: CONSTANT }
    }
}

/// Write `bytes` to `path`, run `read` on it, and check: it returns within [`SLOW`], an error
/// names the file, and the allocation peak is within `bound`.
pub fn check_reader<T: Debug, E: std::fmt::Display>(
    label: &str,
    path: &Path,
    bytes: &[u8],
    bound: Bound,
    read: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<(), TestCaseError> {
    std::fs::write(path, bytes).unwrap();
    let start = Instant::now();
    let (result, peak) = measure(|| read(path));
    let took = start.elapsed();
    prop_assert!(took < SLOW, "{label}: {} bytes took {took:?}", bytes.len());
    if std::env::var_os("HOSTILE_VERBOSE").is_some() {
        let ok = if result.is_ok() { "ok " } else { "err" };
        eprintln!(
            "{label}: {ok} {:>8} bytes  peak {peak:>10}  {:>8.1} per byte  {took:?}",
            bytes.len(),
            peak as f64 / bytes.len().max(1) as f64
        );
    }
    let bound = bound.per_byte * bytes.len() + bound.fixed;
    prop_assert!(peak <= bound, "{label}: {} bytes peaked at {peak} bytes (bound {bound})", bytes.len());
    if let Err(e) = &result {
        let message = e.to_string();
        let name = path.file_name().unwrap().to_string_lossy();
        prop_assert!(message.contains(name.as_ref()), "{label}: the error does not name the file: {message}");
    }
    Ok(())
}

/// One change to a file's bytes; positions wrap around the length.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Overwrite one byte.
    Byte(usize, u8),
    /// Cut the file there.
    Truncate(usize),
    /// Replace the run of ASCII digits at or after the position with this number (sizes in
    /// text headers: mtx, word2vec, npy shapes, safetensors JSON).
    Number(usize, u64),
    /// Overwrite `n` bytes with 0xFF (binary sizes, offsets and addresses).
    Ones(usize, usize),
    /// Insert bytes.
    Insert(usize, Vec<u8>),
    /// Delete `n` bytes.
    Delete(usize, usize),
}

fn position() -> impl Strategy<Value = usize> {
    // Headers are where sizes live: most mutations hit the first 512 bytes.
    prop_oneof![3 => 0usize..512, 1 => any::<usize>()]
}

fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..1000,
        Just(u64::from(u32::MAX) + 1),
        Just(4_611_686_018_427_387_904),
        Just(u64::MAX),
        any::<u64>(),
    ]
}

/// 1 to 3 mutations.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (position(), any::<u8>()).prop_map(|(p, b)| Mutation::Byte(p, b)),
        position().prop_map(Mutation::Truncate),
        (position(), number()).prop_map(|(p, n)| Mutation::Number(p, n)),
        (position(), 1usize..9).prop_map(|(p, n)| Mutation::Ones(p, n)),
        (position(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (position(), 1usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
    ];
    prop::collection::vec(one, 1..4)
}

/// `bytes` with `mutations` applied in order.
pub fn apply(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let len = out.len().max(1);
        match m {
            Mutation::Byte(p, b) => {
                if let Some(x) = out.get_mut(p % len) {
                    *x = *b;
                }
            }
            Mutation::Truncate(p) => out.truncate(p % len),
            Mutation::Number(p, n) => {
                let from = (p % len).min(out.len());
                if let Some(start) = out[from..].iter().position(u8::is_ascii_digit).map(|i| from + i) {
                    let end = out[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .map_or(out.len(), |i| start + i);
                    out.splice(start..end, n.to_string().into_bytes());
                }
            }
            Mutation::Ones(p, n) => {
                let start = (p % len).min(out.len());
                let end = (start + n).min(out.len());
                out[start..end].fill(0xFF);
            }
            Mutation::Insert(p, b) => {
                let at = (p % len).min(out.len());
                out.splice(at..at, b.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let start = (p % len).min(out.len());
                let end = (start + n).min(out.len());
                out.drain(start..end);
            }
        }
    }
    out
}

#[test]
fn harness_measures_the_peak_of_an_allocation_and_not_before_it() {
    let _serial = serial();
    let held = vec![1u8; 4 << 20];
    let (sum, peak) = measure(|| {
        let big = vec![1u8; 10 << 20];
        big.iter().map(|&b| u64::from(b)).sum::<u64>()
    });
    assert_eq!(sum, 10 << 20);
    // The tests of this binary that measure nothing do not take the lock, so one of them may
    // free a few bytes between the start and the peak (CI once saw 10 MiB − 16): 64 KiB of
    // slack below, still far from the 4 MiB held before the measurement began.
    assert!(((10 << 20) - (64 << 10)..11 << 20).contains(&peak), "measured {peak} for a 10 MiB vector");
    drop(held);
}

/// The names in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
