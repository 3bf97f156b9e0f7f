//! Findings as the recording ctop judged them, in the form a recording keeps: each
//! finding's rule by its stable name (`Key::rule`, the name `--openmetrics` labels
//! it with) and what it is about, so a replay shows what was judged then, with the
//! thresholds of then, and a later ctop reads them back whatever keys it has added.

use crate::health::{Finding, Findings, Key, Severity};
use serde::{Deserialize, Serialize};

/// One finding as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordedFinding {
    pub severity: Severity,
    /// The rule's name: `load`, `filesystem_space`, `listen_queue` ...
    pub rule: String,
    /// What the rule's key names, where it names something: a mount point, an
    /// interface, a disk, a pid, `files` for a kernel limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    pub subject: String,
    pub message: String,
    /// How far past the threshold (orders findings of one severity).
    pub excess: f32,
}

/// The findings as written.
pub fn recorded(findings: &Findings) -> Vec<RecordedFinding> {
    findings
        .problems
        .iter()
        .map(|f| {
            let (rule, on) = key_parts(&f.key);
            RecordedFinding {
                severity: f.severity,
                rule: rule.to_string(),
                on,
                subject: f.subject.clone(),
                message: f.message.clone(),
                excess: f.excess as f32,
            }
        })
        .collect()
}

/// The findings read back: a rule this ctop does not know keeps its message and
/// severity under [`Key::Recorded`].
pub fn from_recorded(recorded: Vec<RecordedFinding>) -> Findings {
    Findings::new(
        recorded
            .into_iter()
            .map(|r| Finding {
                key: key_from(&r.rule, r.on),
                severity: r.severity,
                subject: r.subject,
                message: r.message,
                excess: f64::from(r.excess),
            })
            .collect(),
    )
}

fn key_parts(key: &Key) -> (&'static str, Option<String>) {
    let on = match key {
        Key::FsSpace(s)
        | Key::FsInodes(s)
        | Key::Mount(s)
        | Key::Interface(s)
        | Key::Repeated(s)
        | Key::Disk(s)
        | Key::Raid(s)
        | Key::Hardware(s)
        | Key::Cgroup(s)
        | Key::Recorded(s) => Some(s.clone()),
        Key::KernelLimit(limit) => Some((*limit).to_string()),
        Key::ProcessFdLimit(pid) => Some(pid.to_string()),
        _ => None,
    };
    (key.rule(), on)
}

/// The network stack's rules (`Key::Network` holds its rule's name).
const NETWORK_RULES: [&str; 9] = [
    "listen_queue",
    "syn_queue",
    "retransmits",
    "tcp_orphans",
    "tcp_memory",
    "time_wait",
    "udp_buffers",
    "conntrack",
    "softnet",
];
const KERNEL_LIMITS: [&str; 2] = ["files", "tasks"];

fn key_from(rule: &str, on: Option<String>) -> Key {
    let known = |names: &[&'static str], name: &str| names.iter().copied().find(|n| *n == name);
    match (rule, on) {
        ("load", None) => Key::Load,
        ("cpu_busy", None) => Key::CpuBusy,
        ("iowait", None) => Key::IoWait,
        ("steal", None) => Key::Steal,
        ("memory", None) => Key::Memory,
        ("swap", None) => Key::Swap,
        ("zombies", None) => Key::Zombies,
        ("uptime", None) => Key::Uptime,
        ("oom_kills", None) => Key::OomKills,
        ("pressure", None) => Key::Pressure,
        ("process_scan", None) => Key::ProcessScan,
        ("config", None) => Key::Config,
        ("recording", None) => Key::Recording,
        ("blocked_processes", None) => Key::Blocked,
        ("clock", None) => Key::Clock,
        ("filesystem_space", Some(s)) => Key::FsSpace(s),
        ("filesystem_inodes", Some(s)) => Key::FsInodes(s),
        ("mount", Some(s)) => Key::Mount(s),
        ("interface", Some(s)) => Key::Interface(s),
        ("repeated_binary", Some(s)) => Key::Repeated(s),
        ("disk_io", Some(s)) => Key::Disk(s),
        ("raid", Some(s)) => Key::Raid(s),
        ("hardware", Some(s)) => Key::Hardware(s),
        ("cgroup", Some(s)) => Key::Cgroup(s),
        ("recorded", Some(s)) => Key::Recorded(s),
        ("process_fd_limit", Some(pid)) => match pid.parse() {
            Ok(pid) => Key::ProcessFdLimit(pid),
            Err(_) => Key::Recorded(format!("{rule} {pid}")),
        },
        ("kernel_limit", Some(limit)) => match known(&KERNEL_LIMITS, &limit) {
            Some(limit) => Key::KernelLimit(limit),
            None => Key::Recorded(format!("{rule} {limit}")),
        },
        (rule, None) => match known(&NETWORK_RULES, rule) {
            Some(rule) => Key::Network(rule),
            None => Key::Recorded(rule.to_string()),
        },
        (rule, Some(on)) => Key::Recorded(format!("{rule} {on}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(key: Key, severity: Severity) -> Finding {
        Finding { severity, subject: "s".into(), message: "m".into(), key, excess: 0.5 }
    }

    #[test]
    fn every_key_reads_back_as_itself() {
        let keys = [
            Key::Load,
            Key::CpuBusy,
            Key::IoWait,
            Key::Steal,
            Key::Memory,
            Key::Swap,
            Key::FsSpace("/var".into()),
            Key::FsInodes("/".into()),
            Key::Mount("/mnt/nfs".into()),
            Key::Interface("eth0".into()),
            Key::Repeated("apache2".into()),
            Key::Zombies,
            Key::Uptime,
            Key::OomKills,
            Key::Pressure,
            Key::Disk("sda".into()),
            Key::Blocked,
            Key::Clock,
            Key::Raid("md0".into()),
            Key::KernelLimit("files"),
            Key::KernelLimit("tasks"),
            Key::Hardware("coretemp Core 0".into()),
            Key::ProcessFdLimit(4242),
            Key::ProcessScan,
            Key::Config,
            Key::Recording,
            Key::Cgroup("/system.slice/nginx.service".into()),
            Key::Recorded("a_later_rule sdb".into()),
        ]
        .into_iter()
        .chain(NETWORK_RULES.map(Key::Network));
        for key in keys {
            let findings = Findings::new(vec![finding(key.clone(), Severity::Error)]);
            let back = from_recorded(recorded(&findings));
            assert_eq!(back.problems, findings.problems, "{key:?}");
            assert_eq!(back.severity(&key), Severity::Error);
        }
    }

    #[test]
    fn a_rule_this_version_does_not_know_keeps_its_message() {
        let later = RecordedFinding {
            severity: Severity::Warning,
            rule: "gpu_memory".into(),
            on: Some("card0".into()),
            subject: "card0".into(),
            message: "card0 98% of its memory".into(),
            excess: 0.4,
        };
        let back = from_recorded(vec![later]);
        assert_eq!(back.problems[0].key, Key::Recorded("gpu_memory card0".into()));
        assert_eq!(back.problems[0].message, "card0 98% of its memory");
        assert_eq!(back.worst(), Severity::Warning);
    }
}
