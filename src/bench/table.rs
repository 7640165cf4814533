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
    let header = ["stage", "size", "cinegenre", "seconds", "fastest Python", "seconds", "Python ÷ cinegenre"];
    let right = [false, false, false, true, false, true, true];
    let mut rows: Vec<[String; 7]> = Vec::new();
    for m in &report.ours {
        let (lib, theirs, ratio) = match best_reference(report, &m.stage) {
            Some(r) => (
                r.implementation.clone(),
                format!("{:.5}", r.seconds),
                format!("{:.2}", r.seconds / m.seconds),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        let seconds = format!("{:.5}", m.seconds);
        rows.push([m.stage.clone(), m.size.clone(), m.implementation.clone(), seconds, lib, theirs, ratio]);
    }
    // Column widths from the content (in characters: `÷`, `×` and `–` are one column each).
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths.iter().zip(right))
            .map(|(c, (&w, r))| if r { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    s.push_str(&line(&header.map(String::from)));
    // Each rule cell spans the column and its two padding spaces; `:` ends a right-aligned one.
    let rule: Vec<String> = widths
        .iter()
        .zip(right)
        .map(|(&w, r)| if r { format!("{}:", "-".repeat(w + 1)) } else { "-".repeat(w + 2) })
        .collect();
    let _ = writeln!(s, "|{}|", rule.join("|"));
    for row in &rows {
        s.push_str(&line(row));
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
        let cells = |line: &str| line.split('|').map(str::trim).collect::<Vec<_>>().join("|");
        let rows: Vec<String> = md.lines().filter(|l| l.starts_with('|')).map(cells).collect();
        assert!(rows.contains(&"|gemm|n|avx2|0.50000|torch|1.00000|2.00|".to_string()), "{md}");
        assert!(rows.contains(&"|cocluster|n|cpu|1.00000|–|–|–|".to_string()), "{md}");
    }

    /// A long size text widens its column for every row: each `|` sits at the same character
    /// column on every line of the table.
    #[test]
    fn columns_are_as_wide_as_their_longest_cell() {
        let mut long = measure("svm fit", "cpu", 0.25);
        long.size = "400 TF-IDF rows × 3,000 terms, 20 labels".into();
        let report = SuiteReport {
            machine: crate::results::Environment::default(),
            python: "numpy 2".into(),
            ours: vec![measure("gemm", "avx2+rayon", 0.5), long],
            reference: vec![measure("gemm", "numpy", 2.0)],
        };
        let md = markdown(&report);
        let bars = |line: &str| -> Vec<usize> {
            line.chars().enumerate().filter(|&(_, c)| c == '|').map(|(i, _)| i).collect()
        };
        let lines: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(lines.len(), 4, "{md}");
        for l in &lines {
            assert_eq!(bars(l), bars(lines[0]), "misaligned:\n{md}");
        }
        // A Markdown rule: dashes, a `:` only at the end of a right-aligned (number) column.
        let rule: Vec<&str> = lines[1].trim_matches('|').split('|').collect();
        for (i, cell) in rule.iter().enumerate() {
            let dashes = cell.strip_suffix(':').unwrap_or(cell);
            assert!(dashes.len() >= 3 && dashes.chars().all(|c| c == '-'), "rule cell {i} {cell:?}:\n{md}");
            assert_eq!(cell.ends_with(':'), [3, 5, 6].contains(&i), "rule cell {i} {cell:?}:\n{md}");
        }
    }
}
