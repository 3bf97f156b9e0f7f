//! Network interfaces: state, carrier, MTU, counters (turned into per-second rates
//! between two calls) and addresses of every interface from netlink on the running
//! kernel (`link_table`: links and addresses dumped again when the kernel announces a
//! change, counters dumped each call; `rtnetlink`: the messages); where that cannot be asked (`--root`, a kernel or
//! sandbox without `NETLINK_ROUTE`), from `/sys/class/net/*`, `/proc/net/dev` and
//! getifaddrs(3) through the source's syscalls. Link speed and duplex come from sysfs.
//!
//! This runs every second, so it reads only what can change, through descriptors kept
//! open while the interface exists (see `kept`); speed and duplex only when the link's
//! state changes and every few seconds; and caches what cannot (MAC, kind) per
//! interface name. The list
//! is ordered physical NICs first, then virtual ones (bridges, bonds, veths, tunnels …),
//! loopback last; within each group by name, digits compared as numbers (`veth2` before
//! `veth10`), so rows never jump around between ticks.

mod kind;
mod link_table;
mod rtnetlink;

use super::kept::KeptReader;
use crate::source::Source;
use procfs_core::FromRead;
use procfs_core::net::InterfaceDeviceStatus;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub ip: IpAddr,
    pub prefix_len: u8,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ip, self.prefix_len)
    }
}

/// Totals since the interface appeared, from `/proc/net/dev`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetCounters {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetRates {
    pub rx_bytes_per_s: f64,
    pub tx_bytes_per_s: f64,
    pub rx_packets_per_s: f64,
    pub tx_packets_per_s: f64,
    pub rx_errors_per_s: f64,
    pub tx_errors_per_s: f64,
    pub rx_dropped_per_s: f64,
    pub tx_dropped_per_s: f64,
    /// Receive plus transmit errors per second over the last two intervals, the lower
    /// of the two: errors that keep coming, not one burst.
    pub errors_sustained_per_s: f64,
}

