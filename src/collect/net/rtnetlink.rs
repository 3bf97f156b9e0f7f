//! Every interface of the running kernel's network namespace in two netlink dumps on
//! one kept `NETLINK_ROUTE` socket, as `ip -s link` and `ip addr` ask: `RTM_GETLINK`
//! (name, flags, operstate, carrier, MTU and the 64-bit counters of each link) and
//! `RTM_GETADDR` (each address with its prefix length and the index of its link).
//!
//! Why: reading six sysfs attributes per interface and `/proc/net/dev` every second
//! grows with the interface count (at 400 interfaces, 2,400 opens a second past the
//! kept-descriptor budget: most of the fast tier, see PERFORMANCE.md, *A big node*),
//! while a dump is a handful of `recv`s of 32 KiB. getifaddrs(3) made the same two dumps
//! and threw the link half away.
//!
//! The messages are a few fixed structs and attributes of the kernel's stable ABI
//! (`linux/rtnetlink.h`, `linux/if_link.h`, `linux/if_addr.h`), read here by hand as
//! `ports/sock_diag.rs` reads sock_diag's: netlink-packet-route with netlink-sys (and
//! netlink-packet-core, -utils) parse every attribute of every message into owned
//! values, which measured larger and slower than these few fields read in place (see
//! PERFORMANCE.md, *A big node*).

use super::NetCounters;
use nix::sys::socket::{AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, recv, sendto, socket};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, OwnedFd};

const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
const NLMSG_HEADER_LEN: usize = 16;
/// `struct ifinfomsg`: family, pad, type (u16), index (i32), flags, change (u32).
const IFINFOMSG_LEN: usize = 16;
/// `struct ifaddrmsg`: family, prefixlen, flags, scope (u8 each), index (u32).
const IFADDRMSG_LEN: usize = 8;
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

/// A `NETLINK_ROUTE` socket kept open, and its receive buffer.
pub(super) struct RouteSocket {
    fd: OwnedFd,
    buf: Vec<u8>,
    sequence: u32,
}

impl RouteSocket {
    pub fn open() -> io::Result<Self> {
        let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
            .map_err(io::Error::from)?;
        Ok(Self { fd, buf: Vec::new(), sequence: 0 })
    }

    /// Hands every link of the namespace to `each`.
    pub fn links(&mut self, mut each: impl FnMut(Link<'_>)) -> io::Result<()> {
        self.dump(RTM_GETLINK, IFINFOMSG_LEN, |kind, payload| {
            if kind == RTM_NEWLINK
                && let Some(link) = parse_link(payload)
            {
                each(link);
            }
        })
    }

    /// Hands every address of the namespace to `each`, IPv4 before IPv6 (as `ip addr`).
    pub fn addresses(&mut self, mut each: impl FnMut(LinkAddress)) -> io::Result<()> {
        self.dump(RTM_GETADDR, IFADDRMSG_LEN, |kind, payload| {
            if kind == RTM_NEWADDR
                && let Some(address) = parse_address(payload)
            {
                each(address);
            }
        })
    }

    /// Sends a dump request of `kind` (its family-specific header `header_len` zero
    /// bytes: every family, every link) and reads the reply to its `NLMSG_DONE`.
    fn dump(&mut self, kind: u16, header_len: usize, mut each: impl FnMut(u16, &[u8])) -> io::Result<()> {
        self.sequence = self.sequence.wrapping_add(1);
        let len = NLMSG_HEADER_LEN + header_len;
        let mut request = [0u8; NLMSG_HEADER_LEN + IFINFOMSG_LEN];
        request[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
        request[4..6].copy_from_slice(&kind.to_ne_bytes());
        request[6..8].copy_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
        request[8..12].copy_from_slice(&self.sequence.to_ne_bytes());
        sendto(self.fd.as_raw_fd(), &request[..len], &NetlinkAddr::new(0, 0), MsgFlags::empty())
            .map_err(io::Error::from)?;
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
            });
            let _ = (super::parse_link(&bytes), super::parse_address(&bytes), super::parse_stats64(&bytes));
        }
    }
}
