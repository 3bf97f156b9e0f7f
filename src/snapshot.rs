//! Everything seen at one instant, and the sampler that fills it.
//!
//! Collection runs in three tiers, each on its own thread in the dashboard so a slow
//! one never delays another: the fast tier (clock, CPU, load, memory, network rates,
//! pressure) every `interval`; the slow tier (filesystems, listening ports) every
//! `slow_interval`; the process scan every `proc_interval` or on request. Each tier
//! sends an [`Update`], which [`Snapshot::apply`] folds into the current snapshot.

use crate::collect::cgroups::{CgroupSampler, Cgroups};
use crate::collect::clock::{Clock, ClockSampler};
use crate::collect::cpu::{Cpu, CpuSampler};
use crate::collect::diskio::{DiskIo, DiskIoSampler};
use crate::collect::disks::{DiskProber, Filesystem};
use crate::collect::hardware::{Hardware, HardwareSampler};
use crate::collect::host::{self, Host};
use crate::collect::kernel_limits::{self, KernelLimits};
use crate::collect::limits::{CgroupFiles, ContainerLimits};
use crate::collect::memory::{Memory, MemorySampler, Swap};
use crate::collect::net::{Interface, NetSampler};
use crate::collect::network::{Network, NetworkSampler};
use crate::collect::platform::{self, Platform};
use crate::collect::ports::{ListeningSocket, PortScanner};
use crate::collect::pressure::{OomKills, OomWatch, Pressure, PressureSampler};
use crate::collect::procs::{ProcessScanner, Processes};
use crate::collect::raid::{self, MdArray};
use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    pub host: Host,
    pub platform: Platform,
    pub time: Clock,
    pub cpu: Cpu,
    pub memory: Option<Memory>,
    pub swap: Option<Swap>,
    pub limits: ContainerLimits,
    pub pressure: Pressure,
    pub oom_kills: OomKills,
    pub filesystems: Vec<Filesystem>,
    /// Disk I/O rates per whole disk, md array and dm volume.
    pub disks: Vec<DiskIo>,
    /// Software RAID arrays (`/proc/mdstat`).
    pub raid: Vec<MdArray>,
    /// Open files and tasks against the kernel's system-wide limits.
    pub kernel_limits: KernelLimits,
    /// Memory errors, temperatures, thermal throttling (empty on most VMs).
    pub hardware: Hardware,
    pub interfaces: Vec<Interface>,
    pub listening: Vec<ListeningSocket>,
    /// TCP, UDP, conntrack and softnet health and the connection counts (slow tier).
    pub network: Network,
    /// Services, containers and pods (every cgroup), read on the slow interval.
    pub cgroups: Cgroups,
    /// `None` until the first process scan has finished.
    pub processes: Option<Arc<Processes>>,
    /// When the process table was last scanned (not serialized: an instant has no
    /// meaning outside this process).
    #[serde(skip)]
    pub processes_scanned_at: Option<Instant>,
    /// When the process scan under way began; `None` while none is running.
    #[serde(skip)]
    pub process_scan_started: Option<Instant>,
    /// How long that scan had been running at the last fast-tier update: a read that
    /// blocks (a new process's `cmdline` behind a held mm lock) shows here while the
    /// rest of the screen goes on.
    #[serde(skip)]
    pub process_scan_running: Option<Duration>,
    /// What ctop ran past in its configuration (an unreadable default file, a bad
    /// value a flag overrides), one line each, for the problem list.
    #[serde(skip)]
    pub config_warnings: Vec<String>,
    /// Why `--record` cannot write (a full disk), while it cannot.
    #[serde(skip)]
    pub recording_problem: Option<String>,
    /// Read from a `--root` tree, not this machine: the tree's uptime and boot time are
    /// as of whenever it was captured, while the clock is this machine's, so nothing may
    /// say "N ago" by putting the two together.
    #[serde(skip)]
    pub from_root_tree: bool,
}

/// What one tier has just collected.
#[derive(Debug, Clone)]
pub enum Update {
    Fast(Box<FastTier>),
    Slow {
        filesystems: Vec<Filesystem>,
        listening: Vec<ListeningSocket>,
        raid: Vec<MdArray>,
        kernel_limits: Box<KernelLimits>,
        hardware: Box<Hardware>,
        network: Box<Network>,
    },
    Processes(Arc<Processes>),
    /// A process scan has begun (`Some`, when) or the one begun has been set aside
    /// (`None`: the first scan only primes the CPU counters and sends nothing).
    ProcessScanStarted(Option<Instant>),
    Cgroups(Box<Cgroups>),
}

/// Serialized for the flight recorder (`record/`): every field optional on reading.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FastTier {
    pub time: Clock,
    pub cpu: Cpu,
    pub memory: Option<Memory>,
    pub swap: Option<Swap>,
    pub limits: ContainerLimits,
    pub pressure: Pressure,
    pub oom_kills: OomKills,
    pub interfaces: Vec<Interface>,
    pub disks: Vec<DiskIo>,
}

