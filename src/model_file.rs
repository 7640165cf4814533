//! Model files: safetensors with a typed header.
//!
//! A model is a set of named little-endian tensors plus string metadata. cinegenre reserves
//! two metadata keys: `cinegenre.kind` (what the file holds, e.g. `multinomial_nb_ovr`) and
//! `cinegenre.format_version`; loading checks both, so handing `predict` a file of the wrong
//! kind (or not a model at all) is a clear error instead of garbage. Every other key is the
//! model's own (hyper-parameters, label names, the vocabulary it was trained with).
//! Files are written atomically.
//!
//! The format is Hugging Face's safetensors (<https://github.com/huggingface/safetensors>):
//! Python users open them with `safetensors.numpy.load_file` and read the metadata with
//! `safe_open(path, "np").metadata()`.
//!
//! The bytes written are a function of the model alone: tensors in name order, metadata keys
//! sorted, the header padded with spaces to a multiple of 8 (as the format asks). Two runs with
//! the same seed write identical files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use safetensors::tensor::{Dtype, SafeTensors};

use crate::error::{Error, Result};
use crate::io::write_atomic;

/// Metadata key naming the model kind.
pub const KIND_KEY: &str = "cinegenre.kind";
/// Metadata key with the file layout version.
pub const VERSION_KEY: &str = "cinegenre.format_version";
/// The layout version this build writes and reads.
pub const FORMAT_VERSION: &str = "1";

/// A tensor's values.
#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
}

impl TensorData {
    fn dtype(&self) -> &'static str {
        match self {
            TensorData::F32(_) => "F32",
            TensorData::F64(_) => "F64",
            TensorData::I64(_) => "I64",
        }
    }

    fn le_bytes(&self) -> Vec<u8> {
        match self {
            TensorData::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            TensorData::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            TensorData::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        }
    }
}

/// A named tensor: shape and values in C order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: TensorData,
}

/// A model in memory, as written to or read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    kind: String,
    metadata: BTreeMap<String, String>,
    tensors: BTreeMap<String, Tensor>,
    /// Where it was loaded from (for error messages); empty for a model built in memory.
    origin: PathBuf,
}

impl ModelFile {
    /// An empty model of `kind`.
    pub fn new(kind: &str) -> Self {
        ModelFile {
            kind: kind.to_string(),
            metadata: BTreeMap::new(),
            tensors: BTreeMap::new(),
            origin: PathBuf::from("<model in memory>"),
        }
    }

    /// The kind recorded in the file.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Set a metadata entry.
    pub fn set_meta(&mut self, key: &str, value: impl Into<String>) {
        self.metadata.insert(key.to_string(), value.into());
    }

