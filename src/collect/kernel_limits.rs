//! System-wide kernel limits that stop a machine when reached: open files
//! (`/proc/sys/fs/file-nr`: allocated handles against `file-max`; "VFS: file-max limit
//! reached") and tasks (every thread takes a pid: the running total from
//! `/proc/loadavg` against `kernel/pid_max` and `kernel/threads-max`; fork fails with
//! EAGAIN). Read on the slow tier: four small files.

use crate::source::Source;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KernelLimits {
    /// File handles allocated now, and the most the kernel hands out.
    pub open_files: Option<u64>,
    pub file_max: Option<u64>,
    /// Tasks (processes and threads) that exist now.
    pub tasks: Option<u64>,
    pub pid_max: Option<u64>,
    pub threads_max: Option<u64>,
}

impl KernelLimits {
    /// The tighter of the two task limits.
    pub fn task_limit(&self) -> Option<u64> {
        match (self.pid_max, self.threads_max) {
            (Some(p), Some(t)) => Some(p.min(t)),
            (p, t) => p.or(t),
        }
    }
}

pub fn collect(source: &Source) -> KernelLimits {
    let number = |path: &str| source.read_trimmed(path).and_then(|s| s.parse::<u64>().ok());
    let file_nr = source.read("/proc/sys/fs/file-nr").unwrap_or_default();
    let mut file_nr = file_nr.split_whitespace().map(|n| n.parse::<u64>().ok());
    let (open_files, _free, file_max) = (file_nr.next().flatten(), file_nr.next(), file_nr.next().flatten());
    // `/proc/loadavg`: `0.00 0.01 0.05 1/123 4567`, the 4th field running/total tasks.
    let loadavg = source.read("/proc/loadavg").unwrap_or_default();
    let tasks = loadavg.split_whitespace().nth(3).and_then(|f| f.split_once('/')?.1.parse().ok());
    KernelLimits {
        open_files,
        file_max: file_max.or_else(|| number("/proc/sys/fs/file-max")),
        tasks,
        pid_max: number("/proc/sys/kernel/pid_max"),
        threads_max: number("/proc/sys/kernel/threads-max"),
    }
}
