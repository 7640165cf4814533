//! Files in and out: atomic writes, and the interchange formats Python users load directly
//! (`.npy`, Matrix Market `.mtx`).

mod atomic;
pub mod hdf5;
mod mtx;
mod npy;

pub use atomic::{OutputSet, write_atomic};
pub use mtx::{read_mtx, write_mtx};
pub use npy::{NpyArray, NpyData, NpyElement, npy_header, read_npy, write_npy};
