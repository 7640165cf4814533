//! WGSL sources, one file per kernel family in `shaders/`, embedded at compile time.

/// A shader file; its entry points are named `<op>_<variant>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shader {
    Gemm,
    Elementwise,
    Reduce,
    Rmsprop,
    Spmm,
    Conv,
    Batch,
}

impl Shader {
    /// The WGSL text.
    pub fn source(self) -> &'static str {
        match self {
            Shader::Gemm => include_str!("../../shaders/gemm.wgsl"),
            Shader::Elementwise => include_str!("../../shaders/elementwise.wgsl"),
            Shader::Reduce => include_str!("../../shaders/reduce.wgsl"),
            Shader::Rmsprop => include_str!("../../shaders/rmsprop.wgsl"),
            Shader::Spmm => include_str!("../../shaders/spmm.wgsl"),
            Shader::Conv => include_str!("../../shaders/conv.wgsl"),
            Shader::Batch => include_str!("../../shaders/batch.wgsl"),
        }
    }

    /// The file name, for labels and error messages.
    pub fn file(self) -> &'static str {
        match self {
            Shader::Gemm => "gemm.wgsl",
            Shader::Elementwise => "elementwise.wgsl",
            Shader::Reduce => "reduce.wgsl",
            Shader::Rmsprop => "rmsprop.wgsl",
            Shader::Spmm => "spmm.wgsl",
            Shader::Conv => "conv.wgsl",
            Shader::Batch => "batch.wgsl",
        }
    }
}
