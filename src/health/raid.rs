//! Software RAID from `/proc/mdstat`: a degraded array is an error naming its failed or
//! missing members (with the rebuild's progress when one runs); a resync, recovery or
//! reshape on a whole array is a warning with its progress and speed (the array is slow
//! and, until it ends, not fully redundant); an inactive array (assembly failed) a
//! warning. A scrub (`check`, `repair`) is routine and raises nothing.

use super::rules::{BROKEN, Problems};
use super::{Key, Severity};
use crate::collect::raid::{MdArray, MdSync};
use crate::format;

pub(super) fn judge(found: &mut Problems, arrays: &[MdArray]) {
    for array in arrays {
        judge_array(found, array);
    }
}

fn judge_array(found: &mut Problems, array: &MdArray) {
    let name = array.name.as_str();
    let key = || Key::Raid(name.to_string());
    let what = match &array.level {
        Some(level) => format!("{name} ({level})"),
        None => name.to_string(),
    };
    let failed: Vec<&str> = array.members.iter().filter(|m| m.failed).map(|m| m.name.as_str()).collect();
    let rebuilding =
        array.sync.as_ref().filter(|s| s.percent.is_some() && !matches!(s.action.as_str(), "check" | "repair"));
    if array.degraded() {
        let (n, m) = (array.raid_disks.unwrap_or(0), array.working_disks.unwrap_or(0));
        let slots = array.slots.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        let mut message = format!("{what} degraded{slots}: ");
        if failed.is_empty() {
            message.push_str(&format!("{} of {n} members missing", n - m));
        } else {
            message.push_str(&format!("{} failed", failed.join(", ")));
        }
        if let Some(sync) = rebuilding {
            message.push_str(&format!(", {}", progress(sync)));
        }
        found.add(Severity::Error, key(), name, message, BROKEN);
    } else if let Some(sync) = rebuilding {
        found.add(Severity::Warning, key(), name, format!("{what} {}", progress(sync)), 0.5);
    } else if !failed.is_empty() {
        found.add(Severity::Warning, key(), name, format!("{what}: {} failed", failed.join(", ")), 0.5);
    }
    if array.state.starts_with("inactive") {
        found.add(Severity::Warning, key(), name, format!("{name} inactive (not assembled)"), 0.5);
    }
}

/// `recovery 23.4% at 197 MiB/s, 62 min left`.
fn progress(sync: &MdSync) -> String {
    let mut text = format!("{} {}", sync.action, sync.percent.map_or("?".into(), |p| format!("{p:.1}%")));
    if let Some(speed) = sync.speed_bytes_per_s {
        text.push_str(&format!(" at {}/s", format::bytes(speed as u64)));
    }
    if let Some(minutes) = sync.finish_minutes {
        text.push_str(&format!(", {minutes:.0} min left"));
    }
    text
}
