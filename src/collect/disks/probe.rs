//! statvfs(2) with a deadline. statvfs on a dead NFS server or a stuck FUSE daemon
//! blocks forever and cannot be cancelled, so each check of such a filesystem runs on
//! its own small thread and the caller waits at most the deadline for all of them
//! together. A mount whose check is still stuck is not asked again until it answers:
//! one stuck thread per hung mount, however long ctop runs. Filesystems whose statfs
//! the kernel answers from memory (ext4, xfs, tmpfs…) are asked directly: a thread and
//! a fork every refresh would be most of the cost of listing them, and nothing is kept
//! of them between passes (at 1,000 mounts a state per mount was a 300 KB map).

use super::{FsUsage, Usage};
use crate::source::{FsStats, Syscalls};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

/// Which filesystem a check is for: a mount point alone is not enough, since a new
/// filesystem mounted where a hung one was lazily unmounted deserves its own check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct MountKey {
    /// Shared with the mount table and the rows sent to the snapshot.
    pub mountpoint: Arc<str>,
    pub device: Arc<str>,
    pub dev: Option<(u32, u32)>,
}

impl MountKey {
    /// The key as one string, for [`Syscalls::statvfs`] to name its check by.
    fn identity(&self) -> String {
        let (major, minor) = self.dev.unwrap_or_default();
        format!("{}\0{}\0{major}:{minor}", self.mountpoint, self.device)
    }
}

/// One filesystem to check: its key (whose mount point is the path to ask), and whether
/// its statfs may hang.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub key: MountKey,
    pub may_hang: bool,
}

impl Target {
    fn path(&self) -> &Path {
        Path::new(&*self.key.mountpoint)
    }
}

/// What one pass found for a target.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Checked {
    pub usage: Usage,
    /// statvfs said the filesystem is read-only (`ST_RDONLY`): the superblock's flag too,
    /// which an ext4 error sets (`errors=remount-ro`) without changing the mount table.
    pub read_only: bool,
}

struct Answer {
    key: MountKey,
    check: u64,
    result: io::Result<FsStats>,
}

#[derive(Default)]
struct MountState {
    /// The check under way: its number and when it started.
    pending: Option<(u64, Instant)>,
    /// The latest answer (from this pass, or a slow one that came in late) …
    answer: Option<Usage>,
    /// … and whether a pass has reported it already.
    shown: bool,
    /// Whether the latest answer said the filesystem is read-only (`ST_RDONLY`).
    read_only: bool,
}

/// statvfs checks, including those still pending from earlier passes.
pub(super) struct StatvfsChecks {
    deadline: Duration,
    answers_tx: Sender<Answer>,
    answers: Receiver<Answer>,
    mounts: HashMap<MountKey, MountState>,
    next_check: u64,
}

/// statvfs needs only a few frames; a small stack keeps a stuck thread cheap.
const CHECK_STACK_BYTES: usize = 64 * 1024;

impl StatvfsChecks {
    pub fn new(deadline: Duration) -> Self {
        let (answers_tx, answers) = mpsc::channel();
        Self { deadline, answers_tx, answers, mounts: HashMap::new(), next_check: 0 }
    }

