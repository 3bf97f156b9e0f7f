//! Listening sockets: TCP in LISTEN and bound UDP, asked of the running kernel through
//! sock_diag netlink (see [`sock_diag`] for why), or read from
//! `/proc/net/{tcp,tcp6,udp,udp6}` under another root or where sock_diag cannot answer;
//! with the owning process found through the socket inodes in `/proc/[pid]/fd`
//! wherever those are readable.
//!
//! The list holds exactly the (protocol, address, port) triples `ss -ltnH` and `ss -lunH`
//! list, the busiest first (below), the quiet ones by port, then protocol, then address.
//! Several sockets on the same triple (an SO_REUSEPORT worker pool: nginx, envoy, haproxy) make one row whose
//! [`ListeningSocket::sockets`] says how many; `ss` shows one line each, which on a
//! dashboard is noise.
//!
//! Each TCP listener also carries its load: established and half-open (SYN_RECV)
//! connections on its address and port, counted from one sock_diag dump of every
//! connection (see [`connections`]), and its accept queue with the queue's limit. Rows
//! are then ordered busiest first (connections plus queue), quiet ones by port.

pub mod connections;
mod owners;
mod sock_diag;

use crate::source::Source;
use connections::{ConnectionTally, Connections};
use owners::OwnerFinder;
use procfs_core::net::{TcpNetEntries, TcpState, UdpNetEntries, UdpState};
use procfs_core::{ExplicitSystemInfo, FromReadSI};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Tcp6,
    Udp,
    Udp6,
}

impl Protocol {
    /// `tcp`, `tcp6`, `udp`, `udp6`: as `ss` and `/proc/net` name them (and the JSON).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Tcp6 => "tcp6",
            Protocol::Udp => "udp",
            Protocol::Udp6 => "udp6",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListeningSocket {
    pub protocol: Protocol,
    pub address: IpAddr,
    pub port: u16,
    pub uid: u32,
    pub inode: u64,
    /// `None` where `/proc/[pid]/fd` could not be read (another user's process).
    pub pid: Option<u32>,
    pub process: Option<String>,
    /// How many sockets listen on this protocol, address and port: 1, or the size of an
    /// SO_REUSEPORT pool shown as this one row (its lowest-pid owner, the pool's master).
    pub sockets: u32,
    /// TCP connections established on this address and port (those a wildcard row
    /// gets are the ones no row for a specific address took); `None` for UDP or where
    /// connections could not be counted (sock_diag unavailable, a fixture tree).
    pub established: Option<u32>,
    /// Half-open connections (SYN_RECV) on this address and port, likewise.
    pub syn_recv: Option<u32>,
    /// Connections waiting to be accepted (`ss -lnt` Recv-Q), summed over the pool.
    pub accept_queue: Option<u32>,
    /// The accept queue's limit, the listen backlog (`ss -lnt` Send-Q), summed over the
    /// pool; `None` where only `/proc/net/tcp` was read (it does not show it).
    pub accept_queue_limit: Option<u32>,
}

impl ListeningSocket {
    /// Connections and queued connections: what "busiest" orders by.
    pub fn load(&self) -> u64 {
        [self.established, self.syn_recv, self.accept_queue].into_iter().map(|n| u64::from(n.unwrap_or(0))).sum()
    }
}

/// What one scan found: the listeners and, where sock_diag answered, the connections.
#[derive(Debug, Clone, Default)]
pub struct Ports {
    pub listening: Vec<ListeningSocket>,
    pub connections: Option<Connections>,
}

/// Lists listening sockets, remembering where each socket's owner was found so the next
/// call only has to confirm it (see [`owners`]).
pub struct PortScanner {
    source: Source,
    owners: OwnerFinder,
    tally: ConnectionTally,
    /// The connection dump's receive buffer.
    buf: Vec<u8>,
    /// The last count, and when the next may be taken (see [`CONNECTIONS_CPU_SHARE`]).
    last_count: Option<Connections>,
    next_count: Option<Instant>,
}

/// The share of one core counting connections may take. The dump costs the kernel
/// about 1.7 µs a socket (170 ms of CPU at 100,000 sockets, measured with
/// `benches/ports_cost.sh`): past the point where a count every slow-tier interval
/// would cost more than this, counts are spaced out (the listeners' queues are still
/// read every interval) and the screen says how often they are taken.
const CONNECTIONS_CPU_SHARE: f64 = 0.01;

impl PortScanner {
    pub fn new(source: Source) -> Self {
        Self {
            owners: OwnerFinder::new(&source),
            source,
            tally: ConnectionTally::default(),
            buf: Vec::new(),
            last_count: None,
            next_count: None,
        }
    }

    pub fn collect(&mut self) -> Vec<ListeningSocket> {
        self.scan().listening
    }

