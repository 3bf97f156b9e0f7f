//! Every cgroup on the machine, judged by what it uses: CPU % and throttling, memory
//! against its limit, swap, I/O rates, pids against `pids.max`, pressure (v2) and OOM
//! kills — what `systemd-cgtop` and `docker stats` show, for services, containers and
//! pods alike, named as a sysadmin names them ([`names`]).
//!
//! The unified hierarchy (cgroup v2) and the v1 hierarchies of a legacy or hybrid host
//! ([`hierarchies`]) are walked and merged by cgroup path, so
//! `/system.slice/nginx.service` is one cgroup whether its CPU time comes from v1
//! `cpuacct.usage` or v2 `cpu.stat`. Listing a cgroup's directory also says which of
//! the files ctop reads ([`files`]) it has: only those are read.
//!
//! The readings run on a thread of its own every `slow_interval` (5 s); rates are over
//! that window. What a reading costs is kept to what can have changed:
//! - the tree is listed again only when the kernel's counts of cgroups change or a
//!   cgroup went ([`changes`]), at least every 5 minutes;
//! - every cgroup's probe (`cgroup.events`, else `cgroup.procs`) says whether processes
//!   are in it or below it; a cgroup empty now and at the reading before is not read
//!   (nothing in it uses CPU or does I/O), but whole every 5 minutes, and keeps no
//!   descriptor but its probe's;
//! - a busy cgroup's usage files are read every reading through descriptors kept open
//!   (`kept.rs`, from a budget of their own), its process list, limits, quota and what
//!   is neither shown nor judged (swap, v1 IOPS, pressure) every sixth; a file whose
//!   every value another hierarchy gave (a hybrid host's unified `cpu.stat`) is not
//!   read, nor one that cannot have moved: throttling without a quota of its own, OOM
//!   kill counts while the kernel's ([`oom_count`]) stood still, hits of a limit
//!   without a limit ([`files::Counters::wants`]); `pids.current` without `pids.max`
//!   is read with the process list. What is left is four files a cgroup on a hybrid
//!   host (`cgroup.events`, `cpuacct.usage`, `memory.usage_in_bytes`, blkio bytes),
//!   so that 500 busy cgroups fit the budget of kept descriptors.
//!
//! An OOM kill is counted in the cgroup whose `oom_kill` rose by more than its
//! children's did (v2 counts a kill in every ancestor too), and remembered with the
//! time it was seen.

mod changes;
mod files;
mod hierarchies;
pub mod names;
mod oom_count;

pub use names::CgroupKind;

use super::descriptors::{self, Descriptors};
use super::kept::KeptReader;
use crate::collect::pressure::Pressure;
use crate::source::Source;
use changes::TreeCounts;
use files::{Cadence, Counters, V1_FILES, V2_FILES, cadence};
use hierarchies::Hierarchy;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use names::{Identity, Namer};
use oom_count::OomCount;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

/// One cgroup as last read. Rates and event counts cover the window since the reading
/// before; `None` until there are two readings, or where no hierarchy has the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cgroup {
    /// `/system.slice/nginx.service`.
    pub path: String,
    /// `nginx.service`, `web`, `prod/payments-7d9f`.
    pub name: String,
    pub kind: CgroupKind,
    pub image: Option<String>,
    /// How many levels below the top (a top-level cgroup is 0).
    pub depth: usize,
    /// 100 is one CPU busy the whole window.
    pub cpu_percent: Option<f64>,
    /// Time throttled by the CPU quota, as % of the window (summed over the CPUs the
    /// cgroup was throttled on, capped at 100).
    pub throttled_percent: Option<f64>,
    /// Periods throttled in the window.
    pub throttled_periods: Option<u64>,
    pub memory_bytes: Option<u64>,
    pub memory_limit_bytes: Option<u64>,
    pub memory_high_bytes: Option<u64>,
    /// Page cache in that memory the kernel reclaims before it kills: what `docker
    /// stats` subtracts (read only for a cgroup with a limit).
    pub memory_reclaimable_bytes: Option<u64>,
    pub swap_bytes: Option<u64>,
    pub io_read_bytes_per_s: Option<f64>,
    pub io_write_bytes_per_s: Option<f64>,
    pub io_read_ops_per_s: Option<f64>,
    pub io_write_ops_per_s: Option<f64>,
    pub pids: Option<u64>,
    pub pids_limit: Option<u64>,
    /// OOM kills the kernel counts in this cgroup (v2: and below it) since it was made.
    pub oom_kills: Option<u64>,
    /// Times in the window the cgroup went over `memory.high` (v2), and hit its limit.
    pub memory_high_events: Option<u64>,
    pub memory_max_events: Option<u64>,
    pub pressure: Option<Pressure>,
}

