//! `cinegenre fetch tmdb` as a child process: killed and resumed, bad key, bad output folder.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::mock::{MockConfig, MockServer};
use crate::{KEY, assert_key_absent_from, expected_ids, files_under, temp_dir, written_ids};

fn fetch(server: &MockServer, out: &Path, key: &str) -> Command {
    fetch_with(server, out, key, &[])
}

/// The test's `fetch tmdb` command line, with `overrides` replacing flags' values.
fn fetch_with(server: &MockServer, out: &Path, key: &str, overrides: &[(&str, &str)]) -> Command {
    let (api, image) = (server.api_base(), server.image_base());
    let mut flags = vec![
        ("--genres", "28,35,18"),
        ("--pages", "2"),
        ("--posters", "w185"),
        ("--rate", "40/0.5s"),
        ("--threads", "8"),
        ("--timeout", "2s"),
        ("--backoff", "10ms"),
        ("--api-base", api.as_str()),
        ("--image-base", image.as_str()),
    ];
    for &(flag, value) in overrides {
        match flags.iter_mut().find(|(f, _)| *f == flag) {
            Some(slot) => slot.1 = value,
            None => flags.push((flag, value)),
        }
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cinegenre"));
    cmd.args(["fetch", "tmdb"]);
    for (flag, value) in flags {
        cmd.args([flag, value]);
    }
    cmd.arg("--out").arg(out).env("TMDB_API_KEY", key).env_remove("TMDB_BEARER_TOKEN").stdin(Stdio::null());
    cmd
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn a_killed_run_resumes_to_the_same_dataset_and_the_key_stays_secret() {
    let whole = temp_dir("whole");
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let output = fetch(&server, &whole, KEY).output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let uninterrupted = server.hit_count();
    let movies = crate::mock::tutorial_movies();
    assert_eq!(written_ids(&whole), expected_ids(&movies, &[28, 35, 18], 2, &[], &[]));

    // Same plan, killed (SIGKILL) half way, then run again to the end.
    let resumed = temp_dir("resumed");
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let mut child =
        fetch(&server, &resumed, KEY).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.hit_count() < uninterrupted / 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before_kill = server.hit_count();
    assert!(before_kill < uninterrupted, "the run finished before it could be killed");
    assert!(!resumed.join("movies.jsonl").exists());
    let output = fetch(&server, &resumed, KEY).output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_key_absent_from(&whole);
    assert_key_absent_from(&resumed);
    assert!(!text(&output).contains(KEY));

    // Same movies.jsonl and posters; finished requests were not repeated (at most the 8 in
    // flight at the kill, and the genre list the rerun needs first, come again).
    let dataset = |dir: &Path| {
        let mut files = files_under(dir);
        files.retain(|(name, _)| name == "movies.jsonl" || name.starts_with("posters"));
        files
    };
    assert_eq!(dataset(&resumed), dataset(&whole));
    let repeated = server.hit_count() - uninterrupted;
    assert!(repeated <= 8 + 1, "{repeated} requests were repeated after the kill");

    // `cinegenre run --data DIR` reads the folder.
    let (loaded, _) = cinegenre::dataset::load_prepared(&[resumed.to_path_buf()]).unwrap();
    assert_eq!(loaded.len(), written_ids(&resumed).len());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(resumed.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["movies_written"], loaded.len());
    std::fs::remove_dir_all(&whole).unwrap();
    std::fs::remove_dir_all(&resumed).unwrap();
}

#[test]
fn a_bad_key_stops_with_one_sentence() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let out = temp_dir("badkey");
    let wrong = "wrong-key-0a9b8c7d";
    let output = fetch(&server, &out, wrong).arg("--quiet").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: TMDB API: the API key or bearer token was refused (HTTP 401)"),
        "{stderr}"
    );
    assert!(!text(&output).contains(wrong));
    assert_eq!(server.hit_count(), 1, "the run went on after a 401");
    assert!(!out.join("movies.jsonl").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn bad_output_folders_and_flags_are_named() {
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let dir = temp_dir("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let output = fetch(&server, &file.join("out"), KEY).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: ") && stderr.contains("a-file/out"), "{stderr}");
    for (flag, value, message) in [
        ("--rate", "0/1s", "invalid --rate"),
        ("--posters", "w999", "invalid --posters"),
        ("--years", "2017-2000", "invalid --years"),
        ("--timeout", "soon", "invalid --timeout"),
    ] {
        let output = fetch_with(&server, &dir.join("o"), KEY, &[(flag, value)]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(message), "{flag} {value}: {stderr}");
    }
    let no_key = fetch(&server, &dir.join("o"), "").output().unwrap();
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("no TMDB API key"));
    assert_eq!(server.hit_count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn out_of_range_flags_are_refused_before_any_request() {
    // Issue 14, item 6: each checked in the library (RateLimit, ClientConfig::validate,
    // FetchPlan::validate), so the command refuses them with the flag's name.
    let server = MockServer::start(MockConfig { api_key: KEY.into(), ..MockConfig::default() });
    let dir = temp_dir("ranges");
    for (flag, value) in [
        ("--rate", "1/99999999999s"),
        ("--rate", "5/0s"),
        ("--rate", "1/1e400s"),
        ("--pages", "0"),
        ("--pages", "4000000000"),
        ("--threads", "0"),
        ("--timeout", "0s"),
        ("--timeout", "99999999s"),
        ("--backoff", "0ms"),
        ("--backoff", "1e15s"),
        ("--backoff", "1m"),
        ("--years", "2000-9999"),
    ] {
        let output = fetch_with(&server, &dir.join("o"), KEY, &[(flag, value)]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{flag} {value} was accepted");
        // Flags clap parses through the library's FromStr carry clap's prefix before ours.
        assert!(
            stderr.starts_with("error: ") && stderr.contains(&format!("invalid {flag}: ")),
            "{flag} {value}: {stderr}"
        );
    }
    assert_eq!(server.hit_count(), 0, "a request went out before the flags were checked");

    // An absurd worker count is capped, and the run says so.
    let out = dir.join("threads");
    let output =
        fetch_with(&server, &out, KEY, &[("--threads", "100000"), ("--genres", "16"), ("--pages", "1")])
            .arg("--quiet")
            .output()
            .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("--threads 100000 capped at 64"), "{}", text(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}
