//! Socket totals from `/proc/net/sockstat` and `/proc/net/sockstat6` (what `ss -s`
//! prints), and the limits they are judged against from `/proc/sys/net/ipv4`:
//! `tcp_max_tw_buckets`, `tcp_max_orphans` and `tcp_mem` (in pages).

use crate::source::Source;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketTotals {
    /// TCP sockets in use, IPv4 (`TCP: inuse`) plus IPv6 (`TCP6: inuse`).
    pub tcp_in_use: Option<u64>,
    /// `TCP: tw`, both families.
    pub time_wait: Option<u64>,
    pub time_wait_limit: Option<u64>,
    /// `TCP: orphan`: closed by their process, still sending or waiting, both families.
    pub orphans: Option<u64>,
    pub orphans_limit: Option<u64>,
    /// `TCP: mem`, pages of memory TCP buffers hold, against `tcp_mem`'s third value,
    /// above which the kernel refuses them.
    pub memory_pages: Option<u64>,
    pub memory_limit_pages: Option<u64>,
    /// `tcp_mem`'s second value, where the kernel starts to squeeze buffers.
    pub memory_pressure_pages: Option<u64>,
    /// UDP sockets in use, both families.
    pub udp_in_use: Option<u64>,
}

impl SocketTotals {
    pub fn read(source: &Source) -> Self {
        let mut t = Self::default();
        for file in ["/proc/net/sockstat", "/proc/net/sockstat6"] {
            if let Ok(text) = std::fs::read_to_string(source.path(file)) {
                parse_sockstat(&text, &mut t);
            }
        }
        let sysctl = |name: &str| std::fs::read_to_string(source.path(format!("/proc/sys/net/ipv4/{name}"))).ok();
        t.time_wait_limit = sysctl("tcp_max_tw_buckets").and_then(|s| s.trim().parse().ok());
        t.orphans_limit = sysctl("tcp_max_orphans").and_then(|s| s.trim().parse().ok());
        if let Some(mem) = sysctl("tcp_mem") {
            let mut pages = mem.split_whitespace().map(|v| v.parse::<u64>().ok());
            (t.memory_pressure_pages, t.memory_limit_pages) = (pages.nth(1).flatten(), pages.next().flatten());
        }
        t
    }
}

/// Adds one sockstat file's lines (`TCP: inuse 6 orphan 0 tw 1 alloc 6 mem 263`) to `t`.
pub fn parse_sockstat(text: &str, t: &mut SocketTotals) {
    fn add(field: &mut Option<u64>, value: u64) {
        *field = Some(field.unwrap_or(0) + value);
    }
    for line in text.lines() {
        let Some((protocol, rest)) = line.split_once(':') else { continue };
        let words: Vec<&str> = rest.split_whitespace().collect();
        for pair in words.chunks_exact(2) {
            let Ok(value) = pair[1].parse::<u64>() else { continue };
            match (protocol, pair[0]) {
                ("TCP" | "TCP6", "inuse") => add(&mut t.tcp_in_use, value),
                ("TCP", "tw") => add(&mut t.time_wait, value),
                ("TCP", "orphan") => add(&mut t.orphans, value),
                ("TCP", "mem") => add(&mut t.memory_pages, value),
                ("UDP" | "UDP6", "inuse") => add(&mut t.udp_in_use, value),
                _ => {}
            }
        }
    }
}
