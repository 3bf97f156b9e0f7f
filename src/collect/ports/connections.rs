//! TCP connections counted from one sock_diag dump (see [`super::sock_diag`]): per
//! listening socket (established and half-open), per state (what `ss -s` totals) and
//! per remote address (the few addresses a flood often comes from).
//!
//! Nothing is kept per connection. The per-listener counts are kept only for local
//! ports that something listens on (a bit set of 65,536 ports), so the outgoing
//! connections' ephemeral ports add no entries. Remote addresses are counted with the
//! Misra–Gries summary in at most [`REMOTES_TRACKED`] counters: exact while there are
//! no more distinct addresses than that, and beyond it every address holding more than
//! 1/[`REMOTES_TRACKED`] of the connections is still found, its count then a lower bound
//! (shown as approximate).

use super::sock_diag::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};

/// How many remote addresses are counted at once (the map grows to about 260 KiB at most).
pub const REMOTES_TRACKED: usize = 4096;
/// How many of the busiest remote addresses are reported.
const TOP_REMOTES: usize = 10;

/// TCP state numbers (`include/net/tcp_states.h`) and the names the JSON uses for them:
/// `ss`'s names in lower case, `_` for `-`.
pub const STATE_NAMES: [(u8, &str); 11] = [
    (1, "established"),
    (2, "syn_sent"),
    (3, "syn_recv"),
    (4, "fin_wait1"),
    (5, "fin_wait2"),
    (6, "time_wait"),
    (7, "close"),
    (8, "close_wait"),
    (9, "last_ack"),
    (10, "listen"),
    (11, "closing"),
];
const ESTABLISHED: u8 = 1;
const SYN_RECV: u8 = 3;

/// Connections on one local address and port.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocalCounts {
    pub established: u32,
    pub syn_recv: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteCount {
    /// Always as text: inside `Network`'s flattened fields serde would otherwise write
    /// it as text to JSON but read it back from a recording as a tagged enum.
    #[serde(serialize_with = "address_text", deserialize_with = "address_from_text")]
    pub address: IpAddr,
    pub connections: u64,
}

/// What the connection dump found, for the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Connections {
    /// TCP sockets per state name (every state, zeros included; `listen` counts the
    /// listening sockets).
    #[serde(deserialize_with = "known_states")]
    pub states: BTreeMap<&'static str, u64>,
    /// Every TCP socket but the listeners.
    pub total: u64,
    /// The remote addresses with most connections, most first.
    pub top_remotes: Vec<RemoteCount>,
    /// More distinct remote addresses than [`REMOTES_TRACKED`]: the counts of
    /// `top_remotes` are lower bounds.
    pub remotes_approximate: bool,
    /// What the count cost in CPU time, and the spacing that keeps such counts within
    /// their share of a core: counts are taken at most this often (every slow-tier
    /// interval while that is longer).
    pub count_cpu_ms: f64,
    pub counted_every_s: f64,
    /// This update repeats the last count (the next is not due yet).
    pub reused: bool,
}

fn address_text<S: serde::Serializer>(address: &IpAddr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(address)
}

fn address_from_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<IpAddr, D::Error> {
    String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
}

/// States read back (a recording) by name; a name this version does not know is left out.
fn known_states<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<&'static str, u64>, D::Error> {
    let read = BTreeMap::<String, u64>::deserialize(d)?;
    Ok(STATE_NAMES.iter().filter_map(|&(_, name)| Some((name, *read.get(name)?))).collect())
}

/// The counters one dump fills, kept (with their capacity) from one dump to the next.
pub struct ConnectionTally {
    /// One bit per port something listens on.
    listened: Vec<u64>,
    local: HashMap<SocketAddr, LocalCounts>,
    states: [u64; 12],
    remotes: HashMap<IpAddr, u64>,
    remotes_approximate: bool,
}

impl Default for ConnectionTally {
    fn default() -> Self {
        Self {
            listened: vec![0; 65536 / 64],
            local: HashMap::new(),
            states: [0; 12],
            // Grown as remotes are seen rather than made whole up front: a whole map is
            // 260 KiB, and a few dozen peers hashed across it touch a page each.
            remotes: HashMap::new(),
            remotes_approximate: false,
        }
    }
}

impl ConnectionTally {
    /// Starts a new count for connections to these listening ports.
    pub fn reset(&mut self, listening_ports: impl IntoIterator<Item = u16>) {
        self.listened.fill(0);
        for port in listening_ports {
            self.listened[usize::from(port / 64)] |= 1 << (port % 64);
        }
        self.local.clear();
        self.states = [0; 12];
        self.remotes.clear();
        self.remotes_approximate = false;
    }