impl Snapshot {
    /// What never changes while ctop runs: identity and platform, read once.
    pub fn with_identity(source: &Source) -> Self {
        Self {
            host: host::collect(source),
            platform: platform::collect(source),
            from_root_tree: !source.is_live_root(),
            ..Self::default()
        }
    }

    pub fn apply(&mut self, update: Update) {
        match update {
            Update::Fast(f) => {
                let f = *f;
                self.time = f.time;
                self.cpu = f.cpu;
                self.memory = f.memory;
                self.swap = f.swap;
                self.limits = f.limits;
                self.pressure = f.pressure;
                self.oom_kills = f.oom_kills;
                self.interfaces = f.interfaces;
                self.disks = f.disks;
                self.process_scan_running = self.process_scan_started.map(|at| at.elapsed());
            }
            Update::Slow { filesystems, listening, network, raid, kernel_limits, hardware } => {
                self.hardware = *hardware;
                self.kernel_limits = *kernel_limits;
                self.filesystems = filesystems;
                self.listening = listening;
                self.network = *network;
                self.raid = raid;
            }
            Update::Processes(p) => {
                self.processes = Some(p);
                self.processes_scanned_at = Some(Instant::now());
                self.process_scan_started = None;
                self.process_scan_running = None;
            }
            Update::ProcessScanStarted(at) => {
                self.process_scan_started = at;
                self.process_scan_running = None;
            }
            Update::Cgroups(c) => self.cgroups = *c,
        }
    }
}

/// The fast tier's collectors and the state they keep between calls (among it the
/// files they read on every tick, kept open).
pub struct FastSampler {
    clock: ClockSampler,
    memory: MemorySampler,
    cgroup: CgroupFiles,
    cpu: CpuSampler,
    net: NetSampler,
    pressure: PressureSampler,
    oom: OomWatch,
    disks: DiskIoSampler,
}

impl FastSampler {
    pub fn new(source: Source) -> Self {
        Self {
            clock: ClockSampler::new(source.clone()),
            memory: MemorySampler::new(&source),
            cgroup: CgroupFiles::discover(&source),
            cpu: CpuSampler::new(source.clone()),
            net: NetSampler::new(source.clone()),
            pressure: PressureSampler::new(&source),
            disks: DiskIoSampler::new(source.clone()),
            oom: OomWatch::new(source),
        }
    }

    pub fn collect(&mut self) -> FastTier {
        let mem = self.memory.collect();
        FastTier {
            time: self.clock.collect(),
            cpu: self.cpu.collect(),
            memory: mem.map(|m| m.0),
            swap: mem.map(|m| m.1),
            limits: self.cgroup.read(),
            pressure: self.pressure.collect(),
            oom_kills: self.oom.collect(),
            interfaces: self.net.collect(),
            disks: self.disks.collect(),
        }
    }
}

/// The slow tier: filesystems (with the hung-mount deadline), listening sockets with
/// their connections, the network stack's health, RAID, kernel limits and hardware.
pub struct SlowSampler {
    source: Source,
    disks: DiskProber,
    ports: PortScanner,
    hardware: HardwareSampler,
    network: NetworkSampler,
}

impl SlowSampler {
    pub fn new(source: Source) -> Self {
        Self {
            disks: DiskProber::new(source.clone()),
            ports: PortScanner::new(source.clone()),
            hardware: HardwareSampler::default(),
            network: NetworkSampler::new(source.clone()),
            source,
        }
    }

    pub fn collect(&mut self) -> Update {
        let filesystems = self.disks.collect();
        let (listening, network) = self.collect_network();
        Update::Slow {
            filesystems,
            listening,
            network,
            raid: raid::collect(&self.source),
            kernel_limits: Box::new(kernel_limits::collect(&self.source)),
            hardware: Box::new(self.hardware.collect(&self.source)),
        }
    }

    /// The ports and the network's health alone (`--once` reads them twice for rates).
    pub fn collect_network(&mut self) -> (Vec<ListeningSocket>, Box<Network>) {
        let ports = self.ports.scan();
        let mut network = Box::new(self.network.collect());
        network.connections = ports.connections.unwrap_or_default();
        (ports.listening, network)
    }
}

/// How long `--once` and `--json` wait for the process table past the sample window
/// before they report the scan as not responding (a read of `/proc` that blocks, e.g. a
/// `cmdline` behind a held mm lock) instead of hanging a cron job for ever. The scan's
/// thread is left behind: the reads it can block in are killable, so it ends with ctop.
const ONCE_SCAN_DEADLINE: Duration = Duration::from_secs(10);

