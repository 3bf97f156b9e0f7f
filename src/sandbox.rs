//! ctop's self-sandbox: once the terminal (or stdout) is set up, a seccomp filter on
//! every thread, with `no_new_privs`, takes away what a monitor never needs, so that a
//! bug in a parser fed by hostile `/proc` contents cannot become root writing files,
//! running programs or talking to the network. A forbidden call fails with EPERM, never
//! kills: whatever feature meets one degrades (shows a value as unknown) instead.
//!
//! A denylist of dangerous calls plus argument checks on `open`, `socket` and `ioctl`,
//! rather than an allowlist of what ctop calls: glibc, std and crossterm choose their
//! syscalls (`clone3` or `clone`, `statx` or `newfstatat`, `rseq`…) by version, and an
//! allowlist that misses one breaks ctop on some machine for no gain in safety.
//!
//! Taken away:
//! - running programs (`execve`, `execveat`) and tracing or reading other processes'
//!   memory (`ptrace`, `process_vm_readv`/`writev`, `pidfd_getfd`, `kcmp`);
//! - opening for writing or creating (`O_WRONLY`, `O_RDWR`, `O_CREAT`, `O_TRUNC`; `creat`,
//!   `openat2` whose flags seccomp cannot see, `open_by_handle_at`), and every call that
//!   changes a file's name, contents, mode, owner, times or attributes;
//! - sockets but netlink `NETLINK_SOCK_DIAG` (listening ports) and `NETLINK_ROUTE`
//!   (the interfaces' links, counters and addresses, `collect::net`, and the socket bound
//!   to the link and address announcements, `collect::net::rtnetlink`; getifaddrs), and one kind of unix socket: `SOCK_STREAM | SOCK_CLOEXEC`, which the
//!   statvfs checks bind to an abstract name (see `source::statvfs_child`). With
//!   `connect`, `listen` and `accept` gone, such a socket cannot reach a daemon (no
//!   `docker.sock`, no `/dev/log`). `NETLINK_ROUTE` could still change routes and links:
//!   seccomp cannot read the messages sent; the interface dumps need that family
//!   (`tests/net_netlink_netns.rs` dumps, and reads announced changes, under this filter);
//! - faking terminal input (`ioctl` `TIOCSTI`, `TIOCLINUX`);
//! - mounts, namespaces, modules, kexec, reboot, swap, setting the clock (and
//!   CAP_SYS_TIME, dropped at start, so `adjtimex` can only read), host names, accounting,
//!   `bpf`, `perf_event_open`, `userfaultfd`, keyrings and io_uring (whose operations
//!   seccomp would not see).
//!
//! Left: reading anything, writing to descriptors opened before (the terminal, stdout),
//! `fork` for the statvfs checks (the child inherits the filter), `kill`.
//!
//! With `--record`, the recording directory's descriptor is given before installing
//! ([`allow_recording_in`]): `openat` on that descriptor with exactly the recorder's
//! flags (`O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC`: a new segment, never an
//! existing file or a symbolic link) and `unlinkat` on it (an old segment) are let
//! through; every other create, write-open or unlink is still refused.

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen as Len, SeccompCmpOp as Op, SeccompCondition as Cond, SeccompFilter,
    SeccompRule,
};
use std::collections::BTreeMap;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};

/// The recording directory's descriptor, or -1: see [`allow_recording_in`].
static RECORDING_DIR: AtomicI32 = AtomicI32::new(-1);

/// Lets the filter installed after this create and delete the recorder's segments in
/// the directory open as `dir_fd` (and nowhere else).
pub fn allow_recording_in(dir_fd: RawFd) {
    RECORDING_DIR.store(dir_fd, Ordering::Relaxed);
}

/// Whether the calling thread runs under a seccomp filter: the kernel's word, asked
/// with prctl(PR_GET_SECCOMP) rather than remembered, so `--json` and the help screen
/// cannot claim a sandbox that is not there.
pub fn is_on() -> bool {
    // SAFETY: PR_GET_SECCOMP takes no pointers.
    unsafe { libc::prctl(libc::PR_GET_SECCOMP) == 2 }
}

/// `"seccomp"` or `"off"`, as `--json` and the help screen say it.
pub fn state() -> &'static str {
    if is_on() { "seccomp" } else { "off" }
}

