//! Processes: one scan of `/proc/[pid]` gives totals by state, every process's CPU %
//! over the time since the previous scan and its resident memory, and the most
//! repeated executables.
//!
//! What a scan costs decides what it reads. It is nearly all kernel time, most of it
//! cache misses on each process's kernel structures, so the scan touches as few files
//! per process as it can. Per pass over 3,078 processes on the development VM (2 vCPUs,
//! kernel 6.18), back to back:
//!
//! | file | open + read + close | pread on a kept descriptor |
//! |---|---|---|
//! | `stat` | 16.5 ms | 5.9–11.4 ms |
//! | `schedstat` | 7.4 ms | 1.9–4.3 ms |
//! | `statm` | 7.8–9.3 ms | 2.7 ms |
//! | `status` | 22.8 ms | – |
//!
//! and listing `/proc` 1.0–1.4 ms (3 ms with cold caches, as at one scan a second). So:
//! - a new pid: `stat`, `statm`, `cmdline` and `status` (the user) once; the identity
//!   is cached (see `identity`) and read again only when comm changes (an exec);
//! - a known single-threaded process: one pread of `schedstat` on a kept descriptor,
//!   whose first field (nanoseconds run) changes only when it runs; `stat` (state,
//!   ppid, CPU ticks, threads) and `statm` (RSS) are read only when it has run, was R
//!   or D, or every `STAT_REFRESH_INTERVAL`;
//! - a multithreaded one (schedstat covers only its main thread): a pread of `stat` on
//!   a kept descriptor, and `statm`, every scan;
//! - `/proc` is listed only when a task was created since the previous scan
//!   (`new_tasks`); vanished processes show as ESRCH on their descriptors;
//! - past the descriptor budget, or when scans are `KEEP_DESCRIPTORS_BELOW` apart or
//!   more: `stat` and `statm` opened and read every scan.
//!
//! At one scan a second over 3,070 mostly idle processes this costs 8.2–8.5 ms of CPU
//! per scan, against 21–32 ms opening `stat` and `statm` each time (htop's way) and
//! 140–155 ms for a scan that reads `stat`, `statm`, `status` and `cmdline` of every
//! process with procfs-core's parsers.

mod fd_limits;
mod identity;
mod io_counters;
mod new_tasks;
mod paths;
mod shared_strings;
mod stat;
mod users;

use super::descriptors::{self, Descriptors, KeptFile};
pub use fd_limits::FdLimitUse;
use fd_limits::FdTable;
use identity::Identity;
use io_counters::{IoCounters, Unread};
use new_tasks::NewTasks;
use paths::PidPaths;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use shared_strings::SharedStrings;
use stat::StatFields;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use users::Users;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessRow {
    pub pid: u32,
    pub ppid: u32,
    /// The effective user's name, or the uid when `/etc/passwd` has none.
    pub user: Arc<str>,
    /// The executable's name (comm, or the basename of the command's first word).
    pub name: Arc<str>,
    /// Arguments joined by spaces, cut at 512 bytes; empty for kernel threads and
    /// zombies, which have none.
    pub cmdline: Arc<str>,
    /// `R`, `S`, `D`, `Z`, `T` … as in `/proc/[pid]/stat`.
    pub state: char,
    /// Share of one CPU over the window since the previous scan; `None` on the first.
    pub cpu_percent: Option<f32>,
    /// Resident memory (0 for zombies and kernel threads).
    pub rss_bytes: u64,
    pub threads: u32,
    pub kernel_thread: bool,
    /// Storage I/O per second (`/proc/[pid]/io`) over the window since the previous
    /// scan; `None` where the file is unreadable (another user's process, unless root)
    /// and on the first scan. In JSON: `io_read_bytes_per_s`, `io_write_bytes_per_s`.
    #[serde(flatten, serialize_with = "io_fields", deserialize_with = "io_fields_back")]
    pub io: Option<IoRates>,
}

/// Bytes per second a process read from and wrote towards storage: `f32`, as CPU %,
/// to keep a row (and the history holding thousands of them) small.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IoRates {
    pub read_bytes_per_s: f32,
    pub write_bytes_per_s: f32,
}

impl IoRates {
    pub fn total(self) -> f32 {
        self.read_bytes_per_s + self.write_bytes_per_s
    }
}

/// Both JSON fields, `null` when unknown: one `Option` in the row, two stable names.
fn io_fields<S: Serializer>(io: &Option<IoRates>, serializer: S) -> Result<S::Ok, S::Error> {
    IoFields {
        io_read_bytes_per_s: io.map(|r| r.read_bytes_per_s),
        io_write_bytes_per_s: io.map(|r| r.write_bytes_per_s),
    }
    .serialize(serializer)
}

/// The two fields read back (from a recording); a recording older than them has neither.
fn io_fields_back<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<IoRates>, D::Error> {
    let fields = IoFields::deserialize(deserializer)?;
    Ok(fields
        .io_read_bytes_per_s
        .zip(fields.io_write_bytes_per_s)
        .map(|(read_bytes_per_s, write_bytes_per_s)| IoRates { read_bytes_per_s, write_bytes_per_s }))
}

