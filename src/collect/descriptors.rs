//! Descriptors kept open between readings, and how many may be: the process scanner's
//! on `/proc/[pid]/schedstat` or `stat`, and the fast tier's (see `kept`).
//!
//! Reading through a kept descriptor (pread at offset 0) costs a third of opening the
//! file again on every scan, and the descriptor stays bound to its process: once that
//! process is gone, reads fail (ESRCH) even if the pid is reused, so a new process is
//! never mistaken for the old one. Each one costs a descriptor slot, so ctop raises its
//! soft RLIMIT_NOFILE to the hard limit once, leaves [`LEFT_FOR_OTHERS`] for the other
//! collectors, and past that budget reads the remaining processes by opening their stat
//! each time. The fast tier keeps its own files out of [`LEFT_FOR_OTHERS`], with a
//! budget of its own.

use nix::sys::resource::{Resource, getrlimit, setrlimit};
use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Descriptors left for the rest of ctop (disk, network and port collectors open files
/// while the process table holds its own).
pub(super) const LEFT_FOR_OTHERS: u64 = 256;

/// The most descriptors the cgroup walk keeps (about 15 files a cgroup on a hybrid host).
const KEPT_FOR_CGROUPS: u64 = 2048;

/// The soft limit, raised to the hard one the first time this is asked.
fn soft_limit() -> u64 {
    static SOFT_LIMIT: OnceLock<u64> = OnceLock::new();
    *SOFT_LIMIT.get_or_init(raise_open_file_limit)
}

/// How many descriptors the cgroup walk may keep: [`KEPT_FOR_CGROUPS`], or a quarter of
/// what the process scanner would otherwise have under a low limit.
pub(super) fn cgroup_budget() -> usize {
    let spare = soft_limit().saturating_sub(LEFT_FOR_OTHERS);
    usize::try_from(KEPT_FOR_CGROUPS.min(spare / 4)).unwrap_or(0)
}

/// How many descriptors the scanner may keep: the soft limit less what the rest of
/// ctop needs and what the cgroup walk may keep.
pub(super) fn default_budget() -> usize {
    let left = soft_limit().saturating_sub(LEFT_FOR_OTHERS) - cgroup_budget() as u64;
    usize::try_from(left).unwrap_or(usize::MAX)
}

fn raise_open_file_limit() -> u64 {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else { return 0 };
    // A hard limit above the kernel's nr_open (or "unlimited") is refused: keep the soft one.
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() { hard } else { soft }
}

/// Whether an open failed because this process (EMFILE) or the system (ENFILE) is out
/// of descriptors, rather than because the process is gone.
pub(super) fn out_of_descriptors(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

/// Hands out [`KeptFile`]s up to a budget that shrinks when descriptors run out.
pub(super) struct Descriptors {
    budget: usize,
    keeping: bool,
    kept: Arc<AtomicUsize>,
}

impl Descriptors {
    pub fn new(budget: usize) -> Self {
        Self { budget, keeping: true, kept: Arc::new(AtomicUsize::new(0)) }
    }

    pub fn kept(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }

    pub fn has_room(&self) -> bool {
        self.keeping && self.kept() < self.budget
    }

    /// Turns keeping on or off; true when it was just turned off, and the kept files
    /// should be dropped.
    pub fn set_keeping(&mut self, keeping: bool) -> bool {
        let turned_off = self.keeping && !keeping;
        self.keeping = keeping;
        turned_off
    }

    /// Keeps `file` when the budget allows; otherwise it is closed when dropped.
    pub fn keep(&self, file: File) -> Option<KeptFile> {
        self.has_room().then(|| {
            self.kept.fetch_add(1, Ordering::Relaxed);
            KeptFile { file, kept: Arc::clone(&self.kept) }
        })
    }

    /// After EMFILE/ENFILE: from now on keep a quarter fewer than are kept now. The
    /// caller drops kept files until [`Self::over_budget`] is false.
    pub fn shrink(&mut self) {
        self.budget = self.kept() * 3 / 4;
    }

    pub fn over_budget(&self) -> bool {
        self.kept() > self.budget
    }
}

/// An open file, counted against its budget until dropped.
#[derive(Debug)]
pub(super) struct KeptFile {
    pub file: File,
    kept: Arc<AtomicUsize>,
}

impl Drop for KeptFile {
    fn drop(&mut self) {
        self.kept.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_up_to_the_budget_and_counts_them_back_when_dropped() {
        let open = || File::open("/dev/null").unwrap();
        let mut descriptors = Descriptors::new(2);
        let a = descriptors.keep(open()).unwrap();
        let b = descriptors.keep(open()).unwrap();
        assert!(descriptors.keep(open()).is_none());
        drop(a);
        assert_eq!(descriptors.kept(), 1);
        let _c = descriptors.keep(open()).unwrap();
        descriptors.shrink();
        assert!(descriptors.over_budget());
        drop(b);
        assert!(!descriptors.over_budget());
    }

    #[test]
    fn nothing_is_kept_while_keeping_is_off() {
        let mut descriptors = Descriptors::new(10);
        assert!(!descriptors.set_keeping(true));
        assert!(descriptors.set_keeping(false), "turning it off asks for the kept files to be dropped");
        assert!(descriptors.keep(File::open("/dev/null").unwrap()).is_none());
        assert!(!descriptors.set_keeping(false));
        assert!(!descriptors.set_keeping(true));
        assert!(descriptors.keep(File::open("/dev/null").unwrap()).is_some());
    }

    #[test]
    fn the_budget_leaves_room_below_the_soft_limit() {
        let budget = default_budget() as u64 + cgroup_budget() as u64;
        let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        assert!(budget + LEFT_FOR_OTHERS <= soft.max(LEFT_FOR_OTHERS));
    }

    #[test]
    fn running_out_is_told_apart_from_a_vanished_process() {
        assert!(out_of_descriptors(&io::Error::from_raw_os_error(libc::EMFILE)));
        assert!(!out_of_descriptors(&io::Error::from_raw_os_error(libc::ENOENT)));
        assert!(!out_of_descriptors(&io::Error::from_raw_os_error(libc::ESRCH)));
    }
}
