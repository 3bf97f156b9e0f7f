//! The rules: each looks at one area of the snapshot and adds a [`Finding`] for
//! every value past its threshold. Values below every threshold add nothing (their
//! severity is `Ok` by absence).
//!
//! `excess` orders findings of one severity. It is comparable across rules: for a
//! percentage, the share of the room between the threshold and 100 % already used
//! (a full disk is 1.0); for an unbounded value (load, counts), how far past the
//! threshold relative to it, capped at 1.0; a broken thing (device gone, no cable) is
//! 1.0; a hung mount is [`HANGS`], above everything, because it freezes other tools; a
//! hint about the past is below zero ([`HINT`]), after everything about now.

use super::{Finding, Key, Severity, Thresholds};
use crate::collect::cpu::Cpu;
use crate::collect::disks::{Filesystem, Usage};
use crate::collect::limits::ContainerLimits;
use crate::collect::memory::{Memory, Swap};
use crate::collect::net::Interface;
use crate::collect::pressure::{OomKills, Pressure};
use crate::collect::procs::Processes;
use crate::format;
use crate::snapshot::Snapshot;

/// The excess of something broken outright.
pub(super) const BROKEN: f64 = 1.0;
/// The excess of a mount that does not answer: the worst thing ctop can see.
const HANGS: f64 = 2.0;
/// Where a hint about the past (OOM kills at an unknown time since boot) is ordered: its
/// excess is shifted below zero, under every finding about now (whose excess is ≥ 0), so
/// it is listed after every other finding of its severity.
const HINT: f64 = -1.0;

pub(super) fn judge_all(s: &Snapshot, t: &Thresholds) -> Vec<Finding> {
    let mut found = Problems(Vec::new());
    load(&mut found, &s.cpu, &s.limits, t);
    cpu_usage(&mut found, &s.cpu, t);
    memory(&mut found, s.memory.as_ref(), &s.limits, t);
    swap(&mut found, s.swap.as_ref(), t);
    for fs in &s.filesystems {
        filesystem(&mut found, fs, t);
    }
    for iface in &s.interfaces {
        interface(&mut found, iface);
    }
    if let Some(p) = &s.processes {
        processes(&mut found, p, t);
        super::blocked::judge(&mut found, p, t);
        super::fd_limits::judge(&mut found, p, t);
    }
    uptime(&mut found, s.time.uptime_seconds, s.from_root_tree, t);
    oom_kills(&mut found, &s.oom_kills, t);
    pressure(&mut found, &s.pressure, t);
    super::disks_io::judge(&mut found, &s.disks, t);
    super::clock::judge(&mut found, &s.time, &s.platform, t);
    super::raid::judge(&mut found, &s.raid);
    super::kernel_limits::judge(&mut found, &s.kernel_limits, t);
    super::hardware::judge(&mut found, &s.hardware);
    found.0.extend(super::network::judge(s, t));
    super::cgroups::judge(&mut found, &s.cgroups, t);
    found.0
}

pub(super) struct Problems(pub(super) Vec<Finding>);

impl Problems {
    pub(super) fn add(&mut self, severity: Severity, key: Key, subject: &str, message: String, excess: f64) {
        self.0.push(Finding { severity, subject: subject.to_string(), message, key, excess });
    }

    /// A percentage judged against a warning and an error level (at or above), as it is
    /// shown: 84.6 % is shown `85%`, so it is judged 85 (see `format::percent_shown`).
    pub(super) fn percent(
        &mut self,
        value: f64,
        warning: f64,
        error: f64,
        key: Key,
        subject: &str,
        message: impl Fn() -> String,
    ) {
        let value = format::percent_shown(value);
        if let Some((severity, threshold)) = grade(value, warning, error) {
            let excess = ((value - threshold) / (100.0 - threshold).max(1.0)).clamp(0.0, 1.0);
            self.add(severity, key, subject, message(), excess);
        }
    }
}

/// The band `value` falls in (at or above the level) and that band's threshold.
pub(super) fn grade(value: f64, warning: f64, error: f64) -> Option<(Severity, f64)> {
    if value >= error {
        Some((Severity::Error, error))
    } else if value >= warning {
        Some((Severity::Warning, warning))
    } else {
        None
    }
}

/// How far an unbounded value is past its threshold, relative to it, capped at 1.
pub(super) fn relative_excess(value: f64, threshold: f64) -> f64 {
    if threshold > 0.0 { ((value - threshold) / threshold).clamp(0.0, 1.0) } else { BROKEN }
}

