//! The results as a person reads them on a terminal: every model's classification report, its
//! figures beside the baseline and the tutorial's, the biclusters, the warnings.

use std::fmt::Write as _;

use super::RunResults;

impl RunResults {
    /// The text `cinegenre run` prints on standard output.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for m in &self.models {
            let _ = writeln!(s, "\n== {} on {} ({} test movies)\n", m.name, m.features, m.test_rows);
            let _ = write!(s, "{}", m.evaluation.report);
            let b = &m.baseline;
            let _ = writeln!(
                s,
                "\nmean per-movie precision {:.4}  recall {:.4}  F1 {:.4}   (tutorial: {:.4} / {:.4})",
                m.evaluation.mean_precision,
                m.evaluation.mean_recall,
                m.evaluation.samples_f1(),
                m.tutorial_mean_precision,
                m.tutorial_mean_recall
            );
            let _ = writeln!(
                s,
                "baseline (always {}): precision {:.4}  recall {:.4}  F1 {:.4}{}",
                b.genres.join(", "),
                b.evaluation.mean_precision,
                b.evaluation.mean_recall,
                b.evaluation.samples_f1(),
                if m.beats_baseline() { "" } else { "   — the model does NOT beat it" }
            );
            if let Some(caveat) = &m.caveat {
                let _ = writeln!(s, "note: {caveat}");
            }
        }
        if let Some(b) = &self.biclusters {
            let _ = writeln!(s, "\n== genre biclusters ({} movies, {} biclusters)\n", b.movies, b.n_clusters);
            for (i, g) in b.groups.iter().enumerate() {
                let _ = writeln!(s, "  {i}: {}", g.join(", "));
            }
            let _ = writeln!(s, "\n  the tutorial's suggested grouping:");
            for (name, g) in &b.tutorial_grouping {
                let _ = writeln!(s, "  {name}: {}", g.join(", "));
            }
            let _ = writeln!(
                s,
                "\n  adjusted Rand index of the two over the {} genres both place: {:.3} (1 = the same, 0 = chance)",
                b.compared_genres, b.tutorial_agreement
            );
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        let total = self.timings.total();
        if total > 0.0 {
            let _ = writeln!(s, "\nfinished in {total:.1} s");
        }
        let _ = writeln!(
            s,
            "wrote in {}: {}",
            self.out_dir.display(),
            self.outputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        s
    }
}
