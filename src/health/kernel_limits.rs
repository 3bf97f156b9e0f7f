//! System-wide kernel limits: open file handles against `fs.file-max`, and tasks
//! against the tighter of `kernel.pid_max` and `kernel.threads-max`. Past them the
//! kernel refuses every open or fork, whatever the process.

use super::rules::Problems;
use super::{Key, Thresholds};
use crate::collect::kernel_limits::KernelLimits;
use crate::format;

pub(super) fn judge(found: &mut Problems, k: &KernelLimits, t: &Thresholds) {
    if let (Some(open), Some(max)) = (k.open_files, k.file_max.filter(|m| *m > 0)) {
        let pct = open as f64 * 100.0 / max as f64;
        found.percent(
            pct,
            t.kernel_files_warning,
            t.kernel_files_error,
            Key::KernelLimit("files"),
            "open files",
            || format!("{open} open files system-wide, {} of fs.file-max {max}", format::percent(pct)),
        );
    }
    if let (Some(tasks), Some(limit)) = (k.tasks, k.task_limit().filter(|l| *l > 0)) {
        let pct = tasks as f64 * 100.0 / limit as f64;
        let name = if k.pid_max == Some(limit) { "kernel.pid_max" } else { "kernel.threads-max" };
        found.percent(pct, t.kernel_tasks_warning, t.kernel_tasks_error, Key::KernelLimit("tasks"), "tasks", || {
            format!("{tasks} tasks, {} of {name} {limit}", format::percent(pct))
        });
    }
}
