//! Per-process disk I/O against the kernel's own counters: a `dd` writing with O_DIRECT
//! to an ext4 image on a loop device this test makes (tmpfs would not do: its pages are
//! never written back, so the kernel counts no `write_bytes` for them). The scanner's
//! write rate for dd's pid must lie within what `/proc/PID/io` read around the two
//! scans allows; and as an unprivileged user, other users' processes have their I/O
//! unknown (JSON `null`), never 0. Needs root, losetup, mkfs.ext4 and dd; skips with a
//! note otherwise.

mod disks_support;

use ctop::collect::procs::ProcessScanner;
use ctop::source::Source;
use disks_support::{LoopDevice, Mounted, have, is_root, run, skip};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child killed and reaped however the test ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `write_bytes` of `/proc/PID/io`, and when it was read.
fn written(pid: u32) -> (u64, Instant) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("dd is still writing");
    let at = Instant::now();
    let line = text.lines().find_map(|l| l.strip_prefix("write_bytes: ")).expect("a write_bytes line");
    (line.trim().parse().unwrap(), at)
}

fn ready() -> bool {
    if !is_root() {
        skip("procs_io_live: needs root to make a loop device and to read every /proc/PID/io");
        return false;
    }
    for tool in ["losetup", "mkfs.ext4", "dd", "mount"] {
        if !have(tool) {
            skip(&format!("procs_io_live: {tool} is not installed"));
            return false;
        }
    }
    true
}

#[test]
fn a_writers_rate_agrees_with_its_proc_io_counters() {
    if !ready() {
        return;
    }
    let device = LoopDevice::new("procio", 1024).expect("losetup -f --show on an image file");
    run("mkfs.ext4", &["-q", "-F", device.device.to_str().unwrap()]).expect("mkfs.ext4");
    let mounted = Mounted::device(&device.device).expect("mounting the ext4 image");
    // Each write waited for (dsync): ~58 MB/s here, so 750 MB keeps it writing for
    // ~13 s, past the end of the test. With O_DIRECT alone a quiet machine wrote it all in
    // ~1 s, and dd had ended before the `--json` run below looked for it.
    let dd = Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}/f", mounted.path()), "bs=64k", "count=12000", "oflag=direct,dsync"])
        .stderr(Stdio::null())
        .spawn()
        .expect("dd");
    let dd = Killed(dd);
    let pid = dd.0.id();
    // A generous deadline for a loaded machine (the first write takes milliseconds).
    let give_up = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(format!("/proc/{pid}/io")).map_or(true, |t| t.contains("\nwrite_bytes: 0\n")) {
        assert!(Instant::now() < give_up, "dd wrote nothing in 20 s");
        std::thread::sleep(Duration::from_millis(10));
    }

    let mut scanner = ProcessScanner::new(Source::live());
    let before_first = written(pid);
    scanner.scan();
    let after_first = written(pid);
    std::thread::sleep(Duration::from_millis(700));
    let before_second = written(pid);
    let processes = scanner.scan();
    let after_second = written(pid);

    let row = processes.list.iter().find(|p| p.pid == pid).expect("dd is in the table");
    let io = row.io.expect("root reads every /proc/PID/io");
    // The scanner read dd's counters at some moment inside each scan: the bytes between
    // its two readings and the time between them are bracketed by the readings here.
    let seconds = |from: Instant, to: Instant| to.duration_since(from).as_secs_f64();
    let lowest = (before_second.0 - after_first.0) as f64 / seconds(before_first.1, after_second.1);
    let highest = (after_second.0 - before_first.0) as f64 / seconds(after_first.1, before_second.1);
    let rate = f64::from(io.write_bytes_per_s);
    eprintln!("dd {pid}: ctop {rate:.0} B/s, /proc/{pid}/io allows {lowest:.0}..{highest:.0}");
    assert!(lowest > 1e6, "dd was writing over a megabyte a second: {lowest:.0} B/s");
    // 1 % for f32 rounding and the microseconds between a read and its timestamp.
    assert!(rate >= lowest * 0.99 && rate <= highest * 1.01, "ctop {rate:.0} B/s outside {lowest:.0}..{highest:.0}");
    assert_eq!(io.read_bytes_per_s, 0.0, "dd reads /dev/zero, which is no disk");

    // The whole binary: --json names dd among the processes doing I/O.
    let out = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "500"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let top_io = json["processes"]["top_io"].as_array().expect("processes.top_io");
    let dd_row = top_io.iter().find(|r| r["pid"].as_u64() == Some(u64::from(pid)));
    let dd_row = dd_row.unwrap_or_else(|| panic!("dd {pid} is not in top_io: {top_io:?}"));
    assert!(dd_row["io_write_bytes_per_s"].as_f64().is_some_and(|w| w > 1e6), "{dd_row}");
    drop(dd);
    drop(mounted);
}

#[test]
fn an_unprivileged_user_sees_other_users_io_as_unknown_never_zero() {
    if !ready() {
        return;
    }
    // nobody (65534) may read its own /proc/PID/io, not root's.
    let out = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(["--json", "--sample-ms", "200"])
        .uid(65534)
        .gid(65534)
        .output()
        .expect("ctop as nobody");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<&serde_json::Value> = ["top_cpu", "top_memory"]
        .iter()
        .flat_map(|list| json["processes"][list].as_array().expect("process rows").iter())
        .collect();
    let roots: Vec<_> = rows.iter().filter(|r| r["user"] == "root").collect();
    assert!(!roots.is_empty(), "root runs some of the top processes (this test, cargo)");
    for row in roots {
        assert!(row["io_read_bytes_per_s"].is_null() && row["io_write_bytes_per_s"].is_null(), "{row}");
    }
}