#[derive(Serialize, Deserialize)]
struct IoFields {
    io_read_bytes_per_s: Option<f32>,
    io_write_bytes_per_s: Option<f32>,
}

/// A process in uninterruptible sleep (`D`), and for how long it has been seen so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedProcess {
    pub pid: u32,
    pub name: Arc<str>,
    /// The kernel function it waits in (`/proc/[pid]/wchan`: `request_wait_answer` on
    /// a dead FUSE server, `rpc_wait_bit_killable` on NFS); `None` where unreadable.
    pub wchan: Option<String>,
    /// Since the first scan that saw it in D, if it has not run since (0 when this
    /// scan is the first): a lower bound of how long it has been stuck.
    pub blocked_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repeated {
    pub name: Arc<str>,
    pub count: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Processes {
    pub total: usize,
    pub running: usize,
    pub sleeping: usize,
    /// Uninterruptible sleep (`D`): usually waiting on a disk or a dead mount.
    pub blocked: usize,
    pub stopped: usize,
    pub zombie: usize,
    pub threads: usize,
    pub kernel_threads: usize,
    /// Every process seen, in pid order.
    pub list: Vec<ProcessRow>,
    /// Executables with more than one instance, most first (ties by name); kernel
    /// threads are not counted.
    pub repeated: Vec<Repeated>,
    /// User processes in D state, longest blocked first (kernel threads are left out:
    /// before Linux 4.14 idle ones sleep in D).
    pub blocked_processes: Vec<BlockedProcess>,
    /// Processes using at least half their own open-file limit, most used first (a few).
    pub near_fd_limit: Vec<FdLimitUse>,
    /// How long the scan took.
    pub scan_duration: Duration,
}

impl Processes {
    /// The `n` busiest processes, busiest first.
    pub fn top_by_cpu(&self, n: usize) -> Vec<&ProcessRow> {
        top(&self.list, n, |a, b| {
            b.cpu_percent
                .unwrap_or(0.0)
                .total_cmp(&a.cpu_percent.unwrap_or(0.0))
                .then(b.rss_bytes.cmp(&a.rss_bytes))
                .then(a.pid.cmp(&b.pid))
        })
    }

    /// The `n` largest processes by resident memory, largest first.
    pub fn top_by_memory(&self, n: usize) -> Vec<&ProcessRow> {
        top(&self.list, n, |a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid)))
    }

    /// The `n` processes doing the most storage I/O (read + write), busiest first;
    /// those whose I/O is unknown come after every known one.
    pub fn top_by_io(&self, n: usize) -> Vec<&ProcessRow> {
        top(&self.list, n, by_io)
    }
}

/// Most storage I/O first, unknown last, then by pid: the `I` sort and `top_by_io`.
pub fn by_io(a: &ProcessRow, b: &ProcessRow) -> Ordering {
    let io = |p: &ProcessRow| p.io.map_or(-1.0, IoRates::total);
    io(b).total_cmp(&io(a)).then(a.pid.cmp(&b.pid))
}

/// The first `n` rows in `order`: a selection, then a sort of those `n` only, because
/// the dashboard asks for a screenful out of thousands on every redraw.
fn top(rows: &[ProcessRow], n: usize, order: impl Fn(&ProcessRow, &ProcessRow) -> Ordering) -> Vec<&ProcessRow> {
    let mut refs: Vec<&ProcessRow> = rows.iter().collect();
    if n == 0 {
        return Vec::new();
    }
    if n < refs.len() {
        refs.select_nth_unstable_by(n - 1, |a, b| order(a, b));
        refs.truncate(n);
    }
    refs.sort_unstable_by(|a, b| order(a, b));
    refs
}

/// How long a single-threaded process that has not run may go without its stat being
/// read again. While a process does not run, nothing in its stat and statm that the
/// scan shows changes, except its RSS (reclaim shrinks it) and its state (a wakeup not
/// yet run): this bounds how stale those can be — never staler than the dashboard's
/// default scan interval. At 3,000 idle processes scanned every second, 10 s cost
/// 10.4–11.6 ms per scan and 30 s 8.2–8.5 ms.
const STAT_REFRESH_INTERVAL: Duration = Duration::from_secs(30);

/// Descriptors are kept only while scans come at least this often. Each one pins a
/// 4 KiB seq_file buffer in the kernel (charged to ctop's memory cgroup): 13 MB at
/// 3,000 processes, worth it at a scan a second (it halves the scan's CPU time), not
/// at the dashboard's default of one every 30 s.
const KEEP_DESCRIPTORS_BELOW: Duration = Duration::from_secs(5);

/// What is read on every scan to follow a known process, through a kept descriptor.
enum Probe {
    /// `/proc/[pid]/stat` itself: for multithreaded processes (their main thread's
    /// schedstat says nothing of the other threads) and kernels without schedstat.
    Stat(KeptFile),
    /// `/proc/[pid]/schedstat`, whose first field (nanoseconds run) changes whenever
    /// the process runs. stat is opened and read only when it has changed, when the
    /// state was R or D (a process woken but not yet run), or when
    /// [`STAT_REFRESH_INTERVAL`] has passed.
    Schedstat(KeptFile),
}

