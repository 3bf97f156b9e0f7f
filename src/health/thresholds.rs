//! The limits every rule judges against, with the defaults from PRODUCT.md
//! "Colour rules". Read from the `[thresholds]` table of the configuration file;
//! every key is optional (a missing key keeps its default).

use serde::{Deserialize, Serialize};

/// Percentages are of capacity (0–100; a value above 100 never fires); load is in
/// multiples of the CPUs; counts are plain numbers (0 turns a count rule off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// 1-minute load above this many times the CPUs (or the container's CPU quota).
    pub load_warning: f64,
    pub load_error: f64,
    /// CPU busy % (everything but idle and iowait), at or above.
    pub cpu_warning: f64,
    pub cpu_error: f64,
    pub iowait_warning: f64,
    pub steal_warning: f64,
    /// Memory used (total − available, or the container's use of its limit) %.
    pub memory_warning: f64,
    pub memory_error: f64,
    pub swap_warning: f64,
    pub swap_error: f64,
    /// Filesystem space used %, as `df` shows it.
    pub fs_space_warning: f64,
    pub fs_space_error: f64,
    /// Filesystem inodes used %, as `df -i` shows it.
    pub fs_inodes_warning: f64,
    pub fs_inodes_error: f64,
    /// One executable with more instances than this.
    pub repeated_warning: u64,
    /// … or with more than this % of all processes, once there are more than
    /// `repeated_share_min_processes` processes.
    pub repeated_share_warning: f64,
    pub repeated_share_min_processes: u64,
    /// At least this many zombies.
    pub zombies_warning: u64,
    /// Uptime under this many seconds: a recent reboot.
    pub recent_reboot_seconds: f64,
    /// OOM kills since ctop started, at least this many.
    pub oom_watching_error: u64,
    /// OOM kills since boot, at least this many (they may be old; the kernel keeps no dates).
    pub oom_since_boot_warning: u64,
    /// Pressure stall information, avg10 in % of time.
    pub pressure_cpu_some_warning: f64,
    pub pressure_memory_some_warning: f64,
    pub pressure_memory_full_error: f64,
    pub pressure_io_some_warning: f64,
    /// A rotational disk's %util over the last 10 s, at or above: a spinning disk serves
    /// one request at a time, so a busy one is a saturated one.
    pub disk_util_rotational_warning: f64,
    /// Average await (ms) of reads or writes over the last 10 s, at or above, for
    /// rotational disks (a seek costs ~10 ms) and solid-state ones (well under 1 ms).
    pub disk_await_rotational_warning: f64,
    pub disk_await_rotational_error: f64,
    pub disk_await_solid_state_warning: f64,
    pub disk_await_solid_state_error: f64,
    /// A solid-state disk's average queue (aqu-sz) over the last 10 s, at or above:
    /// its %util says 100 % at one request in flight, so its queue tells saturation.
    pub disk_queue_solid_state_warning: f64,
    /// A process in D state this many seconds without running (seen by two process
    /// scans): a warning; an error from `blocked_error_seconds`, or when at least
    /// `blocked_error_count` processes are (0 turns the count off).
    pub blocked_warning_seconds: f64,
    pub blocked_error_seconds: f64,
    pub blocked_error_count: u64,
    /// The kernel's bound on the clock's error (adjtimex `maxerror`), at or above: not
    /// synchronised. 16 s (the kernel's ceiling) is systemd-timedated's rule; above 16
    /// never fires.
    pub clock_max_error_warning_seconds: f64,
    /// File handles allocated, % of `fs.file-max`.
    pub kernel_files_warning: f64,
    pub kernel_files_error: f64,
    /// Tasks (processes and threads), % of the tighter of `kernel.pid_max` and
    /// `kernel.threads-max`.
    pub kernel_tasks_warning: f64,
    pub kernel_tasks_error: f64,
    /// A process's open descriptors, % of its own soft RLIMIT_NOFILE. Processes are
    /// counted from half their limit up (`collect::procs::fd_limits`), so a warning
    /// below 50 acts as 50.
    pub process_files_warning: f64,
    pub process_files_error: f64,
    /// A process scan running this many seconds without an answer is "not responding"
    /// (0 = off).
    pub process_scan_stalled_seconds: f64,
    /// TCP listen-queue drops (overflows included) per second held over two slow-tier
    /// intervals, at or above: an error (any drop at all is a warning).
    pub tcp_listen_drops_error: f64,
    /// Retransmitted TCP segments in % of those sent, at or above (judged once at
    /// least 10 segments a second are sent).
    pub tcp_retransmit_warning: f64,
    pub tcp_retransmit_error: f64,
    /// Orphaned TCP sockets in % of `tcp_max_orphans`.
    pub tcp_orphans_warning: f64,
    pub tcp_orphans_error: f64,
    /// TCP buffer memory in % of `tcp_mem`'s limit (its third value).
    pub tcp_memory_warning: f64,
    pub tcp_memory_error: f64,
    /// TIME_WAIT sockets in % of `tcp_max_tw_buckets`.
    pub tcp_time_wait_warning: f64,
    /// Conntrack entries in % of `nf_conntrack_max` (any drop is an error).
    pub conntrack_warning: f64,
    pub conntrack_error: f64,
    /// An interface's dropped packets in % of its packets, at or above (a bond's
    /// slaves are not judged: the inactive one drops by design).
    pub interface_drops_warning: f64,
    /// A cgroup's memory (less reclaimable page cache) as % of its limit.
    pub cgroup_memory_warning: f64,
    pub cgroup_memory_error: f64,
    /// A cgroup throttled by its CPU quota this % of the time.
    pub cgroup_throttled_warning: f64,
    /// A cgroup's pids as % of its pids.max.
    pub cgroup_pids_warning: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            load_warning: 1.0,
            load_error: 2.0,
            cpu_warning: 70.0,
            cpu_error: 90.0,
            iowait_warning: 20.0,
            steal_warning: 20.0,
            memory_warning: 80.0,
            memory_error: 90.0,
            swap_warning: 50.0,
            swap_error: 80.0,
            fs_space_warning: 85.0,
            fs_space_error: 95.0,
            fs_inodes_warning: 85.0,
            fs_inodes_error: 95.0,
            repeated_warning: 200,
            repeated_share_warning: 50.0,
            repeated_share_min_processes: 100,
            zombies_warning: 1,
            recent_reboot_seconds: 3600.0,
            oom_watching_error: 1,
            oom_since_boot_warning: 1,
            pressure_cpu_some_warning: 50.0,
            pressure_memory_some_warning: 20.0,
            pressure_memory_full_error: 10.0,
            pressure_io_some_warning: 30.0,
            disk_util_rotational_warning: 90.0,
            disk_await_rotational_warning: 50.0,
            disk_await_rotational_error: 200.0,
            disk_await_solid_state_warning: 10.0,
            disk_await_solid_state_error: 50.0,
            disk_queue_solid_state_warning: 32.0,
            blocked_warning_seconds: 5.0,
            blocked_error_seconds: 120.0,
            blocked_error_count: 10,
            clock_max_error_warning_seconds: 16.0,
            kernel_files_warning: 80.0,
            kernel_files_error: 95.0,
            kernel_tasks_warning: 80.0,
            kernel_tasks_error: 95.0,
            process_files_warning: 80.0,
            process_files_error: 95.0,
            process_scan_stalled_seconds: 10.0,
            tcp_listen_drops_error: 10.0,
            tcp_retransmit_warning: 5.0,
            tcp_retransmit_error: 15.0,
            tcp_orphans_warning: 80.0,
            tcp_orphans_error: 95.0,
            tcp_memory_warning: 80.0,
            tcp_memory_error: 95.0,
            tcp_time_wait_warning: 90.0,
            conntrack_warning: 90.0,
            conntrack_error: 95.0,
            interface_drops_warning: 2.0,
            cgroup_memory_warning: 90.0,
            cgroup_memory_error: 98.0,
            cgroup_throttled_warning: 25.0,
            cgroup_pids_warning: 90.0,
        }
    }
}

