//! `--once`: the plain-text report, 80 columns wide for incident notes, with a `!`/`!!`
//! marker on every warning/error line so it survives without colour.

use super::TOP_PROCESSES;
use crate::collect::disks::Usage;
use crate::collect::procs::ProcessRow;
use crate::columns::{self, Align, Column, Cut, Demand};
use crate::format;
use crate::health::{Findings, Key, Severity};
use crate::sanitize;
use crate::snapshot::Snapshot;
use std::fmt::Write;

/// The text report's width: what a console, an email and most ticket systems keep.
const WIDTH: usize = 80;

/// `!!` for an error, `!` for a warning, blank otherwise: the colour-free marker.
pub fn marker(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "!!",
        Severity::Warning => "!",
        Severity::Ok => "",
    }
}

/// Lines of text, each optionally coloured by its severity.
struct Text {
    out: String,
    color: bool,
}

impl Text {
    /// Every line of the report passes here: cleaned for the terminal, then cut.
    fn line(&mut self, severity: Severity, text: &str) {
        let text = truncate(&sanitize::display(text), WIDTH);
        let code = match severity {
            Severity::Error => "31",
            Severity::Warning => "33",
            Severity::Ok => "",
        };
        if self.color && !code.is_empty() {
            let _ = writeln!(self.out, "\x1b[{code}m{text}\x1b[0m");
        } else {
            let _ = writeln!(self.out, "{text}");
        }
    }

    fn section(&mut self, title: &str) {
        self.out.push('\n');
        self.line(Severity::Ok, title);
    }

    /// `  label      value`, marked and coloured by `severity`.
    fn field(&mut self, severity: Severity, label: &str, value: &str) {
        self.line(severity, &format!("{:<3}{label:<11}{value}", marker(severity)));
    }

    /// A table laid out by the rule every table follows (see `ui/table.rs`): a header
    /// row, then each row marked by its severity. A row with fewer cells than columns
    /// lets its last cell run to the end of the line (a continuation line, a state that
    /// replaces the numbers).
    fn table(&mut self, columns: &[Column], rows: &[TextRow]) {
        let width = (WIDTH - MARKER) as u16;
        let mut demands = vec![Demand::default(); columns.len()];
        for (_, cells) in rows {
            let whole_row = cells.len() == columns.len();
            let measured = if whole_row { cells.len() } else { cells.len().saturating_sub(1) };
            for ((demand, column), cell) in demands.iter_mut().zip(columns).zip(&cells[..measured]) {
                demand.add(column.cut, &cell.text, cell.keep);
            }
        }
        let placed = columns::place(columns, &demands, width);
        let header: Vec<TextCell> = columns.iter().map(|c| TextCell::new(c.title)).collect();
        self.line(Severity::Ok, &format!("{:MARKER$}{}", "", cells(columns, &placed, &header, width)));
        for (severity, row) in rows {
            self.line(*severity, &format!("{:<MARKER$}{}", marker(*severity), cells(columns, &placed, row, width)));
        }
    }
}

/// Width of the marker in front of a line (`!! `).
const MARKER: usize = 3;

/// One cell of a text table: its text (already sanitized) and how many characters at
/// its end are never cut (`:5433`, `/8123 (8 sockets)`).
struct TextCell {
    text: String,
    keep: usize,
}

impl TextCell {
    fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), keep: 0 }
    }
    fn keeping(text: String, keep: usize) -> Self {
        Self { text, keep }
    }
}

type TextRow = (Severity, Vec<TextCell>);

/// Plain cells from machine strings: sanitized before they are measured or cut.
fn plain(values: Vec<String>) -> Vec<TextCell> {
    values.into_iter().map(|v| TextCell::new(sanitize::display(&v))).collect()
}

