//! `/proc/[pid]/[file]` paths under the source root, built in one reused buffer so the
//! scan allocates no path per process.

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

pub(super) struct PidPaths {
    proc_dir: PathBuf,
    buf: Vec<u8>,
}

impl PidPaths {
    pub fn new(proc_dir: PathBuf) -> Self {
        Self { proc_dir, buf: Vec::new() }
    }

    pub fn proc_dir(&self) -> &Path {
        &self.proc_dir
    }

    pub fn file(&mut self, pid: u32, name: &str) -> &Path {
        self.buf.clear();
        self.buf.extend_from_slice(self.proc_dir.as_os_str().as_bytes());
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "/{pid}/{name}");
        Path::new(OsStr::from_bytes(&self.buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_paths_under_the_root() {
        let mut paths = PidPaths::new(PathBuf::from("/tmp/root/proc"));
        assert_eq!(paths.file(42, "stat"), Path::new("/tmp/root/proc/42/stat"));
        assert_eq!(paths.file(7, "cmdline"), Path::new("/tmp/root/proc/7/cmdline"));
    }
}
