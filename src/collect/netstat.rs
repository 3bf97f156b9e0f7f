//! The kernel's protocol counters that `nstat` and `netstat -s` print: `/proc/net/netstat`
//! (`TcpExt:` …) and `/proc/net/snmp` (`Tcp:`, `Udp:` …), each a header line of names
//! and a line of values per table, and `/proc/net/snmp6` (one `Udp6RcvbufErrors 0` pair
//! per line). Only the counters ctop judges are kept.
//!
//! Fields come and go between kernels (`TCPReqQFullDoCookies` appeared in 3.x, and
//! RHEL 5's 2.6.18 has no `TCPReqQFullDrop`), so every counter is looked up by its name
//! and is `None` where the kernel has no such field. Counters are totals since boot;
//! `collect::network` turns two readings into rates.

use crate::source::Source;

/// Totals since boot (of this network namespace).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProtocolCounters {
    /// `TcpExt: ListenOverflows`: a connection completed its handshake with the accept
    /// queue full.
    pub listen_overflows: Option<u64>,
    /// `TcpExt: ListenDrops`: every SYN or handshake dropped at a listener, overflows
    /// included.
    pub listen_drops: Option<u64>,
    /// `TcpExt: TCPReqQFullDrop`: a SYN dropped with the SYN queue full (no cookies).
    pub req_queue_full_drops: Option<u64>,
    /// `TcpExt: TCPReqQFullDoCookies`: a SYN answered with a cookie, the SYN queue full.
    pub req_queue_full_cookies: Option<u64>,
    /// `TcpExt: SyncookiesSent`.
    pub syncookies_sent: Option<u64>,
    /// `Tcp: OutSegs` and `RetransSegs`.
    pub out_segments: Option<u64>,
    pub retransmitted_segments: Option<u64>,
    /// `Tcp: OutRsts`: resets sent.
    pub resets_sent: Option<u64>,
    /// `Tcp: EstabResets`: established connections reset.
    pub established_resets: Option<u64>,
    /// `Tcp: AttemptFails`: connection attempts that failed.
    pub attempt_fails: Option<u64>,
    /// `Udp: RcvbufErrors` plus `Udp6RcvbufErrors`, and the same for send buffers.
    pub udp_rcvbuf_errors: Option<u64>,
    pub udp_sndbuf_errors: Option<u64>,
}

impl ProtocolCounters {
    /// Reads the three files; a missing or garbled one leaves its counters `None`.
    pub fn read(source: &Source) -> Self {
        let mut c = Self::default();
        let mut text = String::new();
        for file in ["/proc/net/netstat", "/proc/net/snmp"] {
            if read_into(source, file, &mut text) {
                for_each_table_value(&text, |table, name, value| c.set(table, name, value));
            }
        }
        if read_into(source, "/proc/net/snmp6", &mut text) {
            for_each_pair(&text, |name, value| c.set("Udp6", name.trim_start_matches("Udp6"), value));
        }
        c
    }

    fn set(&mut self, table: &str, name: &str, value: u64) {
        let field = match (table, name) {
            ("TcpExt", "ListenOverflows") => &mut self.listen_overflows,
            ("TcpExt", "ListenDrops") => &mut self.listen_drops,
            ("TcpExt", "TCPReqQFullDrop") => &mut self.req_queue_full_drops,
            ("TcpExt", "TCPReqQFullDoCookies") => &mut self.req_queue_full_cookies,
            ("TcpExt", "SyncookiesSent") => &mut self.syncookies_sent,
            ("Tcp", "OutSegs") => &mut self.out_segments,
            ("Tcp", "RetransSegs") => &mut self.retransmitted_segments,
            ("Tcp", "OutRsts") => &mut self.resets_sent,
            ("Tcp", "EstabResets") => &mut self.established_resets,
            ("Tcp", "AttemptFails") => &mut self.attempt_fails,
            ("Udp" | "Udp6", "RcvbufErrors") => &mut self.udp_rcvbuf_errors,
            ("Udp" | "Udp6", "SndbufErrors") => &mut self.udp_sndbuf_errors,
            _ => return,
        };
        // Udp and Udp6 add up; every other name appears once.
        *field = Some(field.unwrap_or(0) + value);
    }
}

fn read_into(source: &Source, file: &str, text: &mut String) -> bool {
    use std::io::Read;
    text.clear();
    std::fs::File::open(source.path(file)).and_then(|mut f| f.read_to_string(text)).is_ok()
}

/// Calls `each(table, name, value)` for every counter of a file made of header/value
/// line pairs (`Tcp: RtoAlgorithm RtoMin …` then `Tcp: 1 200 …`). A pair whose lines
/// disagree on the table or the number of fields is skipped; a value that is not an
/// unsigned number (`MaxConn -1`) is skipped alone.
pub fn for_each_table_value(text: &str, mut each: impl FnMut(&str, &str, u64)) {
    let mut lines = text.lines();
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        let (Some((table, names)), Some((table2, values))) = (names.split_once(':'), values.split_once(':')) else {
            continue;
        };
        if table != table2 || names.split_whitespace().count() != values.split_whitespace().count() {
            continue;
        }
        for (name, value) in names.split_whitespace().zip(values.split_whitespace()) {
            if let Ok(v) = value.parse() {
                each(table, name, v);
            }
        }
    }
}

/// Calls `each(name, value)` for every `name value` line (`/proc/net/snmp6`).
pub fn for_each_pair(text: &str, mut each: impl FnMut(&str, u64)) {
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        if let (Some(name), Some(Ok(value))) = (fields.next(), fields.next().map(str::parse)) {
            each(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_read_by_name_and_bad_values_skipped() {
        let text = "Tcp: RtoAlgorithm MaxConn OutSegs\nTcp: 1 -1 7825\nUdp: InDatagrams\nUdp: 5 6\nIp: A B\nIp: 1 x\n";
        let mut seen = Vec::new();
        for_each_table_value(text, |t, n, v| seen.push(format!("{t}.{n}={v}")));
        assert_eq!(seen, ["Tcp.RtoAlgorithm=1", "Tcp.OutSegs=7825", "Ip.A=1"]);
    }
}
