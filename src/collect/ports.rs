//! Listening sockets: TCP in LISTEN and bound UDP, asked of the running kernel through
//! sock_diag netlink (see [`sock_diag`] for why), or read from
//! `/proc/net/{tcp,tcp6,udp,udp6}` under another root or where sock_diag cannot answer;
//! with the owning process found through the socket inodes in `/proc/[pid]/fd`
//! wherever those are readable.
//!
//! The list holds exactly the (protocol, address, port) triples `ss -ltnH` and `ss -lunH`
//! list, sorted by port, then protocol, then address. Several sockets on the same triple
//! (an SO_REUSEPORT worker pool: nginx, envoy, haproxy) make one row whose
//! [`ListeningSocket::sockets`] says how many; `ss` shows one line each, which on a
//! dashboard is noise.

mod owners;
mod sock_diag;

use crate::source::Source;
use owners::OwnerFinder;
use procfs_core::net::{TcpNetEntries, TcpState, UdpNetEntries, UdpState};
use procfs_core::{ExplicitSystemInfo, FromReadSI};
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// Lists listening sockets, remembering where each socket's owner was found so the next
/// call only has to confirm it (see [`owners`]).
pub struct PortScanner {
    source: Source,
    owners: OwnerFinder,
}

impl PortScanner {
    pub fn new(source: Source) -> Self {
        Self { owners: OwnerFinder::new(&source), source }
    }

    pub fn collect(&mut self) -> Vec<ListeningSocket> {
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
            }
            same
        });
        rows
    }
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
            out.extend(entries.into_iter().filter(|e| e.state == TcpState::Listen).map(|e| RawSocket {
                protocol,
                address: e.local_address,
                uid: e.uid,
                inode: e.inode,
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
