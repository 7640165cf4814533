//! The viridis colour map (perceptually uniform, readable in grey and by colour-blind readers):
//! matplotlib's `viridis` sampled at 0, 0.1, …, 1 and interpolated linearly in sRGB between
//! those stops. Reference: S. van der Walt and N. Smith, matplotlib's default map since 2.0
//! (<https://bids.github.io/colormap/>).

const STOPS: [[u8; 3]; 11] = [
    [0x44, 0x01, 0x54],
    [0x48, 0x24, 0x75],
    [0x41, 0x44, 0x87],
    [0x35, 0x5f, 0x8d],
    [0x2a, 0x78, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x22, 0xa8, 0x84],
    [0x44, 0xbf, 0x70],
    [0x7a, 0xd1, 0x51],
    [0xbd, 0xdf, 0x26],
    [0xfd, 0xe7, 0x25],
];

/// The colour of `t ∈ [0, 1]` (clamped; NaN is the lowest colour).
pub fn viridis(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mut out = [0u8; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let (a, b) = (STOPS[i][c] as f64, STOPS[i + 1][c] as f64);
        *o = (a + (b - a) * f).round() as u8;
    }
    out
}
