//! Every interface of the running kernel's network namespace over netlink, on
//! `NETLINK_ROUTE` sockets kept open: the dumps `ip -s link` and `ip addr` ask for,
//! `RTM_GETLINK` (name, flags, operstate, carrier, MTU and, where asked, the 64-bit
//! counters of each link) and `RTM_GETADDR` (each address with its prefix length and the
//! index of its link); `RTM_GETSTATS` (Linux 4.7 and later) filtered to
//! `IFLA_STATS_LINK_64`, the counters alone; and a second socket subscribed to the
//! kernel's announcements of link and address changes (`RTNLGRP_LINK`,
//! `RTNLGRP_IPV4_IFADDR`, `RTNLGRP_IPV6_IFADDR`, as `ip monitor` listens), read without
//! waiting, so that links and addresses are dumped again only after one.
//!
//! Why: reading six sysfs attributes per interface and `/proc/net/dev` every second
//! grows with the interface count (at 400 interfaces, 2,400 opens a second past the
//! kept-descriptor budget), and so does a link dump every second: the kernel fills every
//! attribute of every link (`rtnl_fill_ifinfo`, the IPv6 per-device statistics among
//! them), most of the fast tier at 400 interfaces. The counters' dump fills one
//! attribute per link (see PERFORMANCE.md, *A big node*). getifaddrs(3) made the link
//! and address dumps and threw the link half away.
//!
//! The messages are a few fixed structs and attributes of the kernel's stable ABI
//! (`linux/rtnetlink.h`, `linux/if_link.h`, `linux/if_addr.h`), read here by hand as
//! `ports/sock_diag.rs` reads sock_diag's: netlink-packet-route with netlink-sys (and
//! netlink-packet-core, -utils) parse every attribute of every message into owned
//! values, where ctop needs five attributes of one message and four of another, read in
//! place.

use super::NetCounters;
use nix::errno::Errno;
use nix::sys::socket::{
    AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, bind, recv, sendto, socket,
};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, OwnedFd};

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const RTM_NEWSTATS: u16 = 92;
const RTM_GETSTATS: u16 = 94;
/// The multicast groups as `bind`'s bit mask (`RTMGRP_LINK`, `RTMGRP_IPV4_IFADDR`,
/// `RTMGRP_IPV6_IFADDR`): links appearing, going, or changing flags, state, carrier or
/// MTU, and addresses added or removed.
const ANNOUNCED_GROUPS: u32 = 0x1 | 0x10 | 0x100;
const NLMSG_HEADER_LEN: usize = 16;
/// `struct ifinfomsg`: family, pad, type (u16), index (i32), flags, change (u32).
const IFINFOMSG_LEN: usize = 16;
/// `struct ifaddrmsg`: family, prefixlen, flags, scope (u8 each), index (u32).
const IFADDRMSG_LEN: usize = 8;
/// `struct if_stats_msg`: family, pad (u8), pad (u16), index, filter_mask (u32).
const IF_STATS_MSG_LEN: usize = 12;
/// `IFLA_STATS_LINK_64`, the `rtnl_link_stats64` of a link, and its bit in `filter_mask`.
const IFLA_STATS_LINK_64: u16 = 1;
const STATS_FILTER_LINK_64: u32 = 1 << (IFLA_STATS_LINK_64 - 1);
/// The link dump's `IFLA_EXT_MASK` attribute and its `RTEXT_FILTER_SKIP_STATS` bit: no
/// counters (the link's, the IPv6 per-device statistics) where `RTM_GETSTATS` gives them.
const IFLA_EXT_MASK: u16 = 29;
const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;
// Link attributes (`IFLA_*`) and address attributes (`IFA_*`) read here.
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_OPERSTATE: u16 = 16;
const IFLA_STATS64: u16 = 23;
const IFLA_CARRIER: u16 = 33;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
/// The attribute type without `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER`.
const NLA_TYPE_MASK: u16 = 0x3fff;
/// The kernel fills at most 32 KiB per datagram of a dump however large the buffer.
const RECEIVE_BUFFER: usize = 32 * 1024;

