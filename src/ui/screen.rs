//! What every panel draws from: the snapshot and findings of the moment being shown,
//! the theme and the clock for ages. Panels import this, never `dashboard` (which
//! imports every panel), so the dependency runs one way.

use crate::health::Findings;
use crate::snapshot::Snapshot;
use crate::ui::theme::Theme;
use std::time::Instant;

/// What a frame is drawn from.
pub struct Screen<'a> {
    pub snapshot: &'a Snapshot,
    pub findings: &'a Findings,
    pub theme: Theme,
    /// For ages (`procs 12s ago`).
    pub now: Instant,
}
