//! Memory and swap from `/proc/meminfo`, with "used" as `free` computes it
//! (total − available).

use super::kept::KeptReader;
use crate::source::Source;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
    let m = Meminfo::parse(meminfo);
    let (total, free, buffers) = (m.mem_total?, m.mem_free?, m.buffers?);
    // Kernels before 3.14 have no MemAvailable; free's own fallback is free + cache.
    let cached = m.cached?.saturating_add(m.s_reclaimable.unwrap_or(0));
    let available = m.mem_available.unwrap_or(free.saturating_add(buffers).saturating_add(cached)).min(total);
    let memory = Memory {
        total_bytes: total,
        available_bytes: available,
        used_bytes: total - available,
        free_bytes: free,
        buffers_bytes: buffers,
        cached_bytes: cached,
    };
    let (swap_total, swap_free) = (m.swap_total?, m.swap_free?);
    let swap =
        Swap { total_bytes: swap_total, used_bytes: swap_total.saturating_sub(swap_free), free_bytes: swap_free };
    Some((memory, swap))
}

/// The fields of `/proc/meminfo` used here, in bytes; `None` where missing or garbled.
///
/// Read by hand, not with procfs-core's `Meminfo`: that parser panics on a line whose
/// name ends in a non-ASCII character (it slices off the colon by byte, found by
/// fuzzing with `Active:é`) and multiplies by 1024 unchecked. The format is one
/// `Name:   value kB` per line.
#[derive(Debug, Default)]
struct Meminfo {
    mem_total: Option<u64>,
    mem_free: Option<u64>,
    mem_available: Option<u64>,
    buffers: Option<u64>,
    cached: Option<u64>,
    s_reclaimable: Option<u64>,
    swap_total: Option<u64>,
    swap_free: Option<u64>,
}

impl Meminfo {
    fn parse(text: &[u8]) -> Self {
        let mut m = Self::default();
        for line in text.split(|&b| b == b'\n') {
            let mut words = line.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
            let (Some(name), Some(value)) = (words.next(), words.next()) else { continue };
            let bytes =
                std::str::from_utf8(value).ok().and_then(|v| v.parse::<u64>().ok()).and_then(|v| match words.next() {
                    None => Some(v),
                    Some(b"kB") => v.checked_mul(1024),
                    Some(_) => None,
                });
            let field = match name {
                b"MemTotal:" => &mut m.mem_total,
                b"MemFree:" => &mut m.mem_free,
                b"MemAvailable:" => &mut m.mem_available,
                b"Buffers:" => &mut m.buffers,
                b"Cached:" => &mut m.cached,
                b"SReclaimable:" => &mut m.s_reclaimable,
                b"SwapTotal:" => &mut m.swap_total,
                b"SwapFree:" => &mut m.swap_free,
                _ => continue,
            };
            *field = bytes;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_is_total_less_available_as_free_says() {
        let text = b"MemTotal:       16000 kB\nMemFree:  1000 kB\nMemAvailable:   12000 kB\nBuffers: 500 kB\n\
                     Cached: 4000 kB\nSReclaimable: 300 kB\nSwapTotal: 2000 kB\nSwapFree: 1500 kB\n";
        let (memory, swap) = from_meminfo(text).unwrap();
        assert_eq!(memory.total_bytes, 16000 * 1024);
        assert_eq!(memory.used_bytes, 4000 * 1024);
        assert_eq!(memory.cached_bytes, 4300 * 1024);
        assert_eq!(swap.used_bytes, 500 * 1024);
    }

    #[test]
    fn without_mem_available_free_buffers_and_cache_count_as_available() {
        let text = b"MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n";
        assert_eq!(from_meminfo(text).unwrap().0.available_bytes, 35 * 1024);
    }

    #[test]
    fn a_garbled_or_missing_field_makes_it_unknown() {
        assert!(from_meminfo(b"MemTotal: 18446744073709551615 kB\nMemFree: 1 kB\n").is_none());
        assert!(from_meminfo(b"Active:\xc3\xa9 1 kB\nMemTotal: x kB\n").is_none());
        assert!(from_meminfo(b"").is_none());
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{bytes_from, config, fixture};

    const SEEDS: &[&str] =
        &[fixture!("machines/debian12-vm/proc/meminfo"), fixture!("machines/centos6-2socket/proc/meminfo")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn meminfo_never_panics(bytes in bytes_from(SEEDS)) {
            let _ = super::from_meminfo(&bytes);
        }
    }
}
