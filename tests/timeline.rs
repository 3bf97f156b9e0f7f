//! The problem timeline on a synthetic sequence of findings: a problem appears and ends,
//! one that flaps within the window is one event with a flap count, one that comes back
//! later is a new event, the worst value is kept, the top processes are those of the
//! moment it started, OOM kills and link changes are events, and the list is bounded.

mod history_support;

use ctop::collect::procs::Processes;
use ctop::health::timeline::{FLAP_WINDOW_MS, MAX_EVENTS, Timeline};
use ctop::health::{Finding, Findings, Key, Severity};
use ctop::snapshot::Snapshot;
use history_support::*;
use std::sync::Arc;

const T0: i64 = END_MS;

fn load(value: f64) -> Finding {
    let severity = if value > 4.0 { Severity::Error } else { Severity::Warning };
    Finding {
        severity,
        subject: "load".into(),
        message: format!("load {value:.1} on 2 CPUs"),
        key: Key::Load,
        excess: value / 10.0,
    }
}

fn with_processes(busiest: &str) -> Snapshot {
    let mut p: Processes = processes(T0);
    p.list.push(process(7777, busiest, 250.0, 9 << 30));
    Snapshot { processes: Some(Arc::new(p)), ..Snapshot::default() }
}

fn observe(timeline: &mut Timeline, at: i64, snapshot: &Snapshot, findings: Vec<Finding>) {
    timeline.observe(at, snapshot, &Findings::new(findings));
}

#[test]
fn a_problem_appears_worsens_and_ends() {
    let mut t = Timeline::default();
    let s = with_processes("hog");
    observe(&mut t, T0, &s, vec![]);
    assert!(t.is_empty());
    observe(&mut t, T0 + 1000, &s, vec![load(2.5)]);
    observe(&mut t, T0 + 2000, &s, vec![load(6.0)]);
    observe(&mut t, T0 + 3000, &s, vec![load(3.0)]);
    let e = t.events().next().unwrap();
    assert!(e.ongoing());
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.first_message, "load 2.5 on 2 CPUs");
    assert_eq!(e.worst_message, "load 6.0 on 2 CPUs");
    observe(&mut t, T0 + 4000, &s, vec![]);
    let e = t.events().next().unwrap();
    assert_eq!((e.started_ms, e.ended_ms, e.flaps), (T0 + 1000, Some(T0 + 4000), 0));
    assert_eq!(e.duration_ms(T0 + 99_000), 3000);
    assert_eq!(t.len(), 1);
}

#[test]
fn flapping_is_one_event_and_a_later_return_a_new_one() {
    let mut t = Timeline::default();
    let s = Snapshot::default();
    let mut at = T0;
    for _ in 0..3 {
        observe(&mut t, at, &s, vec![load(3.0)]);
        observe(&mut t, at + 2000, &s, vec![]);
        at += 5000;
    }
    assert_eq!(t.len(), 1, "three returns within {FLAP_WINDOW_MS} ms are one event");
    let e = t.events().next().unwrap();
    assert_eq!((e.flaps, e.started_ms, e.ended_ms), (2, T0, Some(T0 + 12_000)));
    // Quiet for longer than the flap window: the next one is a new event.
    observe(&mut t, at + FLAP_WINDOW_MS + 1000, &s, vec![]);
    observe(&mut t, at + FLAP_WINDOW_MS + 2000, &s, vec![load(3.0)]);
    assert_eq!(t.len(), 2);
    assert_eq!(t.events().last().unwrap().flaps, 0);
}

#[test]
fn findings_of_different_subjects_are_different_events() {
    let mut t = Timeline::default();
    let s = Snapshot::default();
    let var = Finding {
        severity: Severity::Error,
        subject: "/var".into(),
        message: "/var not responding".into(),
        key: Key::Mount("/var".into()),
        excess: 2.0,
    };
    observe(&mut t, T0, &s, vec![load(3.0), var.clone()]);
    observe(&mut t, T0 + 1000, &s, vec![var]);
    assert_eq!(t.len(), 2);
    let by_subject = |s: &str| t.events().find(|e| e.subject == s).unwrap();
    assert!(!by_subject("load").ongoing() && by_subject("/var").ongoing());
}

