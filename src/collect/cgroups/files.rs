//! The files read from each cgroup directory and what they say: one parser per file,
//! filling the counters of one reading. v2 (`cpu.stat`, `memory.*`, `io.stat`,
//! `pids.*`, `*.pressure`) and v1 (`cpuacct.usage`, `cpu.stat`, `memory.*`,
//! `blkio.throttle.*`, `pids.*`) files fill the same fields, so a hybrid host's cgroup
//! gets its CPU time from whichever hierarchy has it.

use crate::collect::limits::V1_UNLIMITED;
use crate::collect::pressure::Pressure;

/// `cgroup.procs` (the processes in the cgroup itself) is read by the sampler, to tell
/// which service or container a process belongs to, and `cgroup.events` (v2: whether
/// any process is in the cgroup or below it), to tell which cgroups can have changed.
///
/// Files of a v2 cgroup, in the order they are read (a limit before `memory.stat`,
/// which is read only for a limited cgroup).
pub const V2_FILES: [&str; 15] = [
    "cgroup.events",
    "cgroup.procs",
    "cpu.stat",
    "memory.current",
    "memory.max",
    "memory.high",
    "memory.swap.current",
    "memory.events",
    "memory.stat",
    "io.stat",
    "pids.current",
    "pids.max",
    "cpu.pressure",
    "memory.pressure",
    "io.pressure",
];

/// Files of a v1 cgroup, whichever controller's hierarchy it is in.
pub const V1_FILES: [&str; 14] = [
    "cgroup.procs",
    "cpuacct.usage",
    "cpu.cfs_quota_us",
    "cpu.stat",
    "memory.usage_in_bytes",
    "memory.limit_in_bytes",
    "memory.memsw.usage_in_bytes",
    "memory.stat",
    "memory.oom_control",
    "memory.failcnt",
    "blkio.throttle.io_service_bytes_recursive",
    "blkio.throttle.io_serviced_recursive",
    "pids.current",
    "pids.max",
];

/// How often a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Every reading of every cgroup: whether it holds processes (`cgroup.events`).
    Probe,
    /// Every reading of a cgroup that holds processes: what they use.
    Usage,
    /// What a process or an administrator changes rarely (the processes listed, the
    /// limits, the CPU quota), and what is neither shown nor judged but kept for
    /// `--json` and the collector's users (swap, v1 IOPS, pressure, itself a 10 s
    /// average): at a cgroup's full readings only, every [`super::FULL_EVERY`] readings.
    Full,
}

pub fn cadence(name: &str) -> Cadence {
    match name {
        "cgroup.events" => Cadence::Probe,
        "cgroup.procs"
        | "memory.max"
        | "memory.high"
        | "memory.limit_in_bytes"
        | "pids.max"
        | "cpu.cfs_quota_us"
        | "memory.swap.current"
        | "memory.memsw.usage_in_bytes"
        | "blkio.throttle.io_serviced_recursive"
        | "cpu.pressure"
        | "memory.pressure"
        | "io.pressure" => Cadence::Full,
        _ => Cadence::Usage,
    }
}

/// Whether a v2 `cgroup.events` says processes are in the cgroup or below it.
pub fn populated(events: &str) -> Option<bool> {
    field(events, "populated").map(|n| n > 0)
}

/// One reading of one cgroup: counters as the kernel gives them (cumulative ones are
/// turned into rates by the sampler). `None` where no hierarchy has the file.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counters {
    pub cpu_usec: Option<u64>,
    pub throttled_usec: Option<u64>,
    pub throttled_periods: Option<u64>,
    pub memory_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
    pub memory_high_bytes: Option<u64>,
    /// v1 memory + swap, to take the swap from.
    pub memsw_bytes: Option<u64>,
    pub swap_bytes: Option<u64>,
    /// Page cache the kernel reclaims first (`inactive_file`), read for limited cgroups.
    pub inactive_file_bytes: Option<u64>,
    pub oom_kills: Option<u64>,
    /// `memory.events` `high` (v2 only).
    pub high_events: Option<u64>,
    /// `memory.events` `max`, v1 `memory.failcnt`: allocations that hit the limit.
    pub max_events: Option<u64>,
    pub read_bytes: Option<u64>,
    pub write_bytes: Option<u64>,
    pub read_ios: Option<u64>,
    pub write_ios: Option<u64>,
    pub pids: Option<u64>,
    pub pids_limit: Option<u64>,
    /// v1: whether `cpu.cfs_quota_us` sets a quota (`-1`: none).
    pub cpu_quota: Option<bool>,
    pub pressure: Option<Pressure>,
}

