//! A deadline on every netlink answer ctop waits for. The kernel answers a dump at once,
//! but one it never answers (a request it drops as malformed, found by mutation testing,
//! where the interfaces' socket then blocked its collector for good) must not stop a
//! collector: after this long without an answer, `recv` fails with `EAGAIN`, the caller
//! takes it as any failed dump (falls back, or tries a new socket at its next pass).

use nix::sys::socket::{setsockopt, sockopt};
use nix::sys::time::TimeVal;
use std::io;
use std::os::fd::OwnedFd;

/// Far longer than any dump takes (a few ms for 50,000 sockets or 400 interfaces).
const SECONDS: i64 = 2;

/// `fd` with the receive deadline set.
pub(super) fn with_deadline(fd: OwnedFd) -> io::Result<OwnedFd> {
    setsockopt(&fd, sockopt::ReceiveTimeout, &TimeVal::new(SECONDS, 0))?;
    Ok(fd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::errno::Errno;
    use nix::sys::socket::{AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType, recv, socket};
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant};

    #[test]
    fn a_socket_that_gets_no_answer_fails_instead_of_waiting_forever() {
        let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
            .expect("a netlink socket");
        let fd = with_deadline(fd).expect("the deadline set");
        let started = Instant::now();
        // Nothing was asked, so nothing comes.
        let answer = recv(fd.as_raw_fd(), &mut [0u8; 64], MsgFlags::empty());
        assert_eq!(answer, Err(Errno::EAGAIN));
        // Not a timing assertion: only a missing deadline (a hang) could miss 20x.
        assert!(started.elapsed() < Duration::from_secs(20 * SECONDS as u64));
    }
}
