//! statvfs(2) asked by a forked child (fork only: no program is run), the answer
//! coming back through a pipe; at most one such child per filesystem on the machine,
//! however many ctops run.
//!
//! Why a child and not a thread: a statfs on a dead NFS or FUSE server waits in the
//! kernel uninterruptibly, and a process with such a thread can never be reaped: ctop
//! would print its report or leave the screen, then hang its shell or tmux pane for
//! ever. A thread blocked reading a pipe dies with the process; a child stuck in statfs
//! is left to init, which reaps it whenever the server answers.
//!
//! Why only one: a cron job running `ctop --json` every minute beside a dead NFS mount
//! would otherwise leave 1,440 stuck children a day. The child holds an abstract unix
//! socket named after the filesystem (`@ctop-statfs:<hash>`, in `/proc/net/unix`) for
//! as long as it lives; the kernel drops the name when it exits, stuck or not, with no
//! file to clean up. A ctop that finds the name taken does not fork: its check waits,
//! trying the name again each second, so it reports the mount "not responding" after
//! its deadline like the first one did. The child is named `ctop-statfs` (its comm,
//! and its command line where ctop's own is long enough), and dies with the thread
//! that forked it (PR_SET_PDEATHSIG): when ctop exits, at once if the kernel lets a
//! signal in, else as soon as the filesystem answers (a FUSE request the server has
//! already read waits uninterruptibly).

use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, bind, socket};
use std::ffi::CString;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// What the child's comm (`ps -o comm`, `/proc/PID/comm`) and command line say.
const CHILD_NAME: &std::ffi::CStr = c"ctop-statfs";

/// How often a check waiting on another process's stuck child tries the name again.
const RETRY: Duration = Duration::from_secs(1);

/// Held from binding a name until the child that inherits it is forked and the
/// parent's copy closed: a sibling check forking meanwhile would inherit the socket
/// too, and hold the name for as long as its own, possibly stuck, statfs.
static FORKING: Mutex<()> = Mutex::new(());

pub(super) fn statvfs_in_child(path: &Path, identity: &str) -> io::Result<libc::statvfs> {
    // Everything the child needs is made before fork: after it, in a copy of a
    // multithreaded process, only async-signal-safe calls are allowed (no allocation).
    let c_path = CString::new(path.as_os_str().as_bytes())?;
    let title = child_title(path);
    let argv_area = argv_area();
    let name = lock_name(identity);
    loop {
        let forking = FORKING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let lock = match take_name(&name) {
            Ok(lock) => Some(lock),
            Err(e) if e.raw_os_error() == Some(libc::EADDRINUSE) => {
                // Another check (this ctop's or another's) is stuck on it: no second child.
                drop(forking);
                std::thread::sleep(RETRY);
                continue;
            }
            // No unix sockets here (a sandbox from elsewhere, no descriptors left):
            // checking without the name is better than not checking.
            Err(_) => None,
        };
        let (read_end, pid) = fork_child(&c_path, lock.as_ref(), &title, argv_area)?;
        drop(lock);
        drop(forking);
        return answer(read_end, pid);
    }
}

/// `@ctop-statfs:<FNV-1a of the identity>`: stable across ctop builds and runs, so
/// that every ctop on the machine (in this network namespace, which is what abstract
/// names are scoped by) agrees on it.
fn lock_name(identity: &str) -> Vec<u8> {
    // FNV-1a by hand: eight lines, where a crate would bring a hasher trait for one call.
    let hash =
        identity.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("ctop-statfs:{hash:016x}").into_bytes()
}

/// A unix socket bound to `name` in the abstract namespace, which holds the name
/// while it is open; `Err(EADDRINUSE)` means someone else holds it.
fn take_name(name: &[u8]) -> io::Result<OwnedFd> {
    let fd = socket(AddressFamily::Unix, SockType::Stream, SockFlag::SOCK_CLOEXEC, None).map_err(io::Error::from)?;
    let addr = UnixAddr::new_abstract(name).map_err(io::Error::from)?;
    bind(fd.as_raw_fd(), &addr).map_err(io::Error::from)?;
    Ok(fd)
}

/// `ctop-statfs /the/mount/point`, NUL-terminated, for the child's command line.
fn child_title(path: &Path) -> Vec<u8> {
    let mut title = CHILD_NAME.to_bytes().to_vec();
    title.push(b' ');
    title.extend_from_slice(path.as_os_str().as_bytes());
    title.push(0);
    title
}

/// Where this process's command line lives (`arg_start`, `arg_end` of
/// `/proc/self/stat`, fields 48 and 49): the child writes its title there, the way
/// setproctitle(3) does. Read once; `None` where the kernel does not say (before 3.5).
fn argv_area() -> Option<(usize, usize)> {
    static AREA: OnceLock<Option<(usize, usize)>> = OnceLock::new();
    *AREA.get_or_init(|| {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which may itself hold spaces and parentheses.
        let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(45);
        let (start, end) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
        (start < end).then_some((start, end))
    })
}