/// Gives up CAP_SYS_TIME for good (bounding, effective, permitted and inheritable sets)
/// before any thread starts, so every thread inherits the smaller set. Reading the clock's
/// synchronisation (`adjtimex` with modes 0) needs no capability, but seccomp cannot see
/// inside the `timex` it is passed: with this, the kernel itself refuses any change, and
/// the filter can leave `adjtimex` and `clock_adjtime` to the clock check.
pub fn drop_clock_capability() {
    const CAP_SYS_TIME: u32 = 25;
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    // _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set.
    let mut header = Header { version: 0x2008_0522, pid: 0 };
    let mut data = [Data::default(); 2];
    // SAFETY: capget/capset with a version 3 header and room for its two words; prctl
    // takes no pointers. Failing (no such capability, unprivileged) changes nothing.
    unsafe {
        libc::prctl(libc::PR_CAPBSET_DROP, CAP_SYS_TIME as libc::c_ulong, 0, 0, 0);
        if libc::syscall(libc::SYS_capget, &mut header as *mut Header, data.as_mut_ptr()) == 0 {
            let bit = !(1u32 << CAP_SYS_TIME);
            data[0].effective &= bit;
            data[0].permitted &= bit;
            data[0].inheritable &= bit;
            libc::syscall(libc::SYS_capset, &mut header as *mut Header, data.as_ptr());
        }
    }
}

/// Installs the filter, with `no_new_privs`, on every thread of the process (TSYNC):
/// the collector threads already run when the dashboard takes the terminal.
pub fn install() -> Result<(), String> {
    seccompiler::apply_filter_all_threads(&program()?).map_err(|e| format!("cannot install the sandbox: {e}"))
}

/// The filter as a BPF program for this machine's architecture.
pub fn program() -> Result<BpfProgram, String> {
    let dir = RECORDING_DIR.load(Ordering::Relaxed);
    program_for((dir >= 0).then_some(dir))
}

/// The filter, letting the recorder write in `recording` (a directory's descriptor).
pub fn program_for(recording: Option<RawFd>) -> Result<BpfProgram, String> {
    let arch = std::env::consts::ARCH.try_into().map_err(|e| format!("no sandbox on this architecture: {e:?}"))?;
    let filter =
        SeccompFilter::new(rules(recording)?, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)
            .map_err(|e| format!("cannot build the sandbox: {e}"))?;
    filter.try_into().map_err(|e| format!("cannot build the sandbox: {e}"))
}

/// Calls forbidden whatever their arguments.
const DENIED: &[libc::c_long] = &[
    // Running programs, other processes' memory.
    libc::SYS_execve,
    libc::SYS_execveat,
    libc::SYS_ptrace,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_pidfd_getfd,
    libc::SYS_kcmp,
    // Writing to the file system.
    libc::SYS_openat2,
    libc::SYS_open_by_handle_at,
    libc::SYS_name_to_handle_at,
    libc::SYS_unlinkat,
    libc::SYS_renameat,
    libc::SYS_renameat2,
    libc::SYS_mkdirat,
    libc::SYS_mknodat,
    libc::SYS_linkat,
    libc::SYS_symlinkat,
    libc::SYS_truncate,
    libc::SYS_ftruncate,
    libc::SYS_fallocate,
    libc::SYS_fchmod,
    libc::SYS_fchmodat,
    libc::SYS_fchown,
    libc::SYS_fchownat,
    libc::SYS_utimensat,
    libc::SYS_setxattr,
    libc::SYS_lsetxattr,
    libc::SYS_fsetxattr,
    libc::SYS_removexattr,
    libc::SYS_lremovexattr,
    libc::SYS_fremovexattr,
    // Networking beyond the sockets ctop makes (see `socket_rules`).
    libc::SYS_connect,
    libc::SYS_listen,
    libc::SYS_accept,
    libc::SYS_accept4,
    // The machine itself: mounts, namespaces, modules, kexec, power, swap, clock, names.
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_chroot,
    libc::SYS_fsopen,
    libc::SYS_fsconfig,
    libc::SYS_fsmount,
    libc::SYS_fspick,
    libc::SYS_move_mount,
    libc::SYS_open_tree,
    libc::SYS_mount_setattr,
    libc::SYS_setns,
    libc::SYS_unshare,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_reboot,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_settimeofday,
    libc::SYS_clock_settime,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_syslog,
    libc::SYS_vhangup,
    // Kernel attack surface no monitor needs.
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_userfaultfd,
    libc::SYS_fanotify_init,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
];

