//! `--openmetrics`: what `--json` holds that is a number, as one text exposition for
//! Prometheus (node_exporter's textfile collector, or any scraper of a file), and ctop's
//! own judgement as metrics: `ctop_finding{severity,subject,rule} 1` for every problem
//! and `ctop_findings{severity}` counts, which no exporter has.
//!
//! The format is the Prometheus text exposition (0.0.4) that node_exporter's textfile
//! collector reads and `promtool check metrics` checks, with the OpenMetrics naming
//! conventions: a `ctop_` prefix, base units as suffixes (`_bytes`, `_seconds`,
//! `_ratio` for what the screen shows as a percent), `_total` on counters (what the
//! kernel counts since boot), `# HELP` and `# TYPE` for every family, `# UNIT` where a
//! gauge has one, an `_info` gauge of 1 for identity (as node_exporter's
//! `node_uname_info`), and a closing `# EOF`. Where node_exporter has the same value
//! (memory, load, filesystem sizes, interface counters) the README says which; ctop
//! keeps its own so one scrape has the values its findings judged.
//!
//! Written by hand: the Prometheus project's Rust client (prometheus-client) writes
//! strict OpenMetrics only — its `info` type and its counter headers without `_total`
//! are rejected by `promtool check metrics` and node_exporter's text parser — and the
//! format is a few lines of escaping.

use crate::collect::disks::{Filesystem, Usage};
use crate::collect::net::Interface;
use crate::health::{Findings, Severity};
use crate::snapshot::Snapshot;
use std::fmt::Write;

type Labels = Vec<(&'static str, String)>;

/// The whole exposition, ending in `# EOF` and a newline.
pub fn openmetrics(s: &Snapshot, findings: &Findings) -> String {
    let mut out = Exposition { text: String::new() };
    out.identity(s);
    out.cpu(s);
    out.memory(s);
    out.filesystems(s);
    out.interfaces(s);
    out.listening(s);
    out.processes(s);
    out.findings(findings);
    out.text.push_str("# EOF\n");
    out.text
}

#[derive(Clone, Copy)]
enum Unit {
    Bytes,
    Seconds,
    /// A share, 0 to 1: what the screen shows as a percent.
    Ratio,
    BytesPerSecond,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Seconds => "seconds",
            Unit::Ratio => "ratio",
            Unit::BytesPerSecond => "bytes_per_second",
        }
    }
}

/// The text being written, with one way to add each kind of family. A value that is
/// unknown (`None`, no rows, not finite) is left out rather than written as 0.
struct Exposition {
    text: String,
}