/// What a row shows of a process's stat and statm, as last read.
#[derive(Debug, Clone, Copy)]
struct Sample {
    state: u8,
    ppid: u32,
    threads: u32,
    rss_pages: u64,
    kernel_thread: bool,
}

impl Sample {
    /// RSS comes from statm when it can be read: since Linux 6.2 stat's RSS is a sum of
    /// per-CPU counters read without folding, off by up to 32 pages per CPU for each
    /// of its three parts (measured here: 74 pages below statm for the test process),
    /// while statm (and so top and htop) gives the exact sum on recent kernels.
    fn read(fields: &StatFields, paths: &mut PidPaths, pid: u32) -> Self {
        Self {
            state: fields.state,
            ppid: fields.ppid,
            threads: fields.threads,
            rss_pages: resident_pages(paths, pid).unwrap_or(fields.rss_pages),
            kernel_thread: fields.kernel_thread,
        }
    }
}

/// `/proc/[pid]/wchan`: a kernel symbol, or `0` when it is not waiting (or the kernel
/// hides it, as it does from non-root without kallsyms access).
fn read_wchan(paths: &mut PidPaths, pid: u32) -> Option<String> {
    let mut buf = [0u8; 128];
    let len = File::open(paths.file(pid, "wchan")).ok()?.read_at(&mut buf, 0).ok()?;
    let symbol = std::str::from_utf8(&buf[..len]).ok()?.trim();
    (!symbol.is_empty() && symbol != "0").then(|| symbol.to_string())
}

/// The second field of `/proc/[pid]/statm`.
fn resident_pages(paths: &mut PidPaths, pid: u32) -> Option<u64> {
    // Seven numbers of at most 20 digits each.
    let mut buf = [0u8; 160];
    let len = File::open(paths.file(pid, "statm")).ok()?.read_at(&mut buf, 0).ok()?;
    std::str::from_utf8(&buf[..len]).ok()?.split_whitespace().nth(1)?.parse().ok()
}

/// What the scanner remembers about one process between scans.
struct Tracked {
    /// `None` past the descriptor budget: then stat is opened on every scan and the
    /// start time tells a reused pid apart.
    probe: Option<Probe>,
    start_time: u64,
    /// utime + stime at `read_at`.
    cpu_ticks: u64,
    read_at: Instant,
    /// Nanoseconds run, from schedstat, when that is the probe.
    cpu_ns: u64,
    sample: Sample,
    /// When stat must be read even if the process has not run.
    stat_due: Instant,
    /// comm as last seen: when it changes the process has exec'd (or renamed itself),
    /// and its identity is read again.
    comm: Box<[u8]>,
    name: Arc<str>,
    cmdline: Arc<str>,
    user: Arc<str>,
    /// The scan that last saw it; older entries are pruned.
    seen: u64,
    /// When a scan first saw it in D, while it stays in D without running.
    blocked_since: Option<Instant>,
    /// Its storage I/O counters as last read; `None` where unreadable.
    io: Option<IoReading>,
    /// Whether that was because reading it was refused (not tried again until it execs).
    io_denied: bool,
    /// `/proc/[pid]/io` kept open once it has run while descriptors are kept.
    io_file: Option<KeptFile>,
    /// Its descriptor table and limit, to screen it for `near_fd_limit`.
    fd_table: FdTable,
    /// When its table size may be read again, if it has run.
    fd_table_due: Instant,
}

/// `/proc/[pid]/io` as read at `at`.
#[derive(Debug, Clone, Copy)]
struct IoReading {
    counters: IoCounters,
    at: Instant,
}

impl IoReading {
    /// Reads the counters now (through `kept` when open; else opening the file, kept
    /// after when `descriptors` has room), and the rates since `earlier` (the previous
    /// reading) when both are known and far enough apart.
    fn next(
        kept: &mut Option<KeptFile>,
        source: IoSource,
        pid: u32,
        earlier: Option<IoReading>,
        at: Instant,
    ) -> (Result<Self, Unread>, Option<IoRates>) {
        let counters = match kept {
            Some(file) => {
                let counters = io_counters::read_from(&file.file);
                if counters.is_err() {
                    *kept = None;
                }
                counters
            }
            None => io_counters::open(source.paths, pid).map(|(file, counters)| {
                if let Some(descriptors) = source.descriptors {
                    *kept = descriptors.keep(file);
                }
                counters
            }),
        };
        let counters = match counters {
            Ok(counters) => counters,
            Err(unread) => return (Err(unread), None),
        };
        let rates = earlier.and_then(|earlier| {
            let seconds = at.saturating_duration_since(earlier.at).as_secs_f64();
            (seconds >= MIN_IO_WINDOW_SECONDS).then(|| {
                let (read, write) = counters.rates_since(earlier.counters, seconds);
                IoRates { read_bytes_per_s: read, write_bytes_per_s: write }
            })
        });
        (Ok(Self { counters, at }), rates)
    }
}

