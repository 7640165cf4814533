//! A local mock of TMDB for the tests: loopback only (127.0.0.1, port 0), hand-written HTTP/1.1
//! over `std::net` with keep-alive, serving responses in TMDB's format built from the bundled
//! real crawl (`paritoshgoyal_movies_for_posters`, 1,653 movies), with injectable faults.
//!
//! Every request is logged with its arrival time, so tests measure the client's rate where it
//! matters: at the server. Connection threads end after `IDLE` without a request; the accept
//! loop ends when the server is dropped.
//!
//! Switches for hostile servers (issue 14): per-request faults ([`Fault`]: huge `Retry-After`
//! values through `Status`, a body cut short with a matching length, a 10 GB announced body, an
//! endless one), and in [`MockConfig`]: every image refused with one status, real posters
//! instead of tiny ones, a forced `total_pages`, and forced `poster_path`s.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod routes;

use routes::route;
pub use routes::{discover, genre_list_body, page_body, real_poster, tutorial_movies};

/// How long a kept-alive connection may sit idle before its thread ends.
const IDLE: Duration = Duration::from_secs(5);
/// TMDB's page size.
pub const PAGE: usize = 20;
/// TMDB's 19 movie genres (2017), plus the 10769 "Foreign" the old crawls carry.
pub const GENRES: &[(u32, &str)] = &[
    (28, "Action"),
    (12, "Adventure"),
    (16, "Animation"),
    (35, "Comedy"),
    (80, "Crime"),
    (99, "Documentary"),
    (18, "Drama"),
    (10751, "Family"),
    (14, "Fantasy"),
    (36, "History"),
    (27, "Horror"),
    (10402, "Music"),
    (9648, "Mystery"),
    (10749, "Romance"),
    (878, "Science Fiction"),
    (10770, "TV Movie"),
    (53, "Thriller"),
    (10752, "War"),
    (37, "Western"),
];