#[test]
fn the_top_processes_are_those_at_the_start() {
    let mut t = Timeline::default();
    observe(&mut t, T0, &with_processes("first-hog"), vec![load(3.0)]);
    observe(&mut t, T0 + 1000, &with_processes("later-hog"), vec![load(5.0)]);
    let e = t.events().next().unwrap();
    assert_eq!(e.top_cpu.len(), 3);
    assert_eq!(&*e.top_cpu[0].name, "first-hog");
    assert_eq!(&*e.top_memory[0].name, "first-hog");
    assert_eq!(e.top_cpu[0].pid, 7777);
}

#[test]
fn oom_kills_and_link_changes_are_events() {
    let mut t = Timeline::default();
    let mut s = Snapshot { interfaces: vec![interface("eth0", 0.0, true)], ..Snapshot::default() };
    s.oom_kills.while_watching = Some(0);
    observe(&mut t, T0, &s, vec![]);
    s.oom_kills.while_watching = Some(2);
    s.interfaces[0].operstate = "down".into();
    observe(&mut t, T0 + 1000, &s, vec![]);
    let messages: Vec<&str> = t.events().map(|e| e.first_message.as_str()).collect();
    assert_eq!(messages, ["2 OOM kills (2 while watching)", "eth0: link up → down"]);
    assert!(t.events().all(|e| e.ended_ms == Some(T0 + 1000)));
}

/// Interfaces coming and going shift the others' places in the list: each is still
/// matched with its own previous state (a change is one event, no change none), and
/// one gone and back later is new, not a change.
#[test]
fn link_changes_follow_each_interface_as_the_list_shifts() {
    let mut t = Timeline::default();
    let list = |names: &[(&str, &str)]| {
        let interfaces = names
            .iter()
            .map(|(name, state)| {
                let mut i = interface(name, 0.0, true);
                i.operstate = state.to_string();
                i
            })
            .collect();
        Snapshot { interfaces, ..Snapshot::default() }
    };
    observe(&mut t, T0, &list(&[("eth0", "up"), ("veth1", "up"), ("veth2", "up")]), vec![]);
    observe(&mut t, T0 + 1000, &list(&[("eth0", "up"), ("veth0", "up"), ("veth1", "up"), ("veth2", "down")]), vec![]);
    observe(&mut t, T0 + 2000, &list(&[("veth1", "down"), ("veth2", "down")]), vec![]);
    observe(&mut t, T0 + 3000, &list(&[("eth0", "down"), ("veth1", "down"), ("veth2", "up")]), vec![]);
    let messages: Vec<&str> = t.events().map(|e| e.first_message.as_str()).collect();
    assert_eq!(messages, ["veth2: link up → down", "veth1: link up → down", "veth2: link down → up"]);
}

#[test]
fn the_timeline_keeps_the_last_thousand_events() {
    let mut t = Timeline::default();
    let s = Snapshot::default();
    for i in 0..(MAX_EVENTS as i64 + 500) {
        // Each a minute apart: a new event every time.
        observe(&mut t, T0 + i * 60_000, &s, vec![load(3.0)]);
        observe(&mut t, T0 + i * 60_000 + 1000, &s, vec![]);
    }
    assert_eq!(t.len(), MAX_EVENTS);
    assert_eq!(t.events().next().unwrap().started_ms, T0 + 500 * 60_000);
}

#[test]
fn two_findings_with_one_key_and_subject_in_one_judgement_are_one_event() {
    // Two interfaces whose names clean to the same text give two such findings.
    let mut t = Timeline::default();
    let s = Snapshot::default();
    observe(&mut t, T0, &s, vec![load(3.0), load(5.0)]);
    observe(&mut t, T0 + 1000, &s, vec![load(3.0), load(5.0)]);
    assert_eq!(t.len(), 1, "{:?}", t.events().collect::<Vec<_>>());
    observe(&mut t, T0 + 2000, &s, vec![]);
    assert!(t.events().all(|e| e.ended_ms.is_some()));
}
