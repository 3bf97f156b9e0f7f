//! The D-state rule just under, at and over its thresholds: how long, how many, and
//! what the message names.

use ctop::collect::procs::{BlockedProcess, Processes};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use std::sync::Arc;

fn blocked(pid: u32, name: &str, wchan: Option<&str>, blocked_seconds: f64) -> BlockedProcess {
    BlockedProcess { pid, name: name.into(), wchan: wchan.map(str::to_string), blocked_seconds }
}

fn judged(list: Vec<BlockedProcess>, t: &Thresholds) -> (Severity, Option<String>) {
    let processes = Processes { blocked: list.len(), blocked_processes: list, ..Processes::default() };
    let snapshot = Snapshot { processes: Some(Arc::new(processes)), ..Snapshot::default() };
    let findings = health::judge(&snapshot, t);
    let message = findings.problems.iter().find(|p| p.key == Key::Blocked).map(|p| p.message.clone());
    (findings.severity(&Key::Blocked), message)
}

#[test]
fn how_long_decides_warning_and_error() {
    let t = Thresholds::default();
    let one = |seconds| judged(vec![blocked(42, "rsync", Some("rpc_wait_bit_killable"), seconds)], &t);
    assert_eq!(one(0.0).0, Severity::Ok, "just seen in D");
    assert_eq!(one(4.9).0, Severity::Ok);
    assert_eq!(one(5.0).0, Severity::Warning);
    assert_eq!(one(119.9).0, Severity::Warning);
    assert_eq!(one(120.0).0, Severity::Error);
    assert_eq!(
        one(31.5).1.as_deref(),
        Some("1 process blocked in D state up to 31 s: rsync (42, in rpc_wait_bit_killable)")
    );
}

#[test]
fn many_blocked_at_once_is_an_error_and_the_message_names_the_longest() {
    let t = Thresholds::default();
    let many = |n: u32| (0..n).map(|i| blocked(100 + i, "php-fpm", None, 10.0 + f64::from(i))).rev().collect();
    assert_eq!(judged(many(9), &t).0, Severity::Warning);
    let (severity, message) = judged(many(10), &t);
    assert_eq!(severity, Severity::Error);
    assert_eq!(
        message.as_deref(),
        Some("10 processes blocked in D state up to 19 s: php-fpm (109), php-fpm (108), php-fpm (107) and 7 more")
    );
    let no_count = Thresholds { blocked_error_count: 0, ..t };
    assert_eq!(judged(many(50), &no_count).0, Severity::Warning, "0 turns the count off");
}

#[test]
fn only_those_blocked_long_enough_are_counted() {
    let t = Thresholds::default();
    let list = vec![blocked(1, "a", None, 30.0), blocked(2, "b", None, 1.0)];
    let (severity, message) = judged(list, &t);
    assert_eq!(severity, Severity::Warning);
    assert_eq!(message.as_deref(), Some("1 process blocked in D state up to 30 s: a (1)"));
    assert_eq!(judged(Vec::new(), &t).0, Severity::Ok);
}
