//! Judgement: a [`Snapshot`] and [`Thresholds`] give [`Findings`] — a severity for
//! every judged value and the list of problems, worst first. The only place that
//! decides what is wrong; the screen and the reports only look findings up.

mod blocked;
mod cgroups;
mod clock;
mod disks_io;
mod fd_limits;
mod hardware;
mod kernel_limits;
mod network;
mod own;
mod raid;
mod rules;
mod thresholds;
pub mod timeline;

pub use thresholds::Thresholds;

use crate::snapshot::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Ok,
    Warning,
    Error,
}

/// Which value a severity belongs to, so a panel can ask "how is /var?".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Load,
    CpuBusy,
    IoWait,
    Steal,
    Memory,
    Swap,
    /// Space on the filesystem mounted here.
    FsSpace(String),
    /// Inodes on the filesystem mounted here.
    FsInodes(String),
    /// The mount itself: not responding, device gone, remounted read-only.
    Mount(String),
    Interface(String),
    /// An executable with too many instances.
    Repeated(String),
    Zombies,
    Uptime,
    OomKills,
    /// Any pressure stall (cpu, memory, io): the worst of them.
    Pressure,
    /// A disk's I/O (by kernel name): busy, slow or queueing.
    Disk(String),
    /// Processes stuck in D state.
    Blocked,
    /// The kernel clock's synchronisation.
    Clock,
    /// A software RAID array (by md name).
    Raid(String),
    /// A system-wide kernel limit: `files` or `tasks`.
    KernelLimit(&'static str),
    /// Memory errors, a temperature (by chip and label), thermal throttling.
    Hardware(String),
    /// A process (by pid) near its own open-file limit.
    ProcessFdLimit(u32),
    /// The process scan has stopped answering.
    ProcessScan,
    /// ctop's configuration could not be used as written.
    Config,
    /// The flight recorder cannot write (a full disk).
    Recording,
    /// The network stack: `listen_queue`, `syn_queue`, `retransmits`, `tcp_orphans`,
    /// `tcp_memory`, `time_wait`, `udp_buffers`, `conntrack`, `softnet`.
    Network(&'static str),
    /// A service, container or pod, by cgroup path.
    Cgroup(String),
    /// A finding replayed from a recording, of a rule this ctop does not know (a later
    /// ctop's): its rule's name and what it is about.
    Recorded(String),
}

impl Key {
    /// The rule's stable name, as `--openmetrics` labels a finding with it.
    pub fn rule(&self) -> &'static str {
        match self {
            Key::Load => "load",
            Key::CpuBusy => "cpu_busy",
            Key::IoWait => "iowait",
            Key::Steal => "steal",
            Key::Memory => "memory",
            Key::Swap => "swap",
            Key::FsSpace(_) => "filesystem_space",
            Key::FsInodes(_) => "filesystem_inodes",
            Key::Mount(_) => "mount",
            Key::Interface(_) => "interface",
            Key::Repeated(_) => "repeated_binary",
            Key::Zombies => "zombies",
            Key::Uptime => "uptime",
            Key::OomKills => "oom_kills",
            Key::Pressure => "pressure",
            Key::ProcessScan => "process_scan",
            Key::Config => "config",
            Key::Recording => "recording",
            // Already a rule's name: `listen_queue`, `syn_queue`, `conntrack` …
            Key::Network(rule) => rule,
            Key::Cgroup(_) => "cgroup",
            Key::Disk(_) => "disk_io",
            Key::Blocked => "blocked_processes",
            Key::Clock => "clock",
            Key::Raid(_) => "raid",
            Key::KernelLimit(_) => "kernel_limit",
            Key::Hardware(_) => "hardware",
            Key::ProcessFdLimit(_) => "process_fd_limit",
            Key::Recorded(_) => "recorded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// What it is about: `/var`, `eth1`, `apache2`, `load`.
    pub subject: String,
    /// `/var 97% full, 1.2 GiB left`.
    pub message: String,
    #[serde(skip)]
    pub key: Key,
    /// How far past its threshold, to order findings of one severity (larger first).
    #[serde(skip)]
    pub excess: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Errors first, then warnings; within each, the most severe first.
    pub problems: Vec<Finding>,
    severities: HashMap<Key, Severity>,
}

impl Findings {
    /// Builds the findings from unordered problems: sorts them and indexes them by key.
    pub fn new(mut problems: Vec<Finding>) -> Self {
        problems.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.excess.total_cmp(&a.excess)));
        let mut severities = HashMap::new();
        for p in &problems {
            let s = severities.entry(p.key.clone()).or_insert(Severity::Ok);
            *s = (*s).max(p.severity);
        }
        Self { problems, severities }
    }

    /// The severity of one value; `Ok` for anything not judged a problem.
    pub fn severity(&self, key: &Key) -> Severity {
        self.severities.get(key).copied().unwrap_or_default()
    }

    /// The worst severity of all: the machine's overall state.
    pub fn worst(&self) -> Severity {
        self.problems.first().map(|p| p.severity).unwrap_or_default()
    }

    /// How many problems have exactly this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.problems.iter().filter(|p| p.severity == severity).count()
    }
}

/// Judges every value of the snapshot: the severities and the problems, worst first.
pub fn judge(snapshot: &Snapshot, thresholds: &Thresholds) -> Findings {
    let mut problems = rules::judge_all(snapshot, thresholds);
    problems.extend(own::judge(snapshot, thresholds));
    Findings::new(problems)
}
