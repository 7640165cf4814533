//! The shape of an NHWC activation, and the length check every conv entry does. A leaf module.

use crate::error::{Error, Result};

/// The shape of an NHWC activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub n: usize,
    pub h: usize,
    pub w: usize,
    pub c: usize,
}

impl Shape {
    pub fn nhwc((n, h, w, c): (usize, usize, usize, usize)) -> Shape {
        Shape { n, h, w, c }
    }

    pub fn len(&self) -> usize {
        self.n * self.h * self.w * self.c
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `Ok` when `what` has the `need` numbers its shape says.
pub(super) fn want(what: &str, got: usize, need: usize) -> Result<()> {
    if got != need {
        return Err(Error::Shape(format!("conv: {what} has {got} numbers but needs {need}")));
    }
    Ok(())
}