fn load(found: &mut Problems, cpu: &Cpu, limits: &ContainerLimits, t: &Thresholds) {
    let Some(load) = &cpu.load else { return };
    let cpus = cpu.model.logical_cpus.max(1) as f64;
    // A quota above the host's CPUs limits nothing: the host is the bound then.
    let quota = limits.cpu_quota_cpus.filter(|q| *q > 0.0 && *q < cpus);
    let capacity = quota.unwrap_or(cpus);
    // "Exceeds": a load equal to the CPUs keeps every CPU busy without a queue.
    let (severity, threshold) = if load.one > t.load_error * capacity {
        (Severity::Error, t.load_error * capacity)
    } else if load.one > t.load_warning * capacity {
        (Severity::Warning, t.load_warning * capacity)
    } else {
        return;
    };
    let on = match quota {
        Some(q) => format!("a {}-CPU container quota", trim_float(q)),
        None if cpus == 1.0 => "1 CPU".to_string(),
        None => format!("{cpus} CPUs"),
    };
    let message = format!("load {:.1} on {on}", load.one);
    found.add(severity, Key::Load, "load", message, relative_excess(load.one, threshold));
}

/// `2` for 2.0, `1.5` for 1.5: a quota as people write it.
fn trim_float(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn cpu_usage(found: &mut Problems, cpu: &Cpu, t: &Thresholds) {
    let Some(u) = &cpu.total else { return };
    let busy = u.busy();
    found.percent(busy, t.cpu_warning, t.cpu_error, Key::CpuBusy, "cpu", || {
        format!("CPU {} busy", format::percent(busy))
    });
    // iowait and steal only ever warn: they explain slowness, they are not failures.
    found.percent(u.iowait, t.iowait_warning, f64::INFINITY, Key::IoWait, "iowait", || {
        format!("iowait {}: waiting on disks", format::percent(u.iowait))
    });
    found.percent(u.steal, t.steal_warning, f64::INFINITY, Key::Steal, "steal", || {
        format!("steal {}: the hypervisor is busy", format::percent(u.steal))
    });
}

fn memory(found: &mut Problems, memory: Option<&Memory>, limits: &ContainerLimits, t: &Thresholds) {
    if let (Some(max), Some(current)) = (limits.memory_max_bytes, limits.memory_current_bytes) {
        // Page cache the kernel drops first is not pressure on the limit (what
        // `docker stats` and the kubelet subtract too).
        let used = current.saturating_sub(limits.memory_inactive_file_bytes.unwrap_or(0));
        if max > 0 {
            let pct = used as f64 * 100.0 / max as f64;
            found.percent(pct, t.memory_warning, t.memory_error, Key::Memory, "memory", || {
                format!("memory {} of the {} container limit", format::percent(pct), format::bytes(max))
            });
            return;
        }
    }
    let Some(m) = memory.filter(|m| m.total_bytes > 0) else { return };
    let pct = m.used_bytes as f64 * 100.0 / m.total_bytes as f64;
    found.percent(pct, t.memory_warning, t.memory_error, Key::Memory, "memory", || {
        format!("memory {} used, {} available", format::percent(pct), format::bytes(m.available_bytes))
    });
}

fn swap(found: &mut Problems, swap: Option<&Swap>, t: &Thresholds) {
    let Some(s) = swap.filter(|s| s.total_bytes > 0) else { return };
    let pct = s.used_bytes as f64 * 100.0 / s.total_bytes as f64;
    found.percent(pct, t.swap_warning, t.swap_error, Key::Swap, "swap", || {
        format!("swap {} used, {} free", format::percent(pct), format::bytes(s.free_bytes))
    });
}

fn filesystem(found: &mut Problems, fs: &Filesystem, t: &Thresholds) {
    let mp: &str = &fs.mountpoint;
    let mount = || Key::Mount(mp.to_string());
    if fs.device_missing {
        found.add(Severity::Error, mount(), mp, format!("{mp}: device {} is gone", fs.device), BROKEN);
    }
    if fs.remounted_read_only {
        found.add(Severity::Error, mount(), mp, format!("{mp} remounted read-only"), BROKEN);
    }
    let usage = match &fs.usage {
        Usage::Measured(u) => u,
        Usage::NotResponding { .. } => {
            found.add(Severity::Error, mount(), mp, format!("{mp} not responding"), HANGS);
            return;
        }
        Usage::Unavailable { .. } => return,
    };
    // Judged as df shows them: rounded up to a whole percent (`format::percent_df`).
    if let Some(pct) = usage.use_percent().map(f64::ceil) {
        found.percent(pct, t.fs_space_warning, t.fs_space_error, Key::FsSpace(mp.to_string()), mp, || {
            format!("{mp} {} full, {} left", format::percent_df(pct), format::bytes(usage.avail_bytes))
        });
    }
    if let Some(pct) = usage.inode_use_percent().map(f64::ceil) {
        found.percent(pct, t.fs_inodes_warning, t.fs_inodes_error, Key::FsInodes(mp.to_string()), mp, || {
            format!("{mp} {} of inodes used, {} left", format::percent_df(pct), usage.inodes_free)
        });
    }
}

fn interface(found: &mut Problems, iface: &Interface) {
    // Loopback has no carrier to lose; an empty bridge (docker0 with no container
    // running) has none by design.
    if !iface.admin_up || iface.carrier != Some(false) || matches!(iface.kind.as_str(), "loopback" | "bridge") {
        return;
    }
    let name = iface.name.as_str();
    let what = if iface.kind == "ether" { "cable" } else { "carrier" };
    found.add(Severity::Error, Key::Interface(name.to_string()), name, format!("{name} up but no {what}"), BROKEN);
}

fn processes(found: &mut Problems, p: &Processes, t: &Thresholds) {
    for r in &p.repeated {
        let count = r.count as u64;
        let share = if p.total > 0 { count as f64 * 100.0 / p.total as f64 } else { 0.0 };
        let too_many = t.repeated_warning > 0 && count > t.repeated_warning;
        let too_common = p.total as u64 > t.repeated_share_min_processes && share > t.repeated_share_warning;
        if !(too_many || too_common) {
            continue;
        }
        let excess = if too_many {
            relative_excess(count as f64, t.repeated_warning as f64)
        } else {
            relative_excess(share, t.repeated_share_warning)
        };
        let name = &*r.name;
        let message = format!("{count} × {name} ({} of all processes)", format::percent(share));
        found.add(Severity::Warning, Key::Repeated(name.to_string()), name, message, excess);
    }
    let zombies = p.zombie as u64;
    if t.zombies_warning > 0 && zombies >= t.zombies_warning {
        let message = if zombies == 1 { "1 zombie process".to_string() } else { format!("{zombies} zombie processes") };
        found.add(
            Severity::Warning,
            Key::Zombies,
            "zombies",
            message,
            relative_excess(zombies as f64, t.zombies_warning as f64),
        );
    }
}

/// `from_root_tree`: the uptime is a `--root` tree's, as of when it was captured; "ago"
/// would measure it against this machine's clock, so the message says what is known.
fn uptime(found: &mut Problems, uptime: Option<f64>, from_root_tree: bool, t: &Thresholds) {
    let Some(up) = uptime.filter(|u| *u < t.recent_reboot_seconds) else { return };
    // The more recent, the more it matters.
    let excess = (1.0 - up / t.recent_reboot_seconds).clamp(0.0, 1.0);
    let up = format::duration(up);
    let message =
        if from_root_tree { format!("up only {up} when the tree was read") } else { format!("rebooted {up} ago") };
    found.add(Severity::Warning, Key::Uptime, "uptime", message, excess);
}

fn oom_kills(found: &mut Problems, oom: &OomKills, t: &Thresholds) {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    match (oom.while_watching, oom.since_boot) {
        (Some(n), _) if t.oom_watching_error > 0 && n >= t.oom_watching_error => {
            let message = format!("{n} OOM kill{} since ctop started", plural(n));
            found.add(Severity::Error, Key::OomKills, "oom", message, BROKEN);
        }
        // Older kills: the kernel keeps no date, so they are a hint, not an alarm.
        (_, Some(n)) if t.oom_since_boot_warning > 0 && n >= t.oom_since_boot_warning => {
            let message = format!("{n} OOM kill{} since boot", plural(n));
            found.add(
                Severity::Warning,
                Key::OomKills,
                "oom",
                message,
                HINT + relative_excess(n as f64, t.oom_since_boot_warning as f64) / 2.0,
            );
        }
        _ => {}
    }
}

fn pressure(found: &mut Problems, p: &Pressure, t: &Thresholds) {
    let stalls = [
        (p.cpu_some, t.pressure_cpu_some_warning, f64::INFINITY, "cpu pressure", "some tasks"),
        (p.memory_some, t.pressure_memory_some_warning, f64::INFINITY, "memory pressure", "some tasks"),
        (p.memory_full, f64::INFINITY, t.pressure_memory_full_error, "memory pressure", "all tasks"),
        (p.io_some, t.pressure_io_some_warning, f64::INFINITY, "io pressure", "some tasks"),
    ];
    for (value, warning, error, subject, who) in stalls {
        let Some(v) = value else { continue };
        found.percent(v, warning, error, Key::Pressure, subject, || {
            format!("{subject}: {who} stalled {} of the last 10 s", format::percent(v))
        });
    }
}