/// The older calls that x86_64 still has beside their `*at` forms (aarch64 has only
/// the `*at` forms).
#[cfg(target_arch = "x86_64")]
const DENIED_LEGACY: &[libc::c_long] = &[
    libc::SYS_creat,
    libc::SYS_unlink,
    libc::SYS_rename,
    libc::SYS_mkdir,
    libc::SYS_rmdir,
    libc::SYS_link,
    libc::SYS_symlink,
    libc::SYS_mknod,
    libc::SYS_chmod,
    libc::SYS_chown,
    libc::SYS_lchown,
    libc::SYS_utime,
    libc::SYS_utimes,
    libc::SYS_futimesat,
    libc::SYS_iopl,
    libc::SYS_ioperm,
];
#[cfg(not(target_arch = "x86_64"))]
const DENIED_LEGACY: &[libc::c_long] = &[];

fn rules(recording: Option<RawFd>) -> Result<BTreeMap<i64, Vec<SeccompRule>>, String> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
        DENIED.iter().chain(DENIED_LEGACY).map(|&call| (call, Vec::new())).collect();
    rules.insert(libc::SYS_openat, opened_for_writing(2, recording)?);
    #[cfg(target_arch = "x86_64")]
    rules.insert(libc::SYS_open, opened_for_writing(1, None)?);
    if let Some(dir) = recording {
        rules.insert(libc::SYS_unlinkat, unlinked_outside(dir)?);
    }
    rules.insert(libc::SYS_socket, socket_rules()?);
    rules.insert(libc::SYS_ioctl, terminal_injection()?);
    Ok(rules)
}

fn cond(arg: u8, op: Op, value: u64) -> Result<Cond, String> {
    Cond::new(arg, Len::Dword, op, value).map_err(|e| e.to_string())
}

fn rule(conditions: Vec<Cond>) -> Result<SeccompRule, String> {
    SeccompRule::new(conditions).map_err(|e| e.to_string())
}

/// open flags (argument `flags_arg`) that write or create: one rule per flag, since a
/// rule matches when all its conditions hold and a call when any of its rules does.
/// With a recording directory, `openat` on it with exactly the recorder's flags passes.
fn opened_for_writing(flags_arg: u8, recording: Option<RawFd>) -> Result<Vec<SeccompRule>, String> {
    let mut rules = Vec::new();
    for flag in [libc::O_WRONLY, libc::O_RDWR, libc::O_CREAT, libc::O_TRUNC] {
        let writes = cond(flags_arg, Op::MaskedEq(flag as u64), flag as u64)?;
        match recording {
            None => rules.push(rule(vec![writes])?),
            Some(dir) => {
                let create = crate::record::writer::CREATE_FLAGS as u64;
                rules.push(rule(vec![writes.clone(), cond(0, Op::Ne, dir as u64)?])?);
                rules.push(rule(vec![writes, cond(flags_arg, Op::Ne, create)?])?);
            }
        }
    }
    Ok(rules)
}

/// unlinkat(dirfd, name, flags): denied unless in the recording directory, of a file.
fn unlinked_outside(dir: RawFd) -> Result<Vec<SeccompRule>, String> {
    Ok(vec![rule(vec![cond(0, Op::Ne, dir as u64)?])?, rule(vec![cond(2, Op::Ne, 0)?])?])
}

/// socket(domain, type, protocol): denied unless netlink SOCK_DIAG or ROUTE, or a unix
/// stream socket made close-on-exec.
fn socket_rules() -> Result<Vec<SeccompRule>, String> {
    let (unix, netlink) = (libc::AF_UNIX as u64, libc::AF_NETLINK as u64);
    let unix_stream = (libc::SOCK_STREAM | libc::SOCK_CLOEXEC) as u64;
    Ok(vec![
        rule(vec![cond(0, Op::Ne, unix)?, cond(0, Op::Ne, netlink)?])?,
        rule(vec![cond(0, Op::Eq, unix)?, cond(1, Op::Ne, unix_stream)?])?,
        rule(vec![
            cond(0, Op::Eq, netlink)?,
            cond(2, Op::Ne, libc::NETLINK_SOCK_DIAG as u64)?,
            cond(2, Op::Ne, libc::NETLINK_ROUTE as u64)?,
        ])?,
    ])
}

