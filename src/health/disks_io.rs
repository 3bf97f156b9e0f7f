//! Disks judged by their I/O over about the last 10 s (the collector's sustained
//! window), not one busy second. A rotational disk serves one request at a time, so
//! its %util is its saturation; an SSD or NVMe disk serves many at once and shows
//! 100 % util at a single request in flight (kernel Documentation/block/stat.rst,
//! iostat(1) on %util), so it is judged by its queue and its await instead. Await
//! thresholds differ by kind: a seek costs milliseconds, flash well under one.

use super::rules::{Problems, grade, relative_excess};
use super::{Key, Severity, Thresholds};
use crate::collect::diskio::{DiskIo, SUSTAINED_WINDOW};
use crate::format;

/// Below this many operations a second an await says little: one slow flush is not a
/// slow disk.
const MIN_OPS_PER_S: f64 = 1.0;

pub(super) fn judge(found: &mut Problems, disks: &[DiskIo], t: &Thresholds) {
    for disk in disks {
        judge_disk(found, disk, t);
    }
}

fn judge_disk(found: &mut Problems, disk: &DiskIo, t: &Thresholds) {
    let Some(r) = disk.sustained else { return };
    let name = disk.display_name();
    let key = || Key::Disk(disk.name.to_string());
    // Unknown counts as rotational: its thresholds are the more lenient.
    let solid_state = disk.rotational == Some(false);
    let over = format!("{:.0} s", r.seconds);
    if solid_state {
        let queue = r.queue_size;
        if t.disk_queue_solid_state_warning > 0.0 && queue >= t.disk_queue_solid_state_warning {
            let message = format!("{name}: {queue:.0} requests queued on average over {over}");
            let excess = relative_excess(queue, t.disk_queue_solid_state_warning);
            found.add(Severity::Warning, key(), name, message, excess);
        }
    } else if r.seconds >= SUSTAINED_WINDOW.as_secs_f64() {
        found.percent(r.util_percent, t.disk_util_rotational_warning, f64::INFINITY, key(), name, || {
            format!("{name} {} busy over {over}", format::percent(r.util_percent))
        });
    }
    let (warning, error, kind) = if solid_state {
        (t.disk_await_solid_state_warning, t.disk_await_solid_state_error, "solid-state")
    } else {
        (t.disk_await_rotational_warning, t.disk_await_rotational_error, "rotational")
    };
    for (what, await_ms, ops) in
        [("reads", r.read_await_ms, r.reads_per_s), ("writes", r.write_await_ms, r.writes_per_s)]
    {
        if ops < MIN_OPS_PER_S {
            continue;
        }
        if let Some((severity, threshold)) = grade(await_ms, warning, error) {
            let message = format!("{name} {what} take {await_ms:.0} ms on average ({kind}) over {over}");
            found.add(severity, key(), name, message, relative_excess(await_ms, threshold));
        }
    }
}
