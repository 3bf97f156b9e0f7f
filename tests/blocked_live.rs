//! A process stuck in D state, for real: on a FUSE mount whose statfs never answers
//! (fixtures/disks/hung-fuse.py), a process calling statvfs waits interruptibly (S);
//! once it gets a signal it handles, FUSE waits for the answer killably, which the
//! kernel shows as D, as on a hard NFS mount. Two process scans must then list it with
//! its wchan and for how long, and the rule must name it.
//!
//! The mount is made in a private mount namespace (the test re-runs itself there with
//! unshare), so nobody else's `df` meets it. Cleanup, however the test ends: the FUSE
//! daemon is killed, then the stuck process (see `Caller`), then the mount is lazily
//! unmounted (`disks_support::hung_fuse`). Skips with a note when not root or when
//! FUSE, fusepy or fusermount is missing.

mod disks_support;

use ctop::collect::procs::{ProcessScanner, Processes};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::Source;
use disks_support::hung_fuse::{HungMount, cannot_hang_a_mount};
use disks_support::skip;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

/// A generous deadline for things that take well under a second: about 20 times that,
/// so a loaded machine does not fail the test, while a hang still ends it.
const NEVER_HANGS: Duration = Duration::from_secs(20);

/// The process stuck on the mount. SIGKILL alone does not free it: its request has
/// reached the daemon, and FUSE then waits for the answer uninterruptibly (fs/fuse/dev.c
/// `request_wait_answer`). Killing the daemon aborts the connection and ends the wait,
/// so the daemon is killed first, then the caller is reaped.
struct Caller {
    child: Child,
    daemon: u32,
}

impl Drop for Caller {
    fn drop(&mut self) {
        let kill = |pid: u32| {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::SIGKILL);
        };
        kill(self.daemon);
        kill(self.child.id());
        let _ = self.child.wait();
    }
}

/// The state letter of a process, from `/proc/PID/stat`.
fn state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next()).unwrap()
}

fn wait_for_state(pid: u32, wanted: char) {
    let started = Instant::now();
    while state(pid) != wanted {
        assert!(started.elapsed() < NEVER_HANGS, "process {pid} never reached {wanted} (it is {})", state(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[ignore = "run by a_process_blocked_in_d_state_is_named, inside a private mount namespace"]
fn blocked_inner() {
    assert!(std::env::var_os("CTOP_TEST_PRIVATE_MOUNTS").is_some(), "run me through the outer test");
    let mount = HungMount::start();
    // A process that handles SIGUSR1 and asks statvfs of the hung mount.
    let script =
        format!("import os, signal\nsignal.signal(signal.SIGUSR1, lambda *a: None)\nos.statvfs({:?})\n", mount.path());
    let child = Command::new(PYTHON).args(["-c", &script]).stdin(Stdio::null()).spawn().unwrap();
    let caller = Caller { child, daemon: mount.server_pid() };
    let pid = caller.child.id();
    wait_for_state(pid, 'S');
    // Let it reach the FUSE wait, then interrupt it with a signal it handles.
    let started = Instant::now();
    while std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default() != "request_wait_answer" {
        assert!(started.elapsed() < NEVER_HANGS, "statvfs never waited on the FUSE daemon");
        std::thread::sleep(Duration::from_millis(20));
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::SIGUSR1).unwrap();
    wait_for_state(pid, 'D');

    let mut scanner = ProcessScanner::new(Source::live());
    let first = scanner.scan();
    let seen = first.blocked_processes.iter().find(|b| b.pid == pid).expect("listed as blocked at first sight");
    assert_eq!(seen.blocked_seconds, 0.0, "one scan cannot tell for how long");
    std::thread::sleep(Duration::from_millis(1500));
    let second = Arc::new(scanner.scan());
    assert!(second.blocked >= 1);
    let stuck = second.blocked_processes.iter().find(|b| b.pid == pid).expect("still blocked");
    println!("blocked_inner: {stuck:?}");
    assert!(stuck.blocked_seconds >= 1.4, "{stuck:?}");
    assert_eq!(stuck.wchan.as_deref(), Some("request_wait_answer"));
    assert_eq!(&*stuck.name, "python3");

    // Judged on this process alone: on a shared machine another test's hung mount may
    // hold processes in D too.
    let ours = second.blocked_processes.iter().filter(|b| b.pid == pid).cloned().collect();
    let processes = Processes { blocked: 1, blocked_processes: ours, ..Processes::default() };
    let snapshot = Snapshot { processes: Some(Arc::new(processes)), ..Snapshot::default() };
    let findings = health::judge(&snapshot, &Thresholds::default());
    assert_eq!(findings.severity(&Key::Blocked), Severity::Ok, "1.5 s is under the default 5 s");
    let quick = Thresholds { blocked_warning_seconds: 1.0, ..Thresholds::default() };
    let findings = health::judge(&snapshot, &quick);
    let finding = findings.problems.iter().find(|p| p.key == Key::Blocked).expect("a blocked finding");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.subject, "blocked");
    assert!(finding.message.contains(&format!("python3 ({pid}, in request_wait_answer)")), "{}", finding.message);
    assert!(finding.message.contains("D state"), "{}", finding.message);
    drop(caller);
    drop(mount);
}

#[test]
fn a_process_blocked_in_d_state_is_named() {
    if let Some(why) = cannot_hang_a_mount() {
        return skip(&format!("blocked_live: {why}"));
    }
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "blocked_inner", "--ignored", "--nocapture", "--test-threads=1"])
        .env("CTOP_TEST_PRIVATE_MOUNTS", "1");
    // SAFETY: only async-signal-safe syscalls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNS) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let flags = libc::MS_REC | libc::MS_PRIVATE;
            if libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), flags, std::ptr::null()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the inner test failed");
    assert!(text.contains("1 passed"), "the inner test did not run: {text}");
}
