//! The "How each model learned" section: every model's trace (`RunResults::traces`), in the
//! registry's order, as its registry file recorded it — line charts of its curves, its notes,
//! its named details as a small table. Nothing here knows a particular model.

use std::fmt::Write as _;

use super::html::{Cell, escape, table};
use super::lines::line_chart;
use super::sections::heading;
use crate::results::RunResults;

/// Details whose JSON is longer than this are left to `metrics.json`.
const MAX_DETAIL: usize = 160;

pub fn learning(r: &RunResults) -> String {
    let mut s = heading("learning");
    if r.traces.is_empty() {
        s.push_str("<p>No model recorded how it learned.</p>\n</section>\n");
        return s;
    }
    s.push_str(
        "<p>What each model's training did, as it recorded it; every curve and detail is also in \
         <code>metrics.json</code> under <code>traces</code>.</p>\n",
    );
    for (key, trace) in r.traces.iter() {
        let name = r.models.iter().find(|m| &m.key == key).map_or(key.as_str(), |m| m.name.as_str());
        let _ = writeln!(s, "<h3>{}</h3>", escape(name));
        if !trace.charts.is_empty() {
            s.push_str("<div class=\"model\">\n");
            for chart in &trace.charts {
                let _ = writeln!(s, "<figure>{}</figure>", line_chart(chart));
            }
            s.push_str("</div>\n");
        }
        for note in &trace.notes {
            let _ = writeln!(s, "<p>{}</p>", escape(note));
        }
        let rows: Vec<Vec<Cell>> = trace
            .details
            .iter()
            .map(|(k, v)| (k, v.to_string()))
            .filter(|(_, v)| v.len() <= MAX_DETAIL)
            .map(|(k, v)| vec![Cell::text(k), Cell::text(v)])
            .collect();
        if !rows.is_empty() {
            s.push_str(&table("details", &["detail", "value"], &rows));
        }
    }
    s.push_str("</section>\n");
    s
}