/// Lays out one row in the placed columns; a short row's last cell runs to the end.
fn cells(columns: &[Column], placed: &[(usize, u16)], values: &[TextCell], width: u16) -> String {
    let mut line = String::new();
    let short = values.len() < columns.len();
    for &(i, w) in placed {
        if short && i + 1 >= values.len() {
            let Some(last) = values.last() else { break };
            let rest = (width as usize).saturating_sub(columns::width_of(&line));
            line.push_str(&columns::fit(&last.text, last.keep, Cut::End, rest));
            break;
        }
        let Some(cell) = values.get(i) else { break };
        let text = columns::fit(&cell.text, cell.keep, columns[i].cut, w as usize);
        if columns[i].align == Align::Right {
            let _ = write!(line, "{text:>w$} ", w = w as usize);
        } else {
            let _ = write!(line, "{text:<w$} ", w = w as usize);
        }
    }
    line.trim_end().to_string()
}

/// Cuts to `max` characters, marking the cut with `…`.
fn truncate(s: &str, max: usize) -> String {
    columns::fit(s, 0, Cut::End, max).into_owned()
}

fn or_unknown(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into())
}

/// The `--once` report. `color` adds ANSI colours (only for a terminal without NO_COLOR).
pub fn text(s: &Snapshot, findings: &Findings, color: bool) -> String {
    let mut t = Text { out: String::new(), color };
    let host = or_unknown(s.host.hostname.as_deref());
    t.line(Severity::Ok, &format!("ctop {} snapshot of {host}", env!("CARGO_PKG_VERSION")));

    t.section("PROBLEMS");
    if findings.problems.is_empty() {
        t.line(Severity::Ok, "   none found");
    }
    for f in &findings.problems {
        t.line(f.severity, &format!("{:<3}{}", marker(f.severity), f.message));
    }

    host_section(&mut t, s, findings);
    cpu_section(&mut t, s, findings);
    memory_section(&mut t, s, findings);
    filesystems_section(&mut t, s, findings);
    disk_io_section(&mut t, s, findings);
    raid_section(&mut t, s, findings);
    interfaces_section(&mut t, s, findings);
    listening_section(&mut t, s);
    network_section(&mut t, s, findings);
    processes_section(&mut t, s, findings);
    cgroups_section(&mut t, s, findings);
    t.out
}

/// Services and containers: the busiest cgroups that are not slices.
fn cgroups_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    use crate::collect::cgroups::CgroupKind;
    let list = &s.cgroups.list;
    if list.is_empty() {
        return;
    }
    t.section("SERVICES AND CONTAINERS");
    let mut shown: Vec<&crate::collect::cgroups::Cgroup> =
        list.iter().filter(|c| c.kind != CgroupKind::Slice).collect();
    shown.sort_by(|a, b| {
        b.cpu_percent.unwrap_or(0.0).total_cmp(&a.cpu_percent.unwrap_or(0.0)).then(b.memory_bytes.cmp(&a.memory_bytes))
    });
    let columns = [
        Column::left("NAME", 12, 0).wanting_whole(24).growing(),
        Column::left("KIND", 9, 2),
        Column::right("CPU%", 5, 0).answer(),
        Column::right("MEM", 6, 0).answer(),
        Column::right("LIM%", 4, 1).answer(),
        Column::right("THR%", 4, 1).answer(),
        Column::right("IO/s", 6, 2).answer(),
        Column::right("PIDS", 4, 2).answer(),
    ];
    let percent = |p: Option<f64>| p.map_or_else(|| "-".to_string(), format::percent);
    let rows: Vec<TextRow> = shown
        .iter()
        .take(TOP_PROCESSES)
        .map(|c| {
            (
                findings.severity(&Key::Cgroup(c.path.clone())),
                plain(vec![
                    c.name.clone(),
                    c.kind.as_str().to_string(),
                    c.cpu_percent.map_or_else(|| "-".into(), |p| format!("{p:.1}")),
                    c.memory_bytes.map_or_else(|| "-".into(), format::bytes_short),
                    percent(c.memory_limit_percent()),
                    percent(c.throttled_percent),
                    c.io_bytes_per_s().map_or_else(|| "-".into(), |r| format::bytes_short(r as u64)),
                    c.pids.map_or_else(|| "-".into(), |n| n.to_string()),
                ]),
            )
        })
        .collect();
    t.table(&columns, &rows);
}

