//! Every cgroup on the machine, judged by what it uses: CPU % and throttling, memory
//! against its limit, swap, I/O rates, pids against `pids.max`, pressure (v2) and OOM
//! kills — what `systemd-cgtop` and `docker stats` show, for services, containers and
//! pods alike, named as a sysadmin names them ([`names`]).
//!
//! The unified hierarchy (cgroup v2) and the v1 hierarchies of a legacy or hybrid host
//! ([`hierarchies`]) are walked on every reading and merged by cgroup path, so
//! `/system.slice/nginx.service` is one cgroup whether its CPU time comes from v1
//! `cpuacct.usage` or v2 `cpu.stat`. Listing a cgroup's directory also says which of
//! the files ctop reads ([`files`]) it has: only those are read, each through a
//! descriptor kept open (`kept.rs`) from a budget of its own, so a walk costs one
//! `getdents` per directory and one `pread` per file.
//!
//! The readings run on a thread of its own every `slow_interval` (5 s), the walk every
//! sixth of them: rates are over that window. An OOM kill is counted in the cgroup whose `oom_kill` rose by more than its
//! children's did (v2 counts a kill in every ancestor too), and remembered with the
//! time it was seen.

mod files;
mod hierarchies;
pub mod names;

pub use names::CgroupKind;

use super::descriptors::{self, Descriptors};
use super::kept::KeptReader;
use crate::collect::pressure::Pressure;
use crate::source::Source;
use files::{Counters, V1_FILES, V2_FILES};
use hierarchies::Hierarchy;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use names::{Identity, Namer};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
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
/// Every this many readings the tree is walked again (new cgroups found; at the
/// default 5 s, within 30 s); in between only the known cgroups' files are read, and a
/// cgroup none of whose files can be read any more is gone. Listing the directories
/// was a third of a reading's cost at 500 cgroups.
const WALK_EVERY: u64 = 6;

/// The cgroup walk's own descriptor budget (see `descriptors`): each kept cgroup file
/// pins a kernel buffer of a page, so it is bounded apart from the fast tier's.
static KEPT: LazyLock<Descriptors> = LazyLock::new(|| Descriptors::new(descriptors::cgroup_budget()));

/// One cgroup's files and its previous reading.
struct Node {
    identity: Identity,
    depth: usize,
    files: Vec<NodeFile>,
    seen: bool,
    previous: Option<(Instant, Counters)>,
}

struct NodeFile {
    /// Where it sorts: v1 files, then v2, each in its list's order.
    rank: usize,
    v2: bool,
    name: &'static str,
    reader: KeptReader,
    seen: bool,
}

/// Walks and reads the cgroup tree; keeps the files and the previous readings.
pub struct CgroupSampler {
    source: Source,
    hierarchies: Vec<Hierarchy>,
    nodes: BTreeMap<String, Node>,
    namer: Namer,
    zone: TimeZone,
    walks: u64,
    truncated: bool,
    oom_events: Vec<OomEvent>,
}

impl CgroupSampler {
    pub fn new(source: Source) -> Self {
        Self {
            hierarchies: hierarchies::find(&source),
            nodes: BTreeMap::new(),
            namer: Namer::new(source.clone()),
            zone: super::clock::time_zone(&source),
            walks: 0,
            truncated: false,
            oom_events: Vec::new(),
            source,
        }
    }

    pub fn collect(&mut self) -> Cgroups {
        if self.walks.is_multiple_of(WALK_EVERY) {
            self.truncated = self.walk();
        }
        let now = Instant::now();
        let first_walk = self.walks == 0;
        self.walks += 1;
        let mut list = Vec::with_capacity(self.nodes.len());
        let mut oom_rises: HashMap<String, u64> = HashMap::new();
        // (pid, depth, cgroup index)
        let mut members: Vec<(u32, usize, u32)> = Vec::new();
        let mut pids = Vec::new();
        let mut gone = Vec::new();
        for (path, node) in &mut self.nodes {
            pids.clear();
            let Some(counters) = node.read(&mut pids) else {
                gone.push(path.clone());
                continue;
            };
            let index = list.len() as u32;
            members.extend(pids.iter().map(|&pid| (pid, node.depth, index)));
            // A cgroup made since the first walk started from zero kills.
            let baseline = match node.previous {
                Some((_, p)) => Some(p),
                None if !first_walk => Some(Counters { oom_kills: Some(0), ..Counters::default() }),
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
                io_read_ops_per_s: rate(|c| c.read_ios),
                io_write_ops_per_s: rate(|c| c.write_ios),
                pids: counters.pids,
                pids_limit: counters.pids_limit,
                oom_kills: counters.oom_kills,
                memory_high_events: node.previous.and_then(|_| rise(|c| c.high_events)),
                memory_max_events: node.previous.and_then(|_| rise(|c| c.max_events)),
                pressure: counters.pressure,
            });
            node.previous = Some((now, counters));
        }
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

    /// Lists every hierarchy's cgroup directories, adding new cgroups and files and
    /// dropping those gone. True when there were more than [`MAX_CGROUPS`].
    fn walk(&mut self) -> bool {
        for node in self.nodes.values_mut() {
            node.seen = false;
            node.files.iter_mut().for_each(|f| f.seen = false);
        }
        let mut truncated = false;
        let Self { hierarchies, nodes, namer, .. } = self;
        for h in hierarchies.iter() {
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
                        Node { identity, depth: depth - 1, files: Vec::new(), seen: true, previous: None },
                    );
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
                        n.see_file(h.v2, name, &dir);
                    }
                }
            }
        }
        nodes.retain(|_, n| n.seen);
        for node in nodes.values_mut() {
            node.files.retain(|f| f.seen);
        }
        truncated
    }
}

impl Node {
    /// Notes that the cgroup has file `name` in `dir`, keeping a reader for it if it
    /// is one ctop reads.
    fn see_file(&mut self, v2: bool, name: &str, dir: &std::path::Path) {
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
                self.files.insert(i, NodeFile { rank, v2, name: list[index], reader, seen: true });
            }
        }
    }

    /// The cgroup's counters, and the pids it holds into `pids`; `None` once none of
    /// its files can be read (the cgroup was removed).
    fn read(&mut self, pids: &mut Vec<u32>) -> Option<Counters> {
        let mut counters = Counters::default();
        let mut read_any = self.files.is_empty();
        for file in &mut self.files {
            if file.name == "memory.stat" && !counters.wants_memory_stat() {
                continue;
            }
            let Some(text) = file.reader.read_text() else { continue };
            read_any = true;
            if file.name == "cgroup.procs" {
                pids.extend(text.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
            } else {
                counters.parse(file.v2, file.name, text);
            }
        }
        counters.finish();
        read_any.then_some(counters)
    }
}
