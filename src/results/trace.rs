//! What a model's training looked like, for a learner to watch: curves (a solver's objective
//! and its largest optimality violation per step, a loss per epoch, …) and named details (a
//! hyper-parameter chosen per genre), as the model's registry file (`crate::run::models`)
//! recorded them. `metrics.json` keeps them under `traces`, keyed by model; the report draws every chart
//! as an inline SVG line chart. The types are generic: nothing here knows a particular model.
//!
//! ```
//! use cinegenre::results::{Chart, Curve, Keyed, Trace};
//! let mut trace = Trace::default();
//! trace.details.push("epochs", serde_json::json!(2));
//! trace.charts.push(Chart {
//!     title: "Loss per epoch".into(),
//!     x: "epoch".into(),
//!     y: "loss".into(),
//!     log_y: false,
//!     curves: vec![Curve { name: "training".into(), points: vec![(1.0, 0.7), (2.0, 0.4)] }],
//! });
//! let json = serde_json::to_string(&Keyed(vec![("my_model".to_string(), trace)])).unwrap();
//! assert_eq!(
//!     json,
//!     r#"{"my_model":{"epochs":2,"charts":[{"title":"Loss per epoch","x":"epoch","y":"loss","log_y":false,"curves":[{"name":"training","points":[[1.0,0.7],[2.0,0.4]]}]}]}}"#
//! );
//! ```

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Entries serialised as a JSON object in their own order (registry order, not sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<T>(pub Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<T> Keyed<T> {
    /// Add `value` under `key`.
    pub fn push(&mut self, key: impl Into<String>, value: T) {
        self.0.push((key.into(), value));
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, T)> {
        self.0.iter()
    }
}

impl<T: Serialize> Serialize for Keyed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One model's training, as it chose to show it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Trace {
    /// Named figures (`chosen_c`: genre → C, iterations, …), as JSON.
    #[serde(flatten)]
    pub details: Keyed<serde_json::Value>,
    /// Curves to draw, one chart each.
    pub charts: Vec<Chart>,
    /// Sentences for the report under the charts (what the curves show, what was chosen).
    #[serde(skip)]
    pub notes: Vec<String>,
    /// Columns the report adds to this model's per-genre table: (heading, one cell per genre).
    #[serde(skip)]
    pub per_genre: Vec<(String, Vec<String>)>,
}

/// A line chart: one or more curves over a shared x axis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Chart {
    pub title: String,
    /// What x counts (`SMO step`, `epoch`, `iteration`).
    pub x: String,
    /// What y measures.
    pub y: String,
    /// Draw y on a log scale (violations and residuals falling over decades).
    pub log_y: bool,
    pub curves: Vec<Curve>,
}

/// One named curve: (x, y) points in x order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Curve {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

impl Curve {
    /// A curve of `ys` at x = 1, 2, … (epochs, passes, iterations counted from 1).
    pub fn counted(name: impl Into<String>, ys: impl IntoIterator<Item = f64>) -> Curve {
        Curve {
            name: name.into(),
            points: ys.into_iter().enumerate().map(|(i, y)| ((i + 1) as f64, y)).collect(),
        }
    }

    /// At most `n` points, evenly spaced, the first and last always kept (long SMO runs).
    pub fn thinned(mut self, n: usize) -> Curve {
        let len = self.points.len();
        if n >= 2 && len > n {
            let keep: Vec<(f64, f64)> = (0..n).map(|i| self.points[i * (len - 1) / (n - 1)]).collect();
            self.points = keep;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_ends_and_the_count() {
        let c = Curve::counted("c", (0..1000).map(f64::from)).thinned(11);
        assert_eq!(c.points.len(), 11);
        assert_eq!(c.points[0], (1.0, 0.0));
        assert_eq!(c.points[10], (1000.0, 999.0));
        assert_eq!(c.points[5], (500.0, 499.0));
        let short = Curve::counted("c", [3.0, 4.0]).thinned(11);
        assert_eq!(short.points, vec![(1.0, 3.0), (2.0, 4.0)]);
    }

    #[test]
    fn keyed_keeps_its_order_and_flattens() {
        let mut t = Trace::default();
        t.details.push("zeta", serde_json::json!(1));
        t.details.push("alpha", serde_json::json!([1, 2]));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"zeta":1,"alpha":[1,2],"charts":[]}"#);
        assert_eq!(t.details.get("alpha"), Some(&serde_json::json!([1, 2])));
    }
}
