//! The disk rules just under, at and over their thresholds: %util of rotational disks
//! sustained over the window, queue size of solid-state ones, await by kind, and the
//! thresholds from the configuration file.

use ctop::collect::diskio::{DiskIo, DiskRates, SUSTAINED_WINDOW};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;

fn disk(rotational: Option<bool>, sustained: DiskRates) -> DiskIo {
    DiskIo {
        name: "sda".into(),
        label: None,
        rotational,
        partitions: Vec::new().into(),
        rates: Some(sustained),
        sustained: Some(sustained),
    }
}

fn window() -> f64 {
    SUSTAINED_WINDOW.as_secs_f64()
}

/// The disk's severity and its problems' messages.
fn judged(disk: DiskIo, t: &Thresholds) -> (Severity, Vec<String>) {
    let snapshot = Snapshot { disks: vec![disk], ..Snapshot::default() };
    let findings = health::judge(&snapshot, t);
    let messages = findings.problems.iter().filter(|p| p.key == Key::Disk("sda".into())).map(|p| p.message.clone());
    (findings.severity(&Key::Disk("sda".into())), messages.collect())
}

fn busy(util_percent: f64, seconds: f64) -> DiskRates {
    DiskRates { util_percent, seconds, ..DiskRates::default() }
}

#[test]
fn a_rotational_disk_busy_for_the_whole_window_is_a_warning() {
    let t = Thresholds::default();
    // Judged as shown: 89.4 % shows 89 %.
    assert_eq!(judged(disk(Some(true), busy(89.4, window())), &t).0, Severity::Ok);
    let (severity, messages) = judged(disk(Some(true), busy(90.0, window())), &t);
    assert_eq!(severity, Severity::Warning);
    assert_eq!(messages, ["sda 90% busy over 10 s"]);
    assert_eq!(judged(disk(Some(true), busy(100.0, window())), &t).0, Severity::Warning, "never an error");
    assert_eq!(judged(disk(None, busy(95.0, window())), &t).0, Severity::Warning, "unknown kind: as rotational");
    assert_eq!(judged(disk(Some(true), busy(100.0, window() - 1.0)), &t).0, Severity::Ok, "not yet sustained");
}

#[test]
fn a_solid_state_disk_at_100_percent_util_is_judged_by_its_queue() {
    let t = Thresholds::default();
    assert_eq!(judged(disk(Some(false), busy(100.0, window())), &t).0, Severity::Ok);
    let queued = |queue_size| DiskRates { queue_size, util_percent: 100.0, seconds: window(), ..DiskRates::default() };
    assert_eq!(judged(disk(Some(false), queued(31.9)), &t).0, Severity::Ok);
    let (severity, messages) = judged(disk(Some(false), queued(32.0)), &t);
    assert_eq!(severity, Severity::Warning);
    assert_eq!(messages, ["sda: 32 requests queued on average over 10 s"]);
    assert_eq!(judged(disk(Some(false), queued(200.0)), &t).0, Severity::Warning);
    let deep = DiskRates { queue_size: 200.0, util_percent: 50.0, seconds: window(), ..DiskRates::default() };
    assert_eq!(judged(disk(Some(true), deep), &t).0, Severity::Ok, "a spinning disk's queue is not judged");
}

fn slow(read_await_ms: f64, write_await_ms: f64) -> DiskRates {
    DiskRates {
        reads_per_s: 10.0,
        writes_per_s: 10.0,
        read_await_ms,
        write_await_ms,
        seconds: window(),
        ..DiskRates::default()
    }
}

#[test]
fn await_thresholds_differ_for_rotational_and_solid_state_disks() {
    let t = Thresholds::default();
    for (rotational, warning, error) in [(Some(true), 50.0, 200.0), (Some(false), 10.0, 50.0)] {
        let at = |ms| judged(disk(rotational, slow(ms, 0.0)), &t).0;
        assert_eq!(at(warning - 0.1), Severity::Ok, "{rotational:?}");
        assert_eq!(at(warning), Severity::Warning, "{rotational:?}");
        assert_eq!(at(error - 0.1), Severity::Warning, "{rotational:?}");
        assert_eq!(at(error), Severity::Error, "{rotational:?}");
        assert_eq!(at(error * 10.0), Severity::Error, "{rotational:?}");
        assert_eq!(judged(disk(rotational, slow(0.0, error)), &t).0, Severity::Error, "writes too");
    }
    let (_, messages) = judged(disk(Some(false), slow(12.4, 0.0)), &t);
    assert_eq!(messages, ["sda reads take 12 ms on average (solid-state) over 10 s"]);
}

#[test]
fn an_await_of_a_rare_operation_says_nothing() {
    let t = Thresholds::default();
    let rare = DiskRates { writes_per_s: 0.5, write_await_ms: 5000.0, seconds: window(), ..DiskRates::default() };
    assert_eq!(judged(disk(Some(true), rare), &t).0, Severity::Ok);
    let first_reading = DiskIo { sustained: None, ..disk(Some(true), slow(5000.0, 5000.0)) };
    assert_eq!(judged(first_reading, &t).0, Severity::Ok, "nothing without two readings");
}

#[test]
fn disk_thresholds_come_from_the_config_file() {
    let text = "[thresholds]\ndisk_util_rotational_warning = 50\ndisk_await_solid_state_warning = 1\n\
                disk_await_solid_state_error = 2\ndisk_queue_solid_state_warning = 0\n";
    let config = ctop::config::Config::from_toml(text, std::path::Path::new("test.toml")).unwrap();
    let t = config.thresholds;
    assert_eq!(judged(disk(Some(true), busy(50.0, window())), &t).0, Severity::Warning);
    assert_eq!(judged(disk(Some(false), slow(2.0, 0.0)), &t).0, Severity::Error);
    let queued = DiskRates { queue_size: 1000.0, seconds: window(), ..DiskRates::default() };
    assert_eq!(judged(disk(Some(false), queued), &t).0, Severity::Ok, "0 turns the queue rule off");
    let inverted = "[thresholds]\ndisk_await_rotational_warning = 300\n";
    let err = ctop::config::Config::from_toml(inverted, std::path::Path::new("test.toml")).unwrap_err();
    assert!(err.to_string().contains("disk_await_rotational_warning"), "{err}");
}
