//! Listening sockets asked of the running kernel through sock_diag(7) netlink, as `ss`
//! asks: TCP sockets in LISTEN and UDP sockets not connected, for IPv4 and IPv6.
//!
//! Why not `/proc/net/tcp`: to print that table the kernel walks every bucket of the
//! established-connection hash, which is sized by RAM, not by the sockets in it. On this
//! 24 GiB machine with three TCP sockets a read of `/proc/net/tcp` cost 0.8 ms, and each
//! refresh read it and `tcp6` twice over (a read at end of file walks again): most of
//! ctop's slow tier. A dump asking for LISTEN alone walks only the listening hash.
//!
//! The same holds for the connection counts ([`count_connections`]): a dump of every
//! state but LISTEN walks the established hash once, in the kernel, and each reply is
//! read in place from the receive buffer, so counting 100,000 connections allocates
//! nothing per connection.
//!
//! The request and the reply are two fixed structs of the kernel's stable ABI
//! (`linux/inet_diag.h`), written and read here by hand: the netlink crates
//! (netlink-packet-sock-diag with netlink-sys, -core and -utils) would add four crates
//! and their code pages to a process whose resident size is itself a target.

use super::connections::ConnectionTally;
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
/// States 1 (ESTABLISHED) to 11 (CLOSING) but LISTEN: every connection. Asking for
/// SYN_RECV (3) makes the kernel add the request sockets of half-open connections
/// (TCP_NEW_SYN_RECV), reported as SYN_RECV, as `ss` shows them.
const EVERY_STATE_BUT_LISTEN: u32 = 0xffe & !(1 << TCP_LISTEN);
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
    let fd = crate::collect::netlink_deadline::with_deadline(fd)?;
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

/// Counts every TCP connection (IPv4 and IPv6, every state but LISTEN) into `tally`.
/// `buf` is the receive buffer, kept by the caller between calls.
pub(super) fn count_connections(tally: &mut ConnectionTally, buf: &mut Vec<u8>) -> io::Result<()> {
    let fd = socket(AddressFamily::Netlink, SockType::Datagram, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkSockDiag)
        .map_err(io::Error::from)?;
    let fd = crate::collect::netlink_deadline::with_deadline(fd)?;
    // The kernel fills at most 32 KiB per datagram however large the buffer offered.
    buf.resize(32 * 1024, 0);
    for family in [libc::AF_INET, libc::AF_INET6] {
        let request = dump_request(family as u8, libc::IPPROTO_TCP as u8, EVERY_STATE_BUT_LISTEN);
        sendto(fd.as_raw_fd(), &request, &NetlinkAddr::new(0, 0), MsgFlags::empty()).map_err(io::Error::from)?;
        receive_dump(&fd, buf, |msg| {
            if let Some(connection) = parse_connection(msg) {
                tally.add(connection);
            }
        })?;
    }
    Ok(())
}

/// One connection as the tally needs it, borrowed from a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Connection {
    pub state: u8,
    pub local: SocketAddr,
    pub remote: IpAddr,
}

fn parse_connection(msg: &[u8]) -> Option<Connection> {
    let msg = msg.get(..DIAG_MSG_LEN)?;
    let local_port = u16::from_be_bytes([msg[4], msg[5]]);
    let (local, remote) = (address(msg[0], &msg[8..24])?, address(msg[0], &msg[24..40])?);
    Some(Connection { state: msg[1], local: SocketAddr::new(local, local_port), remote })
}

/// An address field of `inet_diag_sockid` (16 bytes, an IPv4 address in the first 4).
fn address(family: u8, field: &[u8]) -> Option<IpAddr> {
    match i32::from(family) {
        libc::AF_INET => Some(IpAddr::V4(Ipv4Addr::new(field[0], field[1], field[2], field[3]))),
        libc::AF_INET6 => Some(IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(field).ok()?))),
        _ => None,
    }
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
    let ip = address(msg[0], &msg[8..24])?;
    // For a listener the receive and send queues are the accept queue and its limit
    // (the backlog), as `ss -lnt` shows them in Recv-Q and Send-Q.
    let listening = u32::from(msg[1]) == TCP_LISTEN;
    Some(RawSocket {
        protocol,
        address: SocketAddr::new(ip, port),
        uid: word(64),
        inode: u64::from(word(68)),
        accept_queue: listening.then(|| word(56)),
        accept_queue_limit: listening.then(|| word(60)),
    })
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
        msg[56..60].copy_from_slice(&17u32.to_ne_bytes());
        msg[60..64].copy_from_slice(&4096u32.to_ne_bytes());
        msg[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        msg[68..72].copy_from_slice(&424242u32.to_ne_bytes());
        let s = parse_diag_msg(Protocol::Tcp6, &msg).unwrap();
        assert_eq!(s.address, "[2001:db8::7]:8443".parse().unwrap());
        assert_eq!((s.uid, s.inode, s.accept_queue, s.accept_queue_limit), (1000, 424242, Some(17), Some(4096)));
        assert!(parse_diag_msg(Protocol::Tcp6, &msg[..40]).is_none());
        msg[1] = TCP_CLOSE as u8;
        assert_eq!(parse_diag_msg(Protocol::Udp6, &msg).unwrap().accept_queue, None, "UDP has no accept queue");
    }

    #[test]
    fn a_connection_gives_state_local_address_and_remote_address() {
        let mut msg = vec![0u8; DIAG_MSG_LEN + 8];
        msg[0] = libc::AF_INET as u8;
        msg[1] = 3; // SYN_RECV
        msg[4..6].copy_from_slice(&443u16.to_be_bytes());
        msg[6..8].copy_from_slice(&51000u16.to_be_bytes());
        msg[8..12].copy_from_slice(&[10, 0, 0, 1]);
        msg[24..28].copy_from_slice(&[198, 51, 100, 9]);
        let c = parse_connection(&msg).unwrap();
        assert_eq!(
            c,
            Connection { state: 3, local: "10.0.0.1:443".parse().unwrap(), remote: "198.51.100.9".parse().unwrap() }
        );
        msg[0] = 99;
        assert_eq!(parse_connection(&msg), None, "an unknown family");
        assert_eq!(parse_connection(&msg[..71]), None);
    }

    #[test]
    fn the_connection_mask_asks_every_state_but_listen() {
        for state in 1..=11 {
            assert_eq!(EVERY_STATE_BUT_LISTEN & (1 << state) != 0, state != TCP_LISTEN, "state {state}");
        }
        assert_eq!(EVERY_STATE_BUT_LISTEN & 1, 0);
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
