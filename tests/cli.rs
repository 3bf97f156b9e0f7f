//! The `ctop` binary's non-interactive modes and its error handling: exit codes,
//! one-line errors, `--once` text rules, the `--json` field names the README promises,
//! and running as an ordinary user.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ctop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctop")).args(args).env_remove("NO_COLOR").output().unwrap()
}

fn machine(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/machines").join(name)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn an_unknown_flag_prints_usage_and_exits_2() {
    let o = ctop(&["--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Usage: ctop"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_interval_values_are_usage_errors() {
    for bad in ["0", "-1", "abc", "NaN"] {
        let o = ctop(&["--once", "--interval", bad]);
        assert_eq!(o.status.code(), Some(2), "--interval {bad}");
    }
}

#[test]
fn a_missing_root_is_one_line_and_exit_1() {
    let o = ctop(&["--once", "--root", "/nonexistent/ctop-test"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("ctop: --root /nonexistent/ctop-test"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"));
}

#[test]
fn help_says_what_root_covers() {
    let help = stdout(&ctop(&["--help"]));
    for words in ["--root", "/proc, /sys and /etc", "--once", "--json", "--sample-ms", "--interval", "--proc-interval"]
    {
        assert!(help.contains(words), "--help lacks {words}:\n{help}");
    }
}

#[test]
fn once_is_plain_text_80_columns_wide() {
    let o = ctop(&["--once", "--sample-ms", "50", "--root", machine("centos6-2socket").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains('\x1b'), "escape codes in a pipe");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "longer than 80: {line:?}");
    }
    for expected in [
        "db-legacy-01",
        "2.6.32-754.35.1.el6.x86_64",
        "Intel(R) Xeon(R) CPU E5620 @ 2.40GHz",
        "17.52 12.01 8.33 on 8 CPUs",
    ] {
        assert!(text.contains(expected), "--once lacks {expected}:\n{text}");
    }
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let root = machine("centos6-2socket");
    let args = ["--once", "--sample-ms", "0", "--color", "always", "--root", root.to_str().unwrap()];
    let o = Command::new(env!("CARGO_BIN_EXE_ctop")).args(args).env_remove("NO_COLOR").output().unwrap();
    let coloured = stdout(&o);
    let plain = stdout(&ctop(&["--once", "--sample-ms", "0", "--root", root.to_str().unwrap()]));
    // The fixture is judged: load 17.5 on 8 CPUs is an error, red and marked `!!`.
    let load = coloured.lines().find(|l| l.contains("load 17.5")).expect("a load problem");
    assert!(load.starts_with("\x1b[31m!!"), "{load:?}");
    assert!(plain.lines().any(|l| l.starts_with("!!") && l.contains("load 17.5")), "{plain}");
    assert!(!plain.contains('\x1b'));
    let o = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(["--once", "--sample-ms", "0", "--root", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\x1b'));
}

/// Looks up `a.b.c` (or `a.b[]` for "every element has it").
fn has_path(v: &Value, path: &str) -> bool {
    let mut parts = path.splitn(2, '.');
    let head = parts.next().unwrap();
    let rest = parts.next();
    if let Some(array) = head.strip_suffix("[]") {
        let Some(Value::Array(items)) = v.get(array) else { return false };
        return items.iter().all(|item| rest.is_none_or(|r| has_path(item, r)));
    }
    match (v.get(head), rest) {
        (Some(_), None) => true,
        (Some(inner), Some(r)) => has_path(inner, r),
        (None, _) => false,
    }
}

/// The fields the README documents as stable.
const JSON_FIELDS: &[&str] = &[
    "host.hostname",
    "host.kernel_release",
    "host.distro.pretty_name",
    "time.epoch",
    "time.boot_epoch",
    "time.uptime_seconds",
    "cpu.logical_cpus",
    "cpu.load",
    "memory.total_bytes",
    "memory.available_bytes",
    "swap.total_bytes",
    "swap.used_bytes",
    "filesystems[].mountpoint",
    "filesystems[].device",
    "filesystems[].fstype",
    "filesystems[].size_bytes",
    "filesystems[].used_bytes",
    "filesystems[].avail_bytes",
    "filesystems[].inodes_total",
    "filesystems[].inodes_free",
    "filesystems[].read_only",
    "interfaces[].name",
    "interfaces[].operstate",
    "interfaces[].carrier",
    "interfaces[].speed_mbps",
    "interfaces[].mtu",
    "interfaces[].mac",
    "interfaces[].addresses",
    "interfaces[].rx_bytes_per_s",
    "interfaces[].tx_bytes_per_s",
    "listening[].protocol",
    "listening[].address",
    "listening[].port",
    "listening[].pid",
    "listening[].process",
    "processes.total",
    "processes.zombie",
    "processes.repeated[].name",
    "processes.repeated[].count",
    "platform.virtualization",
    "platform.container",
    "platform.cloud",
    "findings[].severity",
    "findings[].subject",
    "findings[].message",
];

#[test]
fn json_has_every_documented_field_on_the_live_machine() {
    let o = ctop(&["--json", "--sample-ms", "200"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for path in JSON_FIELDS {
        assert!(has_path(&v, path), "--json lacks {path}");
    }
    let load = v["cpu"]["load"].as_array().expect("cpu.load is an array");
    assert_eq!(load.len(), 3);
    assert!(!v["filesystems"].as_array().unwrap().is_empty(), "no filesystem on a live machine?");
    assert!(!v["interfaces"].as_array().unwrap().is_empty(), "no interface on a live machine?");
    assert!(v["processes"]["total"].as_u64().unwrap() > 1);
}

#[test]
fn json_of_a_fixture_tree_reads_that_tree() {
    let o = ctop(&["--json", "--sample-ms", "0", "--root", machine("arm64-graviton").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["host"]["hostname"], "ip-10-0-1-23");
    assert_eq!(v["cpu"]["logical_cpus"], 4);
    assert_eq!(v["cpu"]["model"], "ARM Neoverse-N1");
    assert_eq!(v["memory"]["total_bytes"], 7_952_624u64 * 1024);
    assert_eq!(v["cpu"]["load"], serde_json::json!([0.4000000059604645, 0.3499999940395355, 0.30000001192092896]));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(["--json", "--sample-ms", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.code().is_some(), "killed by a signal: {status:?}");
}

#[test]
fn every_mode_works_as_an_ordinary_user() {
    if !nix::unistd::Uid::effective().is_root() || Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: needs root and setpriv to become nobody");
        return;
    }
    for mode in [["--once"], ["--json"]] {
        let o = Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", env!("CARGO_BIN_EXE_ctop")])
            .args(mode)
            .args(["--sample-ms", "100"])
            .env("HOME", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{mode:?} as nobody: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{mode:?} as nobody wrote to stderr: {}", stderr(&o));
        if mode == ["--json"] {
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            assert!(v["processes"]["total"].as_u64().unwrap() > 1);
        }
    }
}

#[test]
fn print_config_is_a_file_ctop_accepts_and_a_bad_one_is_one_line_and_exit_2() {
    let printed = ctop(&["--print-config"]);
    assert_eq!(printed.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("config.toml");
    std::fs::write(&good, &printed.stdout).unwrap();
    let root = machine("centos6-2socket");
    let o = ctop(&["--once", "--sample-ms", "0", "--root", root.to_str().unwrap(), "--config", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "interval = 2\n[thresholds]\nload_warnin = 3\n").unwrap();
    let o = ctop(&["--once", "--config", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml:3") && err.contains("load_warnin"), "{err}");
    assert!(o.stdout.is_empty());
}
