//! The problem timeline: every finding's life while ctop watches — when it appeared
//! and ended, how long it lasted, its worst value, how often it flapped, and the
//! busiest and largest processes when it started — plus the moments findings do not
//! cover: each OOM kill (and, from the cgroup walk, each one in a service or container,
//! named) and each interface's link state change. Fed one judged
//! snapshot at a time ([`Timeline::observe`]), live or replayed; bounded to the last
//! [`MAX_EVENTS`] events.

use super::{Findings, Key, Severity};
use crate::collect::cgroups::OomEvent;
use crate::collect::procs::Processes;
use crate::snapshot::Snapshot;
use std::collections::VecDeque;
use std::sync::Arc;

/// Events kept; the oldest go first.
pub const MAX_EVENTS: usize = 1000;
/// A problem that ends and comes back within this long is one event that flapped.
pub const FLAP_WINDOW_MS: i64 = 10_000;
/// Processes noted at an event's start, by CPU and by memory.
pub const TOP_PROCESSES: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct TopProcess {
    pub pid: u32,
    pub name: Arc<str>,
    pub cpu_percent: Option<f32>,
    pub rss_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What it is about (`load`, `/var`, `eth0`); with the key, what makes two findings
    /// the same problem.
    pub subject: String,
    pub key: Option<Key>,
    /// The worst severity it reached.
    pub severity: Severity,
    /// The finding's words when it appeared.
    pub first_message: String,
    /// Its words at its worst (the highest excess at the worst severity).
    pub worst_message: String,
    worst: (Severity, f64),
    pub started_ms: i64,
    /// `None` while it goes on. A point event (an OOM kill, a link change) starts and
    /// ends at once.
    pub ended_ms: Option<i64>,
    /// How many times it ended and came back within [`FLAP_WINDOW_MS`].
    pub flaps: u32,
    pub top_cpu: Vec<TopProcess>,
    pub top_memory: Vec<TopProcess>,
}

impl Event {
    pub fn ongoing(&self) -> bool {
        self.ended_ms.is_none()
    }

    /// How long it lasted, or has lasted by `now_ms`.
    pub fn duration_ms(&self, now_ms: i64) -> i64 {
        self.ended_ms.unwrap_or(now_ms) - self.started_ms
    }
}

#[derive(Debug, Default)]
pub struct Timeline {
    events: VecDeque<Event>,
    /// Sequence number of `events[0]`.
    first_seq: u64,
    /// Events open or ended within the flap window: the ones a finding may continue.
    tracked: Vec<u64>,
    oom_while_watching: Option<u64>,
    /// The newest cgroup OOM kill already on the timeline.
    last_cgroup_oom: Option<OomEvent>,
    links: Vec<(String, String)>,
    noted_a_scan: bool,
}

impl Timeline {
    /// Events, oldest first.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.events.iter()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Takes in the findings judged on `snapshot`, seen at `at_ms` (epoch ms).
    pub fn observe(&mut self, at_ms: i64, snapshot: &Snapshot, findings: &Findings) {
        let mut seen = vec![false; self.tracked.len()];
        for f in &findings.problems {
            let found = self.tracked.iter().position(|&seq| {
                let e = &self.events[(seq - self.first_seq) as usize];
                let recent = e.ended_ms.is_none_or(|end| at_ms - end <= FLAP_WINDOW_MS);
                recent && e.key.as_ref() == Some(&f.key) && e.subject == f.subject
            });
            match found {
                Some(t) => {
                    // A second finding with the same key and subject in one judgement (two
                    // interfaces whose names clean to the same text) meets the event the
                    // first one just opened, beyond `seen`: those are kept anyway.
                    if let Some(seen) = seen.get_mut(t) {
                        *seen = true;
                    }
                    let e = &mut self.events[(self.tracked[t] - self.first_seq) as usize];
                    if e.ended_ms.take().is_some() {
                        e.flaps += 1;
                    }
                    if (f.severity, f.excess) > e.worst {
                        e.worst = (f.severity, f.excess);
                        e.severity = e.severity.max(f.severity);
                        e.worst_message.clone_from(&f.message);
                    }
                }
                None => {
                    let mut event = new_event(at_ms, snapshot, Some(f.key.clone()), &f.subject, f.severity, &f.message);
                    event.worst = (f.severity, f.excess);
                    let seq = self.push(event);
                    self.tracked.push(seq);
                }
            }
        }
        // Findings gone: ended, but kept tracked for the flap window in case they return.
        let first_seq = self.first_seq;
        let events = &mut self.events;
        let mut i = 0;
        self.tracked.retain(|&seq| {
            let keep_seen = seen.get(i).copied().unwrap_or(true);
            i += 1;
            let Some(e) = events.get_mut((seq - first_seq) as usize) else { return false };
            if !keep_seen && e.ended_ms.is_none() {
                e.ended_ms = Some(at_ms);
            }
            e.ended_ms.is_none_or(|end| at_ms - end <= FLAP_WINDOW_MS)
        });
        self.oom_kills(at_ms, snapshot);
        self.cgroup_oom_kills(snapshot);
        self.link_changes(at_ms, snapshot);
        self.note_first_scan(snapshot);
    }

    /// Events that began before the first process scan (ctop just started) take the
    /// processes of that scan, the nearest to their start there is.
    fn note_first_scan(&mut self, snapshot: &Snapshot) {
        let Some(p) = snapshot.processes.as_deref() else { return };
        if self.noted_a_scan {
            return;
        }
        self.noted_a_scan = true;
        let (top_cpu, top_memory) = top_processes(p);
        for e in self.events.iter_mut().filter(|e| e.top_cpu.is_empty()) {
            e.top_cpu.clone_from(&top_cpu);
            e.top_memory.clone_from(&top_memory);
        }
    }

