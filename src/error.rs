//! The one error type of cinegenre.
//!
//! Every message is a sentence that names what went wrong and where: the file, the line
//! (1-based, physical line in the file), the field or column, the tensor or the parameter.
//! The library returns [`Result`] and never panics on bad input; the CLI prints the message
//! and exits non-zero.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Result with cinegenre's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, each variant carrying enough context to act on.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a named file failed at the operating-system level.
    Io { path: PathBuf, source: io::Error },
    /// A file's content is malformed: `path:line: field: message`.
    Parse {
        path: PathBuf,
        /// 1-based physical line, where known.
        line: Option<usize>,
        /// The column, key or field, where known.
        field: Option<String>,
        message: String,
    },
    /// Two inputs whose shapes do not fit together (rows of X vs rows of Y, …).
    Shape(String),
    /// A parameter out of its domain: `name` is the flag or field name as the user wrote it.
    Param { name: String, message: String },
    /// The vectorizer found no usable vocabulary; messages follow scikit-learn's wording.
    Vocabulary(String),
    /// A model file of the wrong kind, version or content.
    Model { path: PathBuf, message: String },
    /// A remote request that failed for good: `what` names it (never with credentials).
    Network { what: String, message: String },
    /// The GPU could not be used: no adapter, a device error, a failed readback.
    Gpu { stage: String, message: String },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    /// A parse error at `path`, optionally at `line`.
    pub fn parse(path: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Self {
        Error::Parse { path: path.as_ref().to_path_buf(), line, field: None, message: message.into() }
    }

    /// Attach a field (column, key) name to a parse error; other variants are returned unchanged.
    pub fn in_field(self, name: impl Into<String>) -> Self {
        match self {
            Error::Parse { path, line, message, .. } => {
                Error::Parse { path, line, field: Some(name.into()), message }
            }
            other => other,
        }
    }

    /// Name the input files a [`Error::Shape`] is about (`X.mtx, Y.npy: X has 5 rows but Y has
    /// 4 …`); the other variants name their file already and are returned unchanged.
    pub fn for_inputs(self, paths: &[&Path]) -> Self {
        match self {
            Error::Shape(message) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                Error::Shape(format!("{}: {message}", names.join(", ")))
            }
            other => other,
        }
    }

    /// A parameter error for `name`.
    pub fn param(name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Param { name: name.into(), message: message.into() }
    }

    /// A GPU error during `stage` (adapter, device, readback, …).
    pub fn gpu(stage: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Gpu { stage: stage.into(), message: message.into() }
    }

    /// A model-file error for `path`.
    pub fn model(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Model { path: path.as_ref().to_path_buf(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Parse { path, line, field, message } => {
                write!(f, "{}", path.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(field) = field {
                    write!(f, ": field `{field}`")?;
                }
                write!(f, ": {message}")
            }
            Error::Shape(message) => write!(f, "{message}"),
            Error::Param { name, message } => write!(f, "invalid {name}: {message}"),
            Error::Vocabulary(message) => write!(f, "{message}"),
            Error::Model { path, message } => write!(f, "{}: {}", path.display(), message),
            Error::Network { what, message } => write!(f, "{what}: {message}"),
            Error::Gpu { stage, message } => write!(f, "GPU {stage}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_file_line_and_field() {
        let e = Error::parse("movies.csv", Some(12), "unterminated quote").in_field("overview");
        assert_eq!(e.to_string(), "movies.csv:12: field `overview`: unterminated quote");
    }

    #[test]
    fn shape_errors_name_their_inputs() {
        let e = Error::Shape("X has 5 rows but Y has 4".into())
            .for_inputs(&[Path::new("X.mtx"), Path::new("Y.npy")]);
        assert_eq!(e.to_string(), "X.mtx, Y.npy: X has 5 rows but Y has 4");
        let io = Error::parse("a.csv", Some(2), "bad").for_inputs(&[Path::new("b.csv")]);
        assert_eq!(io.to_string(), "a.csv:2: bad");
    }
}