impl Cgroup {
    /// Memory the limit is judged against: use less the page cache reclaimed first.
    pub fn memory_used_bytes(&self) -> Option<u64> {
        Some(self.memory_bytes?.saturating_sub(self.memory_reclaimable_bytes.unwrap_or(0)))
    }

    /// Use of the memory limit in %, where there is a limit.
    pub fn memory_limit_percent(&self) -> Option<f64> {
        let limit = self.memory_limit_bytes.filter(|&l| l > 0)?;
        Some(self.memory_used_bytes()? as f64 * 100.0 / limit as f64)
    }

    pub fn io_bytes_per_s(&self) -> Option<f64> {
        Some(self.io_read_bytes_per_s? + self.io_write_bytes_per_s?)
    }
}

/// An OOM kill seen in a cgroup while ctop watched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OomEvent {
    pub path: String,
    pub name: String,
    /// When the walk that saw it ran (the kill was within the window before).
    pub epoch: i64,
    /// That moment in local time, `03:12:07`.
    pub local_time: String,
    pub kills: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cgroups {
    /// Sorted by path: every cgroup after its parent.
    pub list: Vec<Cgroup>,
    /// The OOM kills seen, oldest first (at most [`OOM_EVENTS_KEPT`]).
    pub oom_events: Vec<OomEvent>,
    /// More cgroups than [`MAX_CGROUPS`]: the rest were not read.
    pub truncated: bool,
    /// (pid, index into `list`) for every process, in the deepest cgroup listing it,
    /// sorted by pid.
    #[serde(skip)]
    pub members: Vec<(u32, u32)>,
}

impl Cgroups {
    /// The service, container or pod a process is in, where a cgroup lists it.
    pub fn of_process(&self, pid: u32) -> Option<&Cgroup> {
        let at = self.members.binary_search_by_key(&pid, |m| m.0).ok()?;
        self.list.get(self.members[at].1 as usize)
    }
}

/// The most cgroups read (a large Kubernetes node has a few thousand).
pub const MAX_CGROUPS: usize = 4096;
/// How many OOM events are remembered.
pub const OOM_EVENTS_KEPT: usize = 64;
/// Cgroup directories deeper than this are not walked (systemd nests about 6 deep).
const MAX_DEPTH: usize = 32;
/// Where the kernel's counts of cgroups cannot be read (`changes`), the tree is walked
/// again every this many readings (new cgroups found within 30 s at the default 5 s).
const WALK_EVERY: u64 = 6;
/// Where they can, it is walked when they change or a cgroup went, and at least this
/// often (5 min at 5 s), to name again what could not be named yet (a container whose
/// config was written after its cgroup was made). Listing the directories was a third
/// of a reading's cost at 500 cgroups.
const WALK_AT_LEAST_EVERY: u64 = 60;
/// A cgroup holding processes has its [`Cadence::Full`] files (processes, limits) read
/// every this many readings (30 s at 5 s), the readings spread over the cgroups.
const FULL_EVERY: u64 = 6;
/// A cgroup with no process in it or below it uses no CPU and does no I/O, and its
/// limits are set while its processes run: it is read whole only every this many
/// readings (5 min at 5 s) — what it holds in memory only shrinks meanwhile — and holds
/// no descriptor but its probe's. At 500 empty cgroups a whole reading of each on every
/// reading cost 2.1 s of CPU a minute.
const IDLE_FULL_EVERY: u64 = 60;

/// The cgroup walk's own descriptor budget (see `descriptors`): each kept cgroup file
/// pins a kernel buffer of a page, so it is bounded apart from the fast tier's. Only
/// files read at every reading keep one; the others are opened and closed each time.
static KEPT: LazyLock<Descriptors> = LazyLock::new(|| Descriptors::new(descriptors::cgroup_budget()));

