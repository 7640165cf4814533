//! Issue 21, class 3: state and cache files (the TMDB `rate.json` and cache entries, the VGG
//! checkpoint, any `io::state` file) are regular files read with a bound, and never written
//! through a link: a link, a FIFO or `/dev/zero` in their place is refused or replaced at once,
//! never followed, never waited on.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cinegenre::io::state::{read_state, write_state};
use cinegenre::tmdb::{Cache, Lookup, RATE_FILE, RateLimit, TokenBucket};
use cinegenre::vgg::extract::FeatureIndex;

use crate::common::{scratch, serial};

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Run `f` on another thread and fail if it takes longer than 10 s (a blocked FIFO open).
fn within_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{what} blocked"))
}

#[test]
fn a_linked_rate_file_is_replaced_never_written_through() {
    let _serial = serial();
    let dir = scratch("rate-link");
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let outside = dir.join("precious.txt");
    std::fs::write(&outside, "do not touch").unwrap();
    std::os::unix::fs::symlink(&outside, cache.join(RATE_FILE)).unwrap();
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&warnings);
    let rate = RateLimit { requests: 40, window: Duration::from_secs(10) };
    let bucket = TokenBucket::remembering(
        rate,
        cache.join(RATE_FILE),
        Duration::from_secs(2),
        Arc::new(move |w: &str| sink.lock().unwrap().push(w.to_string())),
    );
    drop(bucket.acquire());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "do not touch", "written through the link");
    let meta = std::fs::symlink_metadata(cache.join(RATE_FILE)).unwrap();
    assert!(meta.is_file(), "rate.json is still a link");
    assert!(std::fs::read_to_string(cache.join(RATE_FILE)).unwrap().contains("arrived_by_unix_ms"));
    let warnings = warnings.lock().unwrap();
    assert!(warnings.iter().any(|w| w.contains("symbolic link")), "{warnings:?}");
}

#[test]
fn fifos_devices_and_links_in_place_of_state_files_never_block_or_grow() {
    let _serial = serial();
    let dir = scratch("state-fifo");
    // A FIFO as rate.json and as a cache entry: ignored with a warning, at once.
    let cache_dir = dir.join("cache");
    std::fs::create_dir_all(&cache_dir).unwrap();
    mkfifo(&cache_dir.join(RATE_FILE));
    let cache = Cache::open(&cache_dir).unwrap();
    let entry = cache_dir.read_dir().unwrap().count(); // rate.json only
    assert_eq!(entry, 1);
    cache.put("genre/movie/list", b"{}").unwrap();
    let stored = std::fs::read_dir(&cache_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with(RATE_FILE))
        .unwrap();
    std::fs::remove_file(&stored).unwrap();
    mkfifo(&stored);
    let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string());
    let lookup = within_seconds("a FIFO cache entry", move || {
        matches!(Cache::open(&cache_dir).unwrap().get("genre/movie/list", parse), Lookup::Corrupt(_))
    });
    assert!(lookup, "a FIFO cache entry was not reported");
    let rate_dir = dir.join("cache");
    let took = within_seconds("a FIFO rate.json", move || {
        let start = Instant::now();
        let rate = RateLimit { requests: 2, window: Duration::from_secs(1) };
        let bucket = TokenBucket::remembering(
            rate,
            rate_dir.join(RATE_FILE),
            Duration::from_secs(1),
            Arc::new(|_: &str| {}),
        );
        drop(bucket.acquire());
        start.elapsed()
    });
    assert!(took < Duration::from_secs(2), "{took:?}");

    // The VGG checkpoint: a FIFO and /dev/zero are errors, not a hang or gigabytes.
    let checkpoint = dir.join("F.npy.partial.json");
    mkfifo(&checkpoint);
    let message =
        within_seconds("a FIFO checkpoint", move || FeatureIndex::read(&checkpoint).unwrap_err().to_string());
    assert!(message.contains("a FIFO"), "{message}");
    let (result, peak) = crate::common::measure(|| read_state(Path::new("/dev/zero"), 1 << 20));
    assert!(result.unwrap_err().to_string().contains("a device"));
    assert!(peak < 1 << 20, "{peak} bytes allocated for /dev/zero");

    // A bounded read: one byte over the bound is an error naming the size.
    let big = dir.join("big.json");
    std::fs::write(&big, vec![b' '; 1025]).unwrap();
    assert!(read_state(&big, 1024).unwrap_err().to_string().contains("1025 bytes"));
    write_state(&big, b"{}").unwrap();
    assert_eq!(read_state(&big, 1024).unwrap().unwrap(), b"{}");
}
