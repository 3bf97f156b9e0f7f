//! The connection-tracking table of netfilter: entries in use
//! (`/proc/sys/net/netfilter/nf_conntrack_count`) against its size (`nf_conntrack_max`),
//! and the packets it dropped for want of room, from `/proc/net/stat/nf_conntrack`.
//!
//! That file has a header line naming its columns and one line of hexadecimal counters
//! per CPU, summed here; its columns changed across kernels (`searched`, `delete_list`
//! and `expect_*` came and went), so they are found by name. Its first column,
//! `entries`, is the table's size repeated on every line, not a per-CPU counter. Without
//! the module (no `nf_conntrack_count`) there is no table to judge: `None`.

use crate::source::Source;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConntrackCounters {
    pub count: u64,
    /// `None` where the file is unreadable (some containers).
    pub max: Option<u64>,
    /// `drop`: packets dropped because no entry could be made (the table full).
    pub drops: Option<u64>,
    /// `early_drop`: entries evicted to make room for new ones.
    pub early_drops: Option<u64>,
}

impl ConntrackCounters {
    pub fn read(source: &Source) -> Option<Self> {
        let read = |file: &str| std::fs::read_to_string(source.path(file)).ok();
        let count = read("/proc/sys/net/netfilter/nf_conntrack_count")?.trim().parse().ok()?;
        let max = read("/proc/sys/net/netfilter/nf_conntrack_max").and_then(|s| s.trim().parse().ok());
        let stat = read("/proc/net/stat/nf_conntrack").unwrap_or_default();
        Some(Self { count, max, drops: sum_column(&stat, "drop"), early_drops: sum_column(&stat, "early_drop") })
    }
}

/// The sum over every CPU's line of the hexadecimal column named `name`; `None` where
/// the header has no such column or a line is garbled.
pub fn sum_column(stat: &str, name: &str) -> Option<u64> {
    let mut lines = stat.lines();
    let column = lines.next()?.split_whitespace().position(|n| n == name)?;
    let mut sum = 0u64;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let field = line.split_whitespace().nth(column)?;
        sum = sum.saturating_add(u64::from_str_radix(field, 16).ok()?);
    }
    Some(sum)
}
