//! Listening sockets asked of the running kernel through sock_diag(7) netlink, as `ss`
//! asks: TCP sockets in LISTEN and UDP sockets not connected, for IPv4 and IPv6.
//!
//! Why not `/proc/net/tcp`: to print that table the kernel walks every bucket of the
//! established-connection hash, which is sized by RAM, not by the sockets in it. On this
//! 24 GiB machine with three TCP sockets a read of `/proc/net/tcp` cost 0.8 ms, and each
//! refresh read it and `tcp6` twice over (a read at end of file walks again): most of
//! ctop's slow tier. A dump asking for LISTEN alone walks only the listening hash.
//!
//! The request and the reply are two fixed structs of the kernel's stable ABI
//! (`linux/inet_diag.h`), written and read here by hand: the netlink crates
//! (netlink-packet-sock-diag with netlink-sys, -core and -utils) would add four crates
//! and their code pages to a process whose resident size is itself a target.

use super::{Protocol, RawSocket};
use nix::sys::socket::{AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, recv, sendto, socket};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};

/// `SOCK_DIAG_BY_FAMILY` from `linux/sock_diag.h`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// TCP state numbers (`include/net/tcp_states.h`): UDP sockets use them too, an
/// unconnected one being "close".
const TCP_LISTEN: u32 = 10;
const TCP_CLOSE: u32 = 7;
const NLMSG_HEADER_LEN: usize = 16;
/// `struct inet_diag_msg`: family, state, timer, retrans (1 byte each), the 48-byte
/// `inet_diag_sockid`, then expires, rqueue, wqueue, uid, inode (4 bytes each).
const DIAG_MSG_LEN: usize = 72;

/// Every listening socket of the four (family, protocol) pairs. An error means the
/// kernel could not answer at all (sock_diag not built, or its module not loadable);
/// the caller then reads the `/proc/net` tables instead.
pub(super) fn listening_sockets() -> io::Result<Vec<RawSocket>> {
    let fd = socket(AddressFamily::Netlink, SockType::Datagram, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkSockDiag)
        .map_err(io::Error::from)?;
    let mut buf = vec![0u8; 32 * 1024];
    let mut out = Vec::new();
    for (protocol, family, ip_protocol, state) in [
        (Protocol::Tcp, libc::AF_INET, libc::IPPROTO_TCP, TCP_LISTEN),
        (Protocol::Tcp6, libc::AF_INET6, libc::IPPROTO_TCP, TCP_LISTEN),
        (Protocol::Udp, libc::AF_INET, libc::IPPROTO_UDP, TCP_CLOSE),
        (Protocol::Udp6, libc::AF_INET6, libc::IPPROTO_UDP, TCP_CLOSE),
    ] {
        let request = dump_request(family as u8, ip_protocol as u8, 1 << state);
        sendto(fd.as_raw_fd(), &request, &NetlinkAddr::new(0, 0), MsgFlags::empty()).map_err(io::Error::from)?;
        receive_dump(&fd, &mut buf, |msg| {
            if let Some(socket) = parse_diag_msg(protocol, msg) {
                out.push(socket);
            }
        })?;
    }
    Ok(out)
}

/// A `nlmsghdr` followed by an `inet_diag_req_v2` asking for every socket of one family
/// and protocol in the given states (a bit mask of state numbers).
fn dump_request(family: u8, protocol: u8, states: u32) -> Vec<u8> {
    const REQUEST_LEN: usize = NLMSG_HEADER_LEN + 56;
    let mut r = Vec::with_capacity(REQUEST_LEN);
    r.extend_from_slice(&(REQUEST_LEN as u32).to_ne_bytes());
    r.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    r.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
    r.extend_from_slice(&[0; 8]); // sequence number and port id: one request at a time
    r.extend_from_slice(&[family, protocol, 0, 0]); // no extensions, padding
    r.extend_from_slice(&states.to_ne_bytes());
    r.resize(REQUEST_LEN, 0); // the socket id to match: zero, i.e. any
    r
}

/// Reads the reply to a dump until its `NLMSG_DONE`, handing each message's payload to
/// `each`.
fn receive_dump(fd: &OwnedFd, buf: &mut [u8], mut each: impl FnMut(&[u8])) -> io::Result<()> {
    loop {
        let len = recv(fd.as_raw_fd(), buf, MsgFlags::empty()).map_err(io::Error::from)?;
        if len == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        if split_messages(&buf[..len], &mut each)? {
            return Ok(());
        }
    }
}

