//! Memory and swap from `/proc/meminfo`, with "used" as `free` computes it
//! (total − available).

use super::kept::KeptReader;
use crate::source::Source;
use procfs_core::{FromRead, Meminfo};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Memory {
    pub total_bytes: u64,
    pub available_bytes: u64,
    /// total − available, as `free` shows it.
    pub used_bytes: u64,
    pub free_bytes: u64,
    pub buffers_bytes: u64,
    /// Page cache + reclaimable slab: the `buff/cache` of `free` less buffers.
    pub cached_bytes: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Swap {
    pub total_bytes: u64,
    pub used_bytes: u64,
    pub free_bytes: u64,
}

/// Memory and swap, or `None` where `/proc/meminfo` is missing or unreadable.
pub fn collect(source: &Source) -> Option<(Memory, Swap)> {
    MemorySampler::new(source).collect()
}

/// `/proc/meminfo` kept open, for reading every tick.
#[derive(Debug)]
pub struct MemorySampler {
    meminfo: KeptReader,
}

impl MemorySampler {
    pub fn new(source: &Source) -> Self {
        Self { meminfo: KeptReader::new(source.path("/proc/meminfo")) }
    }

    /// Memory and swap, or `None` where `/proc/meminfo` is missing or unreadable.
    pub fn collect(&mut self) -> Option<(Memory, Swap)> {
        from_meminfo(self.meminfo.read()?)
    }
}

fn from_meminfo(meminfo: &[u8]) -> Option<(Memory, Swap)> {
    let m = Meminfo::from_read(meminfo).ok()?;
    // Kernels before 3.14 have no MemAvailable; free's own fallback is free + cache.
    let cached = m.cached + m.s_reclaimable.unwrap_or(0);
    let available = m.mem_available.unwrap_or(m.mem_free + m.buffers + cached).min(m.mem_total);
    let memory = Memory {
        total_bytes: m.mem_total,
        available_bytes: available,
        used_bytes: m.mem_total - available,
        free_bytes: m.mem_free,
        buffers_bytes: m.buffers,
        cached_bytes: cached,
    };
    let swap = Swap {
        total_bytes: m.swap_total,
        used_bytes: m.swap_total.saturating_sub(m.swap_free),
        free_bytes: m.swap_free,
    };
    Some((memory, swap))
}