/// One cgroup's files and its previous reading.
struct Node {
    identity: Identity,
    depth: usize,
    files: Vec<NodeFile>,
    seen: bool,
    previous: Option<(Instant, Counters)>,
    /// The last full reading: v1 IOPS (`blkio.throttle.io_serviced_recursive`) are
    /// read at full readings only, and their rates taken between two of them.
    previous_full: Option<(Instant, Counters)>,
    /// Those rates (read, write), shown until the next full reading.
    full_ops_per_s: (Option<f64>, Option<f64>),
    /// Spreads the cgroups' full readings over the readings between them.
    slot: u64,
    /// The processes `cgroup.procs` listed when last read.
    pids: Vec<u32>,
    /// Whether processes were in it or below it at the last reading.
    busy: bool,
    /// Whether its probe could be read at this reading: then it is still there.
    probed: bool,
    /// Whether that probe was a v2 `cgroup.events`, which speaks for the cgroups below.
    probed_v2: bool,
}

struct NodeFile {
    /// Where it sorts: v1 files, then v2, each in its list's order.
    rank: usize,
    /// Which of the sampler's hierarchies it is in.
    hierarchy: usize,
    v2: bool,
    name: &'static str,
    reader: KeptReader,
    seen: bool,
}

/// Walks and reads the cgroup tree; keeps the files and the previous readings.
pub struct CgroupSampler {
    source: Source,
    hierarchies: Vec<Hierarchy>,
    tree_counts: TreeCounts,
    oom_count: OomCount,
    nodes: BTreeMap<String, Node>,
    namer: Namer,
    zone: TimeZone,
    readings: u64,
    /// Per hierarchy, readings since it was last walked.
    since_walk: Vec<u64>,
    /// A cgroup went at the last reading: walk, in case another came in its place.
    lost_one: bool,
    next_slot: u64,
    truncated: bool,
    oom_events: Vec<OomEvent>,
}

impl CgroupSampler {
    pub fn new(source: Source) -> Self {
        let hierarchies = hierarchies::find(&source);
        Self {
            tree_counts: TreeCounts::new(&source, &hierarchies),
            oom_count: OomCount::new(&source),
            since_walk: vec![0; hierarchies.len()],
            hierarchies,
            nodes: BTreeMap::new(),
            namer: Namer::new(source.clone()),
            zone: super::clock::time_zone(&source),
            readings: 0,
            lost_one: false,
            next_slot: 0,
            truncated: false,
            oom_events: Vec::new(),
            source,
        }
    }