fn ratio(percent: f64) -> f64 {
    percent / 100.0
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// A label value as the format escapes it (`\\` and `"`), after the display sanitizer:
/// the file is read by people too (`cat`, `curl` in a terminal), and a process or mount
/// named with an escape sequence must not reach their terminal through it.
fn label_value(text: &str) -> String {
    crate::sanitize::display(text).replace('\\', "\\\\").replace('"', "\\\"")
}

impl Exposition {
    fn gauge(&mut self, name: &str, help: &str, unit: Option<Unit>, value: Option<f64>) {
        self.gauges(name, help, unit, value.map(|v| (Labels::new(), v)));
    }

    fn gauges(&mut self, name: &str, help: &str, unit: Option<Unit>, rows: impl IntoIterator<Item = (Labels, f64)>) {
        self.family(name, help, unit, "gauge", rows);
    }

    /// Counters the kernel keeps since boot: `_total` ends the name.
    fn counters(&mut self, name: &str, help: &str, unit: Option<Unit>, rows: impl IntoIterator<Item = (Labels, u64)>) {
        self.family(name, help, unit, "counter", rows.into_iter().map(|(l, v)| (l, v as f64)));
    }

    fn family(
        &mut self,
        name: &str,
        help: &str,
        unit: Option<Unit>,
        kind: &str,
        rows: impl IntoIterator<Item = (Labels, f64)>,
    ) {
        let mut rows = rows.into_iter().filter(|(_, v)| v.is_finite()).peekable();
        if rows.peek().is_none() {
            return;
        }
        let mut full = format!("ctop_{name}");
        if let Some(unit) = unit {
            full = format!("{full}_{}", unit.suffix());
        }
        if kind == "counter" {
            full.push_str("_total");
        }
        let t = &mut self.text;
        // Writing to a String cannot fail.
        let _ = writeln!(t, "# HELP {full} {help}");
        let _ = writeln!(t, "# TYPE {full} {kind}");
        if let (Some(unit), "gauge") = (unit, kind) {
            let _ = writeln!(t, "# UNIT {full} {}", unit.suffix());
        }
        for (labels, value) in rows {
            t.push_str(&full);
            for (i, (key, v)) in labels.iter().enumerate() {
                let _ = write!(t, "{}{key}=\"{}\"", if i == 0 { "{" } else { "," }, label_value(v));
            }
            if !labels.is_empty() {
                t.push('}');
            }
            let _ = writeln!(t, " {value}");
        }
    }

    fn identity(&mut self, s: &Snapshot) {
        let known = |v: &Option<String>| v.clone().unwrap_or_default();
        let h = &s.host;
        let p = &s.platform;
        self.gauges(
            "host_info",
            "This machine: uname, distribution and platform (VM, container, cloud), as the header shows them",
            None,
            [(
                vec![
                    ("ctop_version", env!("CARGO_PKG_VERSION").to_string()),
                    ("hostname", known(&h.hostname)),
                    ("kernel_release", known(&h.kernel_release)),
                    ("arch", known(&h.arch)),
                    ("distro_id", known(&h.distro.id)),
                    ("distro_version", known(&h.distro.version)),
                    ("distro_pretty_name", known(&h.distro.pretty_name)),
                    ("virtualization", known(&p.virtualization)),
                    ("container", known(&p.container)),
                    ("cloud", known(&p.cloud)),
                    ("platform", p.describe()),
                ],
                1.0,
            )],
        );
        let t = &s.time;
        self.gauge(
            "time",
            "The clock when the snapshot was taken (Unix epoch)",
            Some(Unit::Seconds),
            Some(t.epoch as f64),
        );
        self.gauge(
            "boot_time",
            "When the machine booted (Unix epoch)",
            Some(Unit::Seconds),
            t.boot_epoch.map(|b| b as f64),
        );
        self.gauge("uptime", "Seconds since boot", Some(Unit::Seconds), t.uptime_seconds);
    }

    fn cpu(&mut self, s: &Snapshot) {
        let c = &s.cpu;
        self.gauge("cpu_logical", "Logical CPUs", None, Some(c.model.logical_cpus as f64));
        self.gauge(
            "cpu_busy",
            "Share of the sample window the CPUs were busy (all but idle and iowait)",
            Some(Unit::Ratio),
            c.total.map(|u| ratio(u.busy())),
        );
        let modes = c.total.map(|u| {
            [("user", u.user), ("system", u.system), ("iowait", u.iowait), ("steal", u.steal), ("idle", u.idle)]
                .map(|(mode, share)| (vec![("mode", mode.to_string())], ratio(share)))
        });
        self.gauges(
            "cpu_time",
            "Share of the sample window per CPU mode, all CPUs together",
            Some(Unit::Ratio),
            modes.into_iter().flatten(),
        );
        if let Some(load) = c.load {
            self.gauge("load1", "1-minute load average", None, Some(load.one));
            self.gauge("load5", "5-minute load average", None, Some(load.five));
            self.gauge("load15", "15-minute load average", None, Some(load.fifteen));
        }
        let pr = &s.pressure;
        let stalls = [
            ("cpu", "some", pr.cpu_some),
            ("memory", "some", pr.memory_some),
            ("memory", "full", pr.memory_full),
            ("io", "some", pr.io_some),
            ("io", "full", pr.io_full),
        ];
        self.gauges(
            "pressure_avg10",
            "Pressure stall information: share of the last 10 s some or all tasks stalled on the resource",
            Some(Unit::Ratio),
            stalls.into_iter().filter_map(|(resource, kind, v)| {
                v.map(|v| (vec![("resource", resource.to_string()), ("kind", kind.to_string())], ratio(v)))
            }),
        );
        self.counters(
            "oom_kills",
            "OOM kills since boot (/proc/vmstat oom_kill)",
            None,
            s.oom_kills.since_boot.map(|n| (Labels::new(), n)),
        );
    }

    fn memory(&mut self, s: &Snapshot) {
        if let Some(m) = &s.memory {
            for (name, help, v) in [
                ("memory_total", "Physical memory", m.total_bytes),
                (
                    "memory_available",
                    "Memory available for new work without swapping (MemAvailable)",
                    m.available_bytes,
                ),
                ("memory_used", "Memory used: total - available, as free(1) counts it", m.used_bytes),
                ("memory_free", "Memory not used for anything (MemFree)", m.free_bytes),
                ("memory_buffers", "Block device buffers", m.buffers_bytes),
                ("memory_cached", "Page cache and reclaimable slab", m.cached_bytes),
            ] {
                self.gauge(name, help, Some(Unit::Bytes), Some(v as f64));
            }
        }
        if let Some(sw) = &s.swap {
            self.gauge("swap_total", "Swap space", Some(Unit::Bytes), Some(sw.total_bytes as f64));
            self.gauge("swap_used", "Swap space used", Some(Unit::Bytes), Some(sw.used_bytes as f64));
        }
    }

    fn filesystems(&mut self, s: &Snapshot) {
        let labels = |fs: &Filesystem| {
            vec![
                ("mountpoint", fs.mountpoint.to_string()),
                ("device", fs.device.to_string()),
                ("fstype", fs.fstype.to_string()),
            ]
        };
        let measured = || {
            s.filesystems.iter().filter_map(move |fs| match &fs.usage {
                Usage::Measured(u) => Some((labels(fs), u)),
                _ => None,
            })
        };
        self.gauges(
            "filesystem_size",
            "Filesystem size",
            Some(Unit::Bytes),
            measured().map(|(l, u)| (l, u.size_bytes as f64)),
        );
        self.gauges(
            "filesystem_used",
            "Space used",
            Some(Unit::Bytes),
            measured().map(|(l, u)| (l, u.used_bytes as f64)),
        );
        self.gauges(
            "filesystem_avail",
            "Space available to unprivileged users",
            Some(Unit::Bytes),
            measured().map(|(l, u)| (l, u.avail_bytes as f64)),
        );
        self.gauges(
            "filesystem_use",
            "Space used of used + available, as df's Use% (the value ctop judges)",
            Some(Unit::Ratio),
            measured().filter_map(|(l, u)| u.use_percent().map(|p| (l, ratio(p)))),
        );
        self.gauges("filesystem_inodes", "Inodes", None, measured().map(|(l, u)| (l, u.inodes_total as f64)));
        self.gauges("filesystem_inodes_free", "Free inodes", None, measured().map(|(l, u)| (l, u.inodes_free as f64)));
        self.gauges(
            "filesystem_inodes_use",
            "Inodes used, as df -i's IUse%",
            Some(Unit::Ratio),
            measured().filter_map(|(l, u)| u.inode_use_percent().map(|p| (l, ratio(p)))),
        );
        let each = |f: fn(&Filesystem) -> bool| s.filesystems.iter().map(move |fs| (labels(fs), flag(f(fs))));
        self.gauges(
            "filesystem_not_responding",
            "1 while statfs has not answered (a dead NFS server, a lost iSCSI target)",
            None,
            each(|fs| matches!(fs.usage, Usage::NotResponding { .. })),
        );
        self.gauges("filesystem_read_only", "1 when mounted read-only", None, each(|fs| fs.read_only));
        self.gauges(
            "filesystem_remounted_read_only",
            "1 when read-only though /etc/fstab mounts it read-write",
            None,
            each(|fs| fs.remounted_read_only),
        );
        self.gauges(
            "filesystem_device_missing",
            "1 when the mounted block device is gone",
            None,
            each(|fs| fs.device_missing),
        );
    }

    fn interfaces(&mut self, s: &Snapshot) {
        let labels = |i: &Interface| vec![("interface", i.name.clone()), ("kind", i.kind.clone())];
        let all = || s.interfaces.iter();
        self.gauges(
            "interface_admin_up",
            "1 when the interface is administratively up",
            None,
            all().map(|i| (labels(i), flag(i.admin_up))),
        );
        self.gauges(
            "interface_carrier",
            "1 with a carrier (a cable, a peer), 0 without; absent when it cannot be known",
            None,
            all().filter_map(|i| i.carrier.map(|c| (labels(i), flag(c)))),
        );
        self.gauges(
            "interface_speed",
            "Link speed the driver reports",
            Some(Unit::BytesPerSecond),
            all().filter_map(|i| i.speed_mbps.map(|m| (labels(i), f64::from(m) * 125_000.0))),
        );
        let rate_unit = || Some(Unit::BytesPerSecond);
        self.gauges(
            "interface_receive",
            "Receive rate over the sample window",
            rate_unit(),
            all().filter_map(|i| i.rates.map(|r| (labels(i), r.rx_bytes_per_s))),
        );
        self.gauges(
            "interface_transmit",
            "Transmit rate over the sample window",
            rate_unit(),
            all().filter_map(|i| i.rates.map(|r| (labels(i), r.tx_bytes_per_s))),
        );
        let counters = || all().filter_map(|i| i.counters.map(|c| (labels(i), c)));
        self.counters(
            "interface_receive",
            "Bytes received since the interface appeared",
            Some(Unit::Bytes),
            counters().map(|(l, c)| (l, c.rx_bytes)),
        );
        self.counters(
            "interface_transmit",
            "Bytes sent since the interface appeared",
            Some(Unit::Bytes),
            counters().map(|(l, c)| (l, c.tx_bytes)),
        );
        self.counters("interface_receive_errors", "Receive errors", None, counters().map(|(l, c)| (l, c.rx_errors)));
        self.counters("interface_transmit_errors", "Transmit errors", None, counters().map(|(l, c)| (l, c.tx_errors)));
        self.counters(
            "interface_receive_dropped",
            "Received packets dropped",
            None,
            counters().map(|(l, c)| (l, c.rx_dropped)),
        );
        self.counters(
            "interface_transmit_dropped",
            "Packets dropped on transmit",
            None,
            counters().map(|(l, c)| (l, c.tx_dropped)),
        );
    }

    fn listening(&mut self, s: &Snapshot) {
        self.gauges(
            "listening_sockets",
            "Listening TCP and bound UDP sockets per address and port (more than 1: an SO_REUSEPORT pool)",
            None,
            s.listening.iter().map(|l| {
                let labels = vec![
                    ("protocol", l.protocol.name().to_string()),
                    ("address", l.address.to_string()),
                    ("port", l.port.to_string()),
                    ("process", l.process.clone().unwrap_or_default()),
                ];
                (labels, f64::from(l.sockets))
            }),
        );
    }

    fn processes(&mut self, s: &Snapshot) {
        let Some(p) = s.processes.as_deref() else { return };
        let states = [
            ("running", p.running),
            ("sleeping", p.sleeping),
            ("blocked", p.blocked),
            ("stopped", p.stopped),
            ("zombie", p.zombie),
        ];
        self.gauge("processes", "Processes, kernel threads included", None, Some(p.total as f64));
        self.gauges(
            "processes_state",
            "Processes per state",
            None,
            states.map(|(st, n)| (vec![("state", st.to_string())], n as f64)),
        );
        self.gauge("threads", "Threads of all processes", None, Some(p.threads as f64));
        self.gauge("kernel_threads", "Kernel threads", None, Some(p.kernel_threads as f64));
        self.gauges(
            "repeated_processes",
            "Instances of each executable running more than once (thousands of one server process: a DDoS at a glance)",
            None,
            p.repeated.iter().map(|r| (vec![("binary", r.name.to_string())], r.count as f64)),
        );
    }

    fn findings(&mut self, findings: &Findings) {
        self.gauges(
            "finding",
            "1 for each problem ctop judges now: its severity, subject and rule (alert on severity=\"error\")",
            None,
            findings.problems.iter().map(|f| {
                let labels = vec![
                    ("severity", severity_name(f.severity).to_string()),
                    ("subject", f.subject.clone()),
                    ("rule", f.key.rule().to_string()),
                ];
                (labels, 1.0)
            }),
        );
        // Every severity is written, 0 included, so an alert can tell "none" from "absent".
        self.gauges(
            "findings",
            "How many problems ctop judges now, per severity",
            None,
            [Severity::Error, Severity::Warning]
                .map(|sev| (vec![("severity", severity_name(sev).to_string())], findings.count(sev) as f64)),
        );
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "ok",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}