    /// The usage of each target, in order, waiting at most the deadline in total for
    /// those that may hang.
    pub fn run(&mut self, sys: &Arc<dyn Syscalls>, targets: &[Target]) -> Vec<Checked> {
        let give_up_at = Instant::now() + self.deadline;
        for state in self.mounts.values_mut().filter(|s| s.shown) {
            state.answer = None;
            state.shown = false;
        }
        while let Ok(answer) = self.answers.try_recv() {
            self.record(answer);
        }
        // Nothing pending (no filesystem that may hang, or all answered) is the common
        // case and costs no lookup per target.
        let any_pending = self.mounts.values().any(|s| s.pending.is_some());
        let pending = |mounts: &HashMap<MountKey, MountState>, key: &MountKey| {
            mounts.get(key).is_some_and(|state| state.pending.is_some())
        };
        let mut answered_here = Vec::with_capacity(targets.len());
        for target in targets {
            let mut here = None;
            if !(any_pending && pending(&self.mounts, &target.key)) {
                if target.may_hang {
                    self.start(sys, &target.key, target.path());
                } else {
                    let result = sys.statvfs(target.path(), None);
                    let read_only = result.as_ref().is_ok_and(|st| st.read_only);
                    here = Some(Checked { usage: usage_of(result), read_only });
                }
            }
            answered_here.push(here);
        }
        while self.mounts.values().any(|s| s.pending.is_some()) && targets.iter().any(|t| pending(&self.mounts, &t.key))
        {
            let left = give_up_at.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left) {
                Ok(answer) => self.record(answer),
                Err(_) => break,
            }
        }
        let checked =
            targets.iter().zip(answered_here).map(|(t, here)| here.unwrap_or_else(|| self.report(&t.key))).collect();
        // Forget mounts that are gone or answered on the spot, except those with a thread
        // still stuck on them: their state is what stops a second thread being started
        // for the same mount. Through a set: a search of the targets for each mount was a
        // million comparisons a pass at 1,000 mounts (PERFORMANCE.md, *A big node*).
        if !self.mounts.is_empty() {
            let wanted: HashSet<&MountKey> = targets.iter().filter(|t| t.may_hang).map(|t| &t.key).collect();
            self.mounts.retain(|key, state| state.pending.is_some() || wanted.contains(key));
        }
        checked
    }

    fn start(&mut self, sys: &Arc<dyn Syscalls>, key: &MountKey, path: &Path) {
        let check = self.next_check;
        self.next_check += 1;
        let (sys, tx, answer_key, path) = (Arc::clone(sys), self.answers_tx.clone(), key.clone(), path.to_path_buf());
        let identity = key.identity();
        let spawned =
            thread::Builder::new().name("ctop-statvfs".into()).stack_size(CHECK_STACK_BYTES).spawn(move || {
                let result = sys.statvfs(&path, Some(&identity));
                // The prober may be gone by the time a hung mount answers; nobody to tell.
                let _ = tx.send(Answer { key: answer_key, check, result });
            });
        let state = self.mounts.entry(key.clone()).or_default();
        match spawned {
            Ok(_) => state.pending = Some((check, Instant::now())),
            Err(e) => state.answer = Some(Usage::Unavailable { reason: format!("cannot start a check: {e}") }),
        }
    }

    fn record(&mut self, answer: Answer) {
        let Some(state) = self.mounts.get_mut(&answer.key) else {
            return;
        };
        if state.pending.is_some_and(|(check, _)| check == answer.check) {
            state.pending = None;
            state.read_only = answer.result.as_ref().is_ok_and(|st| st.read_only);
            state.answer = Some(usage_of(answer.result));
            state.shown = false;
        }
    }

    /// The newest answer not shown by an earlier pass; failing that, how long the
    /// check has waited.
    fn report(&mut self, key: &MountKey) -> Checked {
        let state = self.mounts.get_mut(key).expect("every target checked on a thread has a state");
        state.shown = true;
        let usage = state.answer.clone().unwrap_or_else(|| Usage::NotResponding {
            waiting_secs: state.pending.map_or(0.0, |(_, started)| started.elapsed().as_secs_f64()),
        });
        Checked { usage, read_only: state.read_only }
    }
}

/// `df -B1` and `df -i` arithmetic on statvfs fields.
fn usage_of(result: io::Result<FsStats>) -> Usage {
    match result {
        Ok(st) => Usage::Measured(FsUsage {
            size_bytes: st.blocks.saturating_mul(st.block_size),
            used_bytes: st.blocks.saturating_sub(st.blocks_free).saturating_mul(st.block_size),
            avail_bytes: st.blocks_avail.saturating_mul(st.block_size),
            inodes_total: st.inodes,
            inodes_used: st.inodes.saturating_sub(st.inodes_free),
            inodes_free: st.inodes_free,
        }),
        Err(e) => Usage::Unavailable { reason: describe(&e) },
    }
}

