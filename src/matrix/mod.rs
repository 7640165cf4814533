//! Matrices: sparse CSR ([`CsrMatrix`]) for text features, dense row-major ([`DenseMatrix`]) for
//! everything else. The heavy kernels on top of them live in `kernels/`.

mod csr;
mod dense;
mod pairwise;

pub use csr::CsrMatrix;
pub use dense::DenseMatrix;
pub use pairwise::pairwise_sum;
