//! Running one test of a test binary again inside new namespaces (mount, network), so
//! that the mounts and interfaces it makes are seen by the ctop it starts and by no
//! other test running meanwhile, and vanish with the namespace however the test ends.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the environment of the test run inside the namespaces.
pub const INSIDE_ENV: &str = "CTOP_TEST_INSIDE_NAMESPACES";

pub fn inside() -> bool {
    std::env::var_os(INSIDE_ENV).is_some()
}

/// Runs the ignored test `inner` of this test binary in new namespaces (`flags`:
/// `CLONE_NEWNS` and/or `CLONE_NEWNET`; mounts are made private) and returns its output
/// once it passed; panics with its output when it failed or ran past `limit`.
pub fn run_inner(inner: &str, flags: libc::c_int, limit: Duration) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", inner, "--ignored", "--nocapture", "--test-threads=1"]).env(INSIDE_ENV, "1");
    // SAFETY: only async-signal-safe syscalls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::unshare(flags) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let private = libc::MS_REC | libc::MS_PRIVATE;
            if flags & libc::CLONE_NEWNS != 0
                && libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), private, std::ptr::null()) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && text.contains("1 passed"), "{inner} in its namespaces:\n{text}");
    text
}
