//! ctop's own trouble, judged like the machine's so it reaches the same problem list,
//! `--once` and `--json`: a process scan that has stopped answering (a read of `/proc`
//! that blocks, e.g. a new process's `cmdline` behind a held mm lock) and a
//! configuration ctop ran past (an unreadable default file, a bad value a flag
//! overrides), and a recording that cannot be written (`--record` on a full disk: the
//! dashboard goes on).

use super::{Finding, Key, Severity, Thresholds};
use crate::snapshot::Snapshot;
use std::time::Duration;

pub(super) fn judge(s: &Snapshot, t: &Thresholds) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(waiting) = scan_not_responding(s.process_scan_running, t) {
        found.push(Finding {
            severity: Severity::Warning,
            subject: "processes".into(),
            message: format!("process scan not responding for {}s", waiting.as_secs()),
            key: Key::ProcessScan,
            excess: 1.0,
        });
    }
    if let Some(problem) = &s.recording_problem {
        found.push(Finding {
            severity: Severity::Warning,
            subject: "recording".into(),
            message: problem.clone(),
            key: Key::Recording,
            excess: 0.0,
        });
    }
    for warning in &s.config_warnings {
        found.push(Finding {
            severity: Severity::Warning,
            subject: "config".into(),
            message: format!("configuration: {warning}"),
            key: Key::Config,
            // Below what is wrong with the machine itself.
            excess: 0.0,
        });
    }
    found
}

/// How long the running scan has gone without an answer, once that is past the
/// threshold (0 turns the rule off).
fn scan_not_responding(running: Option<Duration>, t: &Thresholds) -> Option<Duration> {
    let limit = t.process_scan_stalled_seconds;
    running.filter(|r| limit > 0.0 && r.as_secs_f64() >= limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{FastTier, Update};
    use std::sync::Arc;
    use std::time::Instant;

    fn fast_update() -> Update {
        let s = Snapshot::default();
        Update::Fast(Box::new(FastTier {
            time: s.time,
            cpu: s.cpu,
            memory: None,
            swap: None,
            limits: s.limits,
            pressure: s.pressure,
            oom_kills: s.oom_kills,
            interfaces: Vec::new(),
            disks: Vec::new(),
        }))
    }

    fn messages(s: &Snapshot) -> Vec<String> {
        judge(s, &Thresholds::default()).into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn a_scan_without_an_answer_past_the_threshold_is_not_responding_until_it_answers() {
        let mut s = Snapshot::default();
        let Some(started) = Instant::now().checked_sub(Duration::from_secs(25)) else { return };
        s.apply(Update::ProcessScanStarted(Some(started)));
        // Judged at the fast tier's updates, which go on while the scan is stuck.
        assert!(messages(&s).is_empty(), "nothing measured yet");
        s.apply(fast_update());
        assert_eq!(messages(&s), ["process scan not responding for 25s"]);
        s.apply(Update::Processes(Arc::default()));
        assert!(messages(&s).is_empty());
        s.apply(fast_update());
        assert!(messages(&s).is_empty());
    }

    #[test]
    fn a_scan_under_the_threshold_or_set_aside_is_fine() {
        let t = Thresholds::default();
        assert_eq!(scan_not_responding(Some(Duration::from_secs(9)), &t), None);
        assert_eq!(scan_not_responding(Some(Duration::from_secs(10)), &t), Some(Duration::from_secs(10)));
        assert_eq!(scan_not_responding(None, &t), None);
        let off = Thresholds { process_scan_stalled_seconds: 0.0, ..t };
        assert_eq!(scan_not_responding(Some(Duration::from_secs(3600)), &off), None);
        let mut s = Snapshot::default();
        s.apply(Update::ProcessScanStarted(Instant::now().checked_sub(Duration::from_secs(60))));
        s.apply(Update::ProcessScanStarted(None));
        s.apply(fast_update());
        assert!(messages(&s).is_empty());
    }

    #[test]
    fn configuration_warnings_are_warnings() {
        let s = Snapshot { config_warnings: vec!["/root/x.toml: cannot read".into()], ..Snapshot::default() };
        let found = judge(&s, &Thresholds::default());
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].message, "configuration: /root/x.toml: cannot read");
    }
}