    /// A metadata entry, or an error naming the file and the key.
    pub fn meta(&self, key: &str) -> Result<&str> {
        self.metadata
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| Error::model(&self.origin, format!("metadata entry `{key}` is missing")))
    }

    /// A metadata entry parsed with `FromStr`.
    pub fn meta_parsed<T: std::str::FromStr>(&self, key: &str) -> Result<T> {
        let raw = self.meta(key)?;
        raw.parse()
            .map_err(|_| Error::model(&self.origin, format!("metadata entry `{key}` = {raw:?} is not valid")))
    }

    /// Add an `f32` tensor.
    pub fn put_f32(&mut self, name: &str, shape: Vec<usize>, data: Vec<f32>) {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        self.tensors.insert(name.to_string(), Tensor { shape, data: TensorData::F32(data) });
    }

    /// Add an `f64` tensor.
    pub fn put_f64(&mut self, name: &str, shape: Vec<usize>, data: Vec<f64>) {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        self.tensors.insert(name.to_string(), Tensor { shape, data: TensorData::F64(data) });
    }

    /// Add an `i64` tensor.
    pub fn put_i64(&mut self, name: &str, shape: Vec<usize>, data: Vec<i64>) {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        self.tensors.insert(name.to_string(), Tensor { shape, data: TensorData::I64(data) });
    }

    /// An `f64` tensor of exactly `shape`, or an error naming the file and tensor.
    pub fn f64_tensor(&self, name: &str, shape: &[usize]) -> Result<&[f64]> {
        match self.tensor(name, shape)? {
            TensorData::F64(v) => Ok(v),
            other => Err(self.wrong_dtype(name, "F64", other)),
        }
    }

    /// An `i64` tensor of exactly `shape`, or an error naming the file and tensor.
    pub fn i64_tensor(&self, name: &str, shape: &[usize]) -> Result<&[i64]> {
        match self.tensor(name, shape)? {
            TensorData::I64(v) => Ok(v),
            other => Err(self.wrong_dtype(name, "I64", other)),
        }
    }

    /// A floating-point tensor of exactly `shape` as f32: F32 as stored, F64 narrowed (files
    /// written before models were stored in f32 held f32 values widened, so this is exact).
    pub fn f32_tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        match self.tensor(name, shape)? {
            TensorData::F32(v) => Ok(v.clone()),
            TensorData::F64(v) => Ok(v.iter().map(|&x| x as f32).collect()),
            other => Err(self.wrong_dtype(name, "F32", other)),
        }
    }

    /// Whether the model holds a tensor called `name`.
    pub fn has_tensor(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// The names of the tensors, sorted.
    pub fn tensor_names(&self) -> impl Iterator<Item = &str> {
        self.tensors.keys().map(String::as_str)
    }

    /// The shape of tensor `name`, if the file has it.
    pub fn tensor_shape(&self, name: &str) -> Option<&[usize]> {
        self.tensors.get(name).map(|t| t.shape.as_slice())
    }

    /// Every value of the float tensor `name` lies in `lo..=hi` (NaN never does): a damaged or
    /// hand-edited model is refused before it scores anything. Cost: one pass over the tensor.
    ///
    /// # Errors
    /// [`Error::Model`] naming the file, the tensor, the first bad index and value.
    pub fn check_range(&self, name: &str, lo: f64, hi: f64) -> Result<()> {
        let Some(tensor) = self.tensors.get(name) else { return Ok(()) };
        let outside = |&(_, x): &(usize, f64)| !(lo..=hi).contains(&x);
        let bad = match &tensor.data {
            TensorData::F32(v) => v.iter().map(|&x| f64::from(x)).enumerate().find(outside),
            TensorData::F64(v) => v.iter().copied().enumerate().find(outside),
            TensorData::I64(_) => None,
        };
        let Some((index, value)) = bad else { return Ok(()) };
        let range =
            if lo == -f64::MAX && hi == f64::MAX { "finite".to_string() } else { format!("in [{lo}, {hi}]") };
        Err(Error::model(
            &self.origin,
            format!(
                "tensor `{name}` holds {value} at index {index}, where every value must be {range}: \
                 a damaged or edited model file"
            ),
        ))
    }

    /// [`Self::check_range`] with `-f64::MAX..=f64::MAX` (no NaN, no ±inf) for every float tensor.
    pub fn check_all_finite(&self) -> Result<()> {
        self.tensors.keys().try_for_each(|name| self.check_range(name, -f64::MAX, f64::MAX))
    }

    fn wrong_dtype(&self, name: &str, want: &str, got: &TensorData) -> Error {
        Error::model(&self.origin, format!("tensor `{name}` should be {want}, it is {}", got.dtype()))
    }

    fn tensor(&self, name: &str, shape: &[usize]) -> Result<&TensorData> {
        let tensor = self
            .tensors
            .get(name)
            .ok_or_else(|| Error::model(&self.origin, format!("tensor `{name}` is missing")))?;
        if tensor.shape != shape {
            return Err(Error::model(
                &self.origin,
                format!("tensor `{name}` has shape {:?}, expected {:?}", tensor.shape, shape),
            ));
        }
        Ok(&tensor.data)
    }

    /// Write to `path` atomically: the safetensors layout, byte for byte the same for the
    /// same model (sorted names and keys).
    pub fn save(&self, path: &Path) -> Result<()> {
        let buffer = self.to_bytes();
        write_atomic(path, |w| w.write_all(&buffer).map_err(|e| Error::io(path, e)))
    }

    /// The file's bytes: `u64` header length, the JSON header, then the tensors' data.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut metadata = self.metadata.clone();
        metadata.insert(KIND_KEY.to_string(), self.kind.clone());
        metadata.insert(VERSION_KEY.to_string(), FORMAT_VERSION.to_string());
        let mut header: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        header.insert("__metadata__".into(), serde_json::json!(metadata));
        let mut data = Vec::new();
        for (name, t) in &self.tensors {
            let start = data.len();
            data.extend(t.data.le_bytes());
            header.insert(
                name.clone(),
                serde_json::json!({"dtype": t.data.dtype(), "shape": t.shape, "data_offsets": [start, data.len()]}),
            );
        }
        // A BTreeMap serialises its keys sorted (and `metadata` is one too): the header is canonical.
        let mut json = serde_json::to_vec(&header).unwrap_or_default();
        json.resize(json.len().next_multiple_of(8), b' ');
        let mut out = Vec::with_capacity(8 + json.len() + data.len());
        out.extend((json.len() as u64).to_le_bytes());
        out.extend(json);
        out.extend(data);
        out
    }

    /// Read `path`; it must be a cinegenre model of `expected_kind`.
    pub fn load(path: &Path, expected_kind: &str) -> Result<Self> {
        let model = Self::load_any(path)?;
        if model.kind != expected_kind {
            return Err(Error::model(
                path,
                format!("this is a `{}` model, expected a `{expected_kind}` model", model.kind),
            ));
        }
        Ok(model)
    }

    /// Read `path`, whatever cinegenre model kind it holds.
    pub fn load_any(path: &Path) -> Result<Self> {
        // A FIFO, device or folder is named, never read (/dev/zero would never end).
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            let kind = crate::io::state::describe_kind(&meta);
            return Err(Error::model(path, format!("is {kind}, not a model file")));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let not_model = |why: String| Error::model(path, format!("not a cinegenre model file ({why})"));
        if bytes.starts_with(b"\x93NUMPY") {
            return Err(not_model(
                "it is a numpy .npy array; models are written by `cinegenre train`".into(),
            ));
        }
        let (_, header) =
            SafeTensors::read_metadata(&bytes).map_err(|e| not_model(format!("safetensors: {e}")))?;
        let mut metadata: BTreeMap<String, String> =
            header.metadata().clone().unwrap_or_default().into_iter().collect();
        let kind = metadata.remove(KIND_KEY).ok_or_else(|| not_model(format!("no `{KIND_KEY}` entry")))?;
        let version = metadata.remove(VERSION_KEY).unwrap_or_default();
        if version != FORMAT_VERSION {
            return Err(Error::model(
                path,
                format!(
                    "model format version {version:?} is not supported (this build reads {FORMAT_VERSION:?})"
                ),
            ));
        }
        let file = SafeTensors::deserialize(&bytes).map_err(|e| not_model(format!("safetensors: {e}")))?;
        let mut tensors = BTreeMap::new();
        for (name, view) in file.iter() {
            let raw = view.data();
            let data = match view.dtype() {
                Dtype::F32 => TensorData::F32(
                    raw.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect(),
                ),
                Dtype::F64 => TensorData::F64(
                    raw.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))).collect(),
                ),
                Dtype::I64 => TensorData::I64(
                    raw.chunks_exact(8).map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes"))).collect(),
                ),
                other => {
                    return Err(Error::model(
                        path,
                        format!("tensor `{name}` has unsupported dtype {other:?}"),
                    ));
                }
            };
            tensors.insert(name.to_string(), Tensor { shape: view.shape().to_vec(), data });
        }
        Ok(ModelFile { kind, metadata, tensors, origin: path.to_path_buf() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_kind_check() {
        let dir = std::env::temp_dir().join(format!("cinegenre-model-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.safetensors");
        let mut m = ModelFile::new("toy");
        m.set_meta("alpha", "0.5");
        m.put_f64("w", vec![2, 2], vec![1.0, -2.5, f64::MIN_POSITIVE, 3.0]);
        m.put_i64("c", vec![3], vec![-1, 0, 1]);
        m.put_f32("h", vec![2], vec![0.1, -7.5]);
        m.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes, m.to_bytes(), "the same model gives the same bytes");
        assert_eq!(u64::from_le_bytes(bytes[..8].try_into().unwrap()) % 8, 0);
        let back = ModelFile::load(&path, "toy").unwrap();
        assert_eq!(back.f64_tensor("w", &[2, 2]).unwrap(), &[1.0, -2.5, f64::MIN_POSITIVE, 3.0]);
        assert_eq!(back.i64_tensor("c", &[3]).unwrap(), &[-1, 0, 1]);
        assert_eq!(back.f32_tensor("h", &[2]).unwrap(), vec![0.1, -7.5]);
        assert_eq!(back.f32_tensor("w", &[2, 2]).unwrap()[1], -2.5);
        assert!(back.f64_tensor("h", &[2]).unwrap_err().to_string().contains("should be F64, it is F32"));
        assert_eq!(back.meta_parsed::<f64>("alpha").unwrap(), 0.5);
        let err = ModelFile::load(&path, "svm").unwrap_err().to_string();
        assert!(err.contains("`toy` model, expected a `svm` model"), "{err}");
        assert!(back.f64_tensor("w", &[4]).unwrap_err().to_string().contains("shape [2, 2]"));
        std::fs::write(&path, b"not a model").unwrap();
        assert!(ModelFile::load_any(&path).unwrap_err().to_string().contains("not a cinegenre model file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
