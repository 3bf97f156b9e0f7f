//! The non-interactive outputs, from the same snapshot and findings as the screen:
//! `--once` (`text`), `--json` (`json`) and `--openmetrics` (`openmetrics`).

mod json;
mod openmetrics;
mod text;

pub use json::json;
pub use openmetrics::openmetrics;
pub use text::{marker, text};

/// Rows of each process list in the reports.
const TOP_PROCESSES: usize = 10;