/// Where a process's `/proc/[pid]/io` is opened when no descriptor is kept for it, and
/// whether what is opened may be kept (`descriptors`: only for a process that ran, so
/// a first scan of thousands keeps none; `has_room` is false while scans are rare).
struct IoSource<'a> {
    paths: &'a mut PidPaths,
    descriptors: Option<&'a Descriptors>,
}

/// The shortest window an I/O rate is computed over, as for CPU %
/// ([`MIN_WINDOW_TICKS`] at 100 Hz).
const MIN_IO_WINDOW_SECONDS: f64 = 0.05;

impl Tracked {
    /// Whether the last stat read still holds: the process has not run since, was
    /// neither running nor blocked then, and is not due for a fresh read.
    fn unchanged(&self, cpu_ns: u64, now: Instant) -> bool {
        cpu_ns == self.cpu_ns && now < self.stat_due && !matches!(self.sample.state, b'R' | b'D')
    }
}

/// What every process of one scan shares.
#[derive(Clone, Copy)]
struct ScanContext {
    /// When this scan started.
    now: Instant,
    /// When the previous one started; `None` on the first scan.
    previous: Option<Instant>,
    scan: u64,
    page_size: u64,
    ticks_per_second: f64,
}

/// The shortest window a process's CPU % is computed over, in clock ticks: CPU time is
/// counted in whole ticks, so one tick over a few milliseconds read as ctop "at 150 %"
/// (`--sample-ms 0`). Half the shortest interval allowed (0.1 s = 10 ticks).
const MIN_WINDOW_TICKS: f64 = 5.0;

impl ScanContext {
    /// The share of one CPU that `ticks` are of the time from `since` to `read_at`
    /// (each process's own reading times, so that a long scan does not skew it);
    /// `None` on the first scan.
    /// `None` too when the window is shorter than [`MIN_WINDOW_TICKS`].
    fn cpu_percent(&self, ticks: u64, since: Instant, read_at: Instant) -> Option<f32> {
        self.previous?;
        let window = read_at.saturating_duration_since(since).as_secs_f64() * self.ticks_per_second;
        (window >= MIN_WINDOW_TICKS).then(|| (ticks as f64 / window * 100.0) as f32)
    }
}

/// The files read for a new process, with the buffer they are read into.
struct IdentityReader {
    paths: PidPaths,
    users: Users,
    strings: SharedStrings,
    buf: Vec<u8>,
}

impl IdentityReader {
    fn read(&mut self, pid: u32, fields: &StatFields) -> io::Result<(Identity, Arc<str>)> {
        let mut identity = identity::read(&mut self.paths, pid, fields.comm, fields.kernel_thread, &mut self.buf)?;
        identity.name = self.strings.share(identity.name);
        identity.cmdline = self.strings.share(identity.cmdline);
        let user = self.users.name(identity.uid);
        Ok((identity, user))
    }
}

/// Keeps per-process state between scans (previous CPU times, cached names, open
/// descriptors). Memory stays proportional to the processes alive now: entries of
/// vanished pids are dropped on the scan that misses them.
pub struct ProcessScanner {
    tracked: HashMap<u32, Tracked>,
    descriptors: Descriptors,
    identities: IdentityReader,
    new_tasks: NewTasks,
    /// The pids to look at in this scan, kept for its capacity.
    pids: Vec<u32>,
    /// One stat line; a line is about 300 bytes, and only the first 24 fields are used.
    stat_buf: [u8; 1024],
    name_counts: HashMap<Arc<str>, usize>,
    ticks_per_second: f64,
    page_size: u64,
    previous_scan: Option<Instant>,
    scans: u64,
    last_count: usize,
}

impl ProcessScanner {
    pub fn new(source: crate::source::Source) -> Self {
        Self::with_descriptor_budget(source, descriptors::default_budget())
    }

    /// A scanner that keeps at most `budget` descriptors open; with 0 it opens, reads
    /// and closes stat and statm of every process on every scan (as htop does).
    pub fn with_descriptor_budget(source: crate::source::Source, budget: usize) -> Self {
        let sysconf =
            |var, default: i64| nix::unistd::sysconf(var).ok().flatten().filter(|&v| v > 0).unwrap_or(default);
        Self {
            tracked: HashMap::new(),
            descriptors: Descriptors::new(budget),
            identities: IdentityReader {
                paths: PidPaths::new(source.path("/proc")),
                users: Users::new(source.path("/etc/passwd")),
                strings: SharedStrings::default(),
                buf: Vec::new(),
            },
            new_tasks: NewTasks::new(&source),
            pids: Vec::new(),
            stat_buf: [0; 1024],
            name_counts: HashMap::new(),
            ticks_per_second: sysconf(nix::unistd::SysconfVar::CLK_TCK, 100) as f64,
            page_size: sysconf(nix::unistd::SysconfVar::PAGE_SIZE, 4096) as u64,
            previous_scan: None,
            scans: 0,
            last_count: 0,
        }
    }

