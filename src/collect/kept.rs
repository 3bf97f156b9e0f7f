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
//! Some files answer every read with an error (`speed` of the loopback: EINVAL): the
//! same error a fresh descriptor gave is taken as that answer, without reopening.
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
    /// The error the last freshly opened descriptor read: the file's own answer.
    fresh_error: Option<i32>,
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

    pub(super) fn counted_by(path: PathBuf, descriptors: &'static Descriptors) -> Self {
        Self { path, file: None, regenerates: None, fresh_error: None, buf: Vec::new(), len: 0, descriptors }
    }

    /// Whether a descriptor is open now.
    pub fn is_kept(&self) -> bool {
        self.file.is_some()
    }

    /// Closes the kept descriptor, if any, giving it back to its budget: for a file
    /// that will not be read again for a while. The next reading opens it again.
    pub(super) fn close(&mut self) {
        self.file = None;
    }

    /// The whole file as it is now; `None` where it is missing or unreadable.
    pub fn read(&mut self) -> Option<&[u8]> {
        if let Some(kept) = &self.file {
            if self.regenerates == Some(true) || still_linked(&kept.file) {
                match read_whole(&kept.file, &mut self.buf, &mut self.len) {
                    Ok(()) => return Some(&self.buf[..self.len]),
                    Err(e) if e.raw_os_error().is_some() && e.raw_os_error() == self.fresh_error => return None,
                    Err(_) => {}
                }
            }
            // Gone (its interface or cgroup removed), replaced, or failing: open it again.
            self.file = None;
        }
        let file = File::open(&self.path).ok()?;
        let read = read_whole(&file, &mut self.buf, &mut self.len);
        self.regenerates.get_or_insert_with(|| regenerates_on_read(&file));
        self.fresh_error = read.as_ref().err().and_then(io::Error::raw_os_error);
        self.file = self.descriptors.keep(file);
        read.ok()?;
        Some(&self.buf[..self.len])
    }

    /// The file as text; `None` where it is missing, unreadable or not UTF-8.
    pub fn read_text(&mut self) -> Option<&str> {
        std::str::from_utf8(self.read()?).ok()
    }

    /// As [`KeptReader::read_text`], but opened, read and closed, giving back any
    /// descriptor kept: for a file read too rarely to hold one of the budget.
    pub(super) fn read_text_once(&mut self) -> Option<&str> {
        self.file = None;
        let file = File::open(&self.path).ok()?;
        read_whole(&file, &mut self.buf, &mut self.len).ok()?;
        std::str::from_utf8(&self.buf[..self.len]).ok()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};

    fn text(reader: &mut KeptReader) -> Option<String> {
        reader.read_text().map(str::to_string)
    }

    /// A budget of its own, so that the counts below are this test's alone.
    fn budget(n: usize) -> &'static Descriptors {
        Box::leak(Box::new(Descriptors::new(n)))
    }

    /// A reader with room for its descriptor whatever other tests keep.
    fn reader(path: impl Into<PathBuf>) -> KeptReader {
        KeptReader::counted_by(path.into(), budget(1))
    }

    #[test]
    fn a_file_rewritten_in_place_reads_its_new_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("value");
        std::fs::write(&path, "first\n").unwrap();
        let mut reader = reader(&path);
        assert_eq!(reader.read_trimmed(), Some("first"));
        assert!(reader.is_kept());
        std::fs::write(&path, "second, longer\n").unwrap();
        assert_eq!(reader.read_trimmed(), Some("second, longer"));
        std::fs::write(&path, "3").unwrap();
        assert_eq!(reader.read_trimmed(), Some("3"), "a shorter content leaves nothing of the longer one");
        std::fs::write(&path, "  \n").unwrap();
        assert_eq!(reader.read_trimmed(), None, "empty is unknown");
        assert_eq!(text(&mut reader).as_deref(), Some("  \n"));
    }

    #[test]
    fn a_removed_file_reads_as_none_and_comes_back_when_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("value");
        let mut reader = reader(&path);
        assert_eq!(reader.read(), None, "not there yet");
        std::fs::write(&path, "1").unwrap();
        assert_eq!(text(&mut reader).as_deref(), Some("1"));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(reader.read(), None);
        assert!(!reader.is_kept(), "the descriptor of a removed file is closed");
        std::fs::write(&path, "2").unwrap();
        assert_eq!(text(&mut reader).as_deref(), Some("2"));
        assert!(reader.is_kept());
    }

    #[test]
    fn a_file_replaced_by_rename_is_read_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("value");
        std::fs::write(&path, "old").unwrap();
        let mut reader = reader(&path);
        assert_eq!(text(&mut reader).as_deref(), Some("old"));
        std::fs::write(dir.path().join("value.new"), "new").unwrap();
        std::fs::rename(dir.path().join("value.new"), &path).unwrap();
        assert_eq!(text(&mut reader).as_deref(), Some("new"));
    }

    #[test]
    fn content_larger_than_the_buffer_is_read_whole_and_the_buffer_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let content: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let mut reader = reader(path);
        assert_eq!(reader.read(), Some(&content[..]));
        let buffer = reader.buf.as_ptr();
        assert_eq!(reader.read(), Some(&content[..]));
        assert_eq!(reader.buf.as_ptr(), buffer, "no new buffer for a content that fits");
    }

    /// A process that stays asleep (once it runs `sleep`), so that its /proc files do
    /// not change.
    fn sleeper() -> Child {
        let child = Command::new("sleep").arg("30").stdin(Stdio::null()).spawn().expect("starting sleep");
        let comm = format!("/proc/{}/comm", child.id());
        for _ in 0..500 {
            if std::fs::read_to_string(&comm).is_ok_and(|c| c.trim() == "sleep") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child
    }

    /// The one-letter state of a process, from /proc/PID/stat.
    fn state(pid: u32) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(") ")?.1.chars().next()
    }

    /// A [`sleeper`] past its start-up (asleep in nanosleep, the loader done mapping
    /// libraries) and then stopped: its memory map cannot change under a test.
    fn stopped_sleeper() -> Child {
        let child = sleeper();
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        let wait_for = |wanted: char| {
            // Liveness only: a starting `sleep` gets there in milliseconds.
            for _ in 0..2000 {
                if state(child.id()) == Some(wanted) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            panic!("sleep {} never reached state {wanted}", child.id());
        };
        wait_for('S');
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGSTOP).unwrap();
        wait_for('T');
        child
    }

    #[test]
    fn a_seq_file_of_many_pages_is_read_to_its_end() {
        // smaps hands out about a page per read: a short read is not its end.
        let mut child = stopped_sleeper();
        let path = PathBuf::from(format!("/proc/{}/smaps", child.id()));
        let mut reader = reader(&path);
        let kept = reader.read().map(<[u8]>::to_vec);
        let opened = std::fs::read(&path).ok();
        let again = reader.read().map(<[u8]>::to_vec);
        let _ = child.kill();
        let _ = child.wait();
        let kept = kept.expect("smaps of a child is readable");
        assert!(kept.len() > 4096, "{} bytes: not a multi-page file", kept.len());
        assert_eq!(Some(&kept), opened.as_ref());
        assert_eq!(Some(&kept), again.as_ref(), "read again at offset 0: the same content");
    }

    #[test]
    fn a_proc_file_read_again_through_its_descriptor_shows_the_change() {
        // This test's own thread: its name is set through prctl, seen in comm.
        let mut reader = reader(format!("/proc/self/task/{}/comm", nix::unistd::gettid()));
        let name = |n: &std::ffi::CStr| nix::sys::prctl::set_name(n).unwrap();
        name(c"ctop-kept-a");
        assert_eq!(reader.read_trimmed(), Some("ctop-kept-a"));
        assert!(reader.is_kept());
        assert_eq!(reader.regenerates, Some(true), "procfs regenerates");
        name(c"ctop-kept-b");
        assert_eq!(reader.read_trimmed(), Some("ctop-kept-b"));
    }

    #[test]
    fn a_process_gone_makes_its_file_unknown() {
        let mut child = sleeper();
        let mut reader = reader(format!("/proc/{}/stat", child.id()));
        assert!(reader.read().is_some());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(reader.read(), None, "ESRCH, then no such file");
        assert!(!reader.is_kept());
    }

    #[test]
    fn the_same_error_a_fresh_descriptor_gave_is_the_file_s_answer() {
        // A directory opens, and answers every read with EISDIR.
        let dir = tempfile::tempdir().unwrap();
        let mut reader = reader(dir.path());
        assert_eq!(reader.read(), None);
        assert_eq!(reader.fresh_error, Some(libc::EISDIR));
        assert!(reader.is_kept(), "kept: reopening would answer the same");
        assert_eq!(reader.read(), None);
        assert!(reader.is_kept());
    }

    #[test]
    fn descriptors_are_counted_against_the_budget_and_given_back() {
        let dir = tempfile::tempdir().unwrap();
        let descriptors = budget(2);
        let mut readers: Vec<KeptReader> = (0..3)
            .map(|i| {
                let path = dir.path().join(format!("f{i}"));
                std::fs::write(&path, format!("{i}")).unwrap();
                KeptReader::counted_by(path, descriptors)
            })
            .collect();
        for (i, reader) in readers.iter_mut().enumerate() {
            assert_eq!(text(reader), Some(i.to_string()), "read whether kept or not");
        }
        assert_eq!(readers.iter().map(|r| r.is_kept()).collect::<Vec<_>>(), [true, true, false]);
        assert_eq!(descriptors.kept(), 2);
        readers.remove(0);
        assert_eq!(descriptors.kept(), 1, "dropping a reader closes its descriptor");
        readers[1].read();
        assert!(readers[1].is_kept(), "kept once there is room");
        let clone = readers[0].clone();
        assert!(!clone.is_kept(), "a clone opens its own descriptor when it first reads");
        drop(readers);
        assert_eq!(descriptors.kept(), 0);
    }

    /// A cgroup made for the test and removed again, whatever happens.
    struct TestCgroup(PathBuf);

    impl Drop for TestCgroup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir(&self.0);
        }
    }

    /// A cgroup v2 hierarchy this process may create cgroups in, if any.
    fn cgroup2_mount() -> Option<PathBuf> {
        use nix::sys::statfs::{CGROUP2_SUPER_MAGIC, statfs};
        ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| statfs(p).is_ok_and(|fs| fs.filesystem_type() == CGROUP2_SUPER_MAGIC))
    }

    #[test]
    fn a_removed_cgroup_reads_as_none_and_comes_back_when_recreated() {
        let Some(top) = cgroup2_mount().filter(|_| nix::unistd::geteuid().is_root()) else {
            eprintln!("skipped: needs root and a cgroup v2 hierarchy");
            return;
        };
        let cgroup = TestCgroup(top.join(format!("ctop-kept-test-{}", std::process::id())));
        std::fs::create_dir(&cgroup.0).unwrap();
        let mut reader = reader(cgroup.0.join("cgroup.events"));
        assert!(reader.read_text().is_some_and(|t| t.contains("populated 0")));
        assert_eq!(reader.regenerates, Some(true), "cgroupfs regenerates");
        std::fs::remove_dir(&cgroup.0).unwrap();
        assert_eq!(reader.read(), None, "ENODEV, then no such file");
        assert!(!reader.is_kept());
        std::fs::create_dir(&cgroup.0).unwrap();
        assert!(reader.read_text().is_some_and(|t| t.contains("populated 0")));
        assert!(reader.is_kept());
    }
}
