//! Signs of a machine under stress that the usual numbers hide: pressure stall
//! information (`/proc/pressure/{cpu,memory,io}` avg10) and OOM kills
//! (`/proc/vmstat` `oom_kill`).

use serde::Serialize;

/// Share of the last 10 s in which some (or all) tasks were stalled, in percent;
/// `None` where the kernel has no PSI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Pressure {
    pub cpu_some: Option<f64>,
    pub memory_some: Option<f64>,
    pub memory_full: Option<f64>,
    pub io_some: Option<f64>,
    pub io_full: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OomKills {
    /// OOM kills since boot.
    pub since_boot: Option<u64>,
    /// OOM kills since ctop started watching.
    pub while_watching: Option<u64>,
}

pub fn collect(source: &crate::source::Source) -> Pressure {
    let _ = source;
    Pressure::default() // replaced by the health work
}

/// Remembers the OOM kill count when ctop started, to tell kills while watching.
pub struct OomWatch {
    source: crate::source::Source,
}

impl OomWatch {
    pub fn new(source: crate::source::Source) -> Self {
        Self { source }
    }

    pub fn collect(&mut self) -> OomKills {
        let _ = &self.source;
        OomKills::default() // replaced by the health work
    }
}
