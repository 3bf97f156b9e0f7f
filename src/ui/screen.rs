//! What every panel draws from: the snapshot and findings of the moment being shown,
//! the theme and the clock for ages. Panels import this, never `dashboard` (which
//! imports every panel), so the dependency runs one way.

use crate::health::timeline::Timeline;
use crate::health::{Findings, Thresholds};
use crate::history::History;
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

/// Time on the screen: what history holds, the problem timeline, and which moment the
/// frame shows. A frame of the past is an ordinary [`Screen`] (its snapshot is the one
/// history gives back for that moment); this only tells the graphs, the timeline and
/// the header where that moment sits.
pub struct Times<'a> {
    pub history: &'a History,
    pub timeline: &'a Timeline,
    /// For the graphs' warning and error levels (the same the findings use).
    pub thresholds: &'a Thresholds,
    /// The moment shown and the newest one there is (epoch ms); equal when live.
    pub shown_ms: i64,
    pub newest_ms: i64,
    /// How far back the graphs reach (the history window).
    pub window_ms: i64,
}

impl Times<'_> {
    /// Whether the frame shows a moment before the newest.
    pub fn in_past(&self) -> bool {
        self.shown_ms < self.newest_ms
    }
}
