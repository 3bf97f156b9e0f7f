//! Files the fast tier reads every second, kept open between readings and read again
//! with pread(2) at offset 0.
//!
//! A `/proc` seq_file, a sysfs attribute and a cgroup file make their content afresh on
//! a read at offset 0, so one descriptor serves for as long as ctop runs, and a tick
//! costs a pread instead of an open, a read and a close. Per reading on the
//! development VM (2 vCPUs, kernel 6.18), in µs, open + read + close against a pread
//! on a kept descriptor (C loop, 20,000 readings; reading on to the end of the file,
//! one more pread that returns 0, adds 0.2 µs):
//!
//! | file | open + read + close | kept |
//! |---|---|---|
//! | `/proc/meminfo` | 4.1 | 2.3 |
//! | `/proc/stat` | 4.8 | 3.1 |
//! | `/proc/loadavg`, `/proc/uptime` | 2.0 | 0.7 |
//! | `/proc/net/dev` | 7.3 | 3.1 |
//! | `/proc/pressure/cpu` | 2.6 | 1.1 |
//! | `/sys/class/net/eth0/operstate` | 3.8 | 0.6 |
//! | a cgroup v1 `memory.limit_in_bytes` | 2.6 | 0.6 |
//!
//! (a Python loop gave the same picture: 6.5/3.7 µs for meminfo, 6.9/1.0 for sysfs
//! attributes, 5.0/0.9 for cgroup files). A read error on a kept descriptor (ENODEV once
//! its interface or cgroup is gone) drops it and opens the path again, once; a file
//! that cannot be opened reads as `None`, and is looked for again at the next reading.
//!
//! A file on a disk (a fixture tree or an image under `--root`) does not change by
//! itself, and may be replaced rather than rewritten: its kept descriptor is checked
//! to still be linked before each reading.
//!
//! Descriptors are counted against [`KEPT_BY_COLLECTORS`], out of the descriptors
//! the process scanner leaves to the rest of ctop; past it a file is opened, read and
//! closed each time, as without keeping.

use super::descriptors::{self, Descriptors, KeptFile};
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::PathBuf;
use std::sync::LazyLock;

/// How many descriptors kept readers may hold in all: the fast tier's fixed files
/// (about 16) and six per network interface for the first few dozen interfaces.
const KEPT_BY_COLLECTORS: usize = 160;
const _: () = assert!((KEPT_BY_COLLECTORS as u64) < descriptors::LEFT_FOR_OTHERS);

static DESCRIPTORS: LazyLock<Descriptors> = LazyLock::new(|| Descriptors::new(KEPT_BY_COLLECTORS));

/// What the first reading allocates; the buffer then grows to the largest content seen.
const FIRST_BUFFER: usize = 128;

/// One file read again and again through a descriptor kept open.
pub(super) struct KeptReader {
    path: PathBuf,
    file: Option<KeptFile>,
    /// Whether the file is on procfs, sysfs or cgroupfs, where a read regenerates the
    /// content; known from the first opening.
    regenerates: Option<bool>,
    /// Reused by every reading: its length is its capacity, `len` bytes are the content.
    buf: Vec<u8>,
    len: usize,
    descriptors: &'static Descriptors,
}

impl KeptReader {
    /// A reader of `path` (an absolute path, already under the source's root). Nothing
    /// is opened until the first reading.
    pub fn new(path: PathBuf) -> Self {
        Self::counted_by(path, &DESCRIPTORS)
    }

    fn counted_by(path: PathBuf, descriptors: &'static Descriptors) -> Self {
        Self { path, file: None, regenerates: None, buf: Vec::new(), len: 0, descriptors }
    }

    /// Whether a descriptor is open now.
    pub fn is_kept(&self) -> bool {
        self.file.is_some()
    }

    /// The whole file as it is now; `None` where it is missing or unreadable.
    pub fn read(&mut self) -> Option<&[u8]> {
        if let Some(kept) = &self.file {
            let current = self.regenerates == Some(true) || still_linked(&kept.file);
            if current && read_whole(&kept.file, &mut self.buf, &mut self.len).is_ok() {
                return Some(&self.buf[..self.len]);
            }
            // Gone (its interface or cgroup removed), replaced, or failing: open it again.
            self.file = None;
        }
        let file = File::open(&self.path).ok()?;
        let read = read_whole(&file, &mut self.buf, &mut self.len);
        self.regenerates.get_or_insert_with(|| regenerates_on_read(&file));
        self.file = self.descriptors.keep(file);
        read.ok()?;
        Some(&self.buf[..self.len])
    }

    /// The file as text; `None` where it is missing, unreadable or not UTF-8.
    pub fn read_text(&mut self) -> Option<&str> {
        std::str::from_utf8(self.read()?).ok()
    }

    /// The file without surrounding white space; `None` where it is missing, unreadable,
    /// not UTF-8 or empty, as [`crate::source::Source::read_trimmed`].
    pub fn read_trimmed(&mut self) -> Option<&str> {
        let text = self.read_text()?.trim();
        (!text.is_empty()).then_some(text)
    }
}

/// A clone reads the same file through a descriptor of its own.
impl Clone for KeptReader {
    fn clone(&self) -> Self {
        Self::counted_by(self.path.clone(), self.descriptors)
    }
}

impl std::fmt::Debug for KeptReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptReader").field("path", &self.path).field("kept", &self.is_kept()).finish()
    }
}

/// Reads `file` from offset 0 to its end into `buf`, growing it when the content does
/// not fit. A short read is not the end: a seq_file with many records (`/proc/vmstat`,
/// `/proc/net/dev`) hands out a page per read, so only a read of 0 bytes ends.
fn read_whole(file: &File, buf: &mut Vec<u8>, len: &mut usize) -> io::Result<()> {
    *len = 0;
    loop {
        if *len == buf.len() {
            buf.resize((buf.len() * 2).max(FIRST_BUFFER), 0);
        }
        match file.read_at(&mut buf[*len..], *len as u64) {
            Ok(0) => return Ok(()),
            Ok(n) => *len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Whether `file` is on a filesystem whose files the kernel writes on each read.
fn regenerates_on_read(file: &File) -> bool {
    use nix::sys::statfs::{CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, PROC_SUPER_MAGIC, SYSFS_MAGIC, fstatfs};
    fstatfs(file).is_ok_and(|fs| {
        [PROC_SUPER_MAGIC, SYSFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC].contains(&fs.filesystem_type())
    })
}

/// Whether a file on a disk still has a name: once removed or replaced, the kept
/// descriptor would read the old content for ever.
fn still_linked(file: &File) -> bool {
    file.metadata().is_ok_and(|m| m.nlink() > 0)
}