    pub fn collect(&mut self) -> Cgroups {
        let counts = self.tree_counts.now();
        let due: Vec<bool> = (0..self.hierarchies.len())
            .map(|i| {
                let since = self.since_walk[i];
                let on_clock = match self.tree_counts.changed(&counts, i) {
                    Some(changed) => changed || since >= WALK_AT_LEAST_EVERY,
                    None => since >= WALK_EVERY,
                };
                self.readings == 0 || self.lost_one || on_clock
            })
            .collect();
        if due.contains(&true) {
            self.truncated = self.walk(&due);
            self.tree_counts.walked(counts);
            self.lost_one = false;
        }
        for (since, walked) in self.since_walk.iter_mut().zip(&due) {
            *since = if *walked { 1 } else { *since + 1 };
        }
        let first_reading = self.readings == 0;
        let oom_may_have_risen = self.oom_count.may_have_risen();
        let reading = self.readings;
        self.readings += 1;

        // Which cgroups hold processes, in them or below them. Below a v2 cgroup that
        // holds none, no v2 cgroup does: those are not asked (a v1 cgroup is, as its
        // processes may be elsewhere in the unified tree).
        let mut empty_v2: HashSet<&str> = HashSet::new();
        let mut probed = Vec::with_capacity(self.nodes.len());
        for (path, node) in self.nodes.iter_mut() {
            let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
            let busy = if empty_v2.contains(parent) && node.files.iter().any(|f| f.name == "cgroup.events") {
                node.probed = false;
                false
            } else {
                node.probe()
            };
            if !busy && (node.probed_v2 || (!node.probed && empty_v2.contains(parent))) {
                empty_v2.insert(path);
            }
            probed.push(busy);
        }
        drop(empty_v2);
        let mut busy = vec![false; probed.len()];
        let mut busy_below: HashSet<&str> = HashSet::new();
        for (i, path) in self.nodes.keys().enumerate().rev() {
            busy[i] = probed[i] || busy_below.contains(path.as_str());
            if let Some((parent, _)) = path.rsplit_once('/').filter(|_| busy[i]) {
                busy_below.insert(parent);
            }
        }

        let mut list = Vec::with_capacity(self.nodes.len());
        let mut oom_rises: HashMap<String, u64> = HashMap::new();
        // (pid, depth, cgroup index)
        let mut members: Vec<(u32, usize, u32)> = Vec::new();
        let mut gone = Vec::new();
        for ((path, node), busy_now) in self.nodes.iter_mut().zip(busy) {
            let was_busy = std::mem::replace(&mut node.busy, busy_now);
            // Empty since the reading before (which saw a last kill or the last CPU
            // time): nothing in it changes but what it holds in memory, which shrinks.
            let idle = !busy_now && !was_busy;
            let at = |every: u64| (reading + node.slot).is_multiple_of(every);
            let full = if idle { at(IDLE_FULL_EVERY) } else { busy_now && at(FULL_EVERY) };
            // When this cgroup is read: a whole first reading of 500 cgroups takes long
            // enough that one moment for all would skew the rates of the last ones.
            let now = Instant::now();
            let whole = full || node.previous.is_none();
            let counters = match node.previous {
                Some((_, previous)) if idle && !full => Some(previous),
                Some((_, previous)) if !full => node.read(Some(&previous), oom_may_have_risen),
                _ => node.read(None, oom_may_have_risen),
            };
            let Some(counters) = counters else {
                gone.push(path.clone());
                continue;
            };
            if !busy_now {
                node.pids.clear();
                node.release();
            }
            let index = list.len() as u32;
            members.extend(node.pids.iter().map(|&pid| (pid, node.depth, index)));
            // A cgroup made since the first walk started from zero kills.
            let baseline = match node.previous {
                Some((_, p)) => Some(p),
                None if !first_reading => Some(Counters { oom_kills: Some(0), ..Counters::default() }),
                None => None,
            };
            let window = node.previous.map(|(at, _)| now.duration_since(at).as_secs_f64()).filter(|&w| w > 0.0);
            let rise = |pick: fn(&Counters) -> Option<u64>| Some(pick(&counters)?.saturating_sub(pick(&baseline?)?));
            let rate = |pick: fn(&Counters) -> Option<u64>| {
                let (w, (at_start, at_end)) = (window?, (pick(&node.previous?.1)?, pick(&counters)?));
                Some(at_end.saturating_sub(at_start) as f64 / w)
            };
            if let Some(n) = rise(|c| c.oom_kills).filter(|&n| n > 0) {
                oom_rises.insert(path.clone(), n);
            }
            // IOPS every reading where `io.stat` has them (v2), else between full readings.
            let mut ops_per_s = (rate(|c| c.read_ios), rate(|c| c.write_ios));
            if ops_per_s == (None, None) {
                if whole {
                    let full_rate = |pick: fn(&Counters) -> Option<u64>| {
                        let (at, start) = node.previous_full?;
                        let w = Some(now.duration_since(at).as_secs_f64()).filter(|&w| w > 0.0)?;
                        Some(pick(&counters)?.saturating_sub(pick(&start)?) as f64 / w)
                    };
                    node.full_ops_per_s = (full_rate(|c| c.read_ios), full_rate(|c| c.write_ios));
                }
                ops_per_s = node.full_ops_per_s;
            }
            list.push(Cgroup {
                path: path.clone(),
                name: node.identity.name.clone(),
                kind: node.identity.kind,
                image: node.identity.image.clone(),
                depth: node.depth,
                cpu_percent: rate(|c| c.cpu_usec).map(|us| us / 10_000.0),
                throttled_percent: rate(|c| c.throttled_usec).map(|us| (us / 10_000.0).min(100.0)),
                throttled_periods: node.previous.and_then(|_| rise(|c| c.throttled_periods)),
                memory_bytes: counters.memory_bytes,
                memory_limit_bytes: counters.memory_limit_bytes,
                memory_high_bytes: counters.memory_high_bytes,
                memory_reclaimable_bytes: counters.inactive_file_bytes,
                swap_bytes: counters.swap_bytes,
                io_read_bytes_per_s: rate(|c| c.read_bytes),
                io_write_bytes_per_s: rate(|c| c.write_bytes),
                io_read_ops_per_s: ops_per_s.0,
                io_write_ops_per_s: ops_per_s.1,
                pids: counters.pids,
                pids_limit: counters.pids_limit,
                oom_kills: counters.oom_kills,
                memory_high_events: node.previous.and_then(|_| rise(|c| c.high_events)),
                memory_max_events: node.previous.and_then(|_| rise(|c| c.max_events)),
                pressure: counters.pressure,
            });
            if whole {
                node.previous_full = Some((now, counters));
            }
            node.previous = Some((now, counters));
        }
        self.lost_one = !gone.is_empty();
        for path in gone {
            self.nodes.remove(&path);
        }
        self.record_oom_kills(&oom_rises, &list);
        // A process in several v1 hierarchies counts in its deepest cgroup.
        members.sort_unstable_by_key(|&(pid, depth, _)| (pid, std::cmp::Reverse(depth)));
        members.dedup_by_key(|m| m.0);
        let members = members.into_iter().map(|(pid, _, index)| (pid, index)).collect();
        Cgroups { list, oom_events: self.oom_events.clone(), truncated: self.truncated, members }
    }