/// ioctls that push bytes into a terminal's input, as if typed into root's shell.
fn terminal_injection() -> Result<Vec<SeccompRule>, String> {
    [libc::TIOCSTI, libc::TIOCLINUX].into_iter().map(|request| rule(vec![cond(1, Op::Eq, request)?])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn errno() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    /// What the filter allows and forbids, tried for real: on a thread of its own, since
    /// a filter installed without TSYNC covers only the calling thread (and the test
    /// harness must keep its other threads unfiltered).
    #[test]
    fn after_install_exec_and_writing_fail_with_eperm_and_reading_works() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("written");
        let existing = dir.path().join("existing");
        std::fs::write(&existing, "x").unwrap();
        let program = program().unwrap();
        let (target_c, existing_c) =
            (CString::new(target.to_str().unwrap()).unwrap(), CString::new(existing.to_str().unwrap()).unwrap());
        let results = std::thread::spawn(move || {
            assert!(!is_on());
            seccompiler::apply_filter(&program).unwrap();
            let mut r = Vec::new();
            // SAFETY: plain syscalls with valid C strings and null-terminated arrays.
            unsafe {
                // Arguments that would fail harmlessly (ENOENT, ESRCH, EBADF, EINVAL) if
                // the filter let the call through, rather than run, trace or unmount.
                let nowhere = c"/nonexistent/ctop-sandbox-test";
                let argv = [nowhere.as_ptr(), std::ptr::null()];
                let envp = [std::ptr::null()];
                r.push(("execve", libc::execve(nowhere.as_ptr(), argv.as_ptr(), envp.as_ptr()), errno()));
                let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC;
                r.push(("open O_WRONLY|O_CREAT", libc::open(target_c.as_ptr(), flags, 0o600), errno()));
                r.push(("open O_WRONLY", libc::open(existing_c.as_ptr(), libc::O_WRONLY), errno()));
                r.push(("open O_RDWR", libc::open(existing_c.as_ptr(), libc::O_RDWR), errno()));
                r.push((
                    "open O_RDONLY|O_TRUNC",
                    libc::open(existing_c.as_ptr(), libc::O_RDONLY | libc::O_TRUNC),
                    errno(),
                ));
                r.push(("unlink", libc::unlink(existing_c.as_ptr()), errno()));
                r.push(("socket AF_INET", libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0), errno()));
                r.push(("socket AF_UNIX dgram", libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0), errno()));
                let route = libc::NETLINK_XFRM;
                r.push(("socket netlink XFRM", libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, route), errno()));
                r.push(("ptrace", libc::ptrace(libc::PTRACE_ATTACH, 0, 0, 0) as i32, errno()));
                r.push(("ioctl TIOCSTI", libc::ioctl(-1, libc::TIOCSTI, c"x".as_ptr()), errno()));
                r.push(("umount2", libc::umount2(nowhere.as_ptr(), libc::MNT_DETACH), errno()));
                // Allowed: reading, and the sockets ctop makes.
                let read = libc::open(c"/proc/self/status".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
                r.push(("open O_RDONLY", read.min(0), 0));
                let diag =
                    libc::socket(libc::AF_NETLINK, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, libc::NETLINK_SOCK_DIAG);
                r.push(("socket netlink SOCK_DIAG", diag.min(0), 0));
                let unix = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
                r.push(("socket unix stream", unix.min(0), 0));
                for fd in [read, diag, unix] {
                    libc::close(fd);
                }
            }
            r.push(("PR_GET_SECCOMP", if is_on() { 0 } else { -1 }, 0));
            r
        })
        .join()
        .unwrap();
        for (call, ret, errno) in &results {
            let expected = if ["open O_RDONLY", "socket netlink SOCK_DIAG", "socket unix stream", "PR_GET_SECCOMP"]
                .contains(call)
            {
                (0, 0)
            } else {
                (-1, libc::EPERM)
            };
            assert_eq!((*ret, *errno), expected, "{call}: {results:?}");
        }
        assert!(!target.exists(), "the file was created");
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "x");
        // This thread was never filtered.
        assert!(!is_on());
    }
}