impl NetRates {
    fn between(before: &NetCounters, now: &NetCounters, secs: f64, previous: Option<&NetRates>) -> Self {
        // A counter the driver reset alone (errors, drops) gives 0, not a huge rate.
        let rate = |f: fn(&NetCounters) -> u64| f(now).saturating_sub(f(before)) as f64 / secs;
        let errors = rate(|c| c.rx_errors) + rate(|c| c.tx_errors);
        let errors_before = previous.map_or(errors, |p| p.rx_errors_per_s + p.tx_errors_per_s);
        Self {
            rx_bytes_per_s: rate(|c| c.rx_bytes),
            tx_bytes_per_s: rate(|c| c.tx_bytes),
            rx_packets_per_s: rate(|c| c.rx_packets),
            tx_packets_per_s: rate(|c| c.tx_packets),
            rx_errors_per_s: rate(|c| c.rx_errors),
            tx_errors_per_s: rate(|c| c.tx_errors),
            rx_dropped_per_s: rate(|c| c.rx_dropped),
            tx_dropped_per_s: rate(|c| c.tx_dropped),
            errors_sustained_per_s: errors.min(errors_before),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    pub name: String,
    /// `up`, `down`, `unknown`, `lowerlayerdown`, `dormant` … as the kernel says.
    pub operstate: String,
    /// IFF_UP: the administrator brought it up.
    pub admin_up: bool,
    /// Cable/carrier detected; `None` where the kernel cannot tell (interface down).
    pub carrier: Option<bool>,
    /// Link speed; `None` where the driver reports none (virtual, no link).
    pub speed_mbps: Option<u32>,
    pub duplex: Option<String>,
    pub mtu: Option<u32>,
    pub mac: Option<String>,
    /// `loopback`, `ether` (a physical NIC), `wlan`, `veth`, `bridge`, `bond`, `vlan`,
    /// `tun`, `tap`, `wireguard` … (the kernel's DEVTYPE where it gives one), `virtual`
    /// for a software Ethernet device it cannot tell apart (ifb, dummy).
    pub kind: String,
    pub addresses: Vec<Address>,
    pub counters: Option<NetCounters>,
    /// `None` until two samples have been taken.
    pub rates: Option<NetRates>,
    /// A slave of a bonding device (`/sys/class/net/NAME/bonding_slave`), whose
    /// inactive side drops what it receives by design.
    pub bond_slave: bool,
}

/// `IFF_UP` from `<linux/if.h>`, the administrative state bit of `flags`.
const IFF_UP: u32 = 0x1;

/// How often link speed and duplex are read again while the link's state stays the
/// same: they change when the link is renegotiated, which takes its carrier down and up
/// (read then at once), or when a bond loses a slave; this is the safety net, at the
/// slow tier's pace. A veth is not read again: its speed is its driver's constant.
const SPEED_REFRESH: Duration = Duration::from_secs(5);

/// What is kept per interface name: its sysfs files, what is read once, and the
/// counters of the previous call. Dropped (closing the files) once the interface is gone.
struct Known {
    /// Kept open only where the files are read every tick: netlink answers the rest, and
    /// speed and duplex, read seldom, are opened and closed (at 400 interfaces, six
    /// readers per interface held ~0.5 MB in paths, buffers and map entries).
    files: Option<Box<InterfaceFiles>>,
    /// The kernel's index of the interface (netlink only): another index under the
    /// same name is another interface.
    index: Option<u32>,
    /// Read at the first sight of the interface.
    fixed: Option<Fixed>,
    previous: Option<NetCounters>,
    rates: Option<NetRates>,
    /// Speed and duplex as last read, the link state they were read in, and when.
    link: Option<LinkSpeed>,
    /// Set on each call, so interfaces that went away can be forgotten.
    seen: bool,
}

impl Known {
    fn new(index: Option<u32>) -> Self {
        Self { files: None, index, fixed: None, previous: None, rates: None, link: None, seen: false }
    }
}

/// What does not change while an interface exists.
struct Fixed {
    mac: Option<String>,
    kind: String,
    group: kind::Group,
    /// Read once: enslaving an interface to a bond is done when it is set up.
    bond_slave: bool,
}

struct LinkSpeed {
    speed_mbps: Option<u32>,
    duplex: Option<String>,
    /// The carrier and operstate they were read with.
    state: (Option<bool>, String),
    read_at: Instant,
}

/// An interface's state as read this tick, from netlink or from sysfs.
struct Observed {
    name: String,
    index: Option<u32>,
    admin_up: bool,
    operstate: String,
    mtu: Option<u32>,
    carrier: Option<bool>,
    counters: Option<NetCounters>,
    addresses: Vec<Address>,
}

/// The sysfs attributes of one interface: all six read on every tick where netlink
/// cannot be asked (`--root`, no `NETLINK_ROUTE`), speed and duplex alone otherwise.
struct InterfaceFiles {
    flags: KeptReader,
    operstate: KeptReader,
    mtu: KeptReader,
    carrier: KeptReader,
    speed: KeptReader,
    duplex: KeptReader,
}

impl InterfaceFiles {
    fn new(dir: &Path) -> Self {
        let file = |name| KeptReader::new(dir.join(name));
        Self {
            flags: file("flags"),
            operstate: file("operstate"),
            mtu: file("mtu"),
            carrier: file("carrier"),
            speed: file("speed"),
            duplex: file("duplex"),
        }
    }

    fn kept(&self) -> usize {
        [&self.flags, &self.operstate, &self.mtu, &self.carrier, &self.speed, &self.duplex]
            .into_iter()
            .filter(|f| f.is_kept())
            .count()
    }
}

/// Where the interfaces are read from: the running kernel over netlink, or the files.
enum Reader {
    Netlink(link_table::LinkTable),
    /// `/sys/class/net` and `/proc/net/dev`, with addresses from getifaddrs(3); `retry`
    /// when a netlink dump failed and a new socket is worth opening at the next tick.
    Files {
        retry: bool,
    },
}

/// Keeps the previous counters so rates are per second between two calls.
pub struct NetSampler {
    source: Source,
    class_net: PathBuf,
    net_dev: KeptReader,
    reader: Reader,
    known: HashMap<String, Known>,
    previous_at: Option<Instant>,
    /// Reused for the small sysfs files read once per interface.
    buf: String,
}

impl NetSampler {
    /// Reads the running kernel over netlink where the source is this machine and
    /// `NETLINK_ROUTE` answers, else the files under the source's root.
    pub fn new(source: Source) -> Self {
        let reader = match source.is_live_root() {
            true => link_table::LinkTable::open().map_or(Reader::Files { retry: false }, Reader::Netlink),
            false => Reader::Files { retry: false },
        };
        Self {
            class_net: source.path("/sys/class/net"),
            net_dev: KeptReader::new(source.path("/proc/net/dev")),
            source,
            reader,
            known: HashMap::new(),
            previous_at: None,
            buf: String::with_capacity(64),
        }
    }

    /// Whether the interfaces are read over netlink (else from `/sys` and `/proc`).
    pub fn reads_netlink(&self) -> bool {
        matches!(self.reader, Reader::Netlink(_))
    }

    /// Whether the kernel announces link and address changes to this sampler, which
    /// then dumps them only after one (the counters each call).
    pub fn watches_netlink(&self) -> bool {
        matches!(&self.reader, Reader::Netlink(table) if table.is_subscribed())
    }

    /// How many link dumps the sampler made (0 when it reads the files).
    pub fn link_dumps(&self) -> u64 {
        match &self.reader {
            Reader::Netlink(table) => table.link_dumps(),
            Reader::Files { .. } => 0,
        }
    }

    /// How many descriptors this sampler holds open: the netlink sockets or
    /// `/proc/net/dev`, and the sysfs files of the interfaces it knows now.
    pub fn kept_descriptors(&self) -> usize {
        let sockets = match &self.reader {
            Reader::Netlink(table) => table.descriptors(),
            Reader::Files { .. } => 0,
        };
        let files = self.known.values().filter_map(|k| k.files.as_ref()).map(|f| f.kept()).sum::<usize>();
        usize::from(self.net_dev.is_kept()) + sockets + files
    }

    pub fn collect(&mut self) -> Vec<Interface> {
        let now = Instant::now();
        let elapsed = self.previous_at.map(|t| now.duration_since(t).as_secs_f64()).filter(|s| *s > 0.0);
        self.previous_at = Some(now);

        if let Reader::Files { retry: true } = self.reader
            && let Ok(table) = link_table::LinkTable::open()
        {
            self.reader = Reader::Netlink(table);
        }
        let observed = match &mut self.reader {
            Reader::Netlink(table) => match table.observe() {
                Ok(observed) => observed,
                Err(_) => {
                    // Dropped (and with it whatever the failed dump left unread); the
                    // files answer this tick.
                    self.reader = Reader::Files { retry: true };
                    self.observe_files()
                }
            },
            Reader::Files { .. } => self.observe_files(),
        };

        for known in self.known.values_mut() {
            known.seen = false;
        }
        let mut interfaces: Vec<(kind::Group, Interface)> = Vec::with_capacity(observed.len());
        let mut dir = self.class_net.clone();
        for o in observed {
            dir.push(&o.name);
            if let Some(iface) = self.interface(&dir, o, now, elapsed) {
                interfaces.push(iface);
            }
            dir.pop();
        }
        self.known.retain(|_, k| k.seen);

        interfaces.sort_by(|(ga, a), (gb, b)| ga.cmp(gb).then_with(|| natural_cmp(&a.name, &b.name)));
        interfaces.into_iter().map(|(_, i)| i).collect()
    }

    /// Every interface from the files: `/proc/net/dev`, `/sys/class/net/*` and getifaddrs.
    fn observe_files(&mut self) -> Vec<Observed> {
        let mut counters = read_counters(&mut self.net_dev);
        let mut addresses = self.read_addresses();
        let (names, from_sysfs) = self.interface_names(&counters);
        let mut observed = Vec::with_capacity(names.len());
        let mut dir = self.class_net.clone();
        for name in names {
            dir.push(&name);
            let known = self.known.entry(name.clone()).or_insert_with(|| Known::new(None));
            let files = known.files.get_or_insert_with(|| Box::new(InterfaceFiles::new(&dir)));
            let flags = files.flags.read_trimmed().and_then(parse_hex);
            if flags.is_none() && from_sysfs && !dir.exists() {
                dir.pop();
                continue; // removed between listing and reading: forgotten as not seen
            }
            let admin_up = flags.is_some_and(|f| f & IFF_UP != 0);
            // The kernel answers EINVAL for carrier of an interface that is down: skip it.
            let carrier = if admin_up { files.carrier.read_trimmed().and_then(parse_carrier) } else { None };
            observed.push(Observed {
                operstate: files.operstate.read_trimmed().unwrap_or("unknown").to_string(),
                mtu: files.mtu.read_trimmed().and_then(|s| s.parse().ok()),
                counters: counters.remove(&name),
                addresses: addresses.remove(&name).unwrap_or_default(),
                index: None,
                admin_up,
                carrier,
                name,
            });
            dir.pop();
        }
        observed
    }

    /// The common part: what is cached per interface, speed and duplex, and rates.
    fn interface(
        &mut self,
        dir: &Path,
        o: Observed,
        now: Instant,
        elapsed: Option<f64>,
    ) -> Option<(kind::Group, Interface)> {
        // Counters going backwards, or another index, mean the interface was recreated
        // under the same name (or wrapped): read what was cached afresh, and show no
        // rate this tick.
        match self.known.get_mut(&o.name) {
            Some(known) if went_backwards(known.previous, o.counters) || known.index != o.index => {
                // The files (of the files path) still name the same interface.
                *known = Known { files: known.files.take(), ..Known::new(o.index) }
            }
            Some(_) => {}
            None => {
                self.known.insert(o.name.clone(), Known::new(o.index));
            }
        }
        let known = self.known.get_mut(&o.name)?;
        if known.fixed.is_none() {
            let (kind, group) = kind::detect(dir, &mut self.buf);
            let mac = read_small(dir, "address", &mut self.buf).and_then(parse_mac);
            let bond_slave = dir.join("bonding_slave").exists();
            known.fixed = Some(Fixed { mac, kind, group, bond_slave });
        }
        let fixed = known.fixed.as_ref()?;
        // Speed and duplex mean nothing without a link (and the kernel answers EINVAL):
        // read them when the link comes up or changes state, and every SPEED_REFRESH but
        // for a veth, whose speed is its driver's constant (a node's hundreds of pods).
        let carrier = if o.admin_up { o.carrier } else { None };
        let state = (carrier, o.operstate);
        let stale = known.link.as_ref().is_none_or(|l| {
            l.state != state || (fixed.kind != "veth" && now.duration_since(l.read_at) >= SPEED_REFRESH)
        });
        if stale {
            let (speed_mbps, duplex) = if carrier == Some(true) {
                match known.files.as_deref_mut() {
                    Some(files) => (
                        files.speed.read_trimmed().and_then(parse_speed),
                        files.duplex.read_trimmed().and_then(parse_duplex),
                    ),
                    None => (
                        read_small(dir, "speed", &mut self.buf).and_then(parse_speed),
                        read_small(dir, "duplex", &mut self.buf).and_then(parse_duplex),
                    ),
                }
            } else {
                (None, None)
            };
            known.link = Some(LinkSpeed { speed_mbps, duplex, state: state.clone(), read_at: now });
        }
        let link = known.link.as_ref()?;

        let rates = match (known.previous, o.counters, elapsed) {
            (Some(before), Some(now), Some(secs)) => Some(NetRates::between(&before, &now, secs, known.rates.as_ref())),
            _ => None,
        };
        known.previous = o.counters;
        known.rates = rates;
        known.seen = true;

        let iface = Interface {
            addresses: o.addresses,
            name: o.name,
            operstate: state.1,
            admin_up: o.admin_up,
            carrier,
            speed_mbps: link.speed_mbps,
            duplex: link.duplex.clone(),
            mtu: o.mtu,
            mac: fixed.mac.clone(),
            kind: fixed.kind.clone(),
            counters: o.counters,
            rates,
            bond_slave: fixed.bond_slave,
        };
        Some((fixed.group, iface))
    }

    /// Addresses by interface name, in getifaddrs order (IPv4 before IPv6, as `ip addr`).
    fn read_addresses(&self) -> HashMap<String, Vec<Address>> {
        let mut by_name: HashMap<String, Vec<Address>> = HashMap::new();
        for a in self.source.sys.interface_addresses().unwrap_or_default() {
            // getifaddrs names an IPv4 address by its label, `eth0:1` for an alias of
            // `eth0`; interface names cannot contain `:`, so the part before it is the device.
            let device = a.interface.split(':').next().unwrap_or_default();
            let list = match by_name.get_mut(device) {
                Some(list) => list,
                None => by_name.entry(device.to_string()).or_default(),
            };
            list.push(Address { ip: a.ip, prefix_len: a.prefix_len });
        }
        by_name
    }

    /// The interfaces in sysfs (and `true`); where sysfs cannot be listed (some containers
    /// mount none), those `/proc/net/dev` knows (and `false`), with whatever state is readable.
    fn interface_names(&self, counters: &HashMap<String, NetCounters>) -> (Vec<String>, bool) {
        match std::fs::read_dir(&self.class_net) {
            Ok(entries) => (entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect(), true),
            Err(_) => (counters.keys().cloned().collect(), false),
        }
    }
}

/// Every interface's counters from one read of `/proc/net/dev`.
fn read_counters(net_dev: &mut KeptReader) -> HashMap<String, NetCounters> {
    let Some(Ok(InterfaceDeviceStatus(devices))) = net_dev.read().map(InterfaceDeviceStatus::from_read) else {
        return HashMap::new();
    };
    devices
        .into_iter()
        .map(|(name, d)| {
            let counters = NetCounters {
                rx_bytes: d.recv_bytes,
                rx_packets: d.recv_packets,
                rx_errors: d.recv_errs,
                rx_dropped: d.recv_drop,
                tx_bytes: d.sent_bytes,
                tx_packets: d.sent_packets,
                tx_errors: d.sent_errs,
                tx_dropped: d.sent_drop,
            };
            (name, counters)
        })
        .collect()
}

fn went_backwards(before: Option<NetCounters>, now: Option<NetCounters>) -> bool {
    match (before, now) {
        (Some(b), Some(n)) => n.rx_bytes < b.rx_bytes || n.tx_bytes < b.tx_bytes,
        _ => false,
    }
}

/// The trimmed content of `dir/file`, read into `buf`; `None` when it is missing,
/// unreadable (EINVAL for carrier and speed of a down interface) or empty.
fn read_small<'b>(dir: &Path, file: &str, buf: &'b mut String) -> Option<&'b str> {
    buf.clear();
    std::fs::File::open(dir.join(file)).ok()?.read_to_string(buf).ok()?;
    let trimmed = buf.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

fn parse_hex(s: &str) -> Option<u32> {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).ok()
}

