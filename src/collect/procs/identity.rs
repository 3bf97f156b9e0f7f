//! What a process is, read once when its pid is first seen (and again when its name
//! changes, i.e. after an exec): the command line from `/proc/[pid]/cmdline`, the
//! effective user from the `Uid:` line of `/proc/[pid]/status`, and the name shown and
//! counted for "repeated".
//!
//! The name is `comm` (from `stat`), not the first word of the command line: servers
//! rewrite their command line (`nginx: worker process`, `postgres: checkpointer`,
//! `sshd: root@pts/0`) but keep their comm (`nginx`, `postgres`, `sshd`), which is what
//! "5,000 nginx" should count. The kernel cuts comm to 15 bytes, so a 15-byte comm is
//! replaced by the basename of the command's first word when that starts with it
//! (`systemd-journal` → `systemd-journald`).

use super::paths::PidPaths;
use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

/// Longer command lines are cut here: enough for any screen, and memory stays small.
pub(super) const CMDLINE_MAX_BYTES: usize = 512;
/// comm's longest length: TASK_COMM_LEN (16) less the terminating NUL.
const COMM_MAX_BYTES: usize = 15;

#[derive(Debug, Clone)]
pub(super) struct Identity {
    pub name: Arc<str>,
    /// Arguments joined by spaces; empty for kernel threads and zombies, which have none.
    pub cmdline: Arc<str>,
    pub uid: u32,
    /// `FDSize:` of status (see `fd_limits`); `None` for kernel threads.
    pub fd_size: Option<u32>,
}

/// Fails when the process vanished while being read (or descriptors ran out).
pub(super) fn read(
    paths: &mut PidPaths,
    pid: u32,
    comm: &[u8],
    kernel_thread: bool,
    buf: &mut Vec<u8>,
) -> io::Result<Identity> {
    if kernel_thread {
        // Kernel threads have no command line and always run as root: no file to read.
        return Ok(Identity { name: String::from_utf8_lossy(comm).into(), cmdline: "".into(), uid: 0, fd_size: None });
    }
    read_limited(paths.file(pid, "cmdline"), CMDLINE_MAX_BYTES, buf)?;
    let name = name_for(comm, buf);
    let cmdline = command_line(buf);
    read_limited(paths.file(pid, "status"), usize::MAX, buf)?;
    let uid = effective_uid(buf).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidData))?;
    Ok(Identity { name, cmdline, uid, fd_size: super::fd_limits::table_size(buf) })
}

/// `FDSize:` of the status file, read again for a process that ran.
pub(super) fn fd_table_size(paths: &mut PidPaths, pid: u32, buf: &mut Vec<u8>) -> Option<u32> {
    read_limited(paths.file(pid, "status"), usize::MAX, buf).ok()?;
    super::fd_limits::table_size(buf)
}

/// Reads at most `limit` bytes of a file into `buf` (replacing its content).
fn read_limited(path: &std::path::Path, limit: usize, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    File::open(path)?.take(limit as u64).read_to_end(buf)?;
    Ok(())
}

fn name_for(comm: &[u8], cmdline: &[u8]) -> Arc<str> {
    let first_word = cmdline.split(|&b| b == 0 || b == b' ').next().unwrap_or_default();
    let basename = first_word.rsplit(|&b| b == b'/').next().unwrap_or_default();
    let name = if comm.len() == COMM_MAX_BYTES && basename.starts_with(comm) { basename } else { comm };
    String::from_utf8_lossy(name).into()
}

/// NUL-separated arguments → one line; the padding some programs leave after a
/// rewritten title is dropped.
fn command_line(raw: &[u8]) -> Arc<str> {
    let text = String::from_utf8_lossy(raw);
    let joined: String = text.chars().map(|c| if c == '\0' || c.is_control() { ' ' } else { c }).collect();
    joined.trim_end().into()
}

/// The second number of the `Uid:` line (real, effective, saved, filesystem): the
/// effective uid is the one `ps -o user` and top show.
fn effective_uid(status: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(status).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_comm_even_when_the_title_is_rewritten() {
        assert_eq!(&*name_for(b"nginx", b"nginx: worker process\0"), "nginx");
        assert_eq!(&*name_for(b"sshd", b"sshd: root@pts/0\0\0\0"), "sshd");
        assert_eq!(&*name_for(b"sleep", b"/usr/bin/sleep\x0030\0"), "sleep");
    }

    #[test]
    fn a_cut_comm_is_completed_from_the_command() {
        assert_eq!(&*name_for(b"systemd-journal", b"/usr/lib/systemd/systemd-journald\0"), "systemd-journald");
        // Not when the command is something else (a script run by its interpreter).
        assert_eq!(&*name_for(b"averyveryverylo", b"/usr/bin/python3\0/opt/x.py\0"), "averyveryverylo");
        assert_eq!(&*name_for(b"averyveryverylo", b""), "averyveryverylo");
    }

    #[test]
    fn command_lines_are_joined_and_trimmed() {
        assert_eq!(&*command_line(b"sleep\x0030\0"), "sleep 30");
        assert_eq!(&*command_line(b"nginx: worker process\0\0\0   "), "nginx: worker process");
        assert_eq!(&*command_line(b"a\nb\0"), "a b");
        assert_eq!(&*command_line(b""), "");
    }

    #[test]
    fn the_user_is_the_effective_uid() {
        let status =
            b"Name:\tpasswd\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n";
        assert_eq!(effective_uid(status), Some(0));
        assert_eq!(effective_uid(b"Name:\tx\n"), None);
        assert_eq!(effective_uid(b"Uid:\t1000"), None);
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{bytes_from, config, fixture};

    const STATUS: &[&str] = &[fixture!("procs/basic/proc/13470/status")];
    const NAMES: &[&str] =
        &[fixture!("procs/basic/proc/13470/cmdline"), fixture!("procs/basic/proc/13470/comm"), "a\0b\0\0"];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn names_and_status_never_panic(comm in bytes_from(NAMES), cmdline in bytes_from(NAMES), status in bytes_from(STATUS)) {
            let _ = super::name_for(&comm, &cmdline);
            let _ = super::command_line(&cmdline);
            let _ = super::effective_uid(&status);
        }
    }
}
