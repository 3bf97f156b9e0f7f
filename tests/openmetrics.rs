//! `--openmetrics`: the exposition parses and lints clean with the Prometheus project's
//! own checker, names follow the conventions, label values are escaped, and the
//! findings are there with severity, subject and rule.

use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::memory::Memory;
use ctop::collect::net::Interface;
use ctop::health::{Thresholds, judge};
use ctop::report::openmetrics;
use ctop::snapshot::Snapshot;
use std::io::Write;
use std::process::{Command, Stdio};

fn ctop() -> &'static str {
    env!("CARGO_BIN_EXE_ctop")
}

/// `promtool check metrics` on `text`: its verdict, or None where promtool is missing.
fn promtool_check(text: &str) -> Option<(bool, String)> {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            eprintln!("skipped: promtool (Debian package prometheus) is not installed");
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.success(), said))
}

fn full_disk(mountpoint: &str) -> Filesystem {
    let usage = FsUsage {
        size_bytes: 100 << 30,
        used_bytes: 99 << 30,
        avail_bytes: 1 << 30,
        inodes_total: 1000,
        inodes_used: 10,
        inodes_free: 990,
    };
    Filesystem {
        device: "/dev/sda1".into(),
        mountpoint: mountpoint.into(),
        fstype: "ext4".into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage: Usage::Measured(usage),
    }
}

fn judged_snapshot() -> Snapshot {
    let mut s = Snapshot::default();
    s.cpu.model.logical_cpus = 2;
    s.memory =
        Some(Memory { total_bytes: 1000, available_bytes: 50, used_bytes: 950, free_bytes: 10, ..Memory::default() });
    s.filesystems = vec![full_disk("/var"), full_disk("/srv/a \"quoted\" \\ back\nslash")];
    s
}

#[test]
fn this_machine_passes_promtool() {
    let out = Command::new(ctop()).args(["--openmetrics", "--sample-ms", "200"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    for family in ["ctop_host_info", "ctop_memory_total_bytes", "ctop_cpu_logical", "ctop_findings"] {
        assert!(text.contains(&format!("# TYPE {family} gauge")), "{family} missing:\n{text}");
    }
    let Some((ok, said)) = promtool_check(&text) else { return };
    assert!(ok, "promtool check metrics: {said}\n{text}");
}

#[test]
fn findings_are_metrics_with_severity_subject_and_rule() {
    let s = judged_snapshot();
    let text = openmetrics(&s, &judge(&s, &Thresholds::default()));
    assert!(text.contains("ctop_finding{severity=\"error\",subject=\"/var\",rule=\"filesystem_space\"} 1\n"), "{text}");
    assert!(text.contains("ctop_finding{severity=\"error\",subject=\"memory\",rule=\"memory\"} 1\n"), "{text}");
    assert!(text.contains("ctop_findings{severity=\"error\"} 3\n"), "{text}");
    assert!(text.contains("ctop_findings{severity=\"warning\"} 0\n"), "{text}");
    // Percent on screen, ratio here: 99 GiB used of 100.
    assert!(
        text.contains("ctop_filesystem_use_ratio{mountpoint=\"/var\",device=\"/dev/sda1\",fstype=\"ext4\"} 0.99\n"),
        "{text}"
    );
    assert!(text.contains("# UNIT ctop_filesystem_size_bytes bytes\n"), "{text}");
}

#[test]
fn label_values_are_escaped_and_sanitized_and_the_result_still_parses() {
    let s = judged_snapshot();
    let text = openmetrics(&s, &judge(&s, &Thresholds::default()));
    // Quotes and backslashes escaped; the newline, a control character, replaced by the
    // display sanitizer like every other output path's.
    let escaped = r#"mountpoint="/srv/a \"quoted\" \\ back?slash""#;
    assert!(text.contains(escaped), "{text}");
    let Some((ok, said)) = promtool_check(&text) else { return };
    assert!(ok, "promtool check metrics: {said}\n{text}");
}

#[test]
fn unknown_values_are_left_out_not_written_as_zero() {
    let s = Snapshot::default();
    let text = openmetrics(&s, &judge(&s, &Thresholds::default()));
    for absent in ["ctop_memory_total_bytes", "ctop_load1", "ctop_cpu_busy_ratio", "ctop_filesystem_size_bytes"] {
        assert!(!text.contains(absent), "{absent} written without a value:\n{text}");
    }
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn state_gauges_are_1_where_the_state_holds_and_0_where_it_does_not_and_speed_is_in_bytes() {
    let mut s = judged_snapshot();
    s.filesystems[1].read_only = true;
    s.filesystems[1].remounted_read_only = true;
    s.filesystems[1].device_missing = true;
    let interface = |name: &str, admin_up, carrier| Interface {
        name: name.into(),
        operstate: if carrier == Some(true) { "up" } else { "down" }.into(),
        admin_up,
        carrier,
        speed_mbps: None,
        duplex: None,
        mtu: None,
        mac: None,
        kind: "ether".into(),
        addresses: Vec::new(),
        counters: None,
        rates: None,
        bond_slave: false,
    };
    s.interfaces = vec![interface("eth0", true, Some(true)), interface("eth1", false, Some(false))];
    s.interfaces[0].speed_mbps = Some(1000);
    let text = openmetrics(&s, &judge(&s, &Thresholds::default()));
    let value = |family: &str, subject: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("ctop_{family}{{")) && l.contains(subject))
            .unwrap_or_else(|| panic!("no ctop_{family} for {subject}:\n{text}"));
        line.rsplit(' ').next().unwrap().to_string()
    };
    for family in ["filesystem_read_only", "filesystem_remounted_read_only", "filesystem_device_missing"] {
        assert_eq!(value(family, "mountpoint=\"/var\""), "0", "{family}");
        assert_eq!(value(family, "mountpoint=\"/srv/a"), "1", "{family}");
    }
    assert_eq!(value("filesystem_not_responding", "mountpoint=\"/var\""), "0");
    for family in ["interface_admin_up", "interface_carrier"] {
        assert_eq!(value(family, "interface=\"eth0\""), "1", "{family}");
        assert_eq!(value(family, "interface=\"eth1\""), "0", "{family}");
    }
    // The driver's Mb/s in the format's base unit: 1000 Mb/s is 125 000 000 bytes a second.
    assert_eq!(value("interface_speed_bytes_per_second", "interface=\"eth0\""), "125000000");
}
