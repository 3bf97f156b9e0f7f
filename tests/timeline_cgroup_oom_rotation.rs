//! The cgroup walk keeps only its last few OOM kills. When more kills came between two
//! readings than it keeps, the last one the timeline saw has left its list, and every
//! kill listed is newer: each is still one event. Mutation testing found this case
//! unchecked (`tests/timeline_cgroup_oom.rs` always keeps the last kill seen listed).

use ctop::collect::cgroups::{Cgroups, OomEvent};
use ctop::health::timeline::Timeline;
use ctop::health::{self, Thresholds};
use ctop::snapshot::Snapshot;

fn kill(name: &str, epoch: i64) -> OomEvent {
    OomEvent {
        path: format!("/system.slice/{name}"),
        name: name.into(),
        epoch,
        local_time: "12:00:00".into(),
        kills: 1,
    }
}

/// Shows the timeline a reading at `epoch` whose walk lists `kills`, judged as the
/// dashboard judges it.
fn observe(t: &mut Timeline, epoch: i64, kills: Vec<OomEvent>) {
    let s = Snapshot { cgroups: Cgroups { oom_events: kills, ..Cgroups::default() }, ..Snapshot::default() };
    t.observe(epoch * 1000, &s, &health::judge(&s, &Thresholds::default()));
}

#[test]
fn kills_after_the_last_one_seen_left_the_walks_list_are_each_one_event() {
    let mut t = Timeline::default();
    observe(&mut t, 1_700_000_100, vec![kill("db.service", 1_700_000_100)]);
    // Two kills since; the walk's list has let db.service's go.
    let newer = vec![kill("web.service", 1_700_000_130), kill("api.service", 1_700_000_150)];
    observe(&mut t, 1_700_000_160, newer.clone());
    observe(&mut t, 1_700_000_165, newer);
    let points: Vec<(String, i64)> =
        t.events().filter(|e| e.key.is_none()).map(|e| (e.subject.clone(), e.started_ms)).collect();
    assert_eq!(
        points,
        [
            ("db.service".to_string(), 1_700_000_100_000),
            ("web.service".to_string(), 1_700_000_130_000),
            ("api.service".to_string(), 1_700_000_150_000),
        ]
    );
}
