//! Processes near their own open-file limit: descriptors open in `/proc/[pid]/fd`
//! against the soft `Max open files` of `/proc/[pid]/limits`. At the limit every
//! `open`, `accept` and `socket` of that process fails with EMFILE, whatever the
//! system-wide count says.
//!
//! Counting `/proc/[pid]/fd` is a directory listing per process (the ports collector's
//! owner walk costs ~150 ms at 3,000 processes), so it is done only for candidates:
//! - `FDSize:` in `/proc/[pid]/status` (already read for the user) is the size of the
//!   process's descriptor table, which only grows and is always above its highest open
//!   descriptor: it bounds how many are open. Every table starts at [`INITIAL_FD_TABLE`];
//! - the soft limit is read once per process whose table has grown past that (and again
//!   whenever it is a candidate, since a process may raise its own limit);
//! - a process whose table is at least [`SCREEN_PERCENT`] of its soft limit has its
//!   descriptors counted. Processes past that share are reported, and `health` judges
//!   them against the configured levels.
//!
//! So a process with fewer than 64 descriptors is never counted: its soft limit would
//! have to be under 80 for 80 % to be a warning.

use super::paths::PidPaths;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Read;
use std::sync::Arc;

/// The descriptor table a process starts with (NR_OPEN_DEFAULT, BITS_PER_LONG on 64-bit).
pub(super) const INITIAL_FD_TABLE: u32 = 64;

/// Share of its soft limit a process's table must reach for its descriptors to be
/// counted, and that they must reach to be reported. Judging starts here: a configured
/// warning below it acts as it.
pub const SCREEN_PERCENT: u64 = 50;

/// How many are reported, most used first.
const REPORTED: usize = 5;

/// A process using at least [`SCREEN_PERCENT`] of its descriptor limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FdLimitUse {
    pub pid: u32,
    pub name: Arc<str>,
    /// Descriptors open now (entries of `/proc/[pid]/fd`).
    pub open_files: u64,
    /// The soft RLIMIT_NOFILE.
    pub soft_limit: u64,
}

impl FdLimitUse {
    pub fn percent(&self) -> f64 {
        self.open_files as f64 * 100.0 / self.soft_limit as f64
    }
}

/// What the scanner keeps per process to screen it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FdTable {
    /// `FDSize:` as last read from status.
    pub size: u32,
    /// The soft limit as read when the table first grew past [`INITIAL_FD_TABLE`];
    /// `None` before that, when unlimited or unreadable.
    pub soft_limit: Option<u64>,
}

impl FdTable {
    /// A table just read from status: the soft limit is read (or kept) once it has grown.
    pub fn update(&mut self, paths: &mut PidPaths, pid: u32, size: u32) {
        if size > INITIAL_FD_TABLE && (self.soft_limit.is_none() || size != self.size) {
            self.soft_limit = soft_limit(paths, pid);
        }
        self.size = size;
    }

    fn candidate(&self) -> bool {
        self.size > INITIAL_FD_TABLE
            && self.soft_limit.is_some_and(|soft| u64::from(self.size) * 100 >= SCREEN_PERCENT * soft)
    }
}

/// The processes among `candidates` (pid, name, table) at or past [`SCREEN_PERCENT`] of
/// their limit, counted exactly, most used first; at most [`REPORTED`].
pub(super) fn near_limit<'a>(
    paths: &mut PidPaths,
    candidates: impl Iterator<Item = (u32, &'a Arc<str>, FdTable)>,
) -> Vec<FdLimitUse> {
    let mut near: Vec<FdLimitUse> = candidates
        .filter(|(_, _, table)| table.candidate())
        .filter_map(|(pid, name, _)| {
            // Read again: the process may have raised its limit since.
            let soft_limit = soft_limit(paths, pid)?;
            let open_files = count_open(paths, pid)?;
            (open_files * 100 >= SCREEN_PERCENT * soft_limit).then(|| FdLimitUse {
                pid,
                name: Arc::clone(name),
                open_files,
                soft_limit,
            })
        })
        .collect();
    near.sort_by(|a, b| b.percent().total_cmp(&a.percent()).then(a.pid.cmp(&b.pid)));
    near.truncate(REPORTED);
    near
}

/// `FDSize:` of a status file.
pub(super) fn table_size(status: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(status).ok()?;
    text.lines().find_map(|l| l.strip_prefix("FDSize:"))?.trim().parse().ok()
}

fn soft_limit(paths: &mut PidPaths, pid: u32) -> Option<u64> {
    let mut text = String::new();
    File::open(paths.file(pid, "limits")).ok()?.take(4096).read_to_string(&mut text).ok()?;
    parse_soft_limit(&text)
}

/// The soft column of the `Max open files` line; `None` when unlimited.
fn parse_soft_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find_map(|l| l.strip_prefix("Max open files"))?;
    line.split_whitespace().next()?.parse().ok().filter(|&soft| soft > 0)
}

/// Entries of `/proc/[pid]/fd`; `None` where not allowed (another user's process).
fn count_open(paths: &mut PidPaths, pid: u32) -> Option<u64> {
    Some(std::fs::read_dir(paths.file(pid, "fd")).ok()?.count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
        Max cpu time              unlimited            unlimited            seconds   \n\
        Max open files            1024                 524288               files     \n\
        Max locked memory         8388608              8388608              bytes     \n";

    #[test]
    fn the_soft_open_files_limit_is_the_first_column() {
        assert_eq!(parse_soft_limit(LIMITS), Some(1024));
        assert_eq!(parse_soft_limit(&LIMITS.replace("1024 ", "unlimited")), None);
        assert_eq!(parse_soft_limit("Max cpu time unlimited unlimited seconds\n"), None);
    }

    #[test]
    fn fdsize_comes_from_status() {
        assert_eq!(table_size(b"Name:\tx\nFDSize:\t256\nGroups:\t\n"), Some(256));
        assert_eq!(table_size(b"Name:\tx\n"), None);
    }

    #[test]
    fn only_a_table_at_half_its_limit_is_a_candidate() {
        let table = |size, soft| FdTable { size, soft_limit: soft };
        assert!(table(512, Some(1024)).candidate());
        assert!(!table(256, Some(1024)).candidate());
        assert!(!table(256, None).candidate(), "unlimited");
        // The initial table says nothing: fewer than 64 open.
        assert!(!table(64, Some(64)).candidate());
        assert!(table(128, Some(128)).candidate());
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] = &[
        fixture!("procs/basic/proc/13470/status"),
        "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 524288               files     \n",
    ];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn limits_and_status_never_panic(text in text_from(SEEDS)) {
            let _ = super::parse_soft_limit(&text);
            let _ = super::table_size(text.as_bytes());
        }
    }
}
