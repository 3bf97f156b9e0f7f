//! Processes: one scan of `/proc/[pid]` gives totals by state, every process's CPU %
//! over the time since the previous scan and its resident memory, and the most
//! repeated executables.

use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessRow {
    pub pid: u32,
    pub ppid: u32,
    pub user: Arc<str>,
    /// The executable's name (comm, or the basename of the command's first word).
    pub name: Arc<str>,
    pub cmdline: Arc<str>,
    /// `R`, `S`, `D`, `Z`, `T` … as in `/proc/[pid]/stat`.
    pub state: char,
    /// Share of one CPU over the window since the previous scan; `None` on the first.
    pub cpu_percent: Option<f32>,
    pub rss_bytes: u64,
    pub threads: u32,
    pub kernel_thread: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeated {
    pub name: Arc<str>,
    pub count: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Processes {
    pub total: usize,
    pub running: usize,
    pub sleeping: usize,
    /// Uninterruptible sleep (`D`): usually waiting on a disk or a dead mount.
    pub blocked: usize,
    pub stopped: usize,
    pub zombie: usize,
    pub threads: usize,
    pub kernel_threads: usize,
    /// Every process seen, in pid order.
    pub list: Vec<ProcessRow>,
    /// Executables with more than one instance, most first.
    pub repeated: Vec<Repeated>,
    /// How long the scan took.
    pub scan_duration: Duration,
}

impl Processes {
    /// The `n` busiest processes, busiest first.
    pub fn top_by_cpu(&self, n: usize) -> Vec<&ProcessRow> {
        let mut rows: Vec<&ProcessRow> = self.list.iter().collect();
        rows.sort_by(|a, b| {
            b.cpu_percent.unwrap_or(0.0).total_cmp(&a.cpu_percent.unwrap_or(0.0)).then(b.rss_bytes.cmp(&a.rss_bytes))
        });
        rows.truncate(n);
        rows
    }

    /// The `n` largest processes by resident memory, largest first.
    pub fn top_by_memory(&self, n: usize) -> Vec<&ProcessRow> {
        let mut rows: Vec<&ProcessRow> = self.list.iter().collect();
        rows.sort_by(|a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid)));
        rows.truncate(n);
        rows
    }
}

/// Keeps per-process state between scans (previous CPU times, cached names).
pub struct ProcessScanner {
    source: crate::source::Source,
}

impl ProcessScanner {
    pub fn new(source: crate::source::Source) -> Self {
        Self { source }
    }

    pub fn scan(&mut self) -> Processes {
        let _ = &self.source;
        Processes::default() // replaced by the process work
    }
}
