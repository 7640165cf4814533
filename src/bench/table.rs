//! The suite's table: our time per (stage, backend) beside the fastest Python library's time on
//! the same stage, and their ratio (> 1: cinegenre is faster), as Markdown and JSON.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::suite::{Measure, SuiteReport};
use crate::error::{Error, Result};
use crate::io::write_atomic;

/// The fastest reference measure of `stage`.
fn best_reference<'a>(report: &'a SuiteReport, stage: &str) -> Option<&'a Measure> {
    report.reference.iter().filter(|m| m.stage == stage).min_by(|a, b| a.seconds.total_cmp(&b.seconds))
}

/// The Markdown table, with the machine above it.
pub fn markdown(report: &SuiteReport) -> String {
    let env = &report.machine;
    let mut s = format!(
        "Machine: {}, SIMD {}, {} threads; GPU: {}.\nPython: {}.\n\n",
        env.platform,
        env.simd,
        env.threads,
        env.gpu_adapter.as_deref().unwrap_or("none"),
        report.python
    );
    s.push_str(
        "GPU times include completion; SpMM, sigmoid and MLP-epoch GPU times also include host ↔ \
         device copies. Python ÷ cinegenre > 1: cinegenre is faster.\n\n",
    );
    s.push_str("| stage | size | cinegenre | seconds | fastest Python | seconds | Python ÷ cinegenre |\n");
    s.push_str("|---|---|---|---:|---|---:|---:|\n");
    for m in &report.ours {
        let (lib, theirs, ratio) = match best_reference(report, &m.stage) {
            Some(r) => (
                r.implementation.as_str(),
                format!("{:.5}", r.seconds),
                format!("{:.2}", r.seconds / m.seconds),
            ),
            None => ("–", "–".into(), "–".into()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.5} | {lib} | {theirs} | {ratio} |",
            m.stage, m.size, m.implementation, m.seconds
        );
    }
    s
}

/// Write `dir/bench.json` and `dir/bench.md` atomically.
pub fn write(report: &SuiteReport, dir: &Path) -> Result<()> {
    let json = dir.join("bench.json");
    write_atomic(&json, |w| {
        serde_json::to_writer_pretty(&mut *w, report).map_err(|e| Error::io(&json, e.into()))?;
        w.write_all(b"\n").map_err(|e| Error::io(&json, e))
    })?;
    let md = dir.join("bench.md");
    let table = markdown(report);
    write_atomic(&md, |w| w.write_all(table.as_bytes()).map_err(|e| Error::io(&md, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(stage: &str, implementation: &str, seconds: f64) -> Measure {
        Measure { stage: stage.into(), size: "n".into(), implementation: implementation.into(), seconds }
    }

    #[test]
    fn ratio_uses_the_fastest_python_library() {
        let report = SuiteReport {
            machine: crate::results::Environment::default(),
            python: "numpy 2".into(),
            ours: vec![measure("gemm", "avx2", 0.5), measure("cocluster", "cpu", 1.0)],
            reference: vec![measure("gemm", "numpy", 2.0), measure("gemm", "torch", 1.0)],
        };
        let md = markdown(&report);
        assert!(md.contains("| gemm | n | avx2 | 0.50000 | torch | 1.00000 | 2.00 |"), "{md}");
        assert!(md.contains("| cocluster | n | cpu | 1.00000 | – | – | – |"), "{md}");
    }
}
