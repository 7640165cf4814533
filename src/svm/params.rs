//! Hyper-parameters of the linear SVM and their checks.
//!
//! Defaults are scikit-learn's `SVC(kernel='linear', class_weight='balanced')` (1.9.1):
//! `tol = 1e-3` (libsvm's `eps`: stop when the maximal violating pair violates by less than it),
//! `shrinking = true`, no iteration limit. The class weights multiply `C` per class:
//! `C_i = C · weight[class of i]`, with `balanced` = `n / (2 · count[class])` (ALGORITHMS §5.2).

use crate::error::{Error, Result};

/// How the penalty `C` is split between the two classes of a label column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClassWeight {
    /// Both classes weigh 1.
    Uniform,
    /// `n / (2 · count[c])`: both classes carry the same total bound `C · n / 2`.
    Balanced,
    /// Explicit weights of class 0 (label absent) and class 1 (present).
    Explicit { absent: f64, present: f64 },
}

impl ClassWeight {
    /// Weights of (class 0, class 1) on a column with these class counts.
    pub fn weights(&self, n_absent: usize, n_present: usize) -> (f64, f64) {
        match *self {
            ClassWeight::Uniform => (1.0, 1.0),
            ClassWeight::Balanced => {
                let n = (n_absent + n_present) as f64;
                (n / (2.0 * n_absent as f64), n / (2.0 * n_present as f64))
            }
            ClassWeight::Explicit { absent, present } => (absent, present),
        }
    }
}

impl std::str::FromStr for ClassWeight {
    type Err = Error;

    /// `balanced`, `none`, or `W0,W1` (weights of label absent, present).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "balanced" => Ok(ClassWeight::Balanced),
            "none" | "uniform" => Ok(ClassWeight::Uniform),
            _ => {
                let parts: Vec<&str> = s.split(',').collect();
                let parsed: Vec<f64> = parts.iter().filter_map(|p| p.trim().parse().ok()).collect();
                match parsed[..] {
                    [absent, present] if parts.len() == 2 && absent > 0.0 && present > 0.0 => {
                        Ok(ClassWeight::Explicit { absent, present })
                    }
                    _ => Err(Error::param(
                        "class-weight",
                        format!("`{s}` is not `balanced`, `none` or two positive weights `W0,W1`"),
                    )),
                }
            }
        }
    }
}

/// Which optimiser solves the dual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverKind {
    /// libsvm's SMO with WSS2: `SVC(kernel='linear')`, unregularised bias ([`crate::svm::smo`]).
    Smo,
    /// liblinear's dual coordinate descent: `LinearSVC`, regularised bias ([`crate::svm::dcd`]).
    Dcd,
}

impl std::str::FromStr for SolverKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "smo" => Ok(SolverKind::Smo),
            "dcd" => Ok(SolverKind::Dcd),
            _ => Err(Error::param("solver", format!("`{s}` is not `smo` or `dcd`"))),
        }
    }
}

/// Loss of the dual coordinate descent solver (liblinear's L1- or L2-loss SVC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DcdLoss {
    /// `max(0, 1 − y·f)`, box `0 ≤ α ≤ C_i` (`LinearSVC(loss='hinge')`).
    Hinge,
    /// `max(0, 1 − y·f)²`, `α ≥ 0`, diagonal `1/(2C_i)` (`LinearSVC` default).
    SquaredHinge,
}

/// Everything one binary SVM fit needs besides the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvmParams {
    /// Penalty of margin violations, `C > 0`.
    pub c: f64,
    pub class_weight: ClassWeight,
    /// Stopping tolerance (libsvm `eps`, liblinear `eps`).
    pub tol: f64,
    /// Shrinking heuristic: libsvm's for SMO, liblinear's for DCD (which always shrinks in
    /// liblinear; off reaches the same optimum, more slowly).
    pub shrinking: bool,
    /// Iteration cap (`None`: libsvm's "no limit"; liblinear's outer-iteration cap for DCD).
    pub max_iter: Option<usize>,
    pub solver: SolverKind,
    /// DCD only.
    pub loss: DcdLoss,
    /// DCD only: seed of liblinear's random permutation.
    pub seed: u64,
    /// Record the solver's objective and KKT violation ([`crate::svm::smo::Checkpoint`]) every
    /// this many SMO steps, or every DCD pass; `None` (the default): record nothing, at no cost.
    pub checkpoint_every: Option<usize>,
}

impl Default for SvmParams {
    /// `SVC(kernel='linear', C=1, class_weight='balanced')`.
    fn default() -> Self {
        SvmParams {
            c: 1.0,
            class_weight: ClassWeight::Balanced,
            tol: 1e-3,
            shrinking: true,
            max_iter: None,
            solver: SolverKind::Smo,
            loss: DcdLoss::SquaredHinge,
            seed: 0,
            checkpoint_every: None,
        }
    }
}

impl SvmParams {
    /// liblinear's `LinearSVC` defaults (squared hinge, `tol = 1e-4`, 1000 iterations).
    pub fn linear_svc() -> Self {
        SvmParams { solver: SolverKind::Dcd, tol: 1e-4, max_iter: Some(1000), ..SvmParams::default() }
    }

    /// Check every field is in its domain.
    pub fn validate(&self) -> Result<()> {
        check_c(self.c)?;
        if !(self.tol > 0.0 && self.tol.is_finite()) {
            return Err(Error::param("tol", format!("must be a positive number, got {}", self.tol)));
        }
        if let ClassWeight::Explicit { absent, present } = self.class_weight
            && !(absent > 0.0 && present > 0.0 && absent.is_finite() && present.is_finite())
        {
            return Err(Error::param(
                "class-weight",
                format!("weights must be positive numbers, got {absent}, {present}"),
            ));
        }
        Ok(())
    }
}

/// `C` must be a finite number above 0 (scikit-learn: "C must be > 0").
pub fn check_c(c: f64) -> Result<()> {
    if c > 0.0 && c.is_finite() {
        Ok(())
    } else {
        Err(Error::param("c", format!("C must be a finite number > 0, got {c}")))
    }
}

/// A grid of `C` values: not empty, each `> 0`.
pub fn check_grid(grid: &[f64]) -> Result<()> {
    if grid.is_empty() {
        return Err(Error::param("c", "the grid of C values is empty"));
    }
    grid.iter().try_for_each(|&c| check_c(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_grids_and_parameters_are_named() {
        assert!(check_grid(&[]).unwrap_err().to_string().contains("empty"));
        assert!(check_grid(&[0.1, -1.0]).unwrap_err().to_string().contains("got -1"));
        assert!(check_c(f64::NAN).is_err() && check_c(f64::INFINITY).is_err() && check_c(0.0).is_err());
        let p = SvmParams { tol: 0.0, ..SvmParams::default() };
        assert!(p.validate().unwrap_err().to_string().contains("tol"));
        assert_eq!(
            "0.5,2".parse::<ClassWeight>().unwrap(),
            ClassWeight::Explicit { absent: 0.5, present: 2.0 }
        );
        assert!("0,2".parse::<ClassWeight>().is_err() && "1,2,3".parse::<ClassWeight>().is_err());
    }

    #[test]
    fn balanced_weights_follow_sklearn() {
        // ALGORITHMS §5.2: n = 120 with 8 positives → [120/224, 7.5].
        assert_eq!(ClassWeight::Balanced.weights(112, 8), (120.0 / 224.0, 7.5));
    }
}