    /// How many descriptors (schedstat or stat) are open now.
    pub fn kept_descriptors(&self) -> usize {
        self.descriptors.kept()
    }

    pub fn scan(&mut self) -> Processes {
        let started = Instant::now();
        self.scans += 1;
        let context = ScanContext {
            now: started,
            previous: self.previous_scan.replace(started),
            scan: self.scans,
            page_size: self.page_size,
            ticks_per_second: self.ticks_per_second,
        };
        self.identities.users.begin_scan();
        let frequent =
            context.previous.is_none_or(|previous| started.duration_since(previous) < KEEP_DESCRIPTORS_BELOW);
        if self.descriptors.set_keeping(frequent) {
            for tracked in self.tracked.values_mut() {
                tracked.probe = None;
                tracked.io_file = None;
            }
        }

        let mut pids = std::mem::take(&mut self.pids);
        pids.clear();
        if self.new_tasks.since_last_call() {
            // A missing /proc (a fixture without one, hidepid for everything) is an empty table.
            if let Ok(entries) = std::fs::read_dir(self.identities.paths.proc_dir()) {
                pids.extend(entries.flatten().filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok()));
            }
        } else {
            pids.extend(self.tracked.keys());
        }
        // /proc lists pids in order already (then this costs one pass); the others may not be.
        pids.sort_unstable();

