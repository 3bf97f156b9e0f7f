//! No orphans: however many times ctop runs beside a hung mount, the machine holds at
//! most one stuck statvfs child for it, named `ctop-statfs`, and none once the mount
//! answers. For real, with a FUSE mount whose statfs never answers, in a private mount
//! namespace (the test re-runs itself there). Before this, each `ctop --once` left a
//! child behind named exactly like its parent, for ever.

mod disks_support;
mod namespace_support;

use disks_support::hung_fuse::{HungMount, cannot_hang_a_mount};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A process running ctop's binary in this mount namespace: its comm and command line.
#[derive(Debug)]
struct CtopProcess {
    comm: String,
    cmdline: String,
}

/// Every process of ctop's binary in this test's (private) mount namespace: whatever
/// is left of the ctops this test ran. Tests elsewhere run ctop in other namespaces.
fn ctop_processes() -> Vec<CtopProcess> {
    let binary = Path::new(env!("CARGO_BIN_EXE_ctop")).canonicalize().unwrap();
    let namespace = std::fs::read_link("/proc/self/ns/mnt").unwrap();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if !entry.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let dir = entry.path();
        let same = |link: &str, wanted: &Path| std::fs::read_link(dir.join(link)).is_ok_and(|l| l == wanted);
        if !same("exe", &binary) || !same("ns/mnt", &namespace) {
            continue;
        }
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default().trim().to_string();
        let cmdline = String::from_utf8_lossy(&std::fs::read(dir.join("cmdline")).unwrap_or_default())
            .trim_end_matches('\0')
            .replace('\0', " ");
        found.push(CtopProcess { comm, cmdline });
    }
    found
}

/// `ctop --once`, which must finish (20 s: twenty times its one-second deadline, so
/// only a hang fails it) and name the mount not responding.
fn ctop_once(mount: &HungMount) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--once", "--sample-ms", "100"]).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(20), "ctop --once hung");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let name = Path::new(mount.path()).file_name().unwrap().to_str().unwrap();
    assert!(
        text.lines().any(|l| l.contains(name) && l.contains("NOT RESPONDING")),
        "the hung mount is reported:\n{text}"
    );
}

#[test]
#[ignore = "run inside a private mount namespace by five_runs_leave_at_most_one_stuck_child"]
fn orphans_inner() {
    assert!(namespace_support::inside(), "run me through the outer test");
    assert!(ctop_processes().is_empty(), "no ctop here yet: {:?}", ctop_processes());
    let mount = HungMount::start();
    let mut counts = Vec::new();
    for _ in 0..5 {
        ctop_once(&mount);
        let left = ctop_processes();
        counts.push(left.len());
        assert!(left.len() <= 1, "after {} runs: {left:#?}", counts.len());
        for process in &left {
            assert_eq!(process.comm, "ctop-statfs", "{process:?}");
            // ctop's own command line here (the test binary's long path) has room for it all.
            assert_eq!(process.cmdline, format!("ctop-statfs {}", mount.path()), "{process:?}");
        }
    }
    println!("orphans_inner: ctop processes left after each of 5 runs: {counts:?}");
    let left = ctop_processes();
    println!("orphans_inner: left: {left:?}");

    // The mount goes away (the server dies, the mount is detached): the stuck child gets
    // its answer and goes too. 10 s, many times what that takes, so only a leak fails it.
    drop(mount);
    let started = Instant::now();
    while !ctop_processes().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "still there: {:?}", ctop_processes());
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("orphans_inner: none left once the mount was gone");
}

#[test]
fn five_runs_leave_at_most_one_stuck_child() {
    if let Some(why) = cannot_hang_a_mount() {
        return disks_support::skip(why);
    }
    let output = namespace_support::run_inner("orphans_inner", libc::CLONE_NEWNS, Duration::from_secs(120));
    assert!(output.contains("orphans_inner: none left"), "{output}");
    for line in output.lines().filter(|l| l.contains("orphans_inner:")) {
        eprintln!("{line}");
    }
}