    pub(super) fn add(&mut self, c: Connection) {
        if let Some(n) = self.states.get_mut(usize::from(c.state)) {
            *n += 1;
        }
        let port = c.local.port();
        if matches!(c.state, ESTABLISHED | SYN_RECV) && self.listened[usize::from(port / 64)] & (1 << (port % 64)) != 0
        {
            let counts = self.local.entry(c.local).or_default();
            match c.state {
                ESTABLISHED => counts.established += 1,
                _ => counts.syn_recv += 1,
            }
        }
        self.count_remote(c.remote);
    }

    /// Misra–Gries: a new address when every counter is taken takes one from each
    /// (dropping those that reach zero) instead of a counter of its own.
    fn count_remote(&mut self, remote: IpAddr) {
        if let Some(n) = self.remotes.get_mut(&remote) {
            *n += 1;
        } else if self.remotes.len() < REMOTES_TRACKED {
            self.remotes.insert(remote, 1);
        } else {
            self.remotes_approximate = true;
            self.remotes.retain(|_, n| {
                *n -= 1;
                *n > 0
            });
        }
    }

    /// Connections per local address and port, for the listening ports only.
    pub fn local(&self) -> &HashMap<SocketAddr, LocalCounts> {
        &self.local
    }

    /// The counts, with `listeners` as the `listen` state (the dump does not ask for them).
    pub fn connections(&self, listeners: u64) -> Connections {
        let mut states: BTreeMap<&'static str, u64> =
            STATE_NAMES.iter().map(|&(n, name)| (name, self.states[usize::from(n)])).collect();
        let total = states.values().sum();
        states.insert("listen", listeners);
        let mut top: Vec<RemoteCount> =
            self.remotes.iter().map(|(&address, &connections)| RemoteCount { address, connections }).collect();
        top.sort_unstable_by(|a, b| b.connections.cmp(&a.connections).then(a.address.cmp(&b.address)));
        top.truncate(TOP_REMOTES);
        Connections {
            states,
            total,
            top_remotes: top,
            remotes_approximate: self.remotes_approximate,
            ..Connections::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(state: u8, local: &str, remote: &str) -> Connection {
        Connection { state, local: local.parse().unwrap(), remote: remote.parse().unwrap() }
    }

    #[test]
    fn counts_per_listened_port_state_and_remote() {
        let mut t = ConnectionTally::default();
        t.reset([443, 22]);
        t.add(conn(ESTABLISHED, "10.0.0.1:443", "198.51.100.1"));
        t.add(conn(ESTABLISHED, "10.0.0.1:443", "198.51.100.1"));
        t.add(conn(SYN_RECV, "10.0.0.1:443", "198.51.100.2"));
        t.add(conn(6, "10.0.0.1:443", "198.51.100.2")); // TIME_WAIT: a state, not a listener count
        t.add(conn(ESTABLISHED, "10.0.0.1:51000", "203.0.113.5")); // outgoing: no listener
        t.add(conn(ESTABLISHED, "[::ffff:10.0.0.1]:22", "::ffff:198.51.100.3"));
        assert_eq!(t.local().len(), 2, "{:?}", t.local());
        assert_eq!(t.local()[&"10.0.0.1:443".parse().unwrap()], LocalCounts { established: 2, syn_recv: 1 });
        let c = t.connections(7);
        assert_eq!((c.states["established"], c.states["syn_recv"], c.states["time_wait"]), (4, 1, 1));
        assert_eq!((c.states["listen"], c.total, c.states.len()), (7, 6, 11));
        assert_eq!(c.top_remotes[0], RemoteCount { address: "198.51.100.1".parse().unwrap(), connections: 2 });
        assert!(!c.remotes_approximate);

        t.reset([80]);
        assert!(t.local().is_empty());
        assert_eq!(t.connections(0).total, 0);
    }

    #[test]
    fn a_heavy_remote_is_found_among_more_addresses_than_counters() {
        let mut t = ConnectionTally::default();
        t.reset([]);
        for i in 0..(3 * REMOTES_TRACKED as u32) {
            t.add(conn(SYN_RECV, "10.0.0.1:443", &std::net::Ipv4Addr::from(0x0a80_0000 + i).to_string()));
            if i % 4 == 0 {
                t.add(conn(SYN_RECV, "10.0.0.1:443", "192.0.2.66"));
            }
        }
        let c = t.connections(1);
        assert!(c.remotes_approximate);
        assert_eq!(c.top_remotes[0].address, "192.0.2.66".parse::<IpAddr>().unwrap());
        assert!(c.top_remotes[0].connections <= 3 * REMOTES_TRACKED as u64 / 4);
        assert!(t.remotes.len() <= REMOTES_TRACKED);
    }
}