fn parse_carrier(s: &str) -> Option<bool> {
    match s {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Mb/s; drivers say -1 (`SPEED_UNKNOWN`), 0, or the unsigned -1 when they do not know.
fn parse_speed(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().filter(|&m| m != 0 && m != u32::MAX)
}

fn parse_duplex(s: &str) -> Option<String> {
    matches!(s, "full" | "half").then(|| s.to_string())
}

/// The hardware address, except an all-zero one (loopback, some tunnels), which names
/// nothing.
fn parse_mac(s: &str) -> Option<String> {
    s.chars().any(|c| c.is_ascii_hexdigit() && c != '0').then(|| s.to_string())
}

/// Orders names as people read them: runs of digits compare as numbers.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb)).then_with(|| da.cmp(&db));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (&a[da..], &b[db..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_unknown_values_are_none() {
        assert_eq!(parse_speed("-1"), None);
        assert_eq!(parse_speed("0"), None);
        assert_eq!(parse_speed("4294967295"), None);
        assert_eq!(parse_speed("garbage"), None);
        assert_eq!(parse_speed("10000"), Some(10000));
        assert_eq!(parse_speed("400000"), Some(400000));
    }

    #[test]
    fn zero_mac_is_none() {
        assert_eq!(parse_mac("00:00:00:00:00:00"), None);
        assert_eq!(parse_mac("02:fc:00:00:00:01").as_deref(), Some("02:fc:00:00:00:01"));
    }

    #[test]
    fn names_sort_naturally() {
        let mut names = vec!["veth10", "eth1", "veth2", "eth0", "veth02", "br-1", "eth"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["br-1", "eth", "eth0", "eth1", "veth2", "veth02", "veth10"]);
    }

    #[test]
    fn flags_parse_as_hex() {
        assert_eq!(parse_hex("0x1003"), Some(0x1003));
        assert_eq!(parse_hex("0x82").map(|f| f & IFF_UP), Some(0));
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, text_from};

    const SEEDS: &[&str] = &["1\n", "0x1\n", "10000\n", "full\n", "52:54:00:12:34:56\n", "eth10", "veth2a"];
    const NET_DEV: &[&str] = &[crate::fuzz_input::fixture!("net/basic/proc/net/dev")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn net_dev_never_panics(bytes in crate::fuzz_input::bytes_from(NET_DEV)) {
            use procfs_core::FromRead;
            let _ = procfs_core::net::InterfaceDeviceStatus::from_read(&bytes[..]);
        }

        #[test]
        fn sysfs_values_and_names_never_panic(a in text_from(SEEDS), b in text_from(SEEDS)) {
            let _ = (super::parse_hex(&a), super::parse_carrier(&a), super::parse_speed(&a));
            let _ = (super::parse_duplex(&a), super::parse_mac(&a));
            let _ = super::natural_cmp(&a, &b);
        }
    }
}
