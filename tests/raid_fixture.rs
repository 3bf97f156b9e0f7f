//! Software RAID from fixture `/proc/mdstat` files (fixtures/mdstat): healthy,
//! degraded (a failed member, a removed one), recovering, resyncing, raid0/1/5/6/10, a
//! scrub, a delayed resync and an inactive array; and what the rules make of them.

use ctop::collect::raid::{self, MdArray};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use std::path::Path;
use std::sync::Arc;

fn arrays(name: &str) -> Vec<MdArray> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mdstat").join(name);
    assert!(root.is_dir(), "missing fixture {}", root.display());
    raid::collect(&Source::new(root, Arc::new(FixedSystem::default())))
}

/// Each array's severity and the messages about it.
fn judged(arrays: Vec<MdArray>) -> Vec<(String, Severity, Vec<String>)> {
    let names: Vec<String> = arrays.iter().map(|a| a.name.clone()).collect();
    let snapshot = Snapshot { raid: arrays, ..Snapshot::default() };
    let findings = health::judge(&snapshot, &Thresholds::default());
    names
        .into_iter()
        .map(|name| {
            let key = Key::Raid(name.clone());
            let messages = findings.problems.iter().filter(|p| p.key == key).map(|p| p.message.clone()).collect();
            (name, findings.severity(&key), messages)
        })
        .collect()
}

#[test]
fn a_healthy_mirror_raises_nothing() {
    let a = arrays("healthy-raid1");
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].level.as_deref(), a[0].raid_disks, a[0].working_disks), (Some("raid1"), Some(2), Some(2)));
    assert_eq!(a[0].slots.as_deref(), Some("UU"));
    assert!(!a[0].degraded());
    assert_eq!(judged(a), [("md0".to_string(), Severity::Ok, vec![])]);
}

#[test]
fn a_degraded_mirror_is_an_error_naming_the_failed_member() {
    let a = arrays("degraded-raid1-failed");
    assert_eq!(a.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["md1", "md0"]);
    assert!(a[0].degraded() && a[0].members.iter().any(|m| m.name == "sdb2" && m.failed));
    let j = judged(a);
    assert_eq!(j[0], ("md1".into(), Severity::Error, vec!["md1 (raid1) degraded [U_]: sdb2 failed".to_string()]));
    assert_eq!(j[1].1, Severity::Ok);
}

#[test]
fn a_removed_member_is_counted_as_missing() {
    let j = judged(arrays("degraded-raid5-removed"));
    assert_eq!(j[0].1, Severity::Error);
    assert_eq!(j[0].2, ["md127 (raid5) degraded [_UU]: 1 of 3 members missing"]);
}

#[test]
fn a_recovery_shows_its_progress_and_speed() {
    let a = arrays("recovering-raid5");
    let sync = a[0].sync.clone().unwrap();
    assert_eq!((sync.action.as_str(), sync.percent, sync.finish_minutes), ("recovery", Some(23.4), Some(61.8)));
    assert_eq!(sync.speed_bytes_per_s, Some(201_634.0 * 1024.0));
    let j = judged(a);
    assert_eq!(j[0].1, Severity::Error, "still degraded while it rebuilds");
    assert_eq!(
        j[0].2,
        ["md0 (raid5) degraded [UUU_]: 1 of 4 members missing, recovery 23.4% at 197 MiB/s, 62 min left"]
    );
}

#[test]
fn an_initial_resync_is_a_warning_with_its_progress() {
    let j = judged(arrays("resync-raid6"));
    assert_eq!(j[0].1, Severity::Warning);
    assert_eq!(j[0].2, ["md2 (raid6) resync 0.7% at 194 MiB/s, 325 min left"]);
}

#[test]
fn raid0_and_raid10_layouts() {
    let a = arrays("raid0-raid10");
    assert_eq!(a[0].level.as_deref(), Some("raid10"));
    assert_eq!((a[0].raid_disks, a[0].working_disks, a[0].slots.as_deref()), (Some(4), Some(4), Some("UUUU")));
    assert_eq!(a[0].members.len(), 4);
    assert_eq!(a[1].level.as_deref(), Some("raid0"));
    assert_eq!((a[1].raid_disks, a[1].slots.as_deref()), (None, None), "raid0 has no [n/m]");
    assert_eq!(a[1].members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["nvme1n1", "nvme0n1"]);
    assert!(judged(a).iter().all(|(_, s, _)| *s == Severity::Ok));
}

#[test]
fn a_scrub_and_a_delayed_resync_are_routine_an_inactive_array_is_not() {
    let a = arrays("check-delayed-inactive");
    assert_eq!(a[0].sync.as_ref().map(|s| (s.action.as_str(), s.percent)), Some(("check", Some(47.9))));
    assert_eq!(a[1].sync.as_ref().map(|s| (s.action.as_str(), s.percent)), Some(("resync", None)));
    assert_eq!((a[2].state.as_str(), a[2].level.as_deref()), ("inactive", None));
    assert!(a[2].members[0].spare);
    let j = judged(a);
    assert_eq!((j[0].1, j[1].1), (Severity::Ok, Severity::Ok));
    assert_eq!(j[2].1, Severity::Warning);
    assert_eq!(j[2].2, ["md127 inactive (not assembled)"]);
}

#[test]
fn no_mdstat_or_garbage_is_no_arrays() {
    assert!(arrays("../diskio/debian12-virtio").is_empty());
    assert!(raid::parse("md0 : \nmd1\n : active raid1\n\u{0}\n      [9999999999999/x] blocks").is_empty());
}