/// One link as the dump describes it, borrowed from the receive buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Link<'a> {
    pub index: u32,
    pub name: &'a str,
    /// `ifi_flags`: `IFF_UP` and the others.
    pub flags: u32,
    pub mtu: Option<u32>,
    /// `IF_OPER_*`, RFC 2863's states.
    pub operstate: Option<u8>,
    pub carrier: Option<bool>,
    pub counters: Option<NetCounters>,
}

/// One address and the index of the link it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LinkAddress {
    pub index: u32,
    pub ip: IpAddr,
    pub prefix_len: u8,
}

/// The operstate as sysfs spells it (`operstate` file, `ip link`'s `state`).
pub(super) fn operstate_name(state: u8) -> &'static str {
    match state {
        1 => "notpresent",
        2 => "down",
        3 => "lowerlayerdown",
        4 => "testing",
        5 => "dormant",
        6 => "up",
        _ => "unknown",
    }
}

/// What the kernel announced since the last look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Changes {
    pub links: bool,
    pub addresses: bool,
}

impl Changes {
    /// What must be assumed when nothing can be known: everything changed.
    pub const ALL: Changes = Changes { links: true, addresses: true };
}

/// A `NETLINK_ROUTE` socket kept open for dumps, a second one subscribed to the
/// announcements of changes (where the kernel allows it), and their receive buffer.
pub(super) struct RouteSocket {
    fd: OwnedFd,
    announcements: Option<OwnedFd>,
    buf: Vec<u8>,
    sequence: u32,
}

impl RouteSocket {
    /// Subscribes first, so that no change made between a dump and the subscription
    /// can go unannounced.
    pub fn open() -> io::Result<Self> {
        let announcements = subscribe().ok();
        let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
            .map_err(io::Error::from)?;
        let fd = crate::collect::netlink_deadline::with_deadline(fd)?;
        Ok(Self { fd, announcements, buf: Vec::new(), sequence: 0 })
    }

    /// How many descriptors this holds open: one or two.
    pub fn descriptors(&self) -> usize {
        1 + usize::from(self.announcements.is_some())
    }

    /// Whether changes are announced (else every call to [`Self::changes`] says all).
    pub fn is_subscribed(&self) -> bool {
        self.announcements.is_some()
    }

    /// What changed since the last call, from the announcements queued meanwhile (read
    /// without waiting); everything when there is no subscription, when the kernel
    /// dropped announcements (`ENOBUFS`: its queue overflowed), or when the socket failed
    /// (then it is given up: every later call says everything too).
    pub fn changes(&mut self) -> Changes {
        let Some(fd) = &self.announcements else { return Changes::ALL };
        let mut changes = Changes::default();
        self.buf.resize(RECEIVE_BUFFER, 0);
        loop {
            match recv(fd.as_raw_fd(), &mut self.buf, MsgFlags::MSG_DONTWAIT) {
                Ok(0) | Err(Errno::EAGAIN) => return changes,
                Ok(got) => changes = announced(&self.buf[..got], changes),
                Err(Errno::ENOBUFS) => changes = Changes::ALL,
                Err(Errno::EINTR) => {}
                Err(_) => {
                    self.announcements = None;
                    return Changes::ALL;
                }
            }
        }
    }