impl Thresholds {
    /// What makes no sense in a hand-edited file: a negative or non-finite number, or a
    /// warning above its error. Returns the offending key and why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let numbers = [
            ("load_warning", self.load_warning),
            ("load_error", self.load_error),
            ("cpu_warning", self.cpu_warning),
            ("cpu_error", self.cpu_error),
            ("iowait_warning", self.iowait_warning),
            ("steal_warning", self.steal_warning),
            ("memory_warning", self.memory_warning),
            ("memory_error", self.memory_error),
            ("swap_warning", self.swap_warning),
            ("swap_error", self.swap_error),
            ("fs_space_warning", self.fs_space_warning),
            ("fs_space_error", self.fs_space_error),
            ("fs_inodes_warning", self.fs_inodes_warning),
            ("fs_inodes_error", self.fs_inodes_error),
            ("repeated_share_warning", self.repeated_share_warning),
            ("recent_reboot_seconds", self.recent_reboot_seconds),
            ("pressure_cpu_some_warning", self.pressure_cpu_some_warning),
            ("pressure_memory_some_warning", self.pressure_memory_some_warning),
            ("pressure_memory_full_error", self.pressure_memory_full_error),
            ("pressure_io_some_warning", self.pressure_io_some_warning),
            ("disk_util_rotational_warning", self.disk_util_rotational_warning),
            ("disk_await_rotational_warning", self.disk_await_rotational_warning),
            ("disk_await_rotational_error", self.disk_await_rotational_error),
            ("disk_await_solid_state_warning", self.disk_await_solid_state_warning),
            ("disk_await_solid_state_error", self.disk_await_solid_state_error),
            ("disk_queue_solid_state_warning", self.disk_queue_solid_state_warning),
            ("blocked_warning_seconds", self.blocked_warning_seconds),
            ("blocked_error_seconds", self.blocked_error_seconds),
            ("clock_max_error_warning_seconds", self.clock_max_error_warning_seconds),
            ("kernel_files_warning", self.kernel_files_warning),
            ("kernel_files_error", self.kernel_files_error),
            ("kernel_tasks_warning", self.kernel_tasks_warning),
            ("kernel_tasks_error", self.kernel_tasks_error),
            ("process_files_warning", self.process_files_warning),
            ("process_files_error", self.process_files_error),
            ("process_scan_stalled_seconds", self.process_scan_stalled_seconds),
            ("tcp_listen_drops_error", self.tcp_listen_drops_error),
            ("tcp_retransmit_warning", self.tcp_retransmit_warning),
            ("tcp_retransmit_error", self.tcp_retransmit_error),
            ("tcp_orphans_warning", self.tcp_orphans_warning),
            ("tcp_orphans_error", self.tcp_orphans_error),
            ("tcp_memory_warning", self.tcp_memory_warning),
            ("tcp_memory_error", self.tcp_memory_error),
            ("tcp_time_wait_warning", self.tcp_time_wait_warning),
            ("conntrack_warning", self.conntrack_warning),
            ("conntrack_error", self.conntrack_error),
            ("interface_drops_warning", self.interface_drops_warning),
            ("cgroup_memory_warning", self.cgroup_memory_warning),
            ("cgroup_memory_error", self.cgroup_memory_error),
            ("cgroup_throttled_warning", self.cgroup_throttled_warning),
            ("cgroup_pids_warning", self.cgroup_pids_warning),
        ];
        if let Some((key, value)) = numbers.iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
            return Err((key, format!("must be a number ≥ 0, not {value}")));
        }
        let pairs = [
            ("load_warning", self.load_warning, "load_error", self.load_error),
            ("cpu_warning", self.cpu_warning, "cpu_error", self.cpu_error),
            ("memory_warning", self.memory_warning, "memory_error", self.memory_error),
            ("swap_warning", self.swap_warning, "swap_error", self.swap_error),
            ("fs_space_warning", self.fs_space_warning, "fs_space_error", self.fs_space_error),
            ("fs_inodes_warning", self.fs_inodes_warning, "fs_inodes_error", self.fs_inodes_error),
            (
                "disk_await_rotational_warning",
                self.disk_await_rotational_warning,
                "disk_await_rotational_error",
                self.disk_await_rotational_error,
            ),
            ("kernel_files_warning", self.kernel_files_warning, "kernel_files_error", self.kernel_files_error),
            ("kernel_tasks_warning", self.kernel_tasks_warning, "kernel_tasks_error", self.kernel_tasks_error),
            ("process_files_warning", self.process_files_warning, "process_files_error", self.process_files_error),
            (
                "blocked_warning_seconds",
                self.blocked_warning_seconds,
                "blocked_error_seconds",
                self.blocked_error_seconds,
            ),
            (
                "disk_await_solid_state_warning",
                self.disk_await_solid_state_warning,
                "disk_await_solid_state_error",
                self.disk_await_solid_state_error,
            ),
            ("tcp_retransmit_warning", self.tcp_retransmit_warning, "tcp_retransmit_error", self.tcp_retransmit_error),
            ("tcp_orphans_warning", self.tcp_orphans_warning, "tcp_orphans_error", self.tcp_orphans_error),
            ("tcp_memory_warning", self.tcp_memory_warning, "tcp_memory_error", self.tcp_memory_error),
            ("conntrack_warning", self.conntrack_warning, "conntrack_error", self.conntrack_error),
            ("cgroup_memory_warning", self.cgroup_memory_warning, "cgroup_memory_error", self.cgroup_memory_error),
        ];
        match pairs.iter().find(|(_, w, _, e)| w > e) {
            Some((wk, w, ek, e)) => Err((wk, format!("{w} is above {ek} ({e})"))),
            None => Ok(()),
        }
    }
}
