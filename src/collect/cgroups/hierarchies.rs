//! Which cgroup hierarchies hold the numbers: the unified one (cgroup v2; on a hybrid
//! host it has no controllers but still counts CPU time and pressure per cgroup) and
//! the v1 hierarchies carrying `cpu`, `cpuacct`, `memory`, `blkio` or `pids`, found in
//! `/proc/self/mountinfo` as the container-limits collector finds them.

use crate::collect::limits::cgroup_mounts;
use crate::source::Source;
use std::path::PathBuf;

/// The v1 controllers whose files ctop reads.
const V1_CONTROLLERS: [&str; 5] = ["cpu", "cpuacct", "memory", "blkio", "pids"];

/// One mounted hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    /// Where it is mounted, under the source's root.
    pub top: PathBuf,
    /// The cgroup the mount shows as its top (`/` but for a bind-mounted subtree), so
    /// that paths are the same in every hierarchy.
    pub root: String,
    pub v2: bool,
    /// The v1 controllers it carries (`cpu`, `cpuacct`; none for v2), to find its line
    /// in `/proc/cgroups`.
    pub controllers: Vec<String>,
}

/// The unified hierarchy first, then the v1 ones; a hierarchy mounted twice (bind
/// mounts into containers) is listed once, at the mount showing most of it.
pub fn find(source: &Source) -> Vec<Hierarchy> {
    let mut mounts = cgroup_mounts(source);
    mounts.sort_by_key(|m| (m.fs_type != "cgroup2", m.root.len()));
    let mut seen: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for m in mounts {
        let v2 = m.fs_type == "cgroup2";
        if !v2 && !V1_CONTROLLERS.iter().any(|c| m.super_options.contains_key(*c)) {
            continue;
        }
        if seen.contains(&m.majmin) {
            continue;
        }
        seen.push(m.majmin.clone());
        let controllers = if v2 { Vec::new() } else { m.super_options.keys().cloned().collect() };
        let root = m.root.trim_end_matches('/').to_string();
        found.push(Hierarchy { top: source.path(&m.mount_point), root, v2, controllers });
    }
    found
}