    /// Hands every link of the namespace to `each`; with `counters`, each with its
    /// counters, else without (the kernel skips filling them).
    pub fn links(&mut self, counters: bool, mut each: impl FnMut(Link<'_>)) -> io::Result<()> {
        let mut body = [0u8; IFINFOMSG_LEN + 8];
        let len = match counters {
            true => IFINFOMSG_LEN,
            false => {
                body[IFINFOMSG_LEN..IFINFOMSG_LEN + 2].copy_from_slice(&8u16.to_ne_bytes());
                body[IFINFOMSG_LEN + 2..IFINFOMSG_LEN + 4].copy_from_slice(&IFLA_EXT_MASK.to_ne_bytes());
                body[IFINFOMSG_LEN + 4..].copy_from_slice(&RTEXT_FILTER_SKIP_STATS.to_ne_bytes());
                body.len()
            }
        };
        self.dump(RTM_GETLINK, &body[..len], |kind, payload| {
            if kind == RTM_NEWLINK
                && let Some(link) = parse_link(payload)
            {
                each(link);
            }
        })
    }

    /// Hands every address of the namespace to `each`, IPv4 before IPv6 (as `ip addr`).
    pub fn addresses(&mut self, mut each: impl FnMut(LinkAddress)) -> io::Result<()> {
        self.dump(RTM_GETADDR, &[0; IFADDRMSG_LEN], |kind, payload| {
            if kind == RTM_NEWADDR
                && let Some(address) = parse_address(payload)
            {
                each(address);
            }
        })
    }

    /// Hands the index and counters of every link to `each`. A kernel before 4.7 answers
    /// `EOPNOTSUPP`: then the link dump with counters is the way.
    pub fn counters(&mut self, mut each: impl FnMut(u32, NetCounters)) -> io::Result<()> {
        let mut body = [0u8; IF_STATS_MSG_LEN];
        body[8..12].copy_from_slice(&STATS_FILTER_LINK_64.to_ne_bytes());
        self.dump(RTM_GETSTATS, &body, |kind, payload| {
            if kind == RTM_NEWSTATS
                && let Some((index, counters)) = parse_link_stats(payload)
            {
                each(index, counters);
            }
        })
    }

    /// Sends a dump request of `kind` with `body` (its family-specific header, zeros:
    /// every family, every link, and any attributes) and reads the reply to its
    /// `NLMSG_DONE`.
    fn dump(&mut self, kind: u16, body: &[u8], mut each: impl FnMut(u16, &[u8])) -> io::Result<()> {
        self.sequence = self.sequence.wrapping_add(1);
        let len = NLMSG_HEADER_LEN + body.len();
        let mut request = [0u8; NLMSG_HEADER_LEN + IFINFOMSG_LEN + 8];
        let request = request.get_mut(..len).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        request[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
        request[4..6].copy_from_slice(&kind.to_ne_bytes());
        request[6..8].copy_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
        request[8..12].copy_from_slice(&self.sequence.to_ne_bytes());
        request[NLMSG_HEADER_LEN..].copy_from_slice(body);
        sendto(self.fd.as_raw_fd(), request, &NetlinkAddr::new(0, 0), MsgFlags::empty()).map_err(io::Error::from)?;
        self.buf.resize(RECEIVE_BUFFER, 0);
        loop {
            let got = recv(self.fd.as_raw_fd(), &mut self.buf, MsgFlags::empty()).map_err(io::Error::from)?;
            if got == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
            }
            if split_messages(&self.buf[..got], self.sequence, &mut each)? {
                return Ok(());
            }
        }
    }
}

/// A `NETLINK_ROUTE` socket, non-blocking, bound to the groups announcing link and
/// address changes.
fn subscribe() -> io::Result<OwnedFd> {
    let flags = SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK;
    let fd = socket(AddressFamily::Netlink, SockType::Raw, flags, SockProtocol::NetlinkRoute)?;
    bind(fd.as_raw_fd(), &NetlinkAddr::new(0, ANNOUNCED_GROUPS))?;
    Ok(fd)
}

/// `changes` with what the announcements in one datagram add: their types are enough,
/// the links and addresses are dumped again.
fn announced(mut rest: &[u8], mut changes: Changes) -> Changes {
    while rest.len() >= NLMSG_HEADER_LEN {
        let msg_len = u32::from_ne_bytes(rest[0..4].try_into().unwrap_or_default()) as usize;
        match u16::from_ne_bytes(rest[4..6].try_into().unwrap_or_default()) {
            RTM_NEWLINK | RTM_DELLINK => changes.links = true,
            RTM_NEWADDR | RTM_DELADDR => changes.addresses = true,
            _ => {}
        }
        if msg_len < NLMSG_HEADER_LEN {
            break;
        }
        rest = rest.get(align(msg_len)..).unwrap_or_default();
    }
    changes
}

/// Splits one datagram of a dump's reply into messages, handing each of the sequence
/// `sequence` (the type and the payload) to `each`; whether the dump's `NLMSG_DONE` was
/// in it. Messages of another sequence (left from a dump that failed half way) are
/// passed over.
fn split_messages(mut rest: &[u8], sequence: u32, each: &mut impl FnMut(u16, &[u8])) -> io::Result<bool> {
    while rest.len() >= NLMSG_HEADER_LEN {
        let msg_len = u32::from_ne_bytes(rest[0..4].try_into().unwrap_or_default()) as usize;
        let kind = u16::from_ne_bytes(rest[4..6].try_into().unwrap_or_default());
        let msg_sequence = u32::from_ne_bytes(rest[8..12].try_into().unwrap_or_default());
        if msg_len < NLMSG_HEADER_LEN || msg_len > rest.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated rtnetlink reply"));
        }
        let payload = &rest[NLMSG_HEADER_LEN..msg_len];
        if msg_sequence == sequence {
            match i32::from(kind) {
                libc::NLMSG_DONE => return Ok(true),
                libc::NLMSG_ERROR => {
                    let code = payload.get(0..4).map_or(0, |c| i32::from_ne_bytes(c.try_into().unwrap_or_default()));
                    return Err(io::Error::from_raw_os_error(code.saturating_neg()));
                }
                _ => each(kind, payload),
            }
        }
        rest = rest.get(align(msg_len)..).unwrap_or_default();
    }
    Ok(false)
}