impl Counters {
    /// Whether usage file `name` can say something this reading, from what is known
    /// already: `full` at a cgroup's full reading, `oom_may_have_risen` unless the
    /// kernel's count of OOM kills stood still (`oom_count`).
    /// - `memory.stat` (its page cache) and v1 `memory.failcnt` (hits of the limit)
    ///   matter only under a limit of the cgroup's own;
    /// - v1 `cpu.stat` holds only throttling, which only a quota of its own causes (a
    ///   parent's quota throttles the parent): read at full readings without one;
    /// - the OOM kill counts move only when the kernel's count does; v2 `memory.events`
    ///   also counts `high` and `max` hits, judged under a limit;
    /// - `pids.current` is judged only against `pids.max`: without one it is read with
    ///   the process list.
    pub fn wants(&self, v2: bool, name: &str, full: bool, oom_may_have_risen: bool) -> bool {
        let limited = self.memory_limit_bytes.is_some();
        match (v2, name) {
            (_, "memory.stat") | (false, "memory.failcnt") => limited,
            (false, "cpu.stat") => full || self.cpu_quota != Some(false),
            (false, "memory.oom_control") => full || oom_may_have_risen,
            (true, "memory.events") => full || oom_may_have_risen || limited || self.memory_high_bytes.is_some(),
            (_, "pids.current") => full || self.pids_limit.is_some(),
            _ => true,
        }
    }

    /// A reading that starts from what the [`Cadence::Full`] files said last time, from
    /// the throttling of a cgroup without a quota, which cannot have moved, and from
    /// the count of processes of one without `pids.max` (shown, not judged: read at
    /// full readings, as `cgroup.procs` is).
    pub fn carried_from(previous: &Counters) -> Counters {
        let unthrottled = previous.cpu_quota == Some(false);
        let unlimited_pids = previous.pids_limit.is_none();
        Counters {
            memory_limit_bytes: previous.memory_limit_bytes,
            memory_high_bytes: previous.memory_high_bytes,
            pids_limit: previous.pids_limit,
            cpu_quota: previous.cpu_quota,
            swap_bytes: previous.swap_bytes,
            pressure: previous.pressure,
            throttled_usec: previous.throttled_usec.filter(|_| unthrottled),
            throttled_periods: previous.throttled_periods.filter(|_| unthrottled),
            pids: previous.pids.filter(|_| unlimited_pids),
            ..Counters::default()
        }
    }

    /// After a reading that started [`Counters::carried_from`] `previous`: the OOM kill
    /// count where its file was not read (the kernel's count stood still).
    pub fn carry_unread(&mut self, previous: &Counters) {
        self.oom_kills = self.oom_kills.or(previous.oom_kills);
    }

    /// Whether every field file `name` fills is known already from another hierarchy
    /// (a hybrid host's unified `cpu.stat` repeats v1 `cpuacct.usage` and has no
    /// throttling without the cpu controller): then it need not be read.
    pub fn already_has(&self, name: &str) -> bool {
        match name {
            "cpu.stat" => self.cpu_usec.is_some() && self.throttled_usec.is_some() && self.throttled_periods.is_some(),
            "cpuacct.usage" => self.cpu_usec.is_some(),
            "memory.current" | "memory.usage_in_bytes" => self.memory_bytes.is_some(),
            "pids.current" => self.pids.is_some(),
            _ => false,
        }
    }

