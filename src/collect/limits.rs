//! The container's own resource limits, from its cgroup: v2 `memory.max`, `cpu.max`
//! (and the v1 equivalents), so memory and CPU are judged against what this container
//! may use rather than the host's totals.
//!
//! This process's cgroup comes from `/proc/self/cgroup`; where each hierarchy is
//! mounted (and which part of it the mount shows: inside a container without a cgroup
//! namespace the mount's root is the container's own cgroup) from
//! `/proc/self/mountinfo`. The limit that binds is the tightest one on the way from
//! this cgroup up to the top of the mount, and the usage is that cgroup's.

use super::kept::KeptReader;
use crate::source::Source;
use procfs_core::process::MountInfo;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerLimits {
    /// The memory limit in bytes; `None` where unlimited or unknown.
    pub memory_max_bytes: Option<u64>,
    /// What the cgroup uses now (`memory.current`, v1 `memory.usage_in_bytes`).
    pub memory_current_bytes: Option<u64>,
    /// CPU quota in CPUs (`cpu.max` 200000 100000 → 2.0); `None` where unlimited.
    pub cpu_quota_cpus: Option<f64>,
    /// Page cache in that usage the kernel reclaims first (`memory.stat`
    /// `inactive_file`, v1 `total_inactive_file`): what `docker stats` subtracts.
    pub memory_inactive_file_bytes: Option<u64>,
}

/// A v1 limit at or above this is the kernel's "unlimited" (`PAGE_COUNTER_MAX` in
/// bytes: 9223372036854771712 on 4 KiB pages).
pub(super) const V1_UNLIMITED: u64 = 1 << 62;

/// The limits of this process's cgroup, found and read in one go.
pub fn collect(source: &Source) -> ContainerLimits {
    CgroupFiles::discover(source).read()
}

/// Where this process's cgroup limits live. Finding them parses mountinfo and
/// meminfo, so it is done once; the limits themselves are read on every tick, through
/// descriptors kept open. (A process moved to another cgroup while ctop runs keeps
/// showing the first one's.)
#[derive(Debug, Clone, Default)]
pub struct CgroupFiles {
    v2: Vec<CgroupDir>,
    v1_memory: Vec<CgroupDir>,
    v1_cpu: Vec<CgroupDir>,
    host_memory: Option<u64>,
}

/// One cgroup directory and the files read from it, each kept from its first reading.
#[derive(Debug, Clone)]
struct CgroupDir {
    path: PathBuf,
    files: Vec<(&'static str, KeptReader)>,
}

impl CgroupDir {
    fn new(path: PathBuf) -> Self {
        Self { path, files: Vec::new() }
    }

    fn file(&mut self, name: &'static str) -> &mut KeptReader {
        let index = match self.files.iter().position(|(n, _)| *n == name) {
            Some(index) => index,
            None => {
                self.files.push((name, KeptReader::new(self.path.join(name))));
                self.files.len() - 1
            }
        };
        &mut self.files[index].1
    }
}

impl CgroupFiles {
    pub fn discover(source: &Source) -> Self {
        let mounts = cgroup_mounts(source);
        let membership = source.read("/proc/self/cgroup").unwrap_or_default();
        Self {
            v2: cgroup_dirs(source, &mounts, &membership, None),
            v1_memory: cgroup_dirs(source, &mounts, &membership, Some("memory")),
            v1_cpu: cgroup_dirs(source, &mounts, &membership, Some("cpu")),
            host_memory: host_memory_bytes(source),
        }
    }

