//! Files in and out: atomic writes, and the interchange formats Python users load directly
//! (`.npy`, Matrix Market `.mtx`); state and cache files read with bounds
//! ([`state`]); one command per output folder ([`FolderLock`]).

mod atomic;
pub mod hdf5;
mod lock;
mod mtx;
mod npy;
pub mod state;

pub use atomic::{OutputSet, same_file, sweep_stale_temps, write_atomic};
pub use lock::{FolderLock, LOCK_FILE};
pub use mtx::{read_mtx, write_mtx};
pub use npy::{NpyArray, NpyData, NpyElement, npy_header, read_npy, write_npy};
