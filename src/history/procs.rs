//! The process table as history keeps it, at the scan cadence: the totals, the
//! [`TOP`] busiest and [`TOP`] largest processes and the [`TOP`] most repeated
//! binaries. A past frame shows this table as of the nearest scan before it. Names
//! and command lines are shared (`Arc<str>`) with the scans, not copied.

use crate::collect::procs::{ProcessRow, Processes, Repeated};
use std::collections::HashSet;
use std::sync::Arc;

/// Rows kept per scan for each of CPU, memory and repeated binaries.
pub const TOP: usize = 8;

#[derive(Debug, Clone)]
pub struct ProcRecord {
    pub at_ms: i64,
    pub processes: Arc<Processes>,
}

pub fn summarize(p: &Processes) -> Processes {
    let mut list: Vec<_> = p.top_by_cpu(TOP).into_iter().cloned().collect();
    for row in p.top_by_memory(TOP) {
        if !list.iter().any(|r| r.pid == row.pid) {
            list.push(row.clone());
        }
    }
    list.sort_unstable_by_key(|r| r.pid);
    list.shrink_to_fit();
    Processes {
        list,
        repeated: p.repeated[..p.repeated.len().min(TOP)].to_vec(),
        total: p.total,
        running: p.running,
        sleeping: p.sleeping,
        blocked: p.blocked,
        stopped: p.stopped,
        zombie: p.zombie,
        threads: p.threads,
        kernel_threads: p.kernel_threads,
        scan_duration: p.scan_duration,
        blocked_processes: p.blocked_processes.clone(),
        near_fd_limit: p.near_fd_limit.clone(),
    }
}

/// Bytes the summaries hold: their rows, and each string they share once.
pub fn bytes<'a>(summaries: impl Iterator<Item = &'a Processes>) -> usize {
    let mut strings = HashSet::new();
    let mut total = 0;
    for p in summaries {
        total += size_of::<Processes>() + p.list.capacity() * size_of::<ProcessRow>();
        total += p.repeated.capacity() * size_of::<Repeated>();
        let names =
            p.list.iter().flat_map(|r| [&r.cmdline, &r.name, &r.user]).chain(p.repeated.iter().map(|r| &r.name));
        for s in names {
            if strings.insert(Arc::as_ptr(s) as *const u8) {
                total += s.len() + 2 * size_of::<usize>();
            }
        }
    }
    total
}
