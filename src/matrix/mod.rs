//! Matrices: sparse CSR ([`CsrMatrix`]) for text features, dense row-major ([`DenseMatrix`]) for
//! everything else. The heavy kernels on top of them live in `kernels/`.

mod csr;
mod dense;

pub use csr::CsrMatrix;
pub use dense::DenseMatrix;
