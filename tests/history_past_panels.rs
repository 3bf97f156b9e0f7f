//! History keeps what later tiers added: a past moment shows the Disk I/O table, the
//! network stack's health, the services and containers, the kernel's limits and the RAID
//! arrays as they were then (and the rules judge them as they were), not today's or
//! nothing.

mod history_support;

use ctop::health::{self, Key, Thresholds};
use ctop::snapshot::Snapshot;
use history_support::*;

fn live() -> Snapshot {
    Snapshot::default()
}

#[test]
fn a_past_frame_shows_the_disks_as_they_were() {
    let history = hour();
    let during = history.snapshot_at(SPIKE_FROM_MS + 30_500, &live()).unwrap();
    assert_eq!(during.disks.len(), DISKS);
    let vda = &during.disks[0];
    assert_eq!(&*vda.name, "vda");
    let r = vda.rates.expect("the interval's rates");
    assert!((r.util_percent - 95.0).abs() < 0.5, "{r:?}");
    assert!((r.write_bytes_per_s - 95.0 * 8192.0).abs() < 95.0 * 8192.0 * 0.004, "{r:?}");
    // The sustained rates are the last 10 s put together again: 10 one-second samples.
    let s = vda.sustained.expect("sustained rates");
    assert_eq!(s.seconds, 10.0);
    assert!((s.util_percent - 95.0).abs() < 0.5 && (s.read_await_ms - 4.0).abs() < 0.02, "{s:?}");

    // 5 s into the spike the 10 s window holds 5 busy seconds and 5 quiet ones.
    let edge = history.snapshot_at(SPIKE_FROM_MS + 4_000, &live()).unwrap();
    let s = edge.disks[0].sustained.unwrap();
    assert!((s.util_percent - 52.5).abs() < 0.5, "{s:?}");

    let before = history.snapshot_at(SPIKE_FROM_MS - 60_000, &live()).unwrap();
    assert!((before.disks[0].rates.unwrap().util_percent - 10.0).abs() < 0.1);
    // Judged as it was: the busy rotational disk is a finding then, not before.
    let t = Thresholds::default();
    let busy = |s: &Snapshot| health::judge(s, &t).problems.iter().any(|p| p.key == Key::Disk("vda".into()));
    assert!(busy(&during) && !busy(&before));
}

#[test]
fn a_past_frame_shows_the_network_stack_as_it_was() {
    let history = hour();
    let during = history.snapshot_at(SPIKE_FROM_MS + 30_500, &live()).unwrap();
    let drops = during.network.tcp.listen_drops_per_s.expect("a rate");
    assert_eq!((drops.now, drops.sustained), (50.0, 50.0));
    assert_eq!(during.network.tcp.in_use, Some(900));
    assert_eq!(during.network.connections.states["established"], 800);
    assert_eq!(during.network.connections.total, 800);
    // The first slow sample of the spike: its sustained rate is the lower of it and the
    // quiet one before, as the collector gives it.
    let first = history.snapshot_at(SPIKE_FROM_MS + 1_500, &live()).unwrap();
    let drops = first.network.tcp.listen_drops_per_s.unwrap();
    assert_eq!((drops.now, drops.sustained), (50.0, 0.0));
    let before = history.snapshot_at(SPIKE_FROM_MS - 60_000, &live()).unwrap();
    assert_eq!(before.network.tcp.listen_drops_per_s.unwrap().now, 0.0);
    assert_eq!(before.network.tcp.in_use, Some(40));
    let t = Thresholds::default();
    let queue = |s: &Snapshot| health::judge(s, &t).problems.iter().any(|p| p.key == Key::Network("listen_queue"));
    assert!(queue(&during) && !queue(&before));
}

#[test]
fn a_past_frame_shows_the_services_that_mattered_then() {
    let history = hour();
    let during = history.snapshot_at(SPIKE_FROM_MS + 30_500, &live()).unwrap();
    let list = &during.cgroups.list;
    assert!(!list.is_empty() && list.len() <= 8, "the cgroups that matter, not all {CGROUPS}: {}", list.len());
    let hog = list.iter().find(|c| c.name == "hog.service").expect("the busiest service is kept");
    assert!((hog.cpu_percent.unwrap() - 90.0).abs() < 0.5);
    let db = list.iter().find(|c| c.name == "db.service").expect("the service near its limit is kept");
    assert!((db.memory_limit_percent().unwrap() - 95.0).abs() < 0.5, "{db:?}");
    assert!(list.windows(2).all(|w| w[0].path < w[1].path), "in path order, as the tree wants");
    assert!(during.cgroups.oom_events.is_empty());
    let t = Thresholds::default();
    let db_key = Key::Cgroup("/system.slice/db.service".into());
    assert!(health::judge(&during, &t).problems.iter().any(|p| p.key == db_key));

    let before = history.snapshot_at(SPIKE_FROM_MS - 60_000, &live()).unwrap();
    let hog = before.cgroups.list.iter().find(|c| c.name == "hog.service");
    assert!(hog.is_none_or(|h| h.cpu_percent.unwrap() < 1.0), "{hog:?}");
    // After the kill, the OOM event is there and judged (an error naming db.service).
    let after = history.snapshot_at(SPIKE_TO_MS + 10_000, &live()).unwrap();
    assert_eq!(after.cgroups.oom_events.len(), 1);
    let findings = health::judge(&after, &t);
    assert!(findings.problems.iter().any(|p| p.message.starts_with("db.service: OOM kill at 11:41:00")));
}

#[test]
fn a_past_frame_judges_the_kernel_limits_and_raid_as_they_were() {
    let history = hour();
    let t = Thresholds::default();
    let during = history.snapshot_at(SPIKE_FROM_MS + 30_500, &live()).unwrap();
    assert_eq!((during.kernel_limits.open_files, during.kernel_limits.file_max), (Some(99_000), Some(100_000)));
    assert_eq!(during.kernel_limits.pid_max, Some(4_194_304));
    assert!(during.raid[0].degraded());
    let before = history.snapshot_at(SPIKE_FROM_MS - 60_000, &live()).unwrap();
    assert_eq!(before.kernel_limits.open_files, Some(2_000));
    assert!(!before.raid[0].degraded());
    let keys = |s: &Snapshot| health::judge(s, &t).problems.into_iter().map(|p| p.key).collect::<Vec<_>>();
    let (now, then) = (keys(&during), keys(&before));
    for key in [Key::KernelLimit("files"), Key::Raid("md0".into())] {
        assert!(now.contains(&key) && !then.contains(&key), "{key:?}: {now:?} / {then:?}");
    }
}
