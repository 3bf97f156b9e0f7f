//! OOM kills inside a service or container join the problem timeline: each kill the
//! cgroup walk reports is one error event naming the service, at the time the walk saw
//! it, with the processes of that moment — once, however many times the walk repeats it
//! and after the walk's list lets older kills go.

mod history_support;

use ctop::collect::cgroups::{Cgroups, OomEvent};
use ctop::health::timeline::Timeline;
use ctop::health::{self, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use history_support::*;
use std::sync::Arc;

const T0: i64 = END_MS;

fn kill(name: &str, epoch_ms: i64, kills: u64) -> OomEvent {
    OomEvent {
        path: format!("/system.slice/{name}"),
        name: name.into(),
        epoch: epoch_ms / 1000,
        local_time: "12:00:00".into(),
        kills,
    }
}

fn snapshot(events: Vec<OomEvent>, busiest: &str) -> Snapshot {
    let mut p = processes(T0);
    p.list.push(process(7777, busiest, 250.0, 9 << 30));
    Snapshot {
        processes: Some(Arc::new(p)),
        cgroups: Cgroups { oom_events: events, ..Cgroups::default() },
        ..Snapshot::default()
    }
}

/// Judges `s` as the dashboard does and shows it to the timeline at `at`.
fn observe(t: &mut Timeline, at: i64, s: &Snapshot) {
    t.observe(at, s, &health::judge(s, &Thresholds::default()));
}

fn oom_points(t: &Timeline) -> Vec<(String, i64, String)> {
    t.events().filter(|e| e.key.is_none()).map(|e| (e.subject.clone(), e.started_ms, e.first_message.clone())).collect()
}

#[test]
fn each_cgroup_oom_kill_is_one_error_event_naming_the_service() {
    let mut t = Timeline::default();
    observe(&mut t, T0, &snapshot(vec![], "idle"));
    let db = kill("db.service", T0 + 5_000, 1);
    observe(&mut t, T0 + 5_000, &snapshot(vec![db.clone()], "db"));
    // The walk reports its kills on every reading: the timeline takes each once.
    for s in 2..5 {
        observe(&mut t, T0 + s * 5_000, &snapshot(vec![db.clone()], "other"));
    }
    let web = kill("web.service", T0 + 25_000, 3);
    observe(&mut t, T0 + 25_000, &snapshot(vec![db.clone(), web.clone()], "web"));
    assert_eq!(
        oom_points(&t),
        [
            ("db.service".to_string(), T0 + 5_000, "db.service: OOM kill (/system.slice/db.service)".to_string()),
            (
                "web.service".to_string(),
                T0 + 25_000,
                "web.service: 3 OOM kills (/system.slice/web.service)".to_string()
            ),
        ]
    );
    let e = t.events().find(|e| e.key.is_none() && e.subject == "db.service").unwrap();
    assert_eq!((e.severity, e.ended_ms), (Severity::Error, Some(T0 + 5_000)), "a point event, an error");
    assert_eq!(&*e.top_cpu[0].name, "db", "the processes of the moment the walk saw it");
    // The finding health makes of it (an error naming the service) is on the timeline too.
    assert!(t.events().any(|e| e.key.is_some() && e.first_message.starts_with("db.service: OOM kill at ")));

    // The walk keeps its last few kills: once db.service's has gone from its list, a
    // new kill is still one event, and nothing comes twice.
    let db2 = kill("db.service", T0 + 40_000, 1);
    observe(&mut t, T0 + 40_000, &snapshot(vec![web.clone(), db2], "db"));
    observe(&mut t, T0 + 45_000, &snapshot(vec![web], "db"));
    let points = oom_points(&t);
    assert_eq!(points.len(), 3, "{points:?}");
    assert_eq!(points[2].1, T0 + 40_000);
}

/// The walk keeps only its last few kills: when more came between two readings than it
/// keeps, the last one the timeline saw has left its list, and every kill listed is
/// newer. Each is still one event.
#[test]
fn kills_after_the_last_one_seen_left_the_walks_list_are_each_one_event() {
    let mut t = Timeline::default();
    observe(&mut t, T0, &snapshot(vec![kill("db.service", T0, 1)], "db"));
    // Two kills since; the walk's list has let db.service's go.
    let newer = vec![kill("web.service", T0 + 30_000, 1), kill("api.service", T0 + 50_000, 1)];
    observe(&mut t, T0 + 60_000, &snapshot(newer.clone(), "web"));
    observe(&mut t, T0 + 65_000, &snapshot(newer, "web"));
    let points: Vec<(String, i64)> = oom_points(&t).into_iter().map(|(subject, at, _)| (subject, at)).collect();
    assert_eq!(
        points,
        [
            ("db.service".to_string(), T0),
            ("web.service".to_string(), T0 + 30_000),
            ("api.service".to_string(), T0 + 50_000)
        ]
    );
}
