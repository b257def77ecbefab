//! Commitments: the pure domain of Quid — no I/O, no async.
//!
//! # Layout
//!
//! - [`units`] — normalisation of actions and units (`hrs` -> `hours`, `$` -> `usd`, ...),
//!   and the dimensions units convert within (minutes and hours, cents and dollars).
//! - [`model`] — the validated commitment model on the wire DTOs, and its plain-words summary.
//! - [`exact`] — exact rationals: wire f64 in, exact arithmetic inside, f64 out.
//! - [`solver`] — the one liability solver (greatest fixed point) and the liability diff.
//! - [`parser`] — chat text -> commitment | clarification question | revocation | nothing.
//! - [`why`] — each liability explained as the chain of commitments that binds it.

pub mod exact;
pub mod model;
pub mod parser;
pub mod solver;
pub mod units;
pub mod why;

#[cfg(test)]
mod fixtures;

pub use model::{ModelError, Terms};
pub use parser::{Context, Detection, Detector, Pending, RuleParser, reads_as_answer};
pub use solver::{SolveError, diff, solve};