    /// The listeners with their load, and the connection counts.
    pub fn scan(&mut self) -> Ports {
        let mut listening = self.listeners();
        let connections = self.count_connections(&mut listening);
        // Busiest first; the sort is stable, so quiet rows keep their order by port.
        listening.sort_by_key(|s| std::cmp::Reverse(s.load()));
        Ports { listening, connections }
    }

    /// Fills `established` and `syn_recv` of the TCP rows from a dump of every
    /// connection; `None` (and the rows' counts unknown) where there is no dump.
    fn count_connections(&mut self, rows: &mut [ListeningSocket]) -> Option<Connections> {
        if !self.source.is_live_root() {
            return None;
        }
        let is_tcp = |s: &ListeningSocket| matches!(s.protocol, Protocol::Tcp | Protocol::Tcp6);
        let now = Instant::now();
        let due = self.next_count.is_none_or(|next| now >= next);
        if due {
            let cpu_before = thread_cpu_time();
            self.tally.reset(rows.iter().filter(|s| is_tcp(s)).map(|s| s.port));
            if sock_diag::count_connections(&mut self.tally, &mut self.buf).is_err() {
                self.last_count = None;
                return None;
            }
            let cost = thread_cpu_time().saturating_sub(cpu_before);
            let spacing = cost.div_f64(CONNECTIONS_CPU_SHARE);
            self.next_count = Some(now + spacing);
            let listeners = rows.iter().filter(|s| is_tcp(s)).map(|s| u64::from(s.sockets)).sum();
            let mut count = self.tally.connections(listeners);
            count.count_cpu_ms = cost.as_secs_f64() * 1e3;
            count.counted_every_s = spacing.as_secs_f64();
            self.last_count = Some(count);
        }
        // Between spaced-out counts, the last count's per-port figures stand (a listener
        // that appeared since shows 0).
        for row in rows.iter_mut().filter(|s| is_tcp(s)) {
            (row.established, row.syn_recv) = (Some(0), Some(0));
        }
        for (local, counts) in self.tally.local() {
            if let Some(row) = listener_of(rows, *local) {
                *row.established.get_or_insert(0) += counts.established;
                *row.syn_recv.get_or_insert(0) += counts.syn_recv;
            }
        }
        let mut count = self.last_count.clone()?;
        count.reused = !due;
        Some(count)
    }