fn align(len: usize) -> usize {
    (len + 3) & !3
}

/// Each attribute (type, payload) after a message's fixed header.
fn attributes(mut rest: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let len = usize::from(u16::from_ne_bytes(rest.get(0..2)?.try_into().ok()?));
        let kind = u16::from_ne_bytes(rest.get(2..4)?.try_into().ok()?) & NLA_TYPE_MASK;
        let payload = rest.get(4..len)?;
        rest = rest.get(align(len)..).unwrap_or_default();
        Some((kind, payload))
    })
}

fn u32_of(payload: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(payload.get(0..4)?.try_into().ok()?))
}

fn parse_link(payload: &[u8]) -> Option<Link<'_>> {
    let header = payload.get(..IFINFOMSG_LEN)?;
    let mut link = Link {
        index: u32_of(&header[4..8])?,
        name: "",
        flags: u32_of(&header[8..12])?,
        mtu: None,
        operstate: None,
        carrier: None,
        counters: None,
    };
    for (kind, value) in attributes(&payload[IFINFOMSG_LEN..]) {
        match kind {
            IFLA_IFNAME => link.name = std::str::from_utf8(value.split(|&b| b == 0).next()?).ok()?,
            IFLA_MTU => link.mtu = u32_of(value),
            IFLA_OPERSTATE => link.operstate = value.first().copied(),
            IFLA_CARRIER => link.carrier = value.first().map(|&c| c != 0),
            IFLA_STATS64 => link.counters = parse_stats64(value),
            _ => {}
        }
    }
    (!link.name.is_empty()).then_some(link)
}

/// The index and counters of one `RTM_NEWSTATS` message.
fn parse_link_stats(payload: &[u8]) -> Option<(u32, NetCounters)> {
    let index = u32_of(payload.get(4..8)?)?;
    let rest = payload.get(IF_STATS_MSG_LEN..)?;
    let stats = attributes(rest).find(|&(kind, _)| kind == IFLA_STATS_LINK_64)?.1;
    Some((index, parse_stats64(stats)?))
}

/// `struct rtnl_link_stats64`, a run of u64s, turned into what `/proc/net/dev` shows:
/// its `drop` column on receive is `rx_dropped + rx_missed_errors`.
fn parse_stats64(value: &[u8]) -> Option<NetCounters> {
    let field = |i: usize| value.get(i * 8..i * 8 + 8).and_then(|b| b.try_into().ok()).map(u64::from_ne_bytes);
    Some(NetCounters {
        rx_packets: field(0)?,
        tx_packets: field(1)?,
        rx_bytes: field(2)?,
        tx_bytes: field(3)?,
        rx_errors: field(4)?,
        tx_errors: field(5)?,
        rx_dropped: field(6)?.saturating_add(field(15)?),
        tx_dropped: field(7)?,
    })
}

