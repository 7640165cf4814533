//! Optimizers: RMSprop (Keras 2.0 semantics, or the ε-inside variant), SGD with momentum, Adam.
//!
//! Keras 2.0.x, per parameter p with gradient g, t = number of previous updates:
//!
//! ```text
//! RMSprop  lr_t = lr / (1 + decay·t);  a ← ρa + (1−ρ)g²;  p ← p − lr_t·g / (√a + ε)
//! SGD      lr_t as above;  v ← μv − lr_t·g;  p ← p + v
//! Adam     lr_t = lr/(1 + decay·t) · √(1−β₂^(t+1)) / (1−β₁^(t+1));
//!          m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr_t·m / (√v + ε)
//! ```
//!
//! References: Tieleman & Hinton 2012 (RMSprop); Kingma & Ba, "Adam: A Method for Stochastic
//! Optimization", ICLR 2015, arXiv:1412.6980; Keras 2.0.8 `optimizers.py` (ALGORITHMS.md §11.2).

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::kernels::rmsprop::{RmspropStep, rmsprop};

/// Which update rule, with its hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptimizerKind {
    Rmsprop { lr: f32, rho: f32, eps: f32, decay: f32, eps_inside_sqrt: bool },
    Sgd { lr: f32, momentum: f32, decay: f32 },
    Adam { lr: f32, beta1: f32, beta2: f32, eps: f32, decay: f32 },
}

impl OptimizerKind {
    /// Keras 2.0's RMSprop defaults with the tutorial's lr and decay.
    pub fn tutorial() -> Self {
        OptimizerKind::Rmsprop { lr: 1e-4, rho: 0.9, eps: 1e-8, decay: 1e-6, eps_inside_sqrt: false }
    }

    /// The learning rate of update number `t` (0-based): lr / (1 + decay·t).
    pub fn lr_at(&self, t: u64) -> f32 {
        let (lr, decay) = match *self {
            OptimizerKind::Rmsprop { lr, decay, .. } => (lr, decay),
            OptimizerKind::Sgd { lr, decay, .. } => (lr, decay),
            OptimizerKind::Adam { lr, decay, .. } => (lr, decay),
        };
        if decay > 0.0 { lr * (1.0 / (1.0 + decay * t as f32)) } else { lr }
    }

    /// Parse a name with the default hyper-parameters of Keras 2.0 and the given lr/decay.
    pub fn from_name(name: &str, lr: f32, decay: f32) -> Result<Self> {
        match name {
            "rmsprop" => {
                Ok(OptimizerKind::Rmsprop { lr, rho: 0.9, eps: 1e-8, decay, eps_inside_sqrt: false })
            }
            "rmsprop-keras3" => {
                Ok(OptimizerKind::Rmsprop { lr, rho: 0.9, eps: 1e-7, decay, eps_inside_sqrt: true })
            }
            "sgd" => Ok(OptimizerKind::Sgd { lr, momentum: 0.9, decay }),
            "adam" => Ok(OptimizerKind::Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay }),
            other => Err(Error::param(
                "optimizer",
                format!("`{other}` is not one of rmsprop, rmsprop-keras3, sgd, adam"),
            )),
        }
    }
}

/// `n` zeros actually written. `vec![0.0; n]` maps untouched pages whose first update (read,
/// then write) costs two page faults and a TLB shootdown across threads each; for the poster
/// model's 100 MB slots that was a noticeable part of the first epoch.
fn written_zeros(n: usize) -> Vec<f32> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, 0.0);
    v
}

/// An optimizer with its per-parameter state (one or two slots per tensor).
#[derive(Debug, Clone)]
pub struct Optimizer {
    pub kind: OptimizerKind,
    /// Updates done so far (Keras' `iterations`).
    pub iterations: u64,
    slots: Vec<[Vec<f32>; 2]>,
}

impl Optimizer {
    /// Zero state for tensors of the given lengths.
    pub fn new(kind: OptimizerKind, lens: &[usize]) -> Self {
        Optimizer {
            kind,
            iterations: 0,
            slots: lens.iter().map(|&n| [written_zeros(n), written_zeros(n)]).collect(),
        }
    }

