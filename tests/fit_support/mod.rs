//! A machine whose answers are easy to cut: a postgres on 127.0.0.1:5433, a python
//! SO_REUSEPORT pool of 8 on a high port, a listener on an IPv6 link-local address, a
//! hung and a denied mount, five mounts under one long directory, a tmpfs at the use %
//! boundary, a bond in `lowerlayerdown`, five warnings and an old OOM kill. Shared by
//! `ui_fit.rs` (the dashboard) and `once_fit.rs` (`--once`, `--json`).

#![allow(dead_code)]

use ctop::collect::clock::Clock;
use ctop::collect::cpu::{Cpu, CpuModel, CpuUsage, Load};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::host::Host;
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::{Address, Interface, NetRates};
use ctop::collect::ports::{ListeningSocket, Protocol};
use ctop::collect::pressure::OomKills;
use ctop::collect::procs::{ProcessRow, Processes, Repeated};
use ctop::health::{self, Findings, Thresholds};
use ctop::snapshot::Snapshot;
use std::sync::Arc;
use std::time::Instant;

pub const GIB: u64 = 1 << 30;
pub const LONG_DIR: &str = "/tmp/ctop-fit/a-rather-long-directory-name";

/// A filesystem `size` bytes big with `used` of it used (no root reserve).
pub fn filesystem(mountpoint: &str, size: u64, used: u64) -> Filesystem {
    Filesystem {
        device: "tmpfs".into(),
        mountpoint: mountpoint.into(),
        fstype: "tmpfs".into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage: Usage::Measured(FsUsage {
            size_bytes: size,
            used_bytes: used,
            avail_bytes: size - used,
            inodes_total: 1_000_000,
            inodes_used: 1000,
            inodes_free: 999_000,
        }),
    }
}

fn interface(name: &str, operstate: &str, addresses: &[(&str, u8)]) -> Interface {
    Interface {
        name: name.into(),
        operstate: operstate.into(),
        admin_up: operstate != "down",
        carrier: Some(operstate != "lowerlayerdown"),
        speed_mbps: None,
        duplex: None,
        mtu: Some(1500),
        mac: Some("02:00:00:00:00:01".into()),
        kind: if name == "bond0" { "bond".into() } else { "ether".into() },
        addresses: addresses.iter().map(|(ip, len)| Address { ip: ip.parse().unwrap(), prefix_len: *len }).collect(),
        counters: None,
        rates: Some(NetRates { rx_bytes_per_s: 1000.0, tx_bytes_per_s: 1000.0, ..NetRates::default() }),
        bond_slave: false,
    }
}

fn listener(protocol: Protocol, address: &str, port: u16, pid: u32, name: &str, sockets: u32) -> ListeningSocket {
    ListeningSocket {
        protocol,
        address: address.parse().unwrap(),
        port,
        uid: 0,
        inode: u64::from(port),
        pid: Some(pid),
        process: Some(name.into()),
        sockets,
        established: None,
        syn_recv: None,
        accept_queue: None,
        accept_queue_limit: None,
    }
}

fn process(pid: u32, name: &str, state: char) -> ProcessRow {
    ProcessRow {
        pid,
        ppid: 1,
        user: "postgres".into(),
        name: name.into(),
        cmdline: format!("/usr/bin/{name} --config /etc/{name}/a-long-configuration-file.conf").into(),
        state,
        cpu_percent: Some(1.5),
        rss_bytes: 40 << 20,
        threads: 3,
        kernel_thread: false,
        io: None,
    }
}

/// The five mounts under one long directory.
pub fn long_mounts() -> Vec<String> {
    (1..=5).map(|i| format!("{LONG_DIR}/data{i}")).collect()
}

pub fn snapshot() -> Snapshot {
    let mut filesystems = vec![
        filesystem("/", 40 * GIB, 10 * GIB),
        Filesystem { usage: Usage::NotResponding { waiting_secs: 12.4 }, ..filesystem("/mnt/archive", GIB, 0) },
        Filesystem {
            usage: Usage::Unavailable { reason: "Permission denied".into() },
            ..filesystem("/mnt/locked", GIB, 0)
        },
        // 84.6 %: `df` shows 85 %, the warning level.
        filesystem("/run/edge", 1000 * 1024 * 1024, 846 * 1024 * 1024),
        filesystem("/var", 100 * GIB, 86 * GIB),
    ];
    filesystems.extend(long_mounts().iter().map(|m| filesystem(m, GIB, GIB / 10)));

    let mut list: Vec<ProcessRow> = (0..250).map(|i| process(10_000 + i, "php-fpm", 'S')).collect();
    list.push(process(8123, "python3", 'S'));
    list.push(process(900, "nginx", 'S'));
    list.push(process(4242, "defunct", 'Z'));
    let processes = Processes {
        total: list.len(),
        running: 1,
        sleeping: list.len() - 2,
        zombie: 1,
        threads: list.len() * 3,
        repeated: vec![Repeated { name: "php-fpm".into(), count: 250 }, Repeated { name: "bash".into(), count: 2 }],
        list,
        ..Processes::default()
    };
    Snapshot {
        host: Host { hostname: Some("db-7".into()), kernel_release: Some("6.1.0".into()), ..Host::default() },
        time: Clock {
            epoch: 1_795_990_987,
            local: "2026-11-24 14:03:07".into(),
            zone: "UTC".into(),
            utc_offset: "+00:00".into(),
            uptime_seconds: Some(40.0 * 86_400.0),
            boot_epoch: Some(1_795_990_987 - 40 * 86_400),
            boot_local: Some("2026-10-15 14:03:07".into()),
            ..Clock::default()
        },
        cpu: Cpu {
            model: CpuModel { logical_cpus: 2, ..CpuModel::default() },
            total: Some(CpuUsage { user: 5.0, system: 3.0, iowait: 0.0, steal: 0.0, idle: 92.0 }),
            per_core: vec![CpuUsage { idle: 100.0, ..CpuUsage::default() }; 2],
            // Over the 2 CPUs but under twice: a warning.
            load: Some(Load { one: 2.5, five: 2.0, fifteen: 1.5, runnable: 3, entities: 400 }),
        },
        memory: Some(Memory {
            total_bytes: 8 * GIB,
            available_bytes: 6 * GIB,
            used_bytes: 2 * GIB,
            free_bytes: 5 * GIB,
            buffers_bytes: 0,
            cached_bytes: GIB,
        }),
        swap: Some(Swap::default()),
        oom_kills: OomKills { since_boot: Some(3), while_watching: Some(0) },
        filesystems,
        interfaces: vec![
            interface("eth0", "up", &[("10.0.0.5", 24), ("fe80::fc:ff:fe00:1", 64)]),
            interface("bond0", "lowerlayerdown", &[]),
            interface("lo", "unknown", &[("127.0.0.1", 8)]),
        ],
        listening: vec![
            listener(Protocol::Tcp, "127.0.0.1", 5433, 8123, "python3", 1),
            listener(Protocol::Tcp6, "fe80::fc:ff:fe00:1", 8080, 900, "nginx", 1),
            listener(Protocol::Tcp, "0.0.0.0", 47015, 8124, "python3", 8),
        ],
        processes: Some(Arc::new(processes)),
        processes_scanned_at: Some(Instant::now()),
        ..Snapshot::default()
    }
}

/// The findings ctop's own rules give this snapshot with the default thresholds.
pub fn findings(snapshot: &Snapshot) -> Findings {
    health::judge(snapshot, &Thresholds::default())
}
