//! Processes near their own open-file limit (soft RLIMIT_NOFILE): at it, every open,
//! accept and socket call of that process fails with EMFILE ("Too many open files"),
//! however many the system has left. One finding per process, naming it.

use super::rules::Problems;
use super::{Key, Thresholds};
use crate::collect::procs::Processes;
use crate::format;

pub(super) fn judge(found: &mut Problems, processes: &Processes, t: &Thresholds) {
    for p in &processes.near_fd_limit {
        let pct = p.percent();
        let subject = format!("{} ({})", p.name, p.pid);
        found.percent(
            pct,
            t.process_files_warning,
            t.process_files_error,
            Key::ProcessFdLimit(p.pid),
            &subject,
            || {
                format!(
                    "{subject}: {} open files, {} of its own limit {} (ulimit -n)",
                    p.open_files,
                    format::percent(pct),
                    p.soft_limit
                )
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procs::FdLimitUse;
    use crate::health::Severity;

    fn judged(open_files: u64) -> Option<(Severity, String)> {
        let processes = Processes {
            near_fd_limit: vec![FdLimitUse { pid: 42, name: "postgres".into(), open_files, soft_limit: 1000 }],
            ..Processes::default()
        };
        let mut found = Problems(Vec::new());
        judge(&mut found, &processes, &Thresholds::default());
        found.0.pop().map(|f| {
            assert_eq!((f.key, f.subject.as_str()), (Key::ProcessFdLimit(42), "postgres (42)"));
            (f.severity, f.message)
        })
    }

    #[test]
    fn judged_just_under_at_and_over_the_levels() {
        assert_eq!(judged(794), None, "79.4 % shows 79%");
        assert_eq!(judged(795).map(|j| j.0), Some(Severity::Warning), "79.5 % shows 80%");
        assert_eq!(judged(800).map(|j| j.0), Some(Severity::Warning));
        assert_eq!(judged(944).map(|j| j.0), Some(Severity::Warning));
        assert_eq!(judged(950).map(|j| j.0), Some(Severity::Error));
        let (_, message) = judged(1000).unwrap();
        assert_eq!(message, "postgres (42): 1000 open files, 100% of its own limit 1000 (ulimit -n)");
    }
}