    /// Turns the rises of `oom_kill` into events in the cgroups the kills happened in.
    fn record_oom_kills(&mut self, rises: &HashMap<String, u64>, list: &[Cgroup]) {
        if rises.is_empty() {
            return;
        }
        let mut own: HashMap<&str, u64> = rises.iter().map(|(p, n)| (p.as_str(), *n)).collect();
        for (path, n) in rises {
            if let Some((parent, _)) = path.rsplit_once('/')
                && let Some(p) = own.get_mut(parent)
            {
                *p = p.saturating_sub(*n);
            }
        }
        let now = Timestamp::try_from(self.source.sys.now()).unwrap_or(Timestamp::UNIX_EPOCH);
        let local_time = now.to_zoned_datetime(self.zone.clone()).strftime("%H:%M:%S").to_string();
        for cgroup in list {
            let Some(&kills) = own.get(cgroup.path.as_str()).filter(|&&n| n > 0) else { continue };
            self.oom_events.push(OomEvent {
                path: cgroup.path.clone(),
                name: cgroup.name.clone(),
                epoch: now.as_second(),
                local_time: local_time.clone(),
                kills,
            });
        }
        let excess = self.oom_events.len().saturating_sub(OOM_EVENTS_KEPT);
        self.oom_events.drain(..excess);
    }

    /// Lists the cgroup directories of the hierarchies `due` says, adding new cgroups
    /// and files and dropping those gone from them. True when there were more than
    /// [`MAX_CGROUPS`].
    fn walk(&mut self, due: &[bool]) -> bool {
        for node in self.nodes.values_mut() {
            node.seen = false;
            node.files.iter_mut().filter(|f| due[f.hierarchy]).for_each(|f| f.seen = false);
        }
        let mut truncated = false;
        let Self { hierarchies, nodes, namer, next_slot, .. } = self;
        for (hierarchy, h) in hierarchies.iter().enumerate().filter(|&(i, _)| due[i]) {
            let mut stack: Vec<(PathBuf, String, usize)> = vec![(h.top.clone(), h.root.clone(), 0)];
            while let Some((dir, path, depth)) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else { continue };
                // The top of a mount is the machine (or ctop's own container): not listed.
                let is_top = depth == 0;
                if !is_top && !nodes.contains_key(&path) {
                    if nodes.len() >= MAX_CGROUPS {
                        truncated = true;
                        continue;
                    }
                    let identity = namer.identify(&path);
                    nodes.insert(
                        path.clone(),
                        Node {
                            identity,
                            depth: depth - 1,
                            files: Vec::new(),
                            seen: true,
                            previous: None,
                            previous_full: None,
                            full_ops_per_s: (None, None),
                            slot: *next_slot,
                            pids: Vec::new(),
                            busy: true,
                            probed: false,
                            probed_v2: false,
                        },
                    );
                    *next_slot += 1;
                }
                let mut node = if is_top { None } else { nodes.get_mut(&path) };
                if let Some(n) = node.as_mut().filter(|n| !n.seen) {
                    n.seen = true;
                    if !n.identity.settled {
                        n.identity = namer.identify(&path);
                    }
                }
                for entry in entries.flatten() {
                    let Ok(kind) = entry.file_type() else { continue };
                    let name = entry.file_name();
                    let Some(name) = name.to_str() else { continue };
                    if kind.is_dir() {
                        if depth < MAX_DEPTH {
                            stack.push((entry.path(), format!("{path}/{name}"), depth + 1));
                        }
                    } else if let Some(n) = node.as_mut() {
                        n.see_file(hierarchy, h.v2, name, &dir);
                    }
                }
            }
        }
        // A cgroup not seen now is gone, unless a hierarchy not walked has it.
        nodes.retain(|_, n| n.seen || n.files.iter().any(|f| !due[f.hierarchy]));
        for node in nodes.values_mut() {
            node.files.retain(|f| f.seen);
        }
        truncated
    }
}