/// One injected misbehaviour.
#[derive(Debug, Clone)]
pub enum Fault {
    /// This status with a TMDB error body, and a `Retry-After` value if given.
    Status(u16, Option<&'static str>),
    /// Answer correctly, but only after this long.
    Slow(Duration),
    /// Close the connection without answering.
    Reset,
    /// Announce the full Content-Length, send half the body, close.
    Truncated,
    /// A complete 200 response whose JSON body is cut off.
    Malformed,
    /// A complete 200 response (Content-Length matching) of only the first bytes of the body.
    CutBody(usize),
    /// A 200 that announces a 10 GB body, sends a little of it and closes.
    HugeLength,
    /// A 200 without a Content-Length that streams `n` bytes of whitespace, then closes.
    Endless(usize),
    /// A correct 200 whose body arrives one byte per interval (each read is quick; the whole
    /// body takes `len × interval`).
    Drip(Duration),
    /// A 302 to this URL (another host, or this one), with a small body.
    Redirect(String),
}

/// What the server serves and how it misbehaves.
#[derive(Default)]
pub struct MockConfig {
    pub api_key: String,
    /// Faults served, in order, to the first requests for a key (`path?sorted query`, no key).
    pub faults: HashMap<String, Vec<Fault>>,
    /// Poster file names (`abc.jpg`) that are always served as an HTML page.
    pub not_images: HashSet<String>,
    /// Also inject `cycle[k % len]` into every `every`-th request (counted over all requests).
    pub every: Option<(usize, Vec<Fault>)>,
    /// Answer every image request with this status (401, 403: the image host refusing).
    pub deny_images: Option<u16>,
    /// Serve a real w185 poster (16.8 KB, from fixtures/posters) for every image.
    pub real_posters: bool,
    /// Put this value in every results page's `total_pages`.
    pub total_pages: Option<Value>,
    /// Replace the `poster_path` of these movie ids in every response.
    pub poster_paths: HashMap<u64, Value>,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub at: Instant,
    /// `path?sorted query` without the key.
    pub key: String,
    /// The raw request target and headers as received (to check where the key travels).
    pub raw: String,
}

struct State {
    config: MockConfig,
    movies: Vec<Value>,
    hits: Mutex<Vec<Hit>>,
    served_faults: Mutex<HashMap<String, usize>>,
    injected: AtomicUsize,
    image_base: String,
}

pub struct MockServer {
    pub port: u16,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl MockServer {
    pub fn start(config: MockConfig) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut movies = tutorial_movies();
        for m in &mut movies {
            if let Some(path) = m["id"].as_u64().and_then(|id| config.poster_paths.get(&id)) {
                m["poster_path"] = path.clone();
            }
        }
        let state = Arc::new(State {
            config,
            movies,
            hits: Mutex::new(Vec::new()),
            served_faults: Mutex::new(HashMap::new()),
            injected: AtomicUsize::new(0),
            image_base: format!("http://127.0.0.1:{port}/t/p"),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (Arc::clone(&state), Arc::clone(&stop));
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let s = Arc::clone(&s);
                    std::thread::spawn(move || serve(stream, &s));
                }
            }
        });
        MockServer { port, state, stop, accept: Some(accept) }
    }

    pub fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}/3", self.port)
    }

    pub fn image_base(&self) -> String {
        self.state.image_base.clone()
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    pub fn hit_count(&self) -> usize {
        self.state.hits.lock().unwrap().len()
    }

    /// Faults served so far.
    pub fn injected(&self) -> usize {
        self.state.injected.load(Ordering::SeqCst)
    }

    /// The most requests that arrived within any window of length `window`.
    pub fn max_in_window(&self, window: Duration) -> usize {
        let mut t: Vec<Instant> = self.hits().iter().map(|h| h.at).collect();
        t.sort();
        let mut best = 0;
        let mut lo = 0;
        for hi in 0..t.len() {
            while t[hi] - t[lo] >= window {
                lo += 1;
            }
            best = best.max(hi - lo + 1);
        }
        best
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

/// Serve requests on one connection until it closes, idles out, or a fault closes it.
fn serve(stream: TcpStream, state: &State) {
    stream.set_read_timeout(Some(IDLE)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => head.push_str(&line),
            }
        }
        let at = Instant::now();
        let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let mut params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), decode(v))
            })
            .collect();
        let api_key = params.iter().find(|(k, _)| k == "api_key").map(|(_, v)| v.clone());
        params.retain(|(k, _)| k != "api_key");
        params.sort();
        let pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let key = if pairs.is_empty() { path.to_string() } else { format!("{path}?{}", pairs.join("&")) };
        let n = {
            let mut hits = state.hits.lock().unwrap();
            hits.push(Hit { at, key: key.clone(), raw: head.clone() });
            hits.len()
        };
        let fault = next_fault(state, &key, n);
        if fault.is_some() {
            state.injected.fetch_add(1, Ordering::SeqCst);
        }
        let bearer = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("authorization: Bearer ").or(l.strip_prefix("Authorization: Bearer "))
            })
            .map(|s| s.trim().to_string());
        let authorized = path.starts_with("/t/p/")
            || api_key.as_deref() == Some(&state.config.api_key)
            || bearer.as_deref() == Some(&state.config.api_key);
        let (status, content_type, body) = if authorized {
            route(state, path, &params)
        } else {
            let body = json!({"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.", "success": false});
            (401, "application/json", body.to_string().into_bytes())
        };
        let keep = match fault {
            None => respond(&mut out, status, content_type, &body, None),
            Some(Fault::Status(code, retry_after)) => {
                let body = json!({"status_code": 25, "status_message": "injected fault"}).to_string();
                respond(&mut out, code, "application/json", body.as_bytes(), retry_after)
            }
            Some(Fault::Slow(d)) => {
                std::thread::sleep(d);
                respond(&mut out, status, content_type, &body, None)
            }
            Some(Fault::Reset) => false,
            Some(Fault::Truncated) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(head.as_bytes()).and_then(|_| out.write_all(&body[..body.len() / 2]));
                false
            }
            Some(Fault::Malformed) => respond(&mut out, 200, content_type, &body[..body.len() / 3], None),
            Some(Fault::CutBody(n)) => respond(&mut out, 200, content_type, &body[..n.min(body.len())], None),
            Some(Fault::HugeLength) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: 10000000000\r\n\r\n"
                );
                let _ = out.write_all(head.as_bytes()).and_then(|_| out.write_all(&body));
                false
            }
            Some(Fault::Drip(every)) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let mut sent = out.write_all(head.as_bytes()).and_then(|_| out.flush());
                for byte in &body {
                    if sent.is_err() {
                        break;
                    }
                    std::thread::sleep(every);
                    sent = out.write_all(std::slice::from_ref(byte)).and_then(|_| out.flush());
                }
                false
            }
            Some(Fault::Redirect(location)) => {
                let body =
                    json!({"page": 1, "results": [], "total_pages": 1, "total_results": 0}).to_string();
                let head = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\n\r\n",
                    body.len()
                );
                out.write_all(head.as_bytes()).and_then(|_| out.write_all(body.as_bytes())).is_ok()
            }
            Some(Fault::Endless(n)) => {
                let head =
                    format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n");
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = out.write_all(head.as_bytes()).map(|_| 0);
                while let Ok(k) = sent {
                    if k >= n {
                        break;
                    }
                    sent = out.write_all(&chunk).map(|_| k + chunk.len());
                }
                false
            }
        };
        if !keep {
            let _ = out.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

fn next_fault(state: &State, key: &str, n: usize) -> Option<Fault> {
    let mut served = state.served_faults.lock().unwrap();
    let count = served.entry(key.to_string()).or_default();
    if let Some(fault) = state.config.faults.get(key).and_then(|f| f.get(*count)) {
        *count += 1;
        return Some(fault.clone());
    }
    let (every, cycle) = state.config.every.as_ref()?;
    n.is_multiple_of(*every).then(|| cycle[(n / every) % cycle.len()].clone())
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    retry_after: Option<&str>,
) -> bool {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(s) = retry_after {
        head.push_str(&format!("Retry-After: {s}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes()).and_then(|_| out.write_all(body)).and_then(|_| out.flush()).is_ok()
}

/// Percent-decoding of a query value (`+` is a space).
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