    /// Fills the fields `name` (of a v2 or v1 cgroup) holds from its `text`; a field
    /// already set by another hierarchy is kept.
    pub fn parse(&mut self, v2: bool, name: &str, text: &str) {
        let number = || text.trim().parse::<u64>().ok();
        match (v2, name) {
            (true, "cpu.stat") => {
                set(&mut self.cpu_usec, field(text, "usage_usec"));
                set(&mut self.throttled_usec, field(text, "throttled_usec"));
                set(&mut self.throttled_periods, field(text, "nr_throttled"));
            }
            (false, "cpu.stat") => {
                set(&mut self.throttled_usec, field(text, "throttled_time").map(|ns| ns / 1000));
                set(&mut self.throttled_periods, field(text, "nr_throttled"));
            }
            (false, "cpuacct.usage") => set(&mut self.cpu_usec, number().map(|ns| ns / 1000)),
            (false, "cpu.cfs_quota_us") => {
                self.cpu_quota = self.cpu_quota.or(text.trim().parse::<i64>().ok().map(|quota| quota > 0))
            }
            (true, "memory.current") | (false, "memory.usage_in_bytes") => set(&mut self.memory_bytes, number()),
            // "max" does not parse: unlimited.
            (true, "memory.max") => set(&mut self.memory_limit_bytes, number()),
            (false, "memory.limit_in_bytes") => {
                set(&mut self.memory_limit_bytes, number().filter(|&n| n < V1_UNLIMITED))
            }
            (true, "memory.high") => set(&mut self.memory_high_bytes, number()),
            (true, "memory.swap.current") => set(&mut self.swap_bytes, number()),
            (false, "memory.memsw.usage_in_bytes") => set(&mut self.memsw_bytes, number()),
            (true, "memory.stat") => set(&mut self.inactive_file_bytes, field(text, "inactive_file")),
            // v1's total_ fields include the descendants, as v2's always do.
            (false, "memory.stat") => set(&mut self.inactive_file_bytes, field(text, "total_inactive_file")),
            (true, "memory.events") => {
                set(&mut self.oom_kills, field(text, "oom_kill"));
                set(&mut self.high_events, field(text, "high"));
                set(&mut self.max_events, field(text, "max"));
            }
            // Older v1 kernels (before 4.13) have no oom_kill line: unknown.
            (false, "memory.oom_control") => set(&mut self.oom_kills, field(text, "oom_kill")),
            (false, "memory.failcnt") => set(&mut self.max_events, number()),
            (true, "io.stat") => {
                let sum = |key: &str| io_stat_sum(text, key);
                set(&mut self.read_bytes, sum("rbytes"));
                set(&mut self.write_bytes, sum("wbytes"));
                set(&mut self.read_ios, sum("rios"));
                set(&mut self.write_ios, sum("wios"));
            }
            (false, "blkio.throttle.io_service_bytes_recursive") => {
                set(&mut self.read_bytes, blkio_sum(text, "Read"));
                set(&mut self.write_bytes, blkio_sum(text, "Write"));
            }
            (false, "blkio.throttle.io_serviced_recursive") => {
                set(&mut self.read_ios, blkio_sum(text, "Read"));
                set(&mut self.write_ios, blkio_sum(text, "Write"));
            }
            (_, "pids.current") => set(&mut self.pids, number()),
            (_, "pids.max") => set(&mut self.pids_limit, number()),
            (true, "cpu.pressure" | "memory.pressure" | "io.pressure") => {
                let p = self.pressure.get_or_insert_with(Pressure::default);
                let (some, full) = psi_avg10(text);
                match name {
                    "cpu.pressure" => p.cpu_some = some,
                    "memory.pressure" => (p.memory_some, p.memory_full) = (some, full),
                    _ => (p.io_some, p.io_full) = (some, full),
                }
            }
            _ => {}
        }
    }

    /// What needs two files: v1 swap is memory+swap less memory.
    pub fn finish(&mut self) {
        if let (None, Some(memsw), Some(memory)) = (self.swap_bytes, self.memsw_bytes, self.memory_bytes) {
            self.swap_bytes = Some(memsw.saturating_sub(memory));
        }
    }
}

