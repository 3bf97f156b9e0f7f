//! A process's storage I/O: `read_bytes` and `write_bytes` of `/proc/[pid]/io`, the
//! bytes it made the kernel fetch from and send towards block devices (page cache
//! misses, dirtied pages, direct I/O), as iotop and htop's IO_RATE show them — not
//! `rchar`/`wchar`, which count every read and write, pipes and cached files too.
//!
//! The file needs the same permission as reading another process's memory maps
//! (`ptrace_may_access`): readable for one's own processes, all of them as root; for
//! the others the open fails and the rate is unknown, never 0. Only that refusal
//! (EACCES, EPERM) stands until the process execs; any other failure, above all running
//! out of descriptors (EMFILE, ENFILE), is tried again at the next scan.

use super::paths::PidPaths;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// The two storage counters, in bytes since the process started (its dead threads
/// included, its children not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct IoCounters {
    pub read_bytes: u64,
    pub write_bytes: u64,
}

impl IoCounters {
    /// Bytes read and written per second from `earlier` to these, over `seconds`.
    pub fn rates_since(self, earlier: IoCounters, seconds: f64) -> (f32, f32) {
        let per_second = |now: u64, then: u64| (now.saturating_sub(then) as f64 / seconds) as f32;
        (per_second(self.read_bytes, earlier.read_bytes), per_second(self.write_bytes, earlier.write_bytes))
    }
}

/// Why the counters could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unread {
    /// Refused (EACCES, EPERM): another user's process, until it execs.
    Denied,
    /// Anything else: out of descriptors, gone, garbled; worth another try.
    Failed,
}

impl Unread {
    fn of(err: &io::Error) -> Self {
        match err.raw_os_error() {
            Some(libc::EACCES | libc::EPERM) => Unread::Denied,
            _ => Unread::Failed,
        }
    }
}

/// Opens the file and reads it.
pub(super) fn open(paths: &mut PidPaths, pid: u32) -> Result<(File, IoCounters), Unread> {
    let file = File::open(paths.file(pid, "io")).map_err(|e| Unread::of(&e))?;
    let counters = read_from(&file)?;
    Ok((file, counters))
}

/// Reads an open (kept) file again; fails once its process is gone (ESRCH), or where
/// it is another user's that is not dumpable (the check is made again at each read).
pub(super) fn read_from(file: &File) -> Result<IoCounters, Unread> {
    // Seven lines of a name and at most 20 digits.
    let mut buf = [0u8; 256];
    let len = file.read_at(&mut buf, 0).map_err(|e| Unread::of(&e))?;
    parse(&buf[..len]).ok_or(Unread::Failed)
}

fn parse(text: &[u8]) -> Option<IoCounters> {
    let text = std::str::from_utf8(text).ok()?;
    let field = |name: &str| {
        text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':')?.trim().parse::<u64>().ok())
    };
    Some(IoCounters { read_bytes: field("read_bytes")?, write_bytes: field("write_bytes")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IO: &[u8] = b"rchar: 2012\nwchar: 4096\nsyscr: 7\nsyscw: 1\nread_bytes: 8192\nwrite_bytes: 1048576\ncancelled_write_bytes: 0\n";

    #[test]
    fn reads_the_storage_counters_not_the_character_ones() {
        assert_eq!(parse(IO), Some(IoCounters { read_bytes: 8192, write_bytes: 1_048_576 }));
    }

    #[test]
    fn a_garbled_or_cut_file_is_unknown() {
        assert_eq!(parse(b"rchar: 2012\nwchar: 4096\n"), None);
        assert_eq!(parse(b"read_bytes: x\nwrite_bytes: 1\n"), None);
        // cancelled_write_bytes must not be taken for write_bytes.
        assert_eq!(parse(b"read_bytes: 1\ncancelled_write_bytes: 5\n"), None);
        assert_eq!(parse(b""), None);
    }

    #[test]
    fn only_a_refusal_is_denied_running_out_of_descriptors_is_not() {
        let error = |errno| Unread::of(&io::Error::from_raw_os_error(errno));
        assert_eq!((error(libc::EACCES), error(libc::EPERM)), (Unread::Denied, Unread::Denied));
        for errno in [libc::EMFILE, libc::ENFILE, libc::ESRCH, libc::ENOENT, libc::EINTR] {
            assert_eq!(error(errno), Unread::Failed, "errno {errno}");
        }
    }

    #[test]
    fn rates_are_per_second_and_never_negative() {
        let before = IoCounters { read_bytes: 1000, write_bytes: 5000 };
        let after = IoCounters { read_bytes: 3000, write_bytes: 4000 };
        assert_eq!(after.rates_since(before, 2.0), (1000.0, 0.0));
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{bytes_from, config};

    const SEEDS: &[&str] = &[
        "rchar: 2012\nwchar: 4096\nsyscr: 7\nsyscw: 1\nread_bytes: 8192\nwrite_bytes: 1048576\ncancelled_write_bytes: 0\n",
    ];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn io_never_panics(text in bytes_from(SEEDS)) {
            let _ = super::parse(&text);
        }
    }
}