fn host_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    let h = &s.host;
    t.section("HOST");
    t.field(Severity::Ok, "hostname", &or_unknown(h.hostname.as_deref()));
    t.field(Severity::Ok, "distro", &or_unknown(h.distro.pretty_name.as_deref().or(h.distro.name.as_deref())));
    let kernel: Vec<&str> =
        [&h.kernel_name, &h.kernel_release, &h.arch].into_iter().filter_map(|v| v.as_deref()).collect();
    t.field(Severity::Ok, "kernel", &if kernel.is_empty() { "unknown".into() } else { kernel.join(" ") });
    if let Some(v) = &h.kernel_version {
        t.field(Severity::Ok, "", v);
    }
    t.field(Severity::Ok, "platform", &s.platform.describe());

    let c = &s.time;
    t.field(Severity::Ok, "local time", &format!("{} {} (UTC{})", c.local, c.zone, c.utc_offset));
    t.field(Severity::Ok, "epoch", &c.epoch.to_string());
    let clock = match (c.synchronized, c.max_error_seconds) {
        (Some(true), Some(e)) => format!("synchronised (max error {e:.3} s)"),
        (Some(false), Some(e)) => format!("not synchronised (max error {e:.0} s)"),
        _ => "unknown".to_string(),
    };
    t.field(findings.severity(&Key::Clock), "clock", &clock);
    let captured = if s.from_root_tree { " (the --root tree's, as of its capture)" } else { "" };
    let uptime = c.uptime_seconds.map(|u| format::duration(u) + captured);
    t.field(findings.severity(&Key::Uptime), "uptime", &or_unknown(uptime));
    if let (Some(local), Some(epoch)) = (&c.boot_local, c.boot_epoch) {
        t.field(Severity::Ok, "booted", &format!("{local} (epoch {epoch})"));
    }
}