        let mut list = Vec::with_capacity(self.last_count + self.last_count / 8 + 16);
        list.extend(pids.iter().filter_map(|&pid| self.observe(pid, context)));
        self.pids = pids;
        self.forget_vanished();
        self.last_count = list.len();
        let mut processes = summarize(list, &mut self.name_counts);
        processes.blocked_processes = self.blocked(&processes.list, started);
        let tables = self.tracked.iter().map(|(&pid, t)| (pid, &t.name, t.fd_table));
        processes.near_fd_limit = fd_limits::near_limit(&mut self.identities.paths, tables);
        processes.scan_duration = started.elapsed();
        processes
    }

    /// One process's row, or `None` when it vanished (or cannot be read) mid-scan.
    fn observe(&mut self, pid: u32, context: ScanContext) -> Option<ProcessRow> {
        // The common case: a known process followed through its kept descriptor.
        let mut gone = false;
        // Whether schedstat says it ran since the previous scan (it is not read otherwise).
        let mut schedstat_ran = None;
        if let Some(tracked) = self.tracked.get_mut(&pid) {
            match &tracked.probe {
                Some(Probe::Stat(stat)) => {
                    if let Some(fields) = read_stat(&stat.file, &mut self.stat_buf) {
                        let read_at = Instant::now();
                        let ran = fields.cpu_ticks != tracked.cpu_ticks;
                        let descriptors = &self.descriptors;
                        return Some(refresh(
                            tracked,
                            pid,
                            &fields,
                            read_at,
                            context,
                            &mut self.identities,
                            ran,
                            descriptors,
                        ));
                    }
                    gone = true;
                }
                Some(Probe::Schedstat(schedstat)) => match read_cpu_ns(&schedstat.file) {
                    Some(cpu_ns) if tracked.unchanged(cpu_ns, context.now) => {
                        // Not a tick since the last reading: that reading holds until now.
                        let now = Instant::now();
                        tracked.read_at = now;
                        tracked.seen = context.scan;
                        let idle = context.previous.map(|_| 0.0);
                        // Nor its I/O counters: the kernel counts I/O to the task that
                        // dirties the page or submits the read, as it runs.
                        let idle_io = tracked.io.as_mut().and_then(|io| {
                            io.at = now;
                            context.previous.map(|_| IoRates::default())
                        });
                        return Some(row(tracked, pid, idle, idle_io, context.page_size));
                    }
                    // It ran: its stat is read below, and the probe kept.
                    Some(cpu_ns) => {
                        schedstat_ran = Some(cpu_ns != tracked.cpu_ns);
                        tracked.cpu_ns = cpu_ns;
                    }
                    None => gone = true,
                },
                None => {}
            }
        }
        if gone {
            // The descriptor's process has ended (ESRCH): whatever has this pid now is
            // another process, even if it started in the same clock tick.
            self.tracked.remove(&pid);
        }

        let file = self.open_stat(pid)?;
        let fields = read_stat(&file, &mut self.stat_buf)?;
        let read_at = Instant::now();
        if let Some(tracked) = self.tracked.get_mut(&pid)
            && tracked.start_time == fields.start_time
        {
            // A process that started threads: schedstat no longer tells whether it ran.
            let now_multithreaded = fields.threads > 1 && matches!(tracked.probe, Some(Probe::Schedstat(_)));
            if tracked.probe.is_none() || now_multithreaded {
                tracked.probe = None;
                (tracked.probe, tracked.cpu_ns) =
                    choose_probe(file, pid, &fields, &self.descriptors, &mut self.identities.paths);
            }
            let ran = schedstat_ran.unwrap_or(fields.cpu_ticks != tracked.cpu_ticks);
            return Some(refresh(
                tracked,
                pid,
                &fields,
                read_at,
                context,
                &mut self.identities,
                ran,
                &self.descriptors,
            ));
        }

        // A new process (or a new one under a reused pid): all its CPU time fell after
        // the previous scan started, since it was not there then.
        let (identity, user) = match self.identities.read(pid, &fields) {
            Err(err) if descriptors::out_of_descriptors(&err) => {
                release_descriptors(&mut self.descriptors, &mut self.tracked);
                self.identities.read(pid, &fields)
            }
            read => read,
        }
        .ok()?;
        let (probe, cpu_ns) = choose_probe(file, pid, &fields, &self.descriptors, &mut self.identities.paths);
        // Spread the first refreshes over the interval, so that the processes found by
        // the first scan are not all due on the same later scan.
        let spread = STAT_REFRESH_INTERVAL.mul_f64(f64::from(pid % 16 + 1) / 16.0);
        // Its I/O, like its CPU time, all fell after the previous scan started.
        let since_start = context.previous.map(|at| IoReading { counters: IoCounters::default(), at });
        let mut io_file = None;
        let source = IoSource { paths: &mut self.identities.paths, descriptors: None };
        let (io, io_rates) = IoReading::next(&mut io_file, source, pid, since_start, read_at);
        let mut fd_table = FdTable::default();
        if let Some(size) = identity.fd_size {
            fd_table.update(&mut self.identities.paths, pid, size);
        }
        let tracked = Tracked {
            probe,
            start_time: fields.start_time,
            cpu_ticks: fields.cpu_ticks,
            read_at,
            cpu_ns,
            sample: Sample::read(&fields, &mut self.identities.paths, pid),
            stat_due: context.now + spread,
            comm: fields.comm.into(),
            name: identity.name,
            cmdline: identity.cmdline,
            user,
            seen: context.scan,
            blocked_since: (fields.state == b'D').then_some(context.now),
            io_denied: matches!(io, Err(Unread::Denied)),
            io: io.ok(),
            io_file,
            fd_table,
            fd_table_due: context.now + spread,
        };
        let since_previous =
            context.previous.and_then(|previous| context.cpu_percent(fields.cpu_ticks, previous, read_at));
        let row = row(&tracked, pid, since_previous, io_rates, context.page_size);
        self.tracked.insert(pid, tracked);
        Some(row)
    }

    /// Opens a stat to read it now; when descriptors have run out, gives up kept ones
    /// and tries once more.
    fn open_stat(&mut self, pid: u32) -> Option<File> {
        match File::open(self.identities.paths.file(pid, "stat")) {
            Ok(file) => Some(file),
            Err(err) if descriptors::out_of_descriptors(&err) => {
                release_descriptors(&mut self.descriptors, &mut self.tracked);
                File::open(self.identities.paths.file(pid, "stat")).ok()
            }
            Err(_) => None,
        }
    }

    /// The user processes in D in `list`, with their wchan (read only for them: a few
    /// at most, and only while something is stuck).
    fn blocked(&mut self, list: &[ProcessRow], now: Instant) -> Vec<BlockedProcess> {
        let mut blocked: Vec<BlockedProcess> = list
            .iter()
            .filter(|row| row.state == 'D' && !row.kernel_thread)
            .map(|row| BlockedProcess {
                pid: row.pid,
                name: Arc::clone(&row.name),
                wchan: read_wchan(&mut self.identities.paths, row.pid),
                blocked_seconds: self
                    .tracked
                    .get(&row.pid)
                    .and_then(|t| t.blocked_since)
                    .map_or(0.0, |since| now.saturating_duration_since(since).as_secs_f64()),
            })
            .collect();
        blocked.sort_by(|a, b| b.blocked_seconds.total_cmp(&a.blocked_seconds).then(a.pid.cmp(&b.pid)));
        blocked
    }

    fn forget_vanished(&mut self) {
        let scan = self.scans;
        self.tracked.retain(|_, tracked| tracked.seen == scan);
        // After a burst of processes, give the memory back.
        if self.tracked.capacity() > 4 * self.tracked.len() + 64 {
            self.tracked.shrink_to(2 * self.tracked.len());
        }
        // A name and a command line per process at most.
        self.identities.strings.forget_unused(2 * self.tracked.len());
    }
}

/// After EMFILE/ENFILE: closes kept descriptors down to a smaller budget; those
/// processes are read by opening their stat from now on.
fn release_descriptors(descriptors: &mut Descriptors, tracked: &mut HashMap<u32, Tracked>) {
    descriptors.shrink();
    for entry in tracked.values_mut() {
        if !descriptors.over_budget() {
            break;
        }
        entry.probe = None;
        entry.io_file = None;
    }
}