    pub fn read(&mut self) -> ContainerLimits {
        let Self { v2, v1_memory, v1_cpu, host_memory } = self;
        let host_memory = *host_memory;
        // (limit, whether it is v1's, the index of its directory)
        let memory = [
            tightest(v2, v2_memory_max).map(|(max, i)| (max, false, i)),
            tightest(v1_memory, v1_memory_max).map(|(max, i)| (max, true, i)),
        ]
        .into_iter()
        .flatten()
        .filter(|(max, _, _)| host_memory.is_none_or(|host| *max < host))
        .min_by_key(|(max, _, _)| *max);
        // Usage: of the cgroup whose limit binds; without a limit, of this process's own.
        let (usage_dir, v1) = match memory {
            Some((_, true, i)) => (v1_memory.get_mut(i), true),
            Some((_, false, i)) => (v2.get_mut(i), false),
            None => match (v2.first_mut(), v1_memory.first_mut()) {
                (_, Some(dir)) => (Some(dir), true),
                (Some(dir), None) => (Some(dir), false),
                (None, None) => (None, false),
            },
        };
        // v1's `total_` fields include the cgroup's descendants, as v2's always do.
        let (current, inactive) =
            if v1 { ("memory.usage_in_bytes", "total_inactive_file") } else { ("memory.current", "inactive_file") };
        let (memory_current_bytes, memory_inactive_file_bytes) = match usage_dir {
            Some(dir) => (read_number(dir.file(current)), stat_field(dir.file("memory.stat"), inactive)),
            None => (None, None),
        };
        let cpu = [tightest(v2, v2_cpu_quota), tightest(v1_cpu, v1_cpu_quota)]
            .into_iter()
            .flatten()
            .map(|(q, _)| q)
            .min_by(f64::total_cmp);

        ContainerLimits {
            memory_max_bytes: memory.map(|(max, _, _)| max),
            memory_current_bytes,
            cpu_quota_cpus: cpu,
            memory_inactive_file_bytes,
        }
    }
}

/// Every cgroup (v1) and cgroup2 mount this process sees, from `/proc/self/mountinfo`.
pub(super) fn cgroup_mounts(source: &Source) -> Vec<MountInfo> {
    source
        .read("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| MountInfo::from_line(l).ok())
        .filter(|m| m.fs_type == "cgroup2" || m.fs_type == "cgroup")
        .collect()
}

/// This process's cgroup directory in one hierarchy and its ancestors up to the top of
/// the mount, innermost first: the v2 hierarchy (`controller` None) or the v1
/// hierarchy carrying `controller`. Empty where that hierarchy is not mounted.
fn cgroup_dirs(source: &Source, mounts: &[MountInfo], membership: &str, controller: Option<&str>) -> Vec<CgroupDir> {
    let carries = |list: &str| match controller {
        None => list.is_empty(),
        Some(c) => list.split(',').any(|x| x == c),
    };
    let Some(path) = membership.lines().find_map(|l| {
        let mut f = l.splitn(3, ':');
        let (_, list, path) = (f.next()?, f.next()?, f.next()?);
        (carries(list) && (controller.is_some() || l.starts_with("0:"))).then_some(path)
    }) else {
        return Vec::new();
    };
    let Some(mount) = mounts.iter().find(|m| match controller {
        None => m.fs_type == "cgroup2",
        Some(c) => m.fs_type == "cgroup" && m.super_options.contains_key(c),
    }) else {
        return Vec::new();
    };
    let top = source.path(&mount.mount_point);
    // The mount shows the hierarchy from `root` down; a path outside it (a container
    // that sees the host's path but only its own subtree) means the mount's top is ours.
    let relative = Path::new(path.trim_end_matches(" (deleted)"))
        .strip_prefix(&mount.root)
        .ok()
        .map(|r| top.join(r))
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| top.clone());
    relative.ancestors().take_while(|d| d.starts_with(&top)).map(|d| CgroupDir::new(d.to_path_buf())).collect()
}

/// The smallest limit `read` finds in `dirs`, with the index of the directory that
/// sets it (the innermost of equals).
fn tightest<T: PartialOrd + Copy>(dirs: &mut [CgroupDir], read: fn(&mut CgroupDir) -> Option<T>) -> Option<(T, usize)> {
    dirs.iter_mut().enumerate().filter_map(|(i, d)| Some((read(d)?, i))).fold(None, |best, (v, i)| match best {
        Some((b, _)) if b <= v => best,
        _ => Some((v, i)),
    })
}

fn v2_memory_max(dir: &mut CgroupDir) -> Option<u64> {
    read_number(dir.file("memory.max")) // "max" does not parse: unlimited
}

fn v1_memory_max(dir: &mut CgroupDir) -> Option<u64> {
    read_number(dir.file("memory.limit_in_bytes")).filter(|&n| n < V1_UNLIMITED)
}

fn v2_cpu_quota(dir: &mut CgroupDir) -> Option<f64> {
    let mut f = dir.file("cpu.max").read_text()?.split_whitespace();
    let (quota, period) = (f.next()?.parse::<u64>().ok()?, f.next()?.parse::<u64>().ok()?);
    cpus(quota, period)
}

fn v1_cpu_quota(dir: &mut CgroupDir) -> Option<f64> {
    // -1 (unlimited) does not parse as unsigned.
    let quota = read_number(dir.file("cpu.cfs_quota_us"))?;
    cpus(quota, read_number(dir.file("cpu.cfs_period_us"))?)
}

fn cpus(quota: u64, period: u64) -> Option<f64> {
    (quota > 0 && period > 0).then(|| quota as f64 / period as f64)
}

fn read_number(file: &mut KeptReader) -> Option<u64> {
    file.read_text()?.trim().parse().ok()
}

/// One `name value` line of a cgroup `memory.stat`.
fn stat_field(file: &mut KeptReader, name: &str) -> Option<u64> {
    file.read_text()?.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

fn host_memory_bytes(source: &Source) -> Option<u64> {
    let text = source.read("/proc/meminfo").ok()?;
    let kib: u64 =
        text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}