fn cpu_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    let cpu = &s.cpu;
    t.section("CPU");
    t.field(Severity::Ok, "model", &or_unknown(cpu.model.model.as_deref()));
    let mut topology = Vec::new();
    if let Some(n) = cpu.model.sockets {
        topology.push(format!("{n} socket{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(n) = cpu.model.physical_cores {
        topology.push(format!("{n} cores"));
    }
    topology.push(format!("{} logical CPUs", cpu.model.logical_cpus));
    if let Some(mhz) = cpu.model.mhz {
        topology.push(format!("{mhz:.0} MHz"));
    }
    t.field(Severity::Ok, "topology", &topology.join(", "));
    match &cpu.total {
        Some(u) => {
            let busy = findings.severity(&Key::CpuBusy);
            t.field(
                busy,
                "usage",
                &format!(
                    "{} busy: user {}, system {}",
                    format::percent(u.busy()),
                    format::percent(u.user),
                    format::percent(u.system)
                ),
            );
            let wait = findings.severity(&Key::IoWait).max(findings.severity(&Key::Steal));
            t.field(wait, "", &format!("iowait {}, steal {}", format::percent(u.iowait), format::percent(u.steal)));
        }
        None => t.field(Severity::Ok, "usage", "unknown"),
    }
    match &cpu.load {
        Some(l) => t.field(
            findings.severity(&Key::Load),
            "load",
            &format!("{:.2} {:.2} {:.2} on {} CPUs", l.one, l.five, l.fifteen, cpu.model.logical_cpus),
        ),
        None => t.field(Severity::Ok, "load", "unknown"),
    }
    if !cpu.per_core.is_empty() {
        let cores: Vec<String> =
            cpu.per_core.iter().enumerate().map(|(i, u)| format!("{i}:{}", format::percent(u.busy()))).collect();
        // Wrap the per-core list at the report width under its label.
        let mut line = String::new();
        let mut label = "per core";
        for c in cores {
            if 13 + line.len() + c.len() + 1 > WIDTH {
                t.field(Severity::Ok, label, line.trim_end());
                label = "";
                line.clear();
            }
            line.push_str(&c);
            line.push(' ');
        }
        t.field(Severity::Ok, label, line.trim_end());
    }
}

fn memory_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    t.section("MEMORY");
    match &s.memory {
        Some(m) => {
            let pct = if m.total_bytes > 0 { m.used_bytes as f64 * 100.0 / m.total_bytes as f64 } else { 0.0 };
            t.field(
                findings.severity(&Key::Memory),
                "memory",
                &format!(
                    "{} used of {} ({}), {} available",
                    format::bytes(m.used_bytes),
                    format::bytes(m.total_bytes),
                    format::percent(pct),
                    format::bytes(m.available_bytes)
                ),
            );
            t.field(
                Severity::Ok,
                "",
                &format!("buffers {}, cache {}", format::bytes(m.buffers_bytes), format::bytes(m.cached_bytes)),
            );
        }
        None => t.field(Severity::Ok, "memory", "unknown"),
    }
    match &s.swap {
        Some(sw) if sw.total_bytes == 0 => t.field(Severity::Ok, "swap", "none"),
        Some(sw) => t.field(
            findings.severity(&Key::Swap),
            "swap",
            &format!("{} used of {}", format::bytes(sw.used_bytes), format::bytes(sw.total_bytes)),
        ),
        None => t.field(Severity::Ok, "swap", "unknown"),
    }
    let l = &s.limits;
    if l.memory_max_bytes.is_some() || l.cpu_quota_cpus.is_some() {
        let mem = l.memory_max_bytes.map(format::bytes).unwrap_or_else(|| "unlimited".into());
        let cpu = l.cpu_quota_cpus.map(|c| format!("{c:.2} CPUs")).unwrap_or_else(|| "unlimited".into());
        t.field(Severity::Ok, "container", &format!("memory limit {mem}, CPU limit {cpu}"));
    }
    let p = &s.pressure;
    let pct = |v: Option<f64>| v.map(format::percent).unwrap_or_else(|| "-".into());
    if p.cpu_some.is_some() || p.memory_some.is_some() || p.io_some.is_some() {
        t.field(
            findings.severity(&Key::Pressure),
            "pressure",
            &format!(
                "cpu {}  memory {} (full {})  io {} (full {})",
                pct(p.cpu_some),
                pct(p.memory_some),
                pct(p.memory_full),
                pct(p.io_some),
                pct(p.io_full)
            ),
        );
    }
    if let Some(n) = s.oom_kills.since_boot {
        t.field(findings.severity(&Key::OomKills), "OOM kills", &format!("{n} since boot"));
    }
}

