//! `ctop --json` against the standard tools on the machine the tests run on:
//! hostname, uname -r, nproc, free -b, /proc/uptime, df -B1, df inodes, ip -j addr,
//! ss -ltnH and ss -lunH. Holds on any Linux machine; a tool that is not installed
//! skips its comparison with a note.

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn ctop_json() -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "100"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A tool's stdout, or `None` (with a note) where it is not installed; a tool that is
/// there but fails is a broken test, not a skip.
fn tool(cmd: &str, args: &[&str]) -> Option<String> {
    match Command::new(cmd).args(args).output() {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => panic!("{cmd} {args:?} failed: {}", String::from_utf8_lossy(&o.stderr).trim()),
        Err(e) => {
            eprintln!("skipped: the comparison with {cmd}, not installed here: {e}");
            None
        }
    }
}

/// The numbers of one row (`Mem:`, `Swap:`) of `free -b`.
fn free_row(free: &str, label: &str) -> Vec<u64> {
    let row = free.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no {label} in {free}"));
    row.split_whitespace().skip(1).map(|x| x.parse().unwrap()).collect()
}

#[test]
fn identity_cpus_memory_and_uptime() {
    let v = ctop_json();
    if let Some(h) = tool("hostname", &[]) {
        assert_eq!(v["host"]["hostname"], h.trim());
    }
    if let Some(r) = tool("uname", &["-r"]) {
        assert_eq!(v["host"]["kernel_release"], r.trim());
    }
    if let Some(m) = tool("uname", &["-m"]) {
        assert_eq!(v["host"]["arch"], m.trim());
    }
    if let Some(n) = tool("nproc", &["--all"]) {
        assert_eq!(v["cpu"]["logical_cpus"], n.trim().parse::<u64>().unwrap());
    }
    if let Some(free) = tool("free", &["-b"]) {
        assert_eq!(v["memory"]["total_bytes"], free_row(&free, "Mem:")[0], "MemTotal as free -b");
        assert_eq!(v["swap"]["total_bytes"], free_row(&free, "Swap:")[0], "SwapTotal as free -b");
    }
    let uptime: f64 =
        std::fs::read_to_string("/proc/uptime").unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let ctop_uptime = v["time"]["uptime_seconds"].as_f64().unwrap();
    // ctop read it at the end of its 100 ms window, up to a second before this.
    assert!((uptime - ctop_uptime).abs() < 1.5, "uptime {ctop_uptime} vs {uptime}");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - v["time"]["epoch"].as_i64().unwrap()).abs() <= 2);
    let boot = v["time"]["boot_epoch"].as_i64().unwrap();
    assert!((now - uptime as i64 - boot).abs() <= 2, "boot time {boot} vs now − uptime");
}

#[test]
fn filesystems_as_df_shows_them() {
    let Some(df) = tool("df", &["-B1", "--output=target,size,used,avail,itotal,iused,iavail"]) else { return };
    let v = ctop_json();
    let df_rows: Vec<Vec<&str>> = df.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    let mut compared = 0;
    for fs in v["filesystems"].as_array().unwrap() {
        let mp = fs["mountpoint"].as_str().unwrap();
        if fs["size_bytes"].is_null() || mp.contains(' ') {
            continue;
        }
        let Some(row) = df_rows.iter().find(|r| r[0] == mp) else {
            panic!("ctop lists {mp}, df does not: {df}");
        };
        let near = |field: &str, df_value: &str| {
            let a = fs[field].as_u64().unwrap() as f64;
            let b: f64 = df_value.parse().unwrap();
            // A filesystem being written moves between the two readings.
            assert!((a - b).abs() <= 1024.0_f64.max(b * 0.005), "{mp} {field}: ctop {a}, df {b}");
        };
        near("size_bytes", row[1]);
        near("used_bytes", row[2]);
        near("avail_bytes", row[3]);
        if row[4] != "-" {
            assert_eq!(fs["inodes_total"].as_u64().unwrap().to_string(), row[4], "{mp} inodes");
            near("inodes_free", row[6]);
        }
        compared += 1;
    }
    assert!(compared > 0, "no filesystem compared");
}

#[test]
fn every_address_ip_lists() {
    let Some(ip) = tool("ip", &["-j", "addr"]) else { return };
    let v = ctop_json();
    let expected: BTreeSet<String> = serde_json::from_str::<Value>(&ip)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|link| {
            let name = link["ifname"].as_str().unwrap().to_string();
            link["addr_info"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |a| format!("{name} {}/{}", a["local"].as_str().unwrap(), a["prefixlen"]))
        })
        .collect();
    let seen: BTreeSet<String> = v["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            let name = i["name"].as_str().unwrap().to_string();
            i["addresses"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |a| format!("{name} {}", a.as_str().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(seen, expected);
}

/// `0.0.0.0:22`, `[::]:22`, `*:22`, `127.0.0.53%lo:53` → (address, port).
fn ss_local(field: &str) -> (String, u16) {
    let (addr, port) = field.rsplit_once(':').unwrap();
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let addr = addr.split('%').next().unwrap();
    let addr = if addr == "*" { "::".to_string() } else { addr.to_string() };
    (addr, port.parse().unwrap())
}

fn ss_set(args: &[&str]) -> Option<BTreeSet<(String, u16)>> {
    Some(tool("ss", args)?.lines().filter_map(|l| l.split_whitespace().nth(3)).map(ss_local).collect())
}

#[test]
fn exactly_the_listening_ports_ss_lists() {
    // Sockets come and go while both look: compare twice before calling it a mismatch.
    for attempt in 0..2 {
        let (Some(tcp), Some(udp)) = (ss_set(&["-ltnH"]), ss_set(&["-lunH"])) else { return };
        let v = ctop_json();
        let pick = |protos: &[&str]| -> BTreeSet<(String, u16)> {
            v["listening"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| protos.contains(&l["protocol"].as_str().unwrap()))
                .map(|l| (l["address"].as_str().unwrap().to_string(), l["port"].as_u64().unwrap() as u16))
                .collect()
        };
        let (ctop_tcp, ctop_udp) = (pick(&["tcp", "tcp6"]), pick(&["udp", "udp6"]));
        if ctop_tcp == tcp && ctop_udp == udp {
            return;
        }
        if attempt == 1 {
            assert_eq!(ctop_tcp, tcp, "TCP listeners");
            assert_eq!(ctop_udp, udp, "UDP sockets");
        }
    }
}