/// Splits one datagram of a dump's reply into its netlink messages, handing each
/// sock_diag payload to `each`; whether the dump's `NLMSG_DONE` was in it.
fn split_messages(mut rest: &[u8], each: &mut impl FnMut(&[u8])) -> io::Result<bool> {
    while rest.len() >= NLMSG_HEADER_LEN {
        let msg_len = u32::from_ne_bytes(rest[0..4].try_into().unwrap_or_default()) as usize;
        let msg_type = u16::from_ne_bytes(rest[4..6].try_into().unwrap_or_default());
        if msg_len < NLMSG_HEADER_LEN || msg_len > rest.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "truncated sock_diag reply"));
        }
        let payload = &rest[NLMSG_HEADER_LEN..msg_len];
        match i32::from(msg_type) {
            libc::NLMSG_DONE => return Ok(true),
            libc::NLMSG_ERROR => {
                let errno = payload.get(..4).map_or(0, |b| i32::from_ne_bytes(b.try_into().unwrap_or_default()));
                // An acknowledgement carries error 0; a dump ends with DONE instead.
                if errno != 0 {
                    return Err(io::Error::from_raw_os_error(errno.saturating_neg()));
                }
            }
            _ if msg_type == SOCK_DIAG_BY_FAMILY => each(payload),
            _ => {}
        }
        // Messages are padded to 4 bytes (NLMSG_ALIGN).
        rest = rest.get(msg_len.next_multiple_of(4)..).unwrap_or_default();
    }
    Ok(false)
}

fn parse_diag_msg(protocol: Protocol, msg: &[u8]) -> Option<RawSocket> {
    let msg = msg.get(..DIAG_MSG_LEN)?;
    let word = |at: usize| u32::from_ne_bytes(msg[at..at + 4].try_into().unwrap_or_default());
    let port = u16::from_be_bytes([msg[4], msg[5]]);
    let src = &msg[8..24];
    let ip = match msg[0] as i32 {
        libc::AF_INET => IpAddr::V4(Ipv4Addr::new(src[0], src[1], src[2], src[3])),
        libc::AF_INET6 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(src).ok()?)),
        _ => return None,
    };
    Some(RawSocket { protocol, address: SocketAddr::new(ip, port), uid: word(64), inode: u64::from(word(68)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_message_gives_address_port_uid_and_inode() {
        let mut msg = vec![0u8; DIAG_MSG_LEN];
        msg[0] = libc::AF_INET6 as u8;
        msg[1] = TCP_LISTEN as u8;
        msg[4..6].copy_from_slice(&8443u16.to_be_bytes());
        msg[8..24].copy_from_slice(&"2001:db8::7".parse::<Ipv6Addr>().unwrap().octets());
        msg[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        msg[68..72].copy_from_slice(&424242u32.to_ne_bytes());
        let s = parse_diag_msg(Protocol::Tcp6, &msg).unwrap();
        assert_eq!(s.address, "[2001:db8::7]:8443".parse().unwrap());
        assert_eq!((s.uid, s.inode), (1000, 424242));
        assert!(parse_diag_msg(Protocol::Tcp6, &msg[..40]).is_none());
    }

    /// A reply datagram: a header for each payload, then DONE.
    fn reply(payloads: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for (msg_type, payload) in
            payloads.iter().map(|p| (SOCK_DIAG_BY_FAMILY, p)).chain([(libc::NLMSG_DONE as u16, &vec![0; 4])])
        {
            out.extend_from_slice(&((NLMSG_HEADER_LEN + payload.len()) as u32).to_ne_bytes());
            out.extend_from_slice(&msg_type.to_ne_bytes());
            out.extend_from_slice(&[0; 10]);
            out.extend_from_slice(payload);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        out
    }

    #[test]
    fn a_reply_is_split_into_its_messages_up_to_done() {
        let msg = vec![7u8; DIAG_MSG_LEN];
        let mut seen = Vec::new();
        assert!(split_messages(&reply(&[msg.clone(), msg.clone()]), &mut |p| seen.push(p.to_vec())).unwrap());
        assert_eq!(seen, [msg.clone(), msg]);
    }

    proptest::proptest! {
        #![proptest_config(crate::fuzz_input::config())]

        /// Whatever the kernel (or anything impersonating it) sends: an answer or an
        /// error, never a panic.
        #[test]
        fn arbitrary_replies_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = split_messages(&bytes, &mut |p| { let _ = parse_diag_msg(Protocol::Udp6, p); });
        }

        /// Real-shaped replies with bytes flipped and cut short.
        #[test]
        fn mutated_replies_never_panic(
            payloads in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96), 0..4),
            flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..8),
            cut in proptest::prelude::any::<usize>(),
        ) {
            let mut bytes = reply(&payloads);
            for (at, xor) in flips {
                let len = bytes.len();
                bytes[at % len] ^= xor;
            }
            let len = bytes.len();
            bytes.truncate(cut % (len + 1));
            let _ = split_messages(&bytes, &mut |p| { let _ = parse_diag_msg(Protocol::Tcp, p); });
        }
    }

    #[test]
    fn the_request_is_a_whole_netlink_message() {
        let r = dump_request(libc::AF_INET as u8, libc::IPPROTO_TCP as u8, 1 << TCP_LISTEN);
        assert_eq!(r.len(), 72);
        assert_eq!(u32::from_ne_bytes(r[0..4].try_into().unwrap()), 72);
        assert_eq!(u16::from_ne_bytes(r[4..6].try_into().unwrap()), SOCK_DIAG_BY_FAMILY);
        assert_eq!(&r[16..18], &[libc::AF_INET as u8, libc::IPPROTO_TCP as u8]);
        assert_eq!(u32::from_ne_bytes(r[20..24].try_into().unwrap()), 1 << TCP_LISTEN);
    }
}
