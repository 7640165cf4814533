//! Files in and out: atomic writes, and the interchange formats Python users load directly
//! (`.npy`, Matrix Market `.mtx`).

mod atomic;

pub use atomic::write_atomic;
