//! Whether the mount table has changed since it was last read: `/proc/self/mountinfo`
//! kept open and polled without waiting (poll(2) for `POLLPRI`, which the kernel raises
//! on a descriptor of that file once after each mount, unmount or remount in its
//! namespace, as findmnt --poll and systemd watch it).
//!
//! Why: on a node with 1,000 mounts, reading and parsing the table and choosing what to
//! show cost more than the 1,000 statvfs calls that follow (PERFORMANCE.md, *A big
//! node*), every slow tick, while the table changes a few times a day.

use crate::source::Source;
use std::fs::File;
use std::os::fd::AsFd;

pub(super) struct MountTableWatch {
    /// `None` where the table is not the live kernel's (`--root`: a file on a disk
    /// never signals) or cannot be opened: then it is read every time.
    file: Option<File>,
    /// Set once the table has been read through this watch.
    primed: bool,
}

impl MountTableWatch {
    pub fn new(source: &Source) -> Self {
        let file = source.is_live_root().then(|| File::open(source.path("/proc/self/mountinfo")).ok()).flatten();
        Self { file, primed: false }
    }

    /// Whether the table must be read again: the first time, after a change, on any
    /// doubt (a failed poll), and always where there is nothing to watch. The kernel
    /// resets the signal as it reports it, so a change made while the caller reads the
    /// table is reported (and read) once more next time, never lost.
    pub fn changed(&mut self) -> bool {
        let Some(file) = &self.file else {
            return true;
        };
        if !std::mem::replace(&mut self.primed, true) {
            return true;
        }
        let mut fds = [nix::poll::PollFd::new(file.as_fd(), nix::poll::PollFlags::POLLPRI)];
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::ZERO) {
            Ok(0) => false,
            Ok(_) => fds[0]
                .revents()
                .is_none_or(|r| r.intersects(nix::poll::PollFlags::POLLPRI | nix::poll::PollFlags::POLLERR)),
            Err(_) => true,
        }
    }

    /// Whether changes are watched (else the table is read every time).
    pub fn is_watching(&self) -> bool {
        self.file.is_some()
    }
}
