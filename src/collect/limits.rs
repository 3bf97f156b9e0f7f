//! The container's own resource limits, from its cgroup: v2 `memory.max`, `cpu.max`
//! (and the v1 equivalents), so memory and CPU are judged against what this container
//! may use rather than the host's totals.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ContainerLimits {
    /// The memory limit in bytes; `None` where unlimited or unknown.
    pub memory_max_bytes: Option<u64>,
    /// What the cgroup uses now (`memory.current`, v1 `memory.usage_in_bytes`).
    pub memory_current_bytes: Option<u64>,
    /// CPU quota in CPUs (`cpu.max` 200000 100000 → 2.0); `None` where unlimited.
    pub cpu_quota_cpus: Option<f64>,
}

pub fn collect(source: &crate::source::Source) -> ContainerLimits {
    let _ = source;
    ContainerLimits::default() // replaced by the health work
}
