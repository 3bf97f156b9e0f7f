//! A process near its own open-file limit, for real: a child whose soft RLIMIT_NOFILE
//! is lowered to 256 and that holds 230 more descriptors (inherited across its exec)
//! must be named in `--json`'s `near_fd_limit` with its exact count and be a warning in
//! the findings (about 91 %: the default warning is 80, the error 95). Counting another
//! user's descriptors needs root; skips with a note without it.

use ctop::collect::procs::ProcessScanner;
use ctop::source::Source;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

const LIMIT: u64 = 256;
const HELD: i32 = 230;

/// The child, killed and reaped however the test ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn holder() -> Killed {
    let mut command = Command::new("sleep");
    command.arg("600").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    // Between fork and exec only async-signal-safe calls: setrlimit and dup.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: LIMIT, rlim_max: LIMIT };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            for _ in 0..HELD {
                // dup does not set close-on-exec: sleep keeps them all.
                if libc::dup(0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    Killed(command.spawn().expect("sleep with a low descriptor limit"))
}

fn open_descriptors(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count() as u64
}

#[test]
fn a_process_near_its_own_descriptor_limit_is_named_and_warned_about() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("skipped: fd_limits_live: counting another process's descriptors needs root");
        return;
    }
    let child = holder();
    let pid = child.0.id();
    // Wait for the exec: until then /proc/PID is the test's fork, with the test's fds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_to_string(format!("/proc/{pid}/comm")).map_or(true, |c| c.trim() != "sleep") {
        assert!(std::time::Instant::now() < deadline, "sleep did not start in 20 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let open = open_descriptors(pid);
    assert!(open >= HELD as u64, "the child holds its descriptors: {open}");

    // The collector: counted exactly, against the soft limit.
    let processes = ProcessScanner::new(Source::live()).scan();
    let near = processes.near_fd_limit.iter().find(|n| n.pid == pid);
    let near = near.unwrap_or_else(|| panic!("{pid} is not in near_fd_limit: {:?}", processes.near_fd_limit));
    assert_eq!((near.open_files, near.soft_limit, &*near.name), (open, LIMIT, "sleep"));

    // The whole binary: the JSON row and a warning naming it.
    let out = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "200"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["processes"]["near_fd_limit"].as_array().expect("processes.near_fd_limit");
    let row = rows.iter().find(|r| r["pid"].as_u64() == Some(u64::from(pid))).expect("the child's row");
    assert_eq!((row["open_files"].as_u64(), row["soft_limit"].as_u64()), (Some(open), Some(LIMIT)));
    let subject = format!("sleep ({pid})");
    let finding = json["findings"].as_array().unwrap().iter().find(|f| f["subject"] == subject.as_str());
    let finding = finding.unwrap_or_else(|| panic!("no finding about {subject}: {}", json["findings"]));
    assert_eq!(finding["severity"], "warning", "{finding}");
    assert!(finding["message"].as_str().unwrap().contains(&format!("of its own limit {LIMIT}")), "{finding}");
    drop(child);
}
