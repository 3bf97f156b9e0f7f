//! What the live filesystem tests share: running the standard tools (with a time
//! limit, since `df` itself hangs on a dead mount), root checks, and mounts that
//! undo themselves.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub fn is_root() -> bool {
    nix::unistd::Uid::effective().is_root()
}

pub fn skip(why: &str) {
    eprintln!("skipped: {why}");
}

/// Tests that mount, fill and compare run one at a time, so that one test's tmpfs
/// does not change under another's comparison with df.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a program is on the PATH.
pub fn have(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs a program, giving up after 30 s; its stdout when it succeeded, `None` (with
/// the reason printed) otherwise.
pub fn run(program: &str, args: &[&str]) -> Option<String> {
    run_command(Command::new(program).args(args))
}

pub fn run_command(command: &mut Command) -> Option<String> {
    run_command_within(command, Duration::from_secs(30))
}

/// As [`run_command`], giving up after `limit`.
pub fn run_command_within(command: &mut Command, limit: Duration) -> Option<String> {
    let shown = format!("{command:?}");
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().ok()?;
    // Drained while it runs: an output larger than the pipe (a --json of hundreds of
    // cgroups) would otherwise block the child until the deadline.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take()?));
    let stderr = drain(Box::new(child.stderr.take()?));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                eprintln!("{shown} did not finish within {limit:?}");
                return None;
            }
        }
    };
    let (out, err) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    if !status.success() {
        let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
        eprintln!("{shown} failed:\n{}\n{}", out.trim(), err.trim());
        return None;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A mount made by a test, lazily unmounted when dropped (also when the test fails),
/// with the directory that holds it.
pub struct Mounted {
    pub point: PathBuf,
    _dir: tempfile::TempDir,
}

impl Mounted {
    /// `mount -t tmpfs -o OPTIONS ctop-test DIR` on a fresh directory.
    pub fn tmpfs(options: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let point = dir.path().join("mnt");
        std::fs::create_dir(&point).ok()?;
        run("mount", &["-t", "tmpfs", "-o", options, "ctop-test", point.to_str()?])?;
        Some(Self { point, _dir: dir })
    }

    /// `mount DEVICE DIR` on a fresh directory.
    pub fn device(device: &Path) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let point = dir.path().join("mnt");
        std::fs::create_dir(&point).ok()?;
        run("mount", &[device.to_str()?, point.to_str()?])?;
        Some(Self { point, _dir: dir })
    }

    pub fn path(&self) -> &str {
        self.point.to_str().expect("temporary paths are UTF-8")
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        run("umount", &["-l", self.path()]);
    }
}

pub mod hung_fuse;