/// The probe for a process whose stat was just read through `stat`: schedstat for a
/// single-threaded process where the kernel has it, else stat itself; `None` past the
/// descriptor budget. Also schedstat's nanoseconds, when that is the probe.
fn choose_probe(
    stat: File,
    pid: u32,
    fields: &StatFields,
    descriptors: &Descriptors,
    paths: &mut PidPaths,
) -> (Option<Probe>, u64) {
    if !descriptors.has_room() {
        return (None, 0);
    }
    if fields.threads == 1
        && let Ok(schedstat) = File::open(paths.file(pid, "schedstat"))
        && let Some(cpu_ns) = read_cpu_ns(&schedstat)
    {
        return (descriptors.keep(schedstat).map(Probe::Schedstat), cpu_ns);
    }
    (descriptors.keep(stat).map(Probe::Stat), 0)
}

fn read_stat<'a>(file: &File, buf: &'a mut [u8]) -> Option<StatFields<'a>> {
    let len = file.read_at(buf, 0).ok()?;
    stat::parse(&buf[..len])
}

/// schedstat's first field: the nanoseconds the process (its main thread) has run.
fn read_cpu_ns(file: &File) -> Option<u64> {
    // Three numbers of at most 20 digits each.
    let mut buf = [0u8; 80];
    let len = file.read_at(&mut buf, 0).ok()?;
    std::str::from_utf8(&buf[..len]).ok()?.split_whitespace().next()?.parse().ok()
}

/// Updates a known process from its new stat and returns its row.
#[allow(clippy::too_many_arguments)]
fn refresh(
    tracked: &mut Tracked,
    pid: u32,
    fields: &StatFields,
    read_at: Instant,
    context: ScanContext,
    identities: &mut IdentityReader,
    ran: bool,
    descriptors: &Descriptors,
) -> ProcessRow {
    // Still blocked only if it was in D at the previous reading and has not run since
    // (a task woken in between would have run): else blocked from now, or not at all.
    let still_blocked = tracked.sample.state == b'D' && !ran;
    tracked.blocked_since = match (fields.state == b'D', tracked.blocked_since) {
        (false, _) => None,
        (true, Some(since)) if still_blocked => Some(since),
        (true, _) => Some(context.now),
    };
    let ticks = fields.cpu_ticks.saturating_sub(tracked.cpu_ticks);
    let cpu_percent = context.cpu_percent(ticks, tracked.read_at, read_at);
    tracked.cpu_ticks = fields.cpu_ticks;
    tracked.read_at = read_at;
    tracked.sample = Sample::read(fields, &mut identities.paths, pid);
    tracked.stat_due = context.now + STAT_REFRESH_INTERVAL;
    tracked.seen = context.scan;
    // An exec caught half-way has its new comm but no arguments yet: read again.
    let arguments_pending = tracked.cmdline.is_empty() && !fields.kernel_thread && fields.state != b'Z';
    let exec = *tracked.comm != *fields.comm || arguments_pending;
    if exec {
        tracked.comm = fields.comm.into();
        // If it vanished meanwhile, the old identity serves until the next scan misses it.
        if let Ok((identity, user)) = identities.read(pid, fields) {
            tracked.name = identity.name;
            tracked.cmdline = identity.cmdline;
            tracked.user = user;
            if let Some(size) = identity.fd_size {
                tracked.fd_table.update(&mut identities.paths, pid, size);
            }
        }
    } else if ran && !fields.kernel_thread && context.now >= tracked.fd_table_due {
        // Only a process that runs opens descriptors; its status is read again at most
        // every STAT_REFRESH_INTERVAL (status costs three times stat).
        tracked.fd_table_due = context.now + STAT_REFRESH_INTERVAL;
        if let Some(size) = identity::fd_table_size(&mut identities.paths, pid, &mut identities.buf) {
            tracked.fd_table.update(&mut identities.paths, pid, size);
        }
    }
    let source = IoSource { paths: &mut identities.paths, descriptors: Some(descriptors) };
    let io = refresh_io(tracked, pid, fields, read_at, context, source, ran, exec);
    row(tracked, pid, cpu_percent, io, context.page_size)
}

/// The I/O rates of a process whose stat was just read. `/proc/[pid]/io` is read again
/// only where it may have moved: the process ran since the last reading (by schedstat,
/// or by a CPU tick where that is the probe), has several threads (whose ticks are
/// coarse), or is running or blocked now; while scans are frequent enough to keep
/// descriptors, through one kept for it after it first ran (a pread costs about a third
/// of an open, read and close). One that used less than a tick of CPU shows
/// 0 and its counters are read when it next runs, so no byte is lost, only spread over
/// the longer window. A process whose file was refused (EACCES, EPERM) is tried again
/// only after an exec (which may change its credentials): a failed open per process
/// per scan is what a non-root ctop would pay otherwise. Any other failure (out of
/// descriptors, above all) is tried again at the next scan that gets here.
#[allow(clippy::too_many_arguments)]
fn refresh_io(
    tracked: &mut Tracked,
    pid: u32,
    fields: &StatFields,
    read_at: Instant,
    context: ScanContext,
    source: IoSource,
    ran: bool,
    exec: bool,
) -> Option<IoRates> {
    let may_have_moved = ran || fields.threads > 1 || matches!(fields.state, b'R' | b'D');
    if (tracked.io.is_some() && may_have_moved) || (tracked.io.is_none() && (exec || !tracked.io_denied)) {
        let (reading, rates) = IoReading::next(&mut tracked.io_file, source, pid, tracked.io, read_at);
        tracked.io_denied = matches!(reading, Err(Unread::Denied));
        tracked.io = reading.ok();
        return rates;
    }
    tracked.io.and(context.previous).map(|_| IoRates::default())
}

