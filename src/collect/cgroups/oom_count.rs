//! The kernel's count of OOM kills since boot, `oom_kill` in `/proc/vmstat` (Linux
//! 4.13+). Every kill raises it together with the `oom_kill` of the killed process's
//! memory cgroup (`__oom_kill_process`: `count_vm_event` and `memcg_memory_event_mm`),
//! so while it stands still no cgroup's count has moved, and their
//! `memory.oom_control` / `memory.events` need not be read: one `pread` a reading
//! instead of one file per busy cgroup.

use crate::collect::kept::KeptReader;
use crate::source::Source;

pub struct OomCount {
    vmstat: KeptReader,
    last: Option<u64>,
}

impl OomCount {
    pub fn new(source: &Source) -> Self {
        Self { vmstat: KeptReader::counted_by(source.path("/proc/vmstat"), &super::KEPT), last: None }
    }

    /// Whether a kill may have happened since the last call: the count moved, or it is
    /// not known now or was not then (a kernel without it, a tree without `/proc`).
    pub fn may_have_risen(&mut self) -> bool {
        let now = self.vmstat.read_text().and_then(oom_kill);
        let last = std::mem::replace(&mut self.last, now);
        !matches!((last, now), (Some(a), Some(b)) if a == b)
    }
}

fn oom_kill(vmstat: &str) -> Option<u64> {
    vmstat.lines().find_map(|l| l.strip_prefix("oom_kill ")?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FixedSystem;
    use std::sync::Arc;

    #[test]
    fn the_count_is_its_own_line_of_vmstat() {
        assert_eq!(oom_kill("pgfault 5\noom_kill 7\ncompact_stall 0\n"), Some(7));
        assert_eq!(oom_kill("oom_kill_disable 1\n"), None);
        assert_eq!(oom_kill("oom_kill lots\n"), None);
    }

    #[test]
    fn only_a_count_that_stood_still_rules_a_kill_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut count = OomCount::new(&Source::new(dir.path(), Arc::new(FixedSystem::default())));
        assert!(count.may_have_risen(), "no /proc/vmstat: unknown");
        std::fs::create_dir(dir.path().join("proc")).unwrap();
        let vmstat = dir.path().join("proc/vmstat");
        std::fs::write(&vmstat, "pgfault 5\noom_kill 2\n").unwrap();
        assert!(count.may_have_risen(), "known now, not before");
        assert!(!count.may_have_risen(), "stood still");
        std::fs::write(&vmstat, "pgfault 9\noom_kill 3\n").unwrap();
        assert!(count.may_have_risen());
        assert!(!count.may_have_risen());
        std::fs::write(&vmstat, "pgfault 9\n").unwrap();
        assert!(count.may_have_risen(), "gone: unknown");
    }
}