/// The local address: `IFA_LOCAL` where there is one (on a point-to-point link
/// `IFA_ADDRESS` is the peer's), else `IFA_ADDRESS`, as getifaddrs(3) chooses.
fn parse_address(payload: &[u8]) -> Option<LinkAddress> {
    let header = payload.get(..IFADDRMSG_LEN)?;
    let (family, prefix_len, index) = (header[0], header[1], u32_of(&header[4..8])?);
    let (mut local, mut address) = (None, None);
    for (kind, value) in attributes(&payload[IFADDRMSG_LEN..]) {
        let ip = match (i32::from(family), value.len()) {
            (libc::AF_INET, 4) => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(value).ok()?)),
            (libc::AF_INET6, 16) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(value).ok()?)),
            _ => continue,
        };
        match kind {
            IFA_LOCAL => local = Some(ip),
            IFA_ADDRESS => address = Some(ip),
            _ => {}
        }
    }
    Some(LinkAddress { index, ip: local.or(address)?, prefix_len })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(kind: u16, value: &[u8]) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend_from_slice(&((4 + value.len()) as u16).to_ne_bytes());
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(value);
        a.resize(align(a.len()), 0);
        a
    }

    fn message(kind: u16, sequence: u32, payload: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HEADER_LEN + payload.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 2]);
        m.extend_from_slice(&sequence.to_ne_bytes());
        m.extend_from_slice(&[0; 4]);
        m.extend_from_slice(payload);
        m.resize(align(m.len()), 0);
        m
    }

    fn link_payload(index: u32, flags: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
        let mut p = vec![0u8; 4];
        p.extend_from_slice(&index.to_ne_bytes());
        p.extend_from_slice(&flags.to_ne_bytes());
        p.extend_from_slice(&[0; 4]);
        p.extend(attrs.iter().flatten());
        p
    }

    #[test]
    fn a_link_message_gives_its_fields_and_proc_net_dev_drops() {
        let stats: Vec<u8> = (1..=24u64).flat_map(|v| v.to_ne_bytes()).collect();
        let payload = link_payload(
            7,
            0x1003,
            &[
                attribute(IFLA_IFNAME, b"eth0\0"),
                attribute(IFLA_MTU, &1500u32.to_ne_bytes()),
                attribute(IFLA_OPERSTATE, &[6]),
                attribute(IFLA_CARRIER, &[1]),
                attribute(IFLA_STATS64, &stats),
                attribute(999, b"ignored"),
            ],
        );
        let link = parse_link(&payload).unwrap();
        assert_eq!((link.index, link.name, link.flags, link.mtu), (7, "eth0", 0x1003, Some(1500)));
        assert_eq!((link.operstate.map(operstate_name), link.carrier), (Some("up"), Some(true)));
        let c = link.counters.unwrap();
        assert_eq!((c.rx_packets, c.tx_packets, c.rx_bytes, c.tx_bytes), (1, 2, 3, 4));
        assert_eq!((c.rx_errors, c.tx_errors, c.rx_dropped, c.tx_dropped), (5, 6, 7 + 16, 8));
    }

    #[test]
    fn a_link_without_a_name_or_with_short_stats_says_so() {
        assert_eq!(parse_link(&link_payload(1, 0, &[])), None);
        let short = link_payload(1, 0, &[attribute(IFLA_IFNAME, b"lo\0"), attribute(IFLA_STATS64, &[0; 64])]);
        assert_eq!(parse_link(&short).map(|l| l.counters), Some(None));
    }

    #[test]
    fn an_address_prefers_local_to_the_peer() {
        let mut p = vec![libc::AF_INET as u8, 24, 0, 0];
        p.extend_from_slice(&3u32.to_ne_bytes());
        p.extend(attribute(IFA_ADDRESS, &[10, 0, 0, 2]));
        p.extend(attribute(IFA_LOCAL, &[10, 0, 0, 1]));
        let a = parse_address(&p).unwrap();
        assert_eq!((a.index, a.ip.to_string(), a.prefix_len), (3, "10.0.0.1".to_string(), 24));
        let mut v6 = vec![libc::AF_INET6 as u8, 64, 0, 0];
        v6.extend_from_slice(&5u32.to_ne_bytes());
        v6.extend(attribute(IFA_ADDRESS, &Ipv6Addr::LOCALHOST.octets()));
        assert_eq!(parse_address(&v6).map(|a| a.ip), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn a_stats_message_gives_its_index_and_counters_past_the_padding() {
        let stats: Vec<u8> = (1..=24u64).flat_map(|v| v.to_ne_bytes()).collect();
        let mut p = vec![0u8; 4];
        p.extend_from_slice(&9u32.to_ne_bytes());
        p.extend_from_slice(&STATS_FILTER_LINK_64.to_ne_bytes());
        // The kernel aligns the u64s with an empty attribute of type 0 before them.
        p.extend(attribute(0, &[]));
        p.extend(attribute(IFLA_STATS_LINK_64, &stats));
        let (index, c) = parse_link_stats(&p).unwrap();
        assert_eq!((index, c.rx_bytes, c.tx_bytes, c.rx_dropped), (9, 3, 4, 7 + 16));
        assert_eq!(parse_link_stats(&p[..IF_STATS_MSG_LEN]), None, "no counters: nothing");
    }

    #[test]
    fn announcements_say_what_changed() {
        let link = link_payload(2, 1, &[attribute(IFLA_IFNAME, b"a\0")]);
        let none = Changes::default();
        assert_eq!(announced(&message(RTM_NEWLINK, 0, &link), none), Changes { links: true, addresses: false });
        assert_eq!(announced(&message(RTM_DELADDR, 0, &[0; 8]), none), Changes { links: false, addresses: true });
        let mut both = message(RTM_DELLINK, 0, &link);
        both.extend(message(RTM_NEWADDR, 0, &[0; 8]));
        assert_eq!(announced(&both, none), Changes::ALL);
        assert_eq!(announced(&message(RTM_NEWSTATS, 0, &[0; 12]), none), none, "not a change of links");
        assert_eq!(announced(&both[..10], none), none, "truncated");
    }

    #[test]
    fn messages_of_another_sequence_are_passed_over_and_errors_reported() {
        let link = link_payload(2, 1, &[attribute(IFLA_IFNAME, b"a\0")]);
        let mut datagram = message(RTM_NEWLINK, 4, &link);
        datagram.extend(message(RTM_NEWLINK, 5, &link));
        datagram.extend(message(libc::NLMSG_DONE as u16, 5, &[0; 4]));
        let mut seen = 0;
        assert!(split_messages(&datagram, 5, &mut |_, _| seen += 1).unwrap());
        assert_eq!(seen, 1);
        let error = message(libc::NLMSG_ERROR as u16, 6, &(-libc::EPERM).to_ne_bytes());
        let e = split_messages(&error, 6, &mut |_, _| {}).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EPERM));
        assert!(split_messages(&datagram[..20], 5, &mut |_, _| {}).is_err(), "truncated");
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::any;

    proptest::proptest! {
        #![proptest_config(crate::fuzz_input::config())]
        /// Whatever the kernel (or anything impersonating it) sends: an answer or an
        /// error, never a panic.
        #[test]
        fn rtnetlink_replies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = super::split_messages(&bytes, 0, &mut |kind, payload| {
                let _ = (kind, super::parse_link(payload), super::parse_address(payload));
                let _ = super::parse_link_stats(payload);
            });
            let _ = super::announced(&bytes, super::Changes::default());
            let _ = (super::parse_link(&bytes), super::parse_address(&bytes), super::parse_stats64(&bytes));
        }
    }
}