fn row(tracked: &Tracked, pid: u32, cpu_percent: Option<f32>, io: Option<IoRates>, page_size: u64) -> ProcessRow {
    let sample = tracked.sample;
    ProcessRow {
        pid,
        ppid: sample.ppid,
        user: Arc::clone(&tracked.user),
        name: Arc::clone(&tracked.name),
        cmdline: Arc::clone(&tracked.cmdline),
        state: char::from(sample.state),
        cpu_percent,
        rss_bytes: sample.rss_pages.saturating_mul(page_size),
        threads: sample.threads,
        kernel_thread: sample.kernel_thread,
        io,
    }
}

/// Totals by state, threads, and the repeated executables. `counts` is reused from
/// scan to scan so that counting allocates nothing once warm.
fn summarize(list: Vec<ProcessRow>, counts: &mut HashMap<Arc<str>, usize>) -> Processes {
    let mut p = Processes { total: list.len(), ..Processes::default() };
    for row in &list {
        match row.state {
            'R' => p.running += 1,
            // `I` is an idle kernel thread: asleep, as top counts it.
            'S' | 'I' => p.sleeping += 1,
            'D' => p.blocked += 1,
            'T' | 't' => p.stopped += 1,
            'Z' => p.zombie += 1,
            _ => {}
        }
        p.threads += row.threads as usize;
        if row.kernel_thread {
            p.kernel_threads += 1;
        } else if let Some(count) = counts.get_mut(&*row.name) {
            *count += 1;
        } else {
            counts.insert(Arc::clone(&row.name), 1);
        }
    }
    p.repeated =
        counts.drain().filter(|&(_, count)| count >= 2).map(|(name, count)| Repeated { name, count }).collect();
    p.repeated.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    p.list = list;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_of_a_few_milliseconds_gives_no_cpu_percent() {
        let start = Instant::now();
        let context =
            ScanContext { now: start, previous: Some(start), scan: 1, page_size: 4096, ticks_per_second: 100.0 };
        // One tick over 3 ms read as "333 %" before.
        assert_eq!(context.cpu_percent(1, start, start + Duration::from_millis(3)), None);
        assert_eq!(context.cpu_percent(50, start, start + Duration::from_secs(1)), Some(50.0));
        let first = ScanContext { previous: None, ..context };
        assert_eq!(first.cpu_percent(50, start, start + Duration::from_secs(1)), None);
    }
    /// A process seen once, whose `/proc/[pid]/io` could not be read.
    fn unread_io(denied: bool) -> Tracked {
        let now = Instant::now();
        Tracked {
            probe: None,
            start_time: 1,
            cpu_ticks: 0,
            read_at: now,
            cpu_ns: 0,
            sample: Sample { state: b'S', ppid: 1, threads: 1, rss_pages: 0, kernel_thread: false },
            stat_due: now,
            comm: Box::from(&b"app"[..]),
            name: Arc::from("app"),
            cmdline: Arc::from("app"),
            user: Arc::from("root"),
            seen: 0,
            blocked_since: None,
            io: None,
            io_denied: denied,
            io_file: None,
            fd_table: FdTable::default(),
            fd_table_due: now,
        }
    }

    #[test]
    fn an_io_file_that_failed_for_want_of_descriptors_is_read_at_the_next_scan_a_refused_one_after_an_exec() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("42")).unwrap();
        std::fs::write(dir.path().join("42/io"), "read_bytes: 4096\nwrite_bytes: 8192\n").unwrap();
        let mut paths = PidPaths::new(dir.path().to_path_buf());
        let stat = b"42 (app) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1000 10";
        let fields = stat::parse(stat).unwrap();
        let now = Instant::now();
        let context = ScanContext { now, previous: Some(now), scan: 2, page_size: 4096, ticks_per_second: 100.0 };
        let mut scan = |tracked: &mut Tracked, ran: bool, exec: bool| {
            let source = IoSource { paths: &mut paths, descriptors: None };
            refresh_io(tracked, 42, &fields, Instant::now(), context, source, ran, exec);
        };
        // EMFILE at the last scan left it unread, not refused: read now, even idle.
        let mut failed = unread_io(false);
        scan(&mut failed, false, false);
        assert_eq!(failed.io.map(|io| io.counters.write_bytes), Some(8192));
        // Refused: not tried again while it runs the same program, tried after an exec.
        let mut refused = unread_io(true);
        scan(&mut refused, true, false);
        assert!(refused.io.is_none() && refused.io_denied);
        scan(&mut refused, true, true);
        assert_eq!(refused.io.map(|io| io.counters.read_bytes), Some(4096));
        assert!(!refused.io_denied);
    }
}