/// Forks the child that asks statvfs, holding `lock` for as long as it lives; returns
/// the pipe its answer comes through and its pid.
fn fork_child(
    c_path: &CString,
    lock: Option<&OwnedFd>,
    title: &[u8],
    argv_area: Option<(usize, usize)>,
) -> io::Result<(OwnedFd, libc::pid_t)> {
    let (read_end, write_end) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(io::Error::from)?;
    let open_max = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .map_or(1024, |(soft, _)| soft.min(65_536) as i32);
    let lock_fd = lock.map_or(-1, |fd| fd.as_raw_fd());
    // SAFETY: getpid takes nothing.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the child only makes async-signal-safe syscalls and writes to memory this
    // process owns (see `child`).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: in the forked child, which ends in _exit.
        unsafe { child(c_path, write_end.as_raw_fd(), lock_fd, open_max, parent, title, argv_area) }
    }
    Ok((read_end, pid))
}

/// The forked child: keeps only the answer pipe (as fd 0) and the name (as fd 1),
/// names itself, asks, answers, exits.
///
/// # Safety
/// Only in a child just forked from ctop: async-signal-safe calls only.
unsafe fn child(
    c_path: &CString,
    answer_fd: i32,
    lock_fd: i32,
    open_max: i32,
    parent: libc::pid_t,
    title: &[u8],
    argv_area: Option<(usize, usize)>,
) -> ! {
    // SAFETY: plain syscalls on descriptors and memory this process owns; nothing else
    // runs in this copy of the process.
    unsafe {
        // A child that hangs must not hold ctop's stdout or terminal open: a pipe reader
        // (`ctop --json | jq`) or the tmux pane would wait for it. Copies at 3 and up
        // first, so that moving them to 0 and 1 cannot overwrite one with the other.
        let answer_copy = libc::fcntl(answer_fd, libc::F_DUPFD, 3);
        let lock_copy = if lock_fd >= 0 { libc::fcntl(lock_fd, libc::F_DUPFD, 3) } else { -1 };
        libc::dup2(answer_copy, 0);
        if lock_copy >= 0 {
            libc::dup2(lock_copy, 1);
        }
        if libc::syscall(libc::SYS_close_range, 2u32, u32::MAX, 0u32) != 0 {
            for fd in 2..open_max {
                libc::close(fd);
            }
        }
        // Die with the thread that forked this child (ctop's exit included); if it is
        // gone already, the signal would never come.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(1);
        }
        libc::prctl(libc::PR_SET_NAME, CHILD_NAME.as_ptr(), 0, 0, 0);
        // The command line: as much of the title as fits, the rest zeros.
        if let Some((start, end)) = argv_area {
            let len = end - start;
            let area = start as *mut u8;
            std::ptr::write_bytes(area, 0, len);
            std::ptr::copy_nonoverlapping(title.as_ptr(), area, title.len().min(len - 1));
        }
        let mut answer: (i32, libc::statvfs) = (0, std::mem::zeroed());
        if libc::statvfs(c_path.as_ptr(), &mut answer.1) != 0 {
            answer.0 = *libc::__errno_location();
        }
        libc::write(0, (&raw const answer).cast(), std::mem::size_of_val(&answer));
        libc::_exit(0);
    }
}

/// Waits for the child's answer (for ever, on a hung filesystem: this runs on a check
/// thread the caller has given up on) and reaps it.
fn answer(read_end: OwnedFd, pid: libc::pid_t) -> io::Result<libc::statvfs> {
    let mut bytes = [0u8; std::mem::size_of::<(i32, libc::statvfs)>()];
    let read = std::fs::File::from(read_end).read_exact(&mut bytes);
    // The child has answered (or died): collect it so it leaves no zombie.
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
    read.map_err(|_| io::Error::other("the statvfs child died without answering"))?;
    // SAFETY: the bytes are a (i32, statvfs) written by the child from the same type.
    let (errno, st): (i32, libc::statvfs) = unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast()) };
    if errno != 0 { Err(io::Error::from_raw_os_error(errno)) } else { Ok(st) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_depends_on_the_whole_identity_and_nothing_else() {
        let a = lock_name("/mnt/nfs\0server:/export\x000:52");
        assert_eq!(a, lock_name("/mnt/nfs\0server:/export\x000:52"));
        assert_ne!(a, lock_name("/mnt/nfs\0server:/export\x000:53"));
        assert!(a.starts_with(b"ctop-statfs:") && a.len() == 12 + 16, "{}", String::from_utf8_lossy(&a));
    }

    #[test]
    fn a_taken_name_cannot_be_taken_twice_and_is_free_once_closed() {
        let name = lock_name(&format!("test {}", std::process::id()));
        let held = take_name(&name).unwrap();
        assert_eq!(take_name(&name).unwrap_err().raw_os_error(), Some(libc::EADDRINUSE));
        drop(held);
        assert!(take_name(&name).is_ok());
    }

    #[test]
    fn the_command_line_area_is_found() {
        let (start, end) = argv_area().unwrap();
        let cmdline = std::fs::read("/proc/self/cmdline").unwrap();
        assert_eq!(end - start, cmdline.len());
    }

    #[test]
    fn a_live_filesystem_is_answered_by_a_child() {
        let st = statvfs_in_child(Path::new("/proc"), &format!("/proc {}", std::process::id())).unwrap();
        assert_eq!(st.f_blocks, 0, "procfs has no blocks");
    }
}