    fn listeners(&mut self) -> Vec<ListeningSocket> {
        let sockets = listening_sockets(&self.source);
        let inodes: Vec<u64> = sockets.iter().map(|s| s.inode).collect();
        let owners = self.owners.resolve(&inodes);
        let mut rows: Vec<ListeningSocket> = sockets
            .into_iter()
            .map(|s| {
                let owner = owners.get(&s.inode);
                ListeningSocket {
                    protocol: s.protocol,
                    address: s.address.ip(),
                    port: s.address.port(),
                    uid: s.uid,
                    inode: s.inode,
                    pid: owner.map(|o| o.pid),
                    process: owner.and_then(|o| o.name.clone()),
                    sockets: 1,
                    established: None,
                    syn_recv: None,
                    accept_queue: s.accept_queue,
                    accept_queue_limit: s.accept_queue_limit,
                }
            })
            .collect();
        // Within one (protocol, address, port), the row kept is the one with an owner and
        // the lowest pid.
        rows.sort_by(|a, b| {
            (a.port, a.protocol, a.address, a.pid.is_none(), a.pid, a.inode).cmp(&(
                b.port,
                b.protocol,
                b.address,
                b.pid.is_none(),
                b.pid,
                b.inode,
            ))
        });
        rows.dedup_by(|later, kept| {
            let same = (later.protocol, later.address, later.port) == (kept.protocol, kept.address, kept.port);
            if same {
                kept.sockets += 1;
                kept.accept_queue = sum(kept.accept_queue, later.accept_queue);
                kept.accept_queue_limit = sum(kept.accept_queue_limit, later.accept_queue_limit);
            }
            same
        });
        rows
    }
}

/// CPU time this thread has used (what a connection count costs, kernel time included).
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec, which `t` is.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn sum(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    Some(a?.saturating_add(b?))
}

/// The TCP row a connection on `local` belongs to: the listener on exactly that
/// address, else the wildcard of its family on that port (`0.0.0.0`, or `::`, which
/// also takes IPv4 connections as `::ffff:` addresses).
fn listener_of(rows: &mut [ListeningSocket], local: SocketAddr) -> Option<&mut ListeningSocket> {
    let protocol = if local.is_ipv4() { Protocol::Tcp } else { Protocol::Tcp6 };
    let on_port = |s: &ListeningSocket| s.protocol == protocol && s.port == local.port();
    let at = rows
        .iter()
        .position(|s| on_port(s) && s.address == local.ip())
        .or_else(|| rows.iter().position(|s| on_port(s) && s.address.is_unspecified()))?;
    rows.get_mut(at)
}

/// One listing without remembering owners between calls.
pub fn collect(source: &Source) -> Vec<ListeningSocket> {
    PortScanner::new(source.clone()).collect()
}

/// A socket from the tables, before its owner is known.
struct RawSocket {
    protocol: Protocol,
    address: SocketAddr,
    uid: u32,
    inode: u64,
    accept_queue: Option<u32>,
    accept_queue_limit: Option<u32>,
}

/// The parsers only need the byte order (the tables print addresses as host-order
/// words); the other fields are never read.
const TABLE_FORMAT: ExplicitSystemInfo = ExplicitSystemInfo {
    boot_time_secs: 0,
    ticks_per_second: 100,
    page_size: 4096,
    is_little_endian: cfg!(target_endian = "little"),
};

/// TCP sockets in LISTEN and UDP sockets in the unconnected state: the ones `ss -l`
/// shows.
fn listening_sockets(source: &Source) -> Vec<RawSocket> {
    if source.is_live_root()
        && let Ok(sockets) = sock_diag::listening_sockets()
    {
        return sockets;
    }
    listening_sockets_from_tables(source)
}

/// The same from the `/proc/net` tables: LISTEN is state 0A, unconnected UDP 07. An
/// unreadable or garbled table contributes nothing.
fn listening_sockets_from_tables(source: &Source) -> Vec<RawSocket> {
    let mut out = Vec::new();
    for (file, protocol) in [("/proc/net/tcp", Protocol::Tcp), ("/proc/net/tcp6", Protocol::Tcp6)] {
        if let Some(TcpNetEntries(entries)) = read_table(source, file) {
            // A listener's rx_queue there is its accept queue; the limit is not shown.
            out.extend(entries.into_iter().filter(|e| e.state == TcpState::Listen).map(|e| RawSocket {
                protocol,
                address: e.local_address,
                uid: e.uid,
                inode: e.inode,
                accept_queue: Some(e.rx_queue),
                accept_queue_limit: None,
            }));
        }
    }
    for (file, protocol) in [("/proc/net/udp", Protocol::Udp), ("/proc/net/udp6", Protocol::Udp6)] {
        if let Some(UdpNetEntries(entries)) = read_table(source, file) {
            out.extend(entries.into_iter().filter(|e| e.state == UdpState::Close).map(|e| RawSocket {
                protocol,
                address: e.local_address,
                uid: e.uid,
                inode: e.inode,
                accept_queue: None,
                accept_queue_limit: None,
            }));
        }
    }
    out
}

fn read_table<T: FromReadSI>(source: &Source, file: &str) -> Option<T> {
    let f = std::fs::File::open(source.path(file)).ok()?;
    T::from_read(f, &TABLE_FORMAT).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::net::{TcpListener, UdpSocket};

    fn keyed(sockets: Vec<RawSocket>) -> BTreeSet<(Protocol, SocketAddr, u32, u64)> {
        sockets.into_iter().map(|s| (s.protocol, s.address, s.uid, s.inode)).collect()
    }

    #[test]
    fn sock_diag_and_the_proc_tables_list_the_same_sockets() {
        let _tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let _udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let _tcp6 = TcpListener::bind("[::]:0");
        let _connected = TcpListener::bind("127.0.0.1:0").and_then(|l| std::net::TcpStream::connect(l.local_addr()?));
        let source = Source::live();
        let Ok(first) = sock_diag::listening_sockets() else {
            println!("skipped: this kernel's sock_diag does not answer");
            return;
        };
        // Sockets of other tests come and go: compare a moment that stood still.
        let (mut netlink, mut tables) = (keyed(first), keyed(listening_sockets_from_tables(&source)));
        for _ in 0..5 {
            if netlink == tables {
                break;
            }
            netlink = keyed(sock_diag::listening_sockets().unwrap());
            tables = keyed(listening_sockets_from_tables(&source));
        }
        assert_eq!(netlink, tables);
        assert!(netlink.iter().any(|s| s.0 == Protocol::Udp), "{netlink:?}");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz_input::{bytes_from, config, fixture};

    const TCP: &[&str] = &[fixture!("net/basic/proc/net/tcp"), fixture!("net/basic/proc/net/tcp6")];
    const UDP: &[&str] = &[fixture!("net/basic/proc/net/udp"), fixture!("net/basic/proc/net/udp6")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn proc_net_tables_never_panic(tcp in bytes_from(TCP), udp in bytes_from(UDP)) {
            let _ = TcpNetEntries::from_read(&tcp[..], &TABLE_FORMAT);
            let _ = UdpNetEntries::from_read(&udp[..], &TABLE_FORMAT);
        }
    }
}
