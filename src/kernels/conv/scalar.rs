//! The reference: the convolution's seven loops and the pool's five, in formula order, with
//! f64 accumulation.

use super::shape::Shape;

/// See [`super::conv3x3_relu`]; `kernel` is (3, 3, c, o) HWIO with o = `bias.len()`.
pub fn conv3x3_relu(s: Shape, x: &[f32], kernel: &[f32], bias: &[f32], y: &mut [f32]) {
    let Shape { n, h, w, c } = s;
    let out_ch = bias.len();
    for img in 0..n {
        for row in 0..h {
            for col in 0..w {
                for o in 0..out_ch {
                    let mut sum = bias[o] as f64;
                    for dh in 0..3 {
                        for dw in 0..3 {
                            let (r, q) = (row + dh, col + dw);
                            if r == 0 || q == 0 || r > h || q > w {
                                continue;
                            }
                            let (r, q) = (r - 1, q - 1);
                            for i in 0..c {
                                let xv = x[((img * h + r) * w + q) * c + i] as f64;
                                sum += xv * kernel[((dh * 3 + dw) * c + i) * out_ch + o] as f64;
                            }
                        }
                    }
                    y[((img * h + row) * w + col) * out_ch + o] = sum.max(0.0) as f32;
                }
            }
        }
    }
}

/// See [`super::maxpool2x2`].
pub fn maxpool2x2(s: Shape, x: &[f32], y: &mut [f32]) {
    let Shape { n, h, w, c } = s;
    let (ho, wo) = (h / 2, w / 2);
    for img in 0..n {
        for row in 0..ho {
            for col in 0..wo {
                for ch in 0..c {
                    let at = |a: usize, b: usize| x[((img * h + 2 * row + a) * w + 2 * col + b) * c + ch];
                    let m = at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1));
                    y[((img * ho + row) * wo + col) * c + ch] = m;
                }
            }
        }
    }
}