    fn push(&mut self, event: Event) -> u64 {
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
            let dropped = self.first_seq;
            self.first_seq += 1;
            self.tracked.retain(|&s| s != dropped);
        }
        self.events.push_back(event);
        self.first_seq + self.events.len() as u64 - 1
    }

    fn oom_kills(&mut self, at_ms: i64, snapshot: &Snapshot) {
        let Some(now) = snapshot.oom_kills.while_watching else { return };
        let before = self.oom_while_watching.replace(now).unwrap_or(0);
        if now > before {
            let n = now - before;
            let message = format!("{n} OOM kill{} ({now} while watching)", if n == 1 { "" } else { "s" });
            self.push_point(at_ms, snapshot, "oom", Severity::Error, message);
        }
    }

    /// Each OOM kill the cgroup walk saw, once, at the time the walk saw it: an error
    /// naming the service or container. The walk keeps its last few kills, oldest first.
    fn cgroup_oom_kills(&mut self, snapshot: &Snapshot) {
        let kills = &snapshot.cgroups.oom_events;
        let new = match &self.last_cgroup_oom {
            None => 0,
            Some(last) => match kills.iter().rposition(|e| e == last) {
                Some(at) => at + 1,
                // Gone from the walk's list: what came after it is newer.
                None => kills.iter().position(|e| e.epoch > last.epoch).unwrap_or(kills.len()),
            },
        };
        for e in &kills[new..] {
            let message = match e.kills {
                1 => format!("{}: OOM kill ({})", e.name, e.path),
                n => format!("{}: {n} OOM kills ({})", e.name, e.path),
            };
            self.push_point(e.epoch * 1000, snapshot, &e.name, Severity::Error, message);
        }
        if let Some(newest) = kills[new..].last() {
            self.last_cgroup_oom = Some(newest.clone());
        }
    }

    fn link_changes(&mut self, at_ms: i64, snapshot: &Snapshot) {
        // `links` keeps the interfaces' order (the sampler's, stable between ticks), so an
        // interface is looked for at its own position first: a search of the whole list
        // for each was 160,000 name comparisons a second at 400 interfaces
        // (PERFORMANCE.md, *A big node*). Taken entries leave an empty name behind,
        // which no interface has.
        let mut previous = std::mem::replace(&mut self.links, Vec::with_capacity(snapshot.interfaces.len()));
        let mut changes = Vec::new();
        for (i, iface) in snapshot.interfaces.iter().enumerate() {
            let known = match previous.get(i) {
                Some((name, _)) if *name == iface.name => Some(i),
                _ => previous.iter().position(|(name, _)| *name == iface.name),
            };
            match known.map(|at| std::mem::take(&mut previous[at])) {
                Some((name, mut state)) => {
                    if state != iface.operstate {
                        changes.push((name.clone(), format!("{name}: link {state} → {}", iface.operstate)));
                        state.clone_from(&iface.operstate);
                    }
                    self.links.push((name, state));
                }
                None => self.links.push((iface.name.clone(), iface.operstate.clone())),
            }
        }
        for (name, message) in changes {
            self.push_point(at_ms, snapshot, &name, Severity::Warning, message);
        }
    }

    /// A reboot seen in a recording (the boot epoch changed between two samples): from
    /// the last sample before it to the first after, times in the zone `utc_offset_s`.
    pub fn rebooted(&mut self, last_seen_ms: i64, back_ms: i64, utc_offset_s: i32, snapshot: &Snapshot) {
        let clock = |ms: i64| crate::history::when::local(ms.div_euclid(1000), utc_offset_s, "%H:%M:%S");
        let down = crate::format::duration((back_ms - last_seen_ms) as f64 / 1000.0);
        let message = format!("rebooted: last seen {}, back {}, down {down}", clock(last_seen_ms), clock(back_ms));
        let mut event = new_event(last_seen_ms, snapshot, None, "reboot", Severity::Warning, &message);
        event.ended_ms = Some(back_ms);
        self.push(event);
    }

    /// An event that starts and ends at once; it has no key, so no finding continues it.
    fn push_point(&mut self, at_ms: i64, snapshot: &Snapshot, subject: &str, severity: Severity, message: String) {
        let mut event = new_event(at_ms, snapshot, None, subject, severity, &message);
        event.ended_ms = Some(at_ms);
        self.push(event);
    }
}

fn new_event(
    at_ms: i64,
    snapshot: &Snapshot,
    key: Option<Key>,
    subject: &str,
    severity: Severity,
    message: &str,
) -> Event {
    let (top_cpu, top_memory) = snapshot.processes.as_deref().map(top_processes).unwrap_or_default();
    Event {
        subject: subject.to_string(),
        key,
        severity,
        first_message: message.to_string(),
        worst_message: message.to_string(),
        worst: (severity, 0.0),
        started_ms: at_ms,
        ended_ms: None,
        flaps: 0,
        top_cpu,
        top_memory,
    }
}

fn top_processes(p: &Processes) -> (Vec<TopProcess>, Vec<TopProcess>) {
    let note = |rows: Vec<&crate::collect::procs::ProcessRow>| {
        rows.into_iter()
            .map(|r| TopProcess {
                pid: r.pid,
                name: r.name.clone(),
                cpu_percent: r.cpu_percent,
                rss_bytes: r.rss_bytes,
            })
            .collect()
    };
    (note(p.top_by_cpu(TOP_PROCESSES)), note(p.top_by_memory(TOP_PROCESSES)))
}