fn set(slot: &mut Option<u64>, value: Option<u64>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// The value of a `key value` line.
fn field(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
}

/// `key=value` summed over the devices of a v2 `io.stat` (`8:0 rbytes=… wbytes=…`).
fn io_stat_sum(text: &str, key: &str) -> Option<u64> {
    let mut total = None;
    for value in text.split_whitespace().filter_map(|w| w.strip_prefix(key)?.strip_prefix('=')) {
        if let Ok(v) = value.parse::<u64>() {
            total = Some(total.unwrap_or(0u64).saturating_add(v));
        }
    }
    // A cgroup that never did I/O has an empty io.stat: zero, not unknown.
    total.or(Some(0))
}

/// `8:0 Read 1234` lines of a v1 blkio file, summed over the devices.
fn blkio_sum(text: &str, op: &str) -> Option<u64> {
    let mut total = 0u64;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if let (Some(_device), Some(o), Some(value)) = (words.next(), words.next(), words.next())
            && o == op
        {
            total = total.saturating_add(value.parse().unwrap_or(0));
        }
    }
    Some(total)
}

/// `some` and `full` avg10 of a PSI file.
fn psi_avg10(text: &str) -> (Option<f64>, Option<f64>) {
    let avg10 = |kind: &str| {
        text.lines().find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next()? == kind).then_some(())?;
            words.find_map(|w| w.strip_prefix("avg10="))?.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
        })
    };
    (avg10("some"), avg10("full"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_files_fill_the_counters() {
        let mut c = Counters::default();
        c.parse(
            true,
            "cpu.stat",
            "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 700\n",
        );
        c.parse(true, "memory.max", "max\n");
        c.parse(true, "memory.high", "1073741824\n");
        c.parse(true, "memory.events", "low 0\nhigh 3\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n");
        c.parse(true, "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
        c.parse(true, "pids.max", "max\n");
        c.parse(
            true,
            "memory.pressure",
            "some avg10=1.50 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.25 avg60=0.00 avg300=0.00 total=1\n",
        );
        assert_eq!((c.cpu_usec, c.throttled_usec, c.throttled_periods), (Some(5000), Some(700), Some(4)));
        assert_eq!((c.memory_limit_bytes, c.memory_high_bytes), (None, Some(1 << 30)));
        assert!(!c.wants(true, "memory.stat", true, true), "no limit, no page cache to judge");
        assert_eq!((c.oom_kills, c.high_events, c.max_events), (Some(1), Some(3), Some(2)));
        assert_eq!((c.read_bytes, c.write_bytes, c.read_ios, c.write_ios), (Some(101), Some(202), Some(4), Some(6)));
        assert_eq!(c.pids_limit, None);
        let p = c.pressure.unwrap();
        assert_eq!((p.memory_some, p.memory_full, p.cpu_some), (Some(1.5), Some(0.25), None));
    }

    #[test]
    fn v1_files_fill_the_same_counters_in_v2_units() {
        let mut c = Counters::default();
        c.parse(false, "cpuacct.usage", "2500000\n");
        c.parse(false, "cpu.stat", "nr_periods 20\nnr_throttled 5\nthrottled_time 3000000\n");
        c.parse(false, "memory.usage_in_bytes", "1000\n");
        c.parse(false, "memory.limit_in_bytes", "9223372036854771712\n");
        c.parse(false, "memory.memsw.usage_in_bytes", "1500\n");
        c.parse(false, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        c.parse(
            false,
            "blkio.throttle.io_service_bytes_recursive",
            "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n",
        );
        c.parse(false, "pids.max", "64\n");
        c.finish();
        assert_eq!((c.cpu_usec, c.throttled_usec, c.throttled_periods), (Some(2500), Some(3000), Some(5)));
        assert_eq!(c.memory_limit_bytes, None, "v1's unlimited");
        assert_eq!(c.swap_bytes, Some(500));
        assert_eq!(c.oom_kills, Some(2));
        assert_eq!((c.read_bytes, c.write_bytes), (Some(4096), Some(8192)));
        assert_eq!(c.pids_limit, Some(64));
    }

    #[test]
    fn a_file_whose_fields_another_hierarchy_gave_is_not_needed() {
        let mut c = Counters::default();
        assert!(!c.already_has("cpu.stat"));
        c.parse(false, "cpuacct.usage", "2500000\n");
        assert!(!c.already_has("cpu.stat"), "v1 cpuacct has no throttling");
        c.parse(false, "cpu.stat", "nr_periods 20\nnr_throttled 5\nthrottled_time 3000000\n");
        assert!(c.already_has("cpu.stat"));
        assert!(!c.already_has("memory.current") && !c.already_has("memory.events"));
    }

    #[test]
    fn limits_carry_over_to_a_reading_that_does_not_read_them() {
        let mut c = Counters::default();
        c.parse(true, "memory.max", "1073741824\n");
        c.parse(true, "pids.max", "100\n");
        c.parse(true, "memory.current", "5\n");
        c.parse(true, "memory.pressure", "some avg10=2.00 avg60=0.00 avg300=0.00 total=1\n");
        let next = Counters::carried_from(&c);
        assert_eq!((next.memory_limit_bytes, next.pids_limit, next.memory_bytes), (Some(1 << 30), Some(100), None));
        assert!(!next.already_has("pids.current"), "under pids.max the count is judged: read every reading");
        let mut unlimited = Counters::default();
        unlimited.parse(true, "pids.max", "max\n");
        unlimited.parse(true, "pids.current", "7\n");
        assert_eq!(Counters::carried_from(&unlimited).pids, Some(7));
        assert!(Counters::carried_from(&unlimited).already_has("pids.current"));
        assert_eq!(next.pressure.and_then(|p| p.memory_some), Some(2.0), "pressure is read at full readings");
        assert!(next.wants(true, "memory.stat", false, false));
        assert!(next.wants(true, "memory.events", false, false), "a limit's hits are judged every reading");
        assert_eq!(cadence("memory.max"), Cadence::Full);
        assert_eq!(cadence("cpu.pressure"), Cadence::Full);
        assert_eq!(cadence("memory.current"), Cadence::Usage);
        assert_eq!(populated("populated 1\nfrozen 0\n"), Some(true));
        assert_eq!(populated("populated 0\nfrozen 0\n"), Some(false));
        assert_eq!(populated("garbage"), None);
    }

    #[test]
    fn throttling_is_read_only_under_a_quota_and_oom_counts_only_when_the_kernel_s_moved() {
        let mut c = Counters::default();
        c.parse(false, "cpu.cfs_quota_us", "-1\n");
        c.parse(false, "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
        c.parse(false, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        assert_eq!(c.cpu_quota, Some(false));
        assert!(c.wants(false, "cpu.stat", true, false), "a full reading reads it all");
        let mut next = Counters::carried_from(&c);
        assert!(!next.wants(false, "cpu.stat", false, false), "no quota: throttling cannot move");
        assert_eq!((next.throttled_usec, next.throttled_periods), (Some(0), Some(0)));
        assert!(!next.wants(false, "memory.oom_control", false, false));
        assert!(next.wants(false, "memory.oom_control", false, true));
        assert!(!next.wants(true, "memory.events", false, false), "no limit, no kill: nothing to judge");
        assert!(!next.wants(false, "memory.failcnt", true, true), "no limit of its own, never hit");
        next.carry_unread(&c);
        assert_eq!(next.oom_kills, Some(3));

        let mut quota = Counters::default();
        quota.parse(false, "cpu.cfs_quota_us", "50000\n");
        assert_eq!(quota.cpu_quota, Some(true));
        let next = Counters::carried_from(&quota);
        assert!(next.wants(false, "cpu.stat", false, false));
        assert_eq!(next.throttled_usec, None, "read afresh under a quota");
        let mut garbled = Counters::default();
        garbled.parse(false, "cpu.cfs_quota_us", "lots\n");
        assert!(Counters::carried_from(&garbled).wants(false, "cpu.stat", false, false), "unknown: read");
    }

    #[test]
    fn garbled_files_leave_values_unknown() {
        let mut c = Counters::default();
        c.parse(true, "cpu.stat", "usage_usec lots\n");
        c.parse(true, "memory.current", "\u{1b}[2J");
        c.parse(true, "memory.events", "");
        assert_eq!(c, Counters::default());
        // The first hierarchy that has a value keeps it.
        c.parse(false, "cpuacct.usage", "1000\n");
        c.parse(true, "cpu.stat", "usage_usec 99\n");
        assert_eq!(c.cpu_usec, Some(1));
    }
}
