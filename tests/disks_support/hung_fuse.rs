//! A FUSE mount whose statfs never answers (fixtures/disks/hung-fuse.py), made only
//! inside a private mount namespace (see `tests/namespace_support`) so that nobody
//! else's `df` meets it.

use super::{have, run};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

/// `fusermount3` (fuse3) or `fusermount` (fuse 2).
pub fn fusermount() -> Option<&'static str> {
    ["fusermount3", "fusermount"].into_iter().find(|p| have(p))
}

/// Why a hung FUSE mount cannot be made here (printed as the skip reason), if so.
pub fn cannot_hang_a_mount() -> Option<&'static str> {
    if !super::is_root() {
        return Some("needs root to mount FUSE in a private mount namespace");
    }
    if !Path::new("/dev/fuse").exists() || fusermount().is_none() {
        return Some("needs /dev/fuse and fusermount (Debian: fuse3)");
    }
    if run(PYTHON, &["-c", "import fusepy"]).is_none() && run(PYTHON, &["-c", "import fuse"]).is_none() {
        return Some("needs fusepy for /usr/bin/python3 (Debian: python3-fusepy)");
    }
    None
}

/// The hung FUSE mount and its server process; unmounted and stopped when dropped,
/// which also releases the statvfs calls stuck on it.
pub struct HungMount {
    pub point: PathBuf,
    server: Child,
    _dir: tempfile::TempDir,
}

impl HungMount {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let point = dir.path().join("hung");
        std::fs::create_dir(&point).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/disks/hung-fuse.py");
        let mut command = Command::new(PYTHON);
        command.arg(script).arg(&point).stdin(Stdio::null());
        // SAFETY: prctl is async-signal-safe; the server must not outlive this test.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let server = command.spawn().expect("start hung-fuse.py");
        let mount = Self { point, server, _dir: dir };
        // Wait for it in the mount table (reading the table does not touch the mount).
        let wanted = format!(" {} ", mount.point.display());
        let started = Instant::now();
        while !std::fs::read_to_string("/proc/self/mountinfo").unwrap().contains(&wanted) {
            assert!(started.elapsed() < Duration::from_secs(20), "hung-fuse.py did not mount {}", mount.path());
            std::thread::sleep(Duration::from_millis(50));
        }
        mount
    }

    pub fn path(&self) -> &str {
        self.point.to_str().unwrap()
    }

    /// The FUSE daemon: killing it aborts the connection and ends every wait on it.
    pub fn server_pid(&self) -> u32 {
        self.server.id()
    }
}

impl Drop for HungMount {
    fn drop(&mut self) {
        if let Some(fusermount) = fusermount() {
            run(fusermount, &["-u", "-z", self.path()]);
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