/// "Permission denied" rather than "Permission denied (os error 13)".
fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => nix::errno::Errno::from_raw(code).desc().to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{InterfaceAddress, Uname};
    use std::path::{Path, PathBuf};
    use std::sync::{Condvar, Mutex};
    use std::time::SystemTime;

    /// statvfs that hangs on `/hung` while the gate is shut, fails on `/locked`, and
    /// otherwise reports a 400 KiB filesystem; it counts the calls per path.
    #[derive(Default)]
    struct GatedSystem {
        open: Mutex<bool>,
        opened: Condvar,
        calls: Mutex<HashMap<PathBuf, usize>>,
    }

    impl GatedSystem {
        fn set_open(&self, open: bool) {
            *self.open.lock().unwrap() = open;
            self.opened.notify_all();
        }
        fn calls(&self, path: &str) -> usize {
            self.calls.lock().unwrap().get(Path::new(path)).copied().unwrap_or(0)
        }
    }

    impl Syscalls for GatedSystem {
        fn statvfs(&self, path: &Path, _may_hang: Option<&str>) -> io::Result<FsStats> {
            *self.calls.lock().unwrap().entry(path.to_path_buf()).or_default() += 1;
            if path == Path::new("/locked") {
                return Err(io::Error::from_raw_os_error(libc::EACCES));
            }
            if path == Path::new("/hung") {
                let _open = self.opened.wait_while(self.open.lock().unwrap(), |open| !*open).unwrap();
            }
            Ok(FsStats {
                block_size: 4096,
                blocks: 100,
                blocks_free: 40,
                blocks_avail: 30,
                inodes: 10,
                inodes_free: 4,
                read_only: false,
            })
        }
        fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
            Ok(Vec::new())
        }
        fn uname(&self) -> io::Result<Uname> {
            Ok(Uname::default())
        }
        fn now(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH
        }
        fn cpuid_hypervisor(&self) -> Option<String> {
            None
        }
    }

    fn target(mountpoint: &str) -> Target {
        Target { key: MountKey { mountpoint: mountpoint.into(), device: "dev".into(), dev: None }, may_hang: true }
    }

    fn usages(checks: &mut StatvfsChecks, sys: &Arc<dyn Syscalls>, targets: &[Target]) -> Vec<Usage> {
        checks.run(sys, targets).into_iter().map(|c| c.usage).collect()
    }

    fn setup() -> (Arc<GatedSystem>, Arc<dyn Syscalls>, StatvfsChecks) {
        let gated = Arc::new(GatedSystem::default());
        let sys: Arc<dyn Syscalls> = gated.clone();
        (gated, sys, StatvfsChecks::new(Duration::from_millis(200)))
    }

    const MEASURED: Usage = Usage::Measured(FsUsage {
        size_bytes: 409_600,
        used_bytes: 245_760,
        avail_bytes: 122_880,
        inodes_total: 10,
        inodes_used: 6,
        inodes_free: 4,
    });

    #[test]
    fn a_hung_mount_is_not_responding_and_asked_only_once() {
        let (gated, sys, mut checks) = setup();
        let targets = [target("/"), target("/hung")];
        let mut last_wait = 0.0;
        for _ in 0..5 {
            let usages = usages(&mut checks, &sys, &targets);
            assert_eq!(usages[0], MEASURED);
            let Usage::NotResponding { waiting_secs } = usages[1] else { panic!("{usages:?}") };
            assert!(waiting_secs > last_wait, "{waiting_secs} after {last_wait}");
            last_wait = waiting_secs;
        }
        assert_eq!(gated.calls("/"), 5);
        assert_eq!(gated.calls("/hung"), 1);
        gated.set_open(true);
    }

    /// Takes the answers waiting in the channel, as the next passes would, until `key`'s
    /// check has answered. The deadline is there for a hang only (an open gate answers
    /// at once; 60 s is thousands of times that), so that a regression fails the test
    /// instead of stalling the suite.
    fn take_answers_until_answered(checks: &mut StatvfsChecks, key: &MountKey) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while checks.mounts[key].pending.is_some() {
            assert!(Instant::now() < deadline, "the check never answered");
            if let Ok(answer) = checks.answers.recv_timeout(Duration::from_millis(10)) {
                checks.record(answer);
            }
        }
    }

    #[test]
    fn a_slow_mount_shows_its_late_answer_at_the_next_pass() {
        let (gated, sys, mut checks) = setup();
        let targets = [target("/hung")];
        assert!(matches!(usages(&mut checks, &sys, &targets)[0], Usage::NotResponding { .. }));
        // It answers after the deadline; then its next check hangs again.
        gated.set_open(true);
        take_answers_until_answered(&mut checks, &targets[0].key);
        gated.set_open(false);
        assert_eq!(usages(&mut checks, &sys, &targets)[0], MEASURED);
        assert_eq!(gated.calls("/hung"), 2);
        assert!(matches!(usages(&mut checks, &sys, &targets)[0], Usage::NotResponding { .. }));
        assert_eq!(gated.calls("/hung"), 2);
        gated.set_open(true);
    }

    #[test]
    fn a_vanished_hung_mount_is_remembered_until_it_answers() {
        let (gated, sys, mut checks) = setup();
        usages(&mut checks, &sys, &[target("/hung")]);
        assert_eq!(usages(&mut checks, &sys, &[target("/")]), [MEASURED]);
        assert!(matches!(usages(&mut checks, &sys, &[target("/hung")])[0], Usage::NotResponding { .. }));
        assert_eq!(gated.calls("/hung"), 1);
        assert_eq!(usages(&mut checks, &sys, &[target("/")]), [MEASURED]);
        let hung = target("/hung").key;
        assert!(checks.mounts.contains_key(&hung), "remembered while it has not answered");
        gated.set_open(true);
        // Its answer, however late it comes (the machine may be loaded): no race
        // with the pass's deadline.
        take_answers_until_answered(&mut checks, &hung);
        // Answered: the next pass that does not list it forgets it.
        assert_eq!(usages(&mut checks, &sys, &[target("/")]), [MEASURED]);
        assert_eq!(checks.mounts.len(), 1);
    }

    #[test]
    fn a_failing_statvfs_says_why() {
        let (_gated, sys, mut checks) = setup();
        assert_eq!(
            usages(&mut checks, &sys, &[target("/locked")]),
            [Usage::Unavailable { reason: "Permission denied".into() }]
        );
    }

    #[test]
    fn a_filesystem_that_cannot_hang_is_answered_without_waiting() {
        let (gated, sys, _) = setup();
        // No time at all to wait: only a check made on the spot can answer.
        let mut checks = StatvfsChecks::new(Duration::ZERO);
        let local = Target { may_hang: false, ..target("/") };
        for _ in 0..3 {
            assert_eq!(usages(&mut checks, &sys, std::slice::from_ref(&local)), [MEASURED]);
        }
        assert_eq!(gated.calls("/"), 3);
    }

    #[test]
    fn a_filesystem_answered_on_the_spot_leaves_no_state_behind() {
        let (_gated, sys, mut checks) = setup();
        let locals: Vec<Target> =
            (0..100).map(|i| Target { may_hang: false, ..target(&format!("/local/{i}")) }).collect();
        let checked = checks.run(&sys, &locals);
        assert_eq!(checked.len(), 100);
        assert!(checked.iter().all(|c| c.usage == MEASURED && !c.read_only), "{checked:?}");
        assert!(checks.mounts.is_empty(), "{} states kept", checks.mounts.len());
    }
}
