//! Processes stuck in uninterruptible sleep (D state): waiting on a disk that does not
//! answer, a dead NFS server, a hung FUSE daemon. A moment in D is normal I/O; a
//! process that stays there without running is stuck. The error level for how long
//! defaults to the kernel's own hung-task timeout (`kernel.hung_task_timeout_secs`,
//! 120 s).

use super::rules::{Problems, relative_excess};
use super::{Key, Severity, Thresholds};
use crate::collect::procs::Processes;
use crate::format;

/// How many stuck processes the message names.
const NAMED: usize = 3;

pub(super) fn judge(found: &mut Problems, processes: &Processes, t: &Thresholds) {
    let stuck: Vec<_> =
        processes.blocked_processes.iter().filter(|b| b.blocked_seconds >= t.blocked_warning_seconds).collect();
    let Some(longest) = stuck.first() else { return };
    let seconds = longest.blocked_seconds;
    let many = t.blocked_error_count > 0 && stuck.len() as u64 >= t.blocked_error_count;
    let severity = if many || seconds >= t.blocked_error_seconds { Severity::Error } else { Severity::Warning };
    let names: Vec<String> = stuck
        .iter()
        .take(NAMED)
        .map(|b| match &b.wchan {
            Some(wchan) => format!("{} ({}, in {wchan})", b.name, b.pid),
            None => format!("{} ({})", b.name, b.pid),
        })
        .collect();
    let more = stuck.len().saturating_sub(NAMED);
    let others = if more > 0 { format!(" and {more} more") } else { String::new() };
    let who = if stuck.len() == 1 { "1 process".to_string() } else { format!("{} processes", stuck.len()) };
    let how_long = if seconds < 60.0 { format!("{:.0} s", seconds.floor()) } else { format::duration(seconds) };
    let message = format!("{who} blocked in D state up to {how_long}: {}{others}", names.join(", "));
    let excess = relative_excess(seconds, t.blocked_warning_seconds.max(1.0));
    found.add(severity, Key::Blocked, "blocked", message, excess);
}
