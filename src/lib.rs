//! ctop: a single-view Linux troubleshooting dashboard.
//!
//! The data flows one way: [`source`] (where the machine is read from) →
//! [`collect`] (one module per area, plain structs) → [`snapshot`] (one instant,
//! rates from the previous one) → [`health`] (thresholds → findings) → [`ui`] (the
//! dashboard) or [`report`] (`--once` text and `--json`), both reading the same
//! snapshot and findings. Every string from the machine passes [`sanitize::display`]
//! before any output path prints it.

pub mod cli;
pub mod collect;
pub mod columns;
pub mod config;
pub mod durations;
pub mod format;
#[cfg(test)]
mod fuzz_input;
pub mod health;
pub mod history;
pub mod record;
pub mod report;
pub mod sandbox;
pub mod sanitize;
pub mod snapshot;
pub mod source;
pub mod ui;