    /// The first state slot of tensor `i` (RMSprop's accumulator).
    pub fn slot(&self, i: usize) -> &[f32] {
        &self.slots[i][0]
    }

    /// The rule of the next update (its decayed learning rate), for every tensor.
    pub fn update(&self) -> Update {
        Update { kind: self.kind, lr: self.kind.lr_at(self.iterations), t: (self.iterations + 1) as i32 }
    }

    /// The two state slots of tensor `i` (the second unused but by Adam).
    pub fn slots_mut(&mut self, i: usize) -> (&mut [f32], &mut [f32]) {
        let [s0, s1] = &mut self.slots[i];
        (s0, s1)
    }

    /// Count one update done (after [`Optimizer::update`] was applied to every tensor).
    pub fn advance(&mut self) {
        self.iterations += 1;
    }

    /// One update of every tensor; `params[i]` and `grads[i]` pair up. Increments `iterations`.
    pub fn step(&mut self, backend: &Backend, params: &mut [&mut [f32]], grads: &[&[f32]]) -> Result<()> {
        let update = self.update();
        for ((p, g), [s0, s1]) in params.iter_mut().zip(grads).zip(&mut self.slots) {
            update.apply(backend, p, g, s0, s1)?;
        }
        self.advance();
        Ok(())
    }
}

/// One step's update rule (the learning rate of this step, Adam's bias correction), element
/// by element: applying it to a tensor block by block, in any order, gives the bytes of one
/// pass over the whole tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Update {
    kind: OptimizerKind,
    lr: f32,
    /// The update's number, from 1 (Adam's bias correction).
    t: i32,
}

impl Update {
    /// Whether the rule keeps one state value per parameter (RMSprop, SGD: the second slot
    /// may then be empty).
    pub fn one_slot(&self) -> bool {
        !matches!(self.kind, OptimizerKind::Adam { .. })
    }

    /// Update the parameters `p` with their gradient `g` and state `s0`, `s1` (all the same
    /// length; `s1` may be empty for a [`Update::one_slot`] rule).
    pub fn apply(
        &self,
        backend: &Backend,
        p: &mut [f32],
        g: &[f32],
        s0: &mut [f32],
        s1: &mut [f32],
    ) -> Result<()> {
        let lr = self.lr;
        match self.kind {
            OptimizerKind::Rmsprop { rho, eps, eps_inside_sqrt, .. } => {
                rmsprop(backend, RmspropStep { lr, rho, eps, eps_inside_sqrt }, p, g, s0)?;
            }
            OptimizerKind::Sgd { momentum, .. } => {
                check_lens(p, g, s0, s0)?;
                for ((p, g), v) in p.iter_mut().zip(g.iter()).zip(s0.iter_mut()) {
                    *v = momentum * *v - lr * g;
                    *p += *v;
                }
            }
            OptimizerKind::Adam { beta1, beta2, eps, .. } => {
                check_lens(p, g, s0, s1)?;
                let lr_t = lr * (1.0 - beta2.powi(self.t)).sqrt() / (1.0 - beta1.powi(self.t));
                for (((p, g), m), v) in p.iter_mut().zip(g.iter()).zip(s0.iter_mut()).zip(s1.iter_mut()) {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * (g * g);
                    *p -= lr_t * *m / (v.sqrt() + eps);
                }
            }
        }
        Ok(())
    }
}

/// The tensors of one update have one length.
fn check_lens(p: &[f32], g: &[f32], s0: &[f32], s1: &[f32]) -> Result<()> {
    if [g.len(), s0.len(), s1.len()].iter().any(|&n| n != p.len()) {
        return Err(Error::Shape(format!(
            "optimizer: parameter, gradient and state have {}, {}, {} and {} elements",
            p.len(),
            g.len(),
            s0.len(),
            s1.len()
        )));
    }
    Ok(())
}
