//! Software RAID: `/proc/mdstat`, as the kernel prints it (drivers/md/md.c
//! `md_seq_show`): each array's state, level and members (`sdb1[1](F)`: role 1,
//! failed), its `[n/m] [UU_]` status (n members wanted, m working, `_` a missing one)
//! and any resync, recovery, reshape or check in progress with its progress and speed.
//! Read on the slow tier; no file (no md driver) is no arrays.

use crate::source::Source;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MdMember {
    /// The kernel name of the member device (`sdb1`).
    pub name: String,
    /// `(F)`: the kernel has failed it out of the array.
    pub failed: bool,
    /// `(S)`: a spare, not (yet) part of the array.
    pub spare: bool,
}

/// A resync, recovery, reshape, check or repair running (or waiting) on an array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MdSync {
    /// `resync`, `recovery`, `reshape`, `check` or `repair`.
    pub action: String,
    /// Done so far; `None` while it waits (`resync=DELAYED`, `PENDING`).
    pub percent: Option<f64>,
    pub finish_minutes: Option<f64>,
    /// What the kernel prints as `speed=…K/sec`, in bytes a second.
    pub speed_bytes_per_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MdArray {
    /// `md0`, `md127`.
    pub name: String,
    /// `active` (possibly with `(read-only)`/`(auto-read-only)`) or `inactive`.
    pub state: String,
    /// `raid1`, `raid5`, `raid10` …; `None` for an inactive array.
    pub level: Option<String>,
    pub members: Vec<MdMember>,
    /// From `[n/m]`: members the array is made of, and those working.
    pub raid_disks: Option<u32>,
    pub working_disks: Option<u32>,
    /// The `[UU_]` map: `U` a working slot, `_` a missing one.
    pub slots: Option<String>,
    pub sync: Option<MdSync>,
}

impl MdArray {
    /// Fewer working members than the array is made of.
    pub fn degraded(&self) -> bool {
        matches!((self.raid_disks, self.working_disks), (Some(n), Some(m)) if m < n)
    }
}

pub fn collect(source: &Source) -> Vec<MdArray> {
    source.read("/proc/mdstat").map(|text| parse(&text)).unwrap_or_default()
}

/// Every array of an mdstat text; lines that do not parse are skipped.
pub fn parse(text: &str) -> Vec<MdArray> {
    let mut arrays: Vec<MdArray> = Vec::new();
    for line in text.lines() {
        if let Some(array) = array_line(line) {
            arrays.push(array);
        } else if line.starts_with([' ', '\t'])
            && let Some(array) = arrays.last_mut()
        {
            detail_line(array, line.trim());
        }
    }
    arrays
}

/// `md1 : active raid1 sdb2[1](F) sda2[0]`.
fn array_line(line: &str) -> Option<MdArray> {
    let (name, rest) = line.split_once(" : ")?;
    let name = name.trim();
    if !name.starts_with("md") {
        return None;
    }
    let mut words = rest.split_whitespace().peekable();
    let mut state = words.next()?.to_string();
    while let Some(flag) = words.next_if(|w| w.starts_with('(')) {
        state.push(' ');
        state.push_str(flag);
    }
    let level =
        if state.starts_with("active") { words.next_if(|w| !w.contains('[')).map(str::to_string) } else { None };
    let members = words.filter_map(member).collect();
    Some(MdArray {
        name: name.to_string(),
        state,
        level,
        members,
        raid_disks: None,
        working_disks: None,
        slots: None,
        sync: None,
    })
}

/// `sdb2[1](F)`.
fn member(word: &str) -> Option<MdMember> {
    let (name, rest) = word.split_once('[')?;
    let (_role, flags) = rest.split_once(']')?;
    Some(MdMember { name: name.to_string(), failed: flags.contains("(F)"), spare: flags.contains("(S)") })
}

/// The lines under an array: the `[n/m] [UU_]` status at the end of the blocks line,
/// and a sync in progress.
fn detail_line(array: &mut MdArray, line: &str) {
    if line.contains(" blocks") {
        let mut brackets = line.split('[').skip(1).filter_map(|b| b.split_once(']').map(|(inside, _)| inside));
        // The first bracket with a slash is `[n/m]`, the next `[UU_]`.
        while let Some(inside) = brackets.next() {
            if let Some((n, m)) = inside.split_once('/') {
                array.raid_disks = n.parse().ok();
                array.working_disks = m.parse().ok();
                array.slots = brackets.next().filter(|s| s.chars().all(|c| c == 'U' || c == '_')).map(str::to_string);
                break;
            }
        }
    } else if let Some(sync) = sync_line(line) {
        array.sync = Some(sync);
    }
}

/// `[====>......]  recovery = 23.4% (228812288/976629760) finish=61.8min speed=201634K/sec`,
/// or `resync=DELAYED`.
fn sync_line(line: &str) -> Option<MdSync> {
    // The progress bar first, where there is one.
    let line = match line.split_once(']') {
        Some((bar, rest)) if bar.starts_with('[') => rest.trim(),
        _ => line,
    };
    const ACTIONS: [&str; 5] = ["resync", "recovery", "reshape", "check", "repair"];
    let action = ACTIONS.into_iter().find(|a| line.starts_with(a))?;
    let rest = line[action.len()..].trim_start().strip_prefix('=')?.trim_start();
    let percent = rest.split('%').next().and_then(|p| p.trim().parse().ok());
    let field = |key: &str| rest.split_whitespace().find_map(|w| w.strip_prefix(key));
    Some(MdSync {
        action: action.to_string(),
        percent,
        finish_minutes: field("finish=").and_then(|f| f.strip_suffix("min")?.parse().ok()),
        speed_bytes_per_s: field("speed=")
            .and_then(|s| s.strip_suffix("K/sec")?.parse::<f64>().ok())
            .map(|k| k * 1024.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_line_with_and_without_its_bar() {
        let s =
            sync_line("[====>...]  recovery = 23.4% (228812288/976629760) finish=61.8min speed=201634K/sec").unwrap();
        assert_eq!(
            s,
            MdSync {
                action: "recovery".into(),
                percent: Some(23.4),
                finish_minutes: Some(61.8),
                speed_bytes_per_s: Some(201_634.0 * 1024.0)
            }
        );
        let delayed = sync_line("resync=DELAYED").unwrap();
        assert_eq!((delayed.action.as_str(), delayed.percent, delayed.speed_bytes_per_s), ("resync", None, None));
        assert_eq!(sync_line("bitmap: 0/8 pages [0KB], 65536KB chunk"), None);
    }
}