impl Node {
    /// Notes that the cgroup has file `name` in `dir`, keeping a reader for it if it
    /// is one ctop reads.
    fn see_file(&mut self, hierarchy: usize, v2: bool, name: &str, dir: &std::path::Path) {
        let (list, offset): (&[&'static str], usize) = if v2 { (&V2_FILES, V1_FILES.len()) } else { (&V1_FILES, 0) };
        let Some(index) = list.iter().position(|f| *f == name) else { return };
        let rank = offset + index;
        // A process is listed in every hierarchy it is in: one list is enough.
        if name == "cgroup.procs" && self.files.iter().any(|f| f.name == name && f.rank != rank) {
            return;
        }
        match self.files.binary_search_by_key(&rank, |f| f.rank) {
            Ok(i) => self.files[i].seen = true,
            Err(i) => {
                let reader = KeptReader::counted_by(dir.join(name), &KEPT);
                self.files.insert(i, NodeFile { rank, hierarchy, v2, name: list[index], reader, seen: true });
            }
        }
    }

    /// The file that tells whether processes are in the cgroup: `cgroup.events` (v2,
    /// which counts the cgroups below too), else `cgroup.procs`.
    fn probe_file(&self) -> Option<usize> {
        let at = |name: &str| self.files.iter().position(|f| f.name == name);
        at("cgroup.events").or_else(|| at("cgroup.procs"))
    }

    /// Reads the probe: whether processes may be in the cgroup itself or below it
    /// (`cgroup.procs` tells only of the cgroup itself: the sampler adds the cgroups
    /// below). True when it cannot tell.
    fn probe(&mut self) -> bool {
        self.probed = false;
        self.probed_v2 = false;
        let Some(i) = self.probe_file() else { return true };
        let file = &mut self.files[i];
        let Some(text) = file.reader.read_text() else { return true };
        self.probed = true;
        if file.name == "cgroup.procs" {
            self.pids.clear();
            self.pids.extend(text.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
            !self.pids.is_empty()
        } else {
            let populated = files::populated(text);
            self.probed_v2 = populated.is_some();
            populated.unwrap_or(true)
        }
    }

    /// The cgroup's counters, and the processes it lists into `pids`: every file at a
    /// full reading (`previous` None), else the [`Cadence::Usage`] ones that can have
    /// moved and the rest from `previous`. `None` once neither the probe nor any file
    /// can be read (the cgroup was removed).
    fn read(&mut self, previous: Option<&Counters>, oom_may_have_risen: bool) -> Option<Counters> {
        let full = previous.is_none();
        let mut counters = previous.map(Counters::carried_from).unwrap_or_default();
        let mut read_any = self.probed || self.files.is_empty();
        let probe = self.probe_file();
        for (i, file) in self.files.iter_mut().enumerate() {
            let wanted = match cadence(file.name) {
                Cadence::Probe => false,
                Cadence::Full => full && Some(i) != probe,
                Cadence::Usage => {
                    !counters.already_has(file.name) && counters.wants(file.v2, file.name, full, oom_may_have_risen)
                }
            };
            if !wanted {
                continue;
            }
            // Kept open only if read at every reading: the descriptors go to those.
            let every_reading =
                cadence(file.name) == Cadence::Usage && counters.wants(file.v2, file.name, false, false);
            let text = if every_reading { file.reader.read_text() } else { file.reader.read_text_once() };
            let Some(text) = text else { continue };
            read_any = true;
            if file.name == "cgroup.procs" {
                self.pids.clear();
                self.pids.extend(text.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
            } else {
                counters.parse(file.v2, file.name, text);
            }
        }
        counters.finish();
        if let Some(previous) = previous {
            counters.carry_unread(previous);
        }
        read_any.then_some(counters)
    }

    /// Gives back the descriptors of a cgroup with no processes, but its probe's.
    fn release(&mut self) {
        let probe = self.probe_file();
        for (i, file) in self.files.iter_mut().enumerate() {
            if Some(i) != probe {
                file.reader.close();
            }
        }
    }
}