fn filesystems_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    t.section("FILESYSTEMS");
    let columns = [
        // The distinguishing end of a mount point stays: `…/project-7/data3`.
        // Up to 28, so a state running across the numbers (`(NOT RESPONDING for 12s)`)
        // still has room after it.
        Column::left("MOUNT", 10, 0).keeping_end().wanting_whole(28),
        Column::left("TYPE", 5, 3).wanting_whole(8),
        Column::right("SIZE", 5, 2).answer(),
        Column::right("USED", 5, 2).answer(),
        Column::right("AVAIL", 5, 0).answer(),
        Column::right("USE%", 4, 0).answer(),
        Column::right("INODE%", 6, 1).answer(),
        Column::left("DEVICE", 6, 4).keeping_end().growing(),
    ];
    let rows: Vec<TextRow> = s
        .filesystems
        .iter()
        .map(|fs| {
            let mp = fs.mountpoint.to_string();
            let severity = findings
                .severity(&Key::FsSpace(mp.clone()))
                .max(findings.severity(&Key::FsInodes(mp.clone())))
                .max(findings.severity(&Key::Mount(mp.clone())));
            let mut notes: Vec<String> = Vec::new();
            if fs.read_only {
                notes.push("ro".into());
            }
            if fs.remounted_read_only {
                notes.push("fstab says rw".into());
            }
            if fs.device_missing {
                notes.push("DEVICE MISSING".into());
            }
            let mut row = plain(vec![mp, fs.fstype.to_string()]);
            let measured = match &fs.usage {
                Usage::Measured(u) => Some(u),
                Usage::NotResponding { waiting_secs } => {
                    notes.insert(0, format!("NOT RESPONDING for {}", format::duration(*waiting_secs)));
                    None
                }
                Usage::Unavailable { reason } => {
                    notes.insert(0, sanitize::display(reason).into_owned());
                    None
                }
            };
            // The notes are the answer: the device gives way before them.
            let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) };
            let device = TextCell::keeping(sanitize::display(&fs.device).into_owned() + &notes, notes.chars().count());
            let percent = |p: Option<f64>| p.map_or_else(|| "-".into(), format::percent_df);
            if let Some(u) = measured {
                row.extend(plain(vec![
                    format::bytes_short(u.size_bytes),
                    format::bytes_short(u.used_bytes),
                    format::bytes_short(u.avail_bytes),
                    percent(u.use_percent()),
                    percent(u.inode_use_percent()),
                ]));
            }
            // Without numbers, the device and why run across the number columns.
            row.push(device);
            (severity, row)
        })
        .collect();
    t.table(&columns, &rows);
}

fn disk_io_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    t.section("DISK I/O");
    let columns = [
        Column::left("DEVICE", 8, 0).wanting_whole(14),
        Column::right("R/S", 7, 2).answer(),
        Column::right("W/S", 7, 2).answer(),
        Column::right("READ/S", 7, 1).answer(),
        Column::right("WRITE/S", 7, 1).answer(),
        Column::right("R_AWAIT", 7, 3).answer(),
        Column::right("W_AWAIT", 7, 3).answer(),
        Column::right("AQU-SZ", 6, 3).answer(),
        Column::right("UTIL%", 6, 0).answer(),
        Column::left("FILESYSTEMS", 8, 4).growing(),
    ];
    let rows: Vec<TextRow> = s
        .disks
        .iter()
        .map(|d| {
            let severity = findings.severity(&Key::Disk(d.name.to_string()));
            let mut row = vec![d.display_name().to_string()];
            let numbers = match &d.rates {
                Some(r) => [
                    format!("{:.1}", r.reads_per_s),
                    format!("{:.1}", r.writes_per_s),
                    format::bytes_short(r.read_bytes_per_s as u64),
                    format::bytes_short(r.write_bytes_per_s as u64),
                    format!("{:.1}", r.read_await_ms),
                    format!("{:.1}", r.write_await_ms),
                    format!("{:.2}", r.queue_size),
                    format!("{:.1}%", r.util_percent),
                ],
                None => std::array::from_fn(|_| "?".to_string()),
            };
            row.extend(numbers);
            let mounts: Vec<_> = s.filesystems.iter().filter(|f| d.holds(&f.device)).map(|f| &*f.mountpoint).collect();
            row.push(mounts.join(" "));
            (severity, plain(row))
        })
        .collect();
    t.table(&columns, &rows);
}

