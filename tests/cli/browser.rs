//! The HTML report in a real browser: headless Chromium renders `report.html` to a PNG that
//! must not be blank, and its DOM must hold every section heading.
//!
//! Without Chromium the test prints a skip line (counted in the binary's skip summary), unless `CINEGENRE_REQUIRE_BROWSER=1` (set by
//! `.ci/run`), where it fails.

use std::path::Path;
use std::process::Command;

use super::Scratch;

/// Share of non-white pixels a rendered report has at least: text, tables and charts cover
/// far more than this of a 1200×3000 window; a blank or error page covers almost nothing.
const MIN_INK: f64 = 0.02;
/// Distinct colours at least: the charts' palette plus anti-aliased text give hundreds.
const MIN_COLOURS: usize = 16;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,3000"])
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        let required = std::env::var("CINEGENRE_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "CINEGENRE_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install chromium)"
        );
        crate::common::gpu::announce_skip(
            "no Chromium — set CINEGENRE_REQUIRE_BROWSER=1 to fail instead",
            "none of chromium, chromium-browser, google-chrome runs",
        );
        return;
    };
    let s = Scratch::new("browser");
    let page = cinegenre::report::write(
        &cinegenre::report::demo_report(),
        &cinegenre::layout::RunLayout::new(s.dir.to_path_buf()),
    )
    .unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let shot = s.path("shot.png");

    let out = headless(browser, &s.path("profile"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let image = image::open(&shot).unwrap().to_rgb8();
    let pixels = image.pixels().count() as f64;
    let ink = image.pixels().filter(|p| p.0.iter().any(|&c| c < 235)).count() as f64 / pixels;
    let colours: std::collections::HashSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    assert!(ink > MIN_INK, "the screenshot is nearly blank: {:.4} of pixels inked", ink);
    assert!(colours.len() >= MIN_COLOURS, "only {} colours in the screenshot", colours.len());

    let out = headless(browser, &s.path("profile")).arg("--dump-dom").arg(&url).output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    for (id, title) in cinegenre::report::HEADINGS {
        assert!(dom.contains(&format!("<h2>{title}</h2>")), "the rendered DOM lacks section {id}:\n{dom}");
    }
    assert_eq!(dom.matches("<svg").count(), 6, "charts in the DOM (5 bar charts, 1 learning curve)");
    assert!(!dom.contains("<script"), "escaped data became a script element");
}
