//! Poster preprocessing against Pillow 13 + numpy (fixtures/vgg_preprocess, written by
//! tools/gen_vgg_preprocess.py): NEAREST resize index for index, Keras 'caffe' and torchvision
//! normalisation in float32 exactly, and JPEG decoding within a few levels of libjpeg.

use cinegenre::vgg::preprocess::{
    Normalization, Preprocess, Resize, decode_rgb, nearest_index, normalize, resize_nearest,
};

use crate::fixtures::{floats, load as load_json, path, usizes};

/// Mean |Δ| per channel value between the image crate's JPEG decoder and Pillow's libjpeg
/// (both baseline IDCTs, different rounding of the inverse transform and the upsampling).
const JPEG_MEAN_ABS_TOL: f64 = 2.0;
/// Channel means over 224×224 pixels: the decoders' differences are unbiased to well under a level.
const JPEG_CHANNEL_MEAN_TOL: f64 = 1.0;

#[test]
fn nearest_resize_reads_the_pixels_pillow_reads() {
    let json = load_json("vgg_preprocess/preprocess.json");
    for case in json["nearest"].as_array().unwrap() {
        let (inp, out) = (usizes(&case["in"]), usizes(&case["out"]));
        let cols: Vec<usize> = (0..out[0]).map(|x| nearest_index(x, inp[0], out[0])).collect();
        let rows: Vec<usize> = (0..out[1]).map(|y| nearest_index(y, inp[1], out[1])).collect();
        assert_eq!(cols, usizes(&case["cols"]), "{inp:?} → {out:?}: columns");
        assert_eq!(rows, usizes(&case["rows"]), "{inp:?} → {out:?}: rows");
    }
}

#[test]
fn png_to_caffe_and_torchvision_inputs_match_numpy_float32() {
    let json = load_json("vgg_preprocess/preprocess.json");
    let tiny = &json["tiny"];
    let img = decode_rgb(&path("vgg_preprocess/tiny.png")).unwrap();
    let hw = usizes(&tiny["size_hw"]);
    let small = resize_nearest(&img, (hw[0], hw[1]));
    let want_rgb: Vec<u8> = usizes(&tiny["rgb"]).iter().map(|&v| v as u8).collect();
    assert_eq!(small.as_raw(), &want_rgb, "NEAREST pixels");
    for (mode, key) in [(Normalization::Caffe, "caffe"), (Normalization::Torchvision, "torchvision")] {
        let p = Preprocess { size: (hw[0], hw[1]), resize: Resize::Nearest, normalization: mode };
        let got = p.from_rgb(&img);
        assert_eq!(got, normalize(&want_rgb, mode));
        let want: Vec<f32> = floats(&tiny[key]).iter().map(|&v| v as f32).collect();
        if let Some(i) = (0..want.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
            panic!("{key}: value {i}: got {}, want {} (float32, exact)", got[i], want[i]);
        }
    }
}

#[test]
fn jpeg_posters_decode_within_a_few_levels_of_pillow() {
    let json = load_json("vgg_preprocess/preprocess.json");
    let grid = usizes(&json["posters"]["grid"]);
    for poster in json["posters"]["images"].as_array().unwrap() {
        let file = poster["file"].as_str().unwrap();
        let img = decode_rgb(&path(&format!("posters/{file}"))).unwrap();
        let resized = resize_nearest(&img, (224, 224));
        let want = usizes(&poster["grid"]);
        let mut diff = 0.0;
        let mut k = 0;
        for &y in &grid {
            for &x in &grid {
                let px = resized.get_pixel(x as u32, y as u32);
                for c in 0..3 {
                    diff += (f64::from(px[c]) - want[k] as f64).abs();
                    k += 1;
                }
            }
        }
        let mean_abs = diff / want.len() as f64;
        assert!(mean_abs < JPEG_MEAN_ABS_TOL, "{file}: mean |Δ| {mean_abs} levels on the grid");
        let means = floats(&poster["channel_means"]);
        for c in 0..3 {
            let got = resized.pixels().map(|p| f64::from(p[c])).sum::<f64>() / (224.0 * 224.0);
            assert!(
                (got - means[c]).abs() < JPEG_CHANNEL_MEAN_TOL,
                "{file}: channel {c} mean {got} vs {}",
                means[c]
            );
        }
    }
}