fn raid_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    if s.raid.is_empty() {
        return;
    }
    t.section("RAID");
    for array in &s.raid {
        let severity = findings.severity(&Key::Raid(array.name.clone()));
        let mut line = format!("{} {} {}", array.name, array.level.as_deref().unwrap_or(""), array.state);
        if let (Some(n), Some(m), Some(slots)) = (array.raid_disks, array.working_disks, &array.slots) {
            line.push_str(&format!(" [{n}/{m}] [{slots}]"));
        }
        let members: Vec<String> = array
            .members
            .iter()
            .map(|m| {
                format!(
                    "{}{}",
                    m.name,
                    if m.failed {
                        "(F)"
                    } else if m.spare {
                        "(S)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        line.push_str(&format!(" {}", members.join(" ")));
        if let Some(sync) = &array.sync {
            let percent = sync.percent.map_or("waiting".to_string(), |p| format!("{p:.1}%"));
            line.push_str(&format!(" · {} {percent}", sync.action));
        }
        t.line(severity, &format!("{:<3}{}", marker(severity), crate::sanitize::display(&line)));
    }
}

fn interfaces_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    t.section("INTERFACES");
    let columns = [
        Column::left("NAME", 4, 0).answer(),
        Column::left("STATE", 5, 0).answer(),
        Column::left("CABLE", 5, 1),
        Column::right("SPEED", 5, 1).answer(),
        Column::right("MTU", 5, 2).answer(),
        Column::right("RX/s", 10, 0).answer(),
        Column::right("TX/s", 10, 0).answer(),
        Column::left("KIND", 4, 3).growing(),
    ];
    let mut rows: Vec<TextRow> = Vec::new();
    for i in &s.interfaces {
        let severity = findings.severity(&Key::Interface(i.name.clone()));
        let cable = match i.carrier {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        let rate = |f: fn(&crate::collect::net::NetRates) -> f64| {
            i.rates.as_ref().map(|r| format::bit_rate(f(r))).unwrap_or_else(|| "-".into())
        };
        rows.push((
            severity,
            plain(vec![
                i.name.clone(),
                i.operstate.clone(),
                cable.into(),
                i.speed_mbps.map(format::link_speed).unwrap_or_else(|| "-".into()),
                i.mtu.map(|m| m.to_string()).unwrap_or_default(),
                rate(|r| r.rx_bytes_per_s),
                rate(|r| r.tx_bytes_per_s),
                i.kind.clone(),
            ]),
        ));
        for a in &i.addresses {
            rows.push((Severity::Ok, plain(vec![String::new(), format!("{a}")])));
        }
        if let Some(c) = &i.counters {
            let mac = i.mac.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
            let totals = format!(
                "{mac}total rx {} tx {}, errs {}, drops {}",
                format::bytes(c.rx_bytes),
                format::bytes(c.tx_bytes),
                c.rx_errors + c.tx_errors,
                c.rx_dropped + c.tx_dropped
            );
            rows.push((Severity::Ok, plain(vec![String::new(), totals])));
        }
    }
    t.table(&columns, &rows);
}

fn listening_section(t: &mut Text, s: &Snapshot) {
    t.section("LISTENING");
    let columns = [
        Column::left("PROTO", 5, 1),
        // Both ends of an address stay: `fe80::…:fe00:1`.
        Column::left("ADDRESS", 9, 0).cut_in_middle().wanting_whole(39),
        Column::right("PORT", 5, 0).answer(),
        Column::right("ESTAB", 5, 2).answer(),
        Column::right("SYN-R", 5, 3).answer(),
        Column::right("QUEUE", 5, 2).answer(),
        // The pid and the pool size stay whole: `… (8123), 8 sockets`.
        Column::left("PROCESS", 8, 0).wanting_whole(60).growing(),
    ];
    let count = |n: Option<u32>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
    let rows: Vec<TextRow> = s
        .listening
        .iter()
        .map(|l| {
            let mut owner = l.pid.map(|pid| format!(" ({pid})")).unwrap_or_default();
            if l.sockets > 1 {
                let _ = write!(owner, ", {} sockets", l.sockets);
            }
            let name = l.process.as_deref().map(sanitize::display).unwrap_or_default();
            let owner = match (name.is_empty(), owner.is_empty()) {
                (true, true) => "-".to_string(),
                (true, false) => owner.trim_start().to_string(),
                (false, _) => owner,
            };
            let keep = owner.chars().count();
            let queue = match (l.accept_queue, l.accept_queue_limit) {
                (Some(q), Some(limit)) => format!("{q}/{limit}"),
                (q, _) => count(q),
            };
            let mut row = plain(vec![
                l.protocol.name().to_string(),
                l.address.to_string(),
                l.port.to_string(),
                count(l.established),
                count(l.syn_recv),
                queue,
            ]);
            row.push(TextCell::keeping(format!("{name}{owner}"), keep));
            (Severity::Ok, row)
        })
        .collect();
    t.table(&columns, &rows);
}

fn network_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    let n = &s.network;
    let severity = |key: &'static str| findings.severity(&Key::Network(key));
    let rate =
        |r: Option<crate::collect::network::Rate>| r.map_or_else(|| "-".to_string(), |r| format!("{:.1}", r.now));
    let of = |v: Option<u64>, limit: Option<u64>| match (v, limit) {
        (Some(v), Some(l)) => format!("{v} of {l}"),
        (Some(v), None) => v.to_string(),
        _ => "-".into(),
    };
    t.section("NETWORK");
    let tcp = &n.tcp;
    t.field(
        severity("listen_queue"),
        "listen",
        &format!("{}/s overflows, {}/s drops", rate(tcp.listen_overflows_per_s), rate(tcp.listen_drops_per_s)),
    );
    t.field(
        severity("syn_queue"),
        "syn queue",
        &format!("{}/s full, {}/s cookies sent", rate(tcp.syn_queue_full_per_s), rate(tcp.syncookies_sent_per_s)),
    );
    let retrans = tcp.retransmit_percent.map_or_else(|| "-".to_string(), format::percent);
    t.field(
        severity("retransmits"),
        "tcp",
        &format!(
            "{retrans} retransmitted, {}/s resets sent, {} in use",
            rate(tcp.resets_per_s),
            or_unknown(tcp.in_use)
        ),
    );
    t.field(severity("time_wait"), "time_wait", &of(tcp.time_wait, tcp.time_wait_limit));
    t.field(severity("tcp_orphans"), "orphans", &of(tcp.orphans, tcp.orphans_limit));
    t.field(severity("tcp_memory"), "tcp memory", &format!("{} pages", of(tcp.memory_pages, tcp.memory_limit_pages)));
    t.field(
        severity("udp_buffers"),
        "udp",
        &format!(
            "{}/s receive, {}/s send buffer errors",
            rate(n.udp.rcvbuf_errors_per_s),
            rate(n.udp.sndbuf_errors_per_s)
        ),
    );
    if let Some(c) = &n.conntrack {
        t.field(
            severity("conntrack"),
            "conntrack",
            &format!("{}, {}/s dropped", of(Some(c.count), c.max), rate(c.drops_per_s)),
        );
    }
    if let Some(sn) = &n.softnet {
        t.field(
            severity("softnet"),
            "softnet",
            &format!("{}/s dropped, {}/s squeezed", rate(sn.dropped_per_s), rate(sn.squeezed_per_s)),
        );
    }
    if !n.connections.states.is_empty() {
        let states: Vec<String> =
            n.connections.states.iter().filter(|(_, v)| **v > 0).map(|(k, v)| format!("{k} {v}")).collect();
        t.field(Severity::Ok, "states", &states.join(", "));
        let remotes: Vec<String> =
            n.connections.top_remotes.iter().take(4).map(|r| format!("{} {}", r.address, r.connections)).collect();
        t.field(Severity::Ok, "remotes", &remotes.join(", "));
    }
}

/// The processes doing disk I/O over the window, busiest first; a line saying so when
/// none is (or none could be read: another user's processes need root).
fn io_table(t: &mut Text, p: &crate::collect::procs::Processes) {
    t.line(Severity::Ok, "   top by disk I/O (read + write per second)");
    let rows: Vec<TextRow> = p
        .top_by_io(TOP_PROCESSES)
        .into_iter()
        .filter_map(|r| {
            let io = r.io.filter(|io| io.total() > 0.0)?;
            let cells = vec![
                r.pid.to_string(),
                r.user.to_string(),
                format::io_rate(io.read_bytes_per_s),
                format::io_rate(io.write_bytes_per_s),
                r.name.to_string(),
                r.cmdline.to_string(),
            ];
            Some((Severity::Ok, plain(cells)))
        })
        .collect();
    if rows.is_empty() {
        t.line(Severity::Ok, "     none");
        return;
    }
    let columns = [
        Column::right("PID", 7, 0).answer(),
        Column::left("USER", 9, 1),
        Column::right("READ/s", 6, 0).answer(),
        Column::right("WRIT/s", 6, 0).answer(),
        Column::left("NAME", 8, 0).wanting_whole(15),
        Column::left("COMMAND", 8, 2).growing(),
    ];
    t.table(&columns, &rows);
}

fn processes_section(t: &mut Text, s: &Snapshot, findings: &Findings) {
    t.section("PROCESSES");
    let Some(p) = &s.processes else {
        t.field(Severity::Ok, "processes", "unknown");
        return;
    };
    t.field(
        findings.severity(&Key::Zombies),
        "total",
        &format!(
            "{} processes ({} kernel threads), {} threads, scanned in {} ms",
            p.total,
            p.kernel_threads,
            p.threads,
            p.scan_duration.as_millis()
        ),
    );
    t.field(
        findings.severity(&Key::Zombies),
        "states",
        &format!(
            "{} running, {} sleeping, {} blocked (D), {} stopped, {} zombie",
            p.running, p.sleeping, p.blocked, p.stopped, p.zombie
        ),
    );
    for near in &p.near_fd_limit {
        t.field(
            findings.severity(&Key::ProcessFdLimit(near.pid)),
            "fd limit",
            &format!(
                "{} ({}) {} of {} open files ({})",
                near.name,
                near.pid,
                near.open_files,
                near.soft_limit,
                format::percent(near.percent())
            ),
        );
    }
    let columns = [
        Column::right("PID", 7, 0).answer(),
        Column::left("USER", 9, 1),
        Column::right("CPU%", 5, 0).answer(),
        Column::right("RSS", 6, 0).answer(),
        Column::left("NAME", 8, 0).wanting_whole(15),
        Column::left("COMMAND", 8, 2).growing(),
    ];
    let row = |r: &ProcessRow| {
        (
            Severity::Ok,
            plain(vec![
                r.pid.to_string(),
                r.user.to_string(),
                r.cpu_percent.map(|c| format!("{c:.1}")).unwrap_or_else(|| "-".into()),
                format::bytes_short(r.rss_bytes),
                r.name.to_string(),
                r.cmdline.to_string(),
            ]),
        )
    };
    t.line(Severity::Ok, "   top by CPU");
    t.table(&columns, &p.top_by_cpu(TOP_PROCESSES).into_iter().map(row).collect::<Vec<_>>());
    t.line(Severity::Ok, "   top by memory");
    t.table(&columns, &p.top_by_memory(TOP_PROCESSES).into_iter().map(row).collect::<Vec<_>>());
    io_table(t, p);
    t.line(Severity::Ok, "   most repeated");
    let rows: Vec<TextRow> = p
        .repeated
        .iter()
        .take(TOP_PROCESSES)
        .map(|r| {
            (
                findings.severity(&Key::Repeated(r.name.to_string())),
                plain(vec![r.count.to_string(), r.name.to_string()]),
            )
        })
        .collect();
    t.table(&[Column::right("COUNT", 7, 0).answer(), Column::left("EXECUTABLE", 10, 0).growing()], &rows);
}