/// One complete snapshot for `--once` and `--json`: every collector twice, `window`
/// apart, so rates and CPU % cover that window.
pub fn collect_once(source: &Source, window: Duration) -> Snapshot {
    let mut snapshot = Snapshot::with_identity(source);
    let mut fast = FastSampler::new(source.clone());
    let mut slow = SlowSampler::new(source.clone());
    let mut cgroups = CgroupSampler::new(source.clone());
    let started = Instant::now();
    fast.collect();
    cgroups.collect();
    let processes = scan_processes_twice(source.clone(), started + window);
    // Filesystems need no second reading: take them inside the window. The network's
    // counters are read at both ends, for rates.
    snapshot.apply(slow.collect());
    thread::sleep(window.saturating_sub(started.elapsed()));
    snapshot.apply(Update::Fast(Box::new(fast.collect())));
    let (listening, network) = slow.collect_network();
    snapshot.listening = listening;
    snapshot.network = *network;
    snapshot.apply(Update::Cgroups(Box::new(cgroups.collect())));
    match processes.recv_timeout((started + window + ONCE_SCAN_DEADLINE).saturating_duration_since(Instant::now())) {
        Ok(p) => snapshot.apply(Update::Processes(Arc::new(p))),
        Err(_) => {
            snapshot.process_scan_started = Some(started);
            snapshot.process_scan_running = Some(started.elapsed());
        }
    }
    snapshot
}

/// Scans the process table on a thread of its own, now and at `second`; the second
/// scan's table (CPU % over the time between) arrives on the receiver.
fn scan_processes_twice(source: Source, second: Instant) -> Receiver<Processes> {
    let (tx, rx) = mpsc::channel();
    let mut procs = ProcessScanner::new(source);
    thread::Builder::new()
        .name("ctop-procs".into())
        .spawn(move || {
            procs.scan();
            thread::sleep(second.saturating_duration_since(Instant::now()));
            let _ = tx.send(procs.scan());
        })
        .expect("spawning a thread");
    rx
}

/// How often each tier runs in the dashboard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Intervals {
    pub fast: Duration,
    pub slow: Duration,
    pub processes: Duration,
}

/// The dashboard's side of the collector threads.
pub struct Collectors {
    pub updates: Receiver<Update>,
    rescan: Sender<()>,
}

impl Collectors {
    /// Starts the tier threads (and the cgroup walk's, on the slow interval); each calls `notify` after sending an update, so
    /// the receiver can sleep until there is one. They end by themselves once the
    /// receiving side is dropped (their next send fails).
    pub fn spawn(source: Source, intervals: Intervals, notify: fn()) -> Self {
        let (tx, updates) = mpsc::channel();
        let (rescan, rescan_rx) = mpsc::channel();
        let sender = move |tx: &Sender<Update>, update: Update| {
            let sent = tx.send(update).is_ok();
            notify();
            sent
        };

        let fast_tx = tx.clone();
        let mut fast = FastSampler::new(source.clone());
        thread::Builder::new()
            .name("ctop-fast".into())
            .spawn(move || every(intervals.fast, None, || sender(&fast_tx, Update::Fast(Box::new(fast.collect())))))
            .expect("spawning a thread");

        let slow_tx = tx.clone();
        let mut slow = SlowSampler::new(source.clone());
        thread::Builder::new()
            .name("ctop-slow".into())
            .spawn(move || every(intervals.slow, None, || sender(&slow_tx, slow.collect())))
            .expect("spawning a thread");

        let cgroups_tx = tx.clone();
        let mut cgroups = CgroupSampler::new(source.clone());
        thread::Builder::new()
            .name("ctop-cgroups".into())
            .spawn(move || {
                every(intervals.slow, None, || sender(&cgroups_tx, Update::Cgroups(Box::new(cgroups.collect()))))
            })
            .expect("spawning a thread");

        let mut procs = ProcessScanner::new(source);
        thread::Builder::new()
            .name("ctop-procs".into())
            .spawn(move || {
                // Each scan announces its start (without waking the screen), so a scan
                // that blocks is seen as one that does not answer.
                let started = |tx: &Sender<Update>| tx.send(Update::ProcessScanStarted(Some(Instant::now())));
                // A first scan only primes the CPU counters; a short second one gives
                // CPU % soon after start instead of after a whole proc interval.
                let _ = started(&tx);
                procs.scan();
                let _ = tx.send(Update::ProcessScanStarted(None));
                thread::sleep(intervals.fast.min(intervals.processes));
                every(intervals.processes, Some(&rescan_rx), || {
                    started(&tx).is_ok() && sender(&tx, Update::Processes(Arc::new(procs.scan())))
                });
            })
            .expect("spawning a thread");

        Self { updates, rescan }
    }

    /// Asks for a process scan now instead of at the next interval.
    pub fn rescan_processes(&self) {
        let _ = self.rescan.send(());
    }
}

/// Runs `work` now and then every `period` (or as soon as `wake` receives), until it
/// returns false or `wake`'s sender is gone.
fn every(period: Duration, wake: Option<&Receiver<()>>, mut work: impl FnMut() -> bool) {
    loop {
        let started = Instant::now();
        if !work() {
            return;
        }
        let rest = period.saturating_sub(started.elapsed());
        match wake {
            Some(rx) => match rx.recv_timeout(rest) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => while rx.try_recv().is_ok() {},
                Err(RecvTimeoutError::Disconnected) => return,
            },
            None => thread::sleep(rest),
        }
    }
}
