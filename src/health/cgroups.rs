//! Judgement of services, containers and pods (cgroups): memory against the limit,
//! CPU throttled by a quota, pids against `pids.max`, and OOM kills, each named by the
//! service or container it happened in ("postgresql.service: OOM kill at 03:12:07").

use super::rules::Problems;
use super::{Key, Severity, Thresholds};
use crate::collect::cgroups::{Cgroup, Cgroups};
use crate::format;

pub(super) fn judge(found: &mut Problems, cgroups: &Cgroups, t: &Thresholds) {
    for c in &cgroups.list {
        memory(found, c, t);
        throttling(found, c, t);
        pids(found, c, t);
    }
    oom_kills(found, cgroups);
}

fn key(c: &Cgroup) -> Key {
    Key::Cgroup(c.path.clone())
}

/// At or above the warning, memory that also hit `memory.high` or the limit in the
/// window is an error: the kernel is reclaiming or about to kill. (Below it, hitting
/// the limit only means page cache being recycled, which is normal.)
fn memory(found: &mut Problems, c: &Cgroup, t: &Thresholds) {
    let (Some(pct), Some(limit)) = (c.memory_limit_percent(), c.memory_limit_bytes) else { return };
    let pressed = c.memory_high_events.unwrap_or(0) + c.memory_max_events.unwrap_or(0) > 0;
    let error = if pressed && pct >= t.cgroup_memory_warning { 0.0 } else { t.cgroup_memory_error };
    found.percent(pct, t.cgroup_memory_warning, error, key(c), &c.name, || {
        let at_limit = if pressed { ", reclaiming at its limit" } else { "" };
        format!("{} memory {} of its {} limit{at_limit}", c.name, format::percent(pct), format::bytes(limit))
    });
}

fn throttling(found: &mut Problems, c: &Cgroup, t: &Thresholds) {
    let Some(pct) = c.throttled_percent else { return };
    found.percent(pct, t.cgroup_throttled_warning, f64::INFINITY, key(c), &c.name, || {
        format!("{} CPU throttled {} of the time by its quota", c.name, format::percent(pct))
    });
}

fn pids(found: &mut Problems, c: &Cgroup, t: &Thresholds) {
    let (Some(pids), Some(max)) = (c.pids, c.pids_limit.filter(|&m| m > 0)) else { return };
    let pct = pids as f64 * 100.0 / max as f64;
    found.percent(pct, t.cgroup_pids_warning, f64::INFINITY, key(c), &c.name, || {
        format!("{} has {pids} of its {max} pids (pids.max)", c.name)
    });
}

/// Every cgroup that had an OOM kill while ctop watched: an error naming it, with the
/// time of the last one.
fn oom_kills(found: &mut Problems, cgroups: &Cgroups) {
    let mut by_path: Vec<(&str, &str, u64, &str)> = Vec::new();
    for e in &cgroups.oom_events {
        match by_path.iter_mut().find(|(p, ..)| *p == e.path) {
            Some(seen) => {
                seen.2 += e.kills;
                seen.3 = &e.local_time;
            }
            None => by_path.push((&e.path, &e.name, e.kills, &e.local_time)),
        }
    }
    for (path, name, kills, at) in by_path {
        let message = match kills {
            1 => format!("{name}: OOM kill at {at}"),
            n => format!("{name}: {n} OOM kills, the last at {at}"),
        };
        found.add(Severity::Error, Key::Cgroup(path.to_string()), name, message, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::cgroups::OomEvent;
    use crate::health::Findings;

    fn judged(cgroups: &Cgroups) -> Findings {
        let mut found = Problems(Vec::new());
        judge(&mut found, cgroups, &Thresholds::default());
        Findings::new(found.0)
    }

    fn service(name: &str) -> Cgroup {
        Cgroup { path: format!("/system.slice/{name}"), name: name.into(), ..Cgroup::default() }
    }

    #[test]
    fn memory_near_the_limit_warns_and_errs_when_the_kernel_reclaims() {
        let mib = 1 << 20;
        let near = Cgroup {
            memory_bytes: Some(950 * mib),
            memory_reclaimable_bytes: Some(10 * mib),
            memory_limit_bytes: Some(1000 * mib),
            ..service("web.service")
        };
        let f = judged(&Cgroups { list: vec![near.clone()], ..Cgroups::default() });
        assert_eq!(f.severity(&Key::Cgroup(near.path.clone())), Severity::Warning);
        assert_eq!(f.problems[0].message, "web.service memory 94% of its 1000 MiB limit");
        let pressed = Cgroup { memory_max_events: Some(3), ..near.clone() };
        assert_eq!(judged(&Cgroups { list: vec![pressed], ..Cgroups::default() }).worst(), Severity::Error);
        // Page cache does not count: 950 MiB of which 200 MiB inactive file is 75 %.
        let cache = Cgroup { memory_reclaimable_bytes: Some(200 * mib), ..near };
        assert!(judged(&Cgroups { list: vec![cache], ..Cgroups::default() }).problems.is_empty());
    }

    #[test]
    fn throttling_and_pids_warn() {
        let busy =
            Cgroup { throttled_percent: Some(40.0), pids: Some(95), pids_limit: Some(100), ..service("a.service") };
        let f = judged(&Cgroups { list: vec![busy], ..Cgroups::default() });
        let messages: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(messages.contains(&"a.service CPU throttled 40% of the time by its quota"), "{messages:?}");
        assert!(messages.contains(&"a.service has 95 of its 100 pids (pids.max)"), "{messages:?}");
        assert_eq!(f.worst(), Severity::Warning);
    }

    #[test]
    fn an_oom_kill_is_an_error_naming_the_service() {
        let event = |at: &str| OomEvent {
            path: "/system.slice/postgresql.service".into(),
            name: "postgresql.service".into(),
            epoch: 0,
            local_time: at.into(),
            kills: 1,
        };
        let one = Cgroups { oom_events: vec![event("03:12:07")], ..Cgroups::default() };
        let f = judged(&one);
        assert_eq!(f.problems[0].message, "postgresql.service: OOM kill at 03:12:07");
        assert_eq!(f.worst(), Severity::Error);
        let two = Cgroups { oom_events: vec![event("03:12:07"), event("03:14:00")], ..Cgroups::default() };
        assert_eq!(judged(&two).problems[0].message, "postgresql.service: 2 OOM kills, the last at 03:14:00");
    }
}
