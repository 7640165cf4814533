//! The resident GPU trainer when cinegenre is built without the `gpu` feature: its names, and
//! no values (a [`GpuTrainer`] needs a [`GpuContext`], which cannot exist in this build), so
//! [`crate::mlp::train`] compiles unchanged and only ever takes its host path.

use std::sync::Arc;

use super::backprop::BatchStats;
use super::{Mlp, OptimizerKind};
use crate::error::Result;
use crate::gpu::{GpuContext, GpuCounters};

/// A model on the device: never made without the `gpu` feature.
pub struct GpuTrainer {
    ctx: Arc<GpuContext>,
    /// Updates done so far.
    pub iterations: u64,
}

/// What one resident epoch measured.
#[derive(Debug, Clone)]
pub struct EpochOutcome {
    /// Loss and binary accuracy of every batch before its update, in order.
    pub batches: Vec<BatchStats>,
    /// The first parameter tensor, in optimizer order, that holds a NaN or infinite value.
    pub nonfinite_param: Option<usize>,
}

impl GpuTrainer {
    /// Needs a [`GpuContext`], which [`GpuContext::get`] never returns in this build.
    pub fn new(ctx: Arc<GpuContext>, _: &Mlp, _: OptimizerKind, _: usize) -> Result<GpuTrainer> {
        ctx.absent()
    }

    pub fn upload_set(&mut self, _: &[f32], _: &[f32]) -> Result<()> {
        self.ctx.absent()
    }

    pub fn epoch(&mut self, _: &[u32]) -> Result<EpochOutcome> {
        self.ctx.absent()
    }

    pub fn counters(&self) -> GpuCounters {
        self.ctx.absent()
    }

    pub fn step(&mut self, _: &[f32], _: &[f32], _: usize) -> Result<BatchStats> {
        self.ctx.absent()
    }

    pub fn download_into(&self, _: &mut Mlp) -> Result<()> {
        self.ctx.absent()
    }

    pub fn accumulator(&self, _: usize) -> Result<Vec<f32>> {
        self.ctx.absent()
    }
}
