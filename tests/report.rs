//! The `--once` text report and the `--json` document of a hand-built snapshot, line by
//! line: what each section shows, where the `!`/`!!` markers and colours go, how long
//! values are cut and how the per-core list wraps.

use ctop::collect::clock::Clock;
use ctop::collect::cpu::{Cpu, CpuModel, CpuUsage, Load};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::distro::Distro;
use ctop::collect::host::Host;
use ctop::collect::limits::ContainerLimits;
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::{Address, Interface, NetCounters, NetRates};
use ctop::collect::ports::{ListeningSocket, Protocol};
use ctop::collect::pressure::{OomKills, Pressure};
use ctop::collect::procs::{FdLimitUse, IoRates, ProcessRow, Processes, Repeated};
use ctop::health::{Finding, Findings, Key, Severity};
use ctop::report;
use ctop::snapshot::Snapshot;
use std::sync::Arc;
use std::time::Duration;

const GIB: u64 = 1 << 30;

fn usage(user: f64, system: f64, iowait: f64, steal: f64) -> CpuUsage {
    CpuUsage { user, system, iowait, steal, idle: 100.0 - user - system - iowait - steal }
}

fn filesystem(mountpoint: &str, fstype: &str, usage: Usage) -> Filesystem {
    Filesystem {
        device: format!("/dev/vd{}", mountpoint.len()).into(),
        mountpoint: mountpoint.into(),
        fstype: fstype.into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage,
    }
}

fn measured(size: u64, used: u64, inodes_used: u64) -> Usage {
    Usage::Measured(FsUsage {
        size_bytes: size,
        used_bytes: used,
        avail_bytes: size - used,
        inodes_total: 1000,
        inodes_used,
        inodes_free: 1000 - inodes_used,
    })
}

fn process(pid: u32, name: &str, cpu: Option<f32>, rss: u64) -> ProcessRow {
    ProcessRow {
        pid,
        ppid: 1,
        user: "postgres".into(),
        name: name.into(),
        cmdline: format!("/usr/lib/{name} -D /var/lib/{name}").into(),
        state: 'S',
        cpu_percent: cpu,
        rss_bytes: rss,
        threads: 1,
        kernel_thread: false,
        io: None,
    }
}

fn snapshot() -> Snapshot {
    let list = vec![
        process(100, "postgres", Some(12.5), 2 * GIB),
        ProcessRow {
            io: Some(IoRates { read_bytes_per_s: 52_428_800.0, write_bytes_per_s: 4096.0 }),
            ..process(200, "backup", Some(80.25), GIB / 2)
        },
        ProcessRow { io: Some(IoRates::default()), ..process(300, "idle", None, 4 << 20) },
    ];
    let processes = Processes {
        total: 3,
        running: 1,
        sleeping: 1,
        blocked: 1,
        stopped: 0,
        zombie: 2,
        threads: 9,
        kernel_threads: 40,
        list,
        repeated: vec![Repeated { name: "postgres".into(), count: 30 }, Repeated { name: "sh".into(), count: 2 }],
        scan_duration: Duration::from_millis(7),
        blocked_processes: Vec::new(),
        near_fd_limit: vec![FdLimitUse { pid: 100, name: "postgres".into(), open_files: 990, soft_limit: 1024 }],
    };
    let mut eth1 = Interface {
        name: "eth1".into(),
        operstate: "down".into(),
        admin_up: true,
        carrier: Some(false),
        speed_mbps: None,
        duplex: None,
        mtu: Some(1500),
        mac: None,
        kind: "ether".into(),
        addresses: Vec::new(),
        counters: None,
        rates: None,
        bond_slave: false,
    };
    let eth0 = Interface {
        name: "eth0".into(),
        operstate: "up".into(),
        carrier: Some(true),
        speed_mbps: Some(10_000),
        mac: Some("52:54:00:12:34:56".into()),
        addresses: vec![Address { ip: "10.0.0.5".parse().unwrap(), prefix_len: 24 }],
        counters: Some(NetCounters {
            rx_bytes: 3 * GIB,
            tx_bytes: GIB,
            rx_errors: 2,
            tx_errors: 1,
            rx_dropped: 5,
            tx_dropped: 4,
            ..NetCounters::default()
        }),
        rates: Some(NetRates { rx_bytes_per_s: 125_000.0, tx_bytes_per_s: 1_250.0, ..NetRates::default() }),
        ..eth1.clone()
    };
    eth1.name = "eth1-with-a-long-name".into();
    let mut hung = filesystem("/mnt/nfs", "nfs4", Usage::NotResponding { waiting_secs: 42.4 });
    hung.device = "fs:/export".into();
    let mut gone = filesystem("/data", "xfs", measured(100 * GIB, 50 * GIB, 10));
    gone.device_missing = true;
    gone.remounted_read_only = true;
    gone.read_only = true;
    Snapshot {
        host: Host {
            hostname: Some("db-01".into()),
            kernel_name: Some("Linux".into()),
            kernel_release: Some("6.1.0-18-amd64".into()),
            kernel_version: Some("#1 SMP Debian 6.1.76-1".into()),
            arch: Some("x86_64".into()),
            distro: Distro {
                name: Some("Debian GNU/Linux".into()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                ..Distro::default()
            },
        },
        time: Clock {
            epoch: 1_795_990_987,
            local: "2026-11-24 14:03:07".into(),
            zone: "CET".into(),
            utc_offset: "+01:00".into(),
            zone_name: None,
            uptime_seconds: Some(1500.0),
            boot_epoch: Some(1_795_989_487),
            boot_local: Some("2026-11-24 13:38:07".into()),
            ..Clock::default()
        },
        cpu: Cpu {
            model: CpuModel {
                model: Some("AMD EPYC 7B13".into()),
                sockets: Some(1),
                physical_cores: Some(2),
                logical_cpus: 12,
                mhz: Some(2449.6),
            },
            total: Some(usage(41.0, 9.5, 22.25, 3.0)),
            per_core: (0..12).map(|i| usage(i as f64 * 8.0, 0.5, 0.0, 0.0)).collect(),
            load: Some(Load { one: 30.5, five: 12.25, fifteen: 3.0, runnable: 4, entities: 300 }),
        },
        memory: Some(Memory {
            total_bytes: 16 * GIB,
            available_bytes: 4 * GIB,
            used_bytes: 12 * GIB,
            free_bytes: GIB,
            buffers_bytes: GIB / 4,
            cached_bytes: 2 * GIB,
        }),
        swap: Some(Swap { total_bytes: 4 * GIB, used_bytes: GIB, free_bytes: 3 * GIB }),
        limits: ContainerLimits {
            memory_max_bytes: Some(8 * GIB),
            cpu_quota_cpus: Some(1.5),
            ..ContainerLimits::default()
        },
        pressure: Pressure {
            cpu_some: Some(1.5),
            memory_some: Some(25.0),
            memory_full: None,
            io_some: Some(3.25),
            io_full: Some(0.5),
        },
        oom_kills: OomKills { since_boot: Some(3), while_watching: Some(0) },
        filesystems: vec![
            filesystem("/", "ext4", measured(40 * GIB, 10 * GIB, 501)),
            hung,
            gone,
            filesystem("/locked", "ext4", Usage::Unavailable { reason: "Permission denied".into() }),
            filesystem("/a/mount/point/longer/than/its/column", "fuse.sshfs", measured(GIB, GIB, 0)),
        ],
        interfaces: vec![eth0, eth1],
        listening: vec![
            ListeningSocket {
                protocol: Protocol::Tcp,
                address: "0.0.0.0".parse().unwrap(),
                port: 5432,
                uid: 0,
                inode: 1,
                pid: Some(100),
                process: Some("postgres".into()),
                sockets: 3,
                established: None,
                syn_recv: None,
                accept_queue: None,
                accept_queue_limit: None,
            },
            ListeningSocket {
                protocol: Protocol::Udp6,
                address: "::".parse().unwrap(),
                port: 53,
                uid: 0,
                inode: 2,
                pid: Some(7),
                process: None,
                sockets: 1,
                established: None,
                syn_recv: None,
                accept_queue: None,
                accept_queue_limit: None,
            },
            ListeningSocket {
                protocol: Protocol::Tcp6,
                address: "::1".parse().unwrap(),
                port: 631,
                uid: 0,
                inode: 3,
                pid: None,
                process: None,
                sockets: 1,
                established: None,
                syn_recv: None,
                accept_queue: None,
                accept_queue_limit: None,
            },
        ],
        processes: Some(Arc::new(processes)),
        ..Snapshot::default()
    }
}

fn finding(severity: Severity, key: Key, subject: &str, message: &str) -> Finding {
    Finding { severity, subject: subject.into(), message: message.into(), key, excess: 1.0 }
}

fn findings() -> Findings {
    use Severity::{Error, Warning};
    Findings::new(vec![
        finding(Error, Key::Mount("/mnt/nfs".into()), "/mnt/nfs", "/mnt/nfs not responding"),
        finding(Error, Key::Load, "load", "load 30.5 on a 1.5-CPU container quota"),
        finding(Warning, Key::IoWait, "iowait", "iowait 22%: waiting on disks"),
        finding(Warning, Key::Memory, "memory", "memory 75% used"),
        finding(Warning, Key::Swap, "swap", "swap 25% used"),
        finding(Warning, Key::Uptime, "uptime", "rebooted 25m ago"),
        finding(Warning, Key::Pressure, "memory pressure", "memory pressure: some tasks stalled 25%"),
        finding(Warning, Key::OomKills, "oom", "3 OOM kills since boot"),
        finding(Warning, Key::FsInodes("/".into()), "/", "/ 50% of inodes used"),
        finding(Error, Key::Interface("eth1-with-a-long-name".into()), "eth1", "eth1 up but no cable"),
        finding(Warning, Key::Zombies, "zombies", "2 zombie processes"),
        finding(Warning, Key::Repeated("postgres".into()), "postgres", "30 × postgres"),
    ])
}

/// The whole report, reviewed by hand against the snapshot above: every value in its
/// place, markers on the rows their findings name, long values cut with `…`.
const EXPECTED: &str = r#"
PROBLEMS
!! /mnt/nfs not responding
!! load 30.5 on a 1.5-CPU container quota
!! eth1 up but no cable
!  iowait 22%: waiting on disks
!  memory 75% used
!  swap 25% used
!  rebooted 25m ago
!  memory pressure: some tasks stalled 25%
!  3 OOM kills since boot
!  / 50% of inodes used
!  2 zombie processes
!  30 × postgres

HOST
   hostname   db-01
   distro     Debian GNU/Linux 12 (bookworm)
   kernel     Linux 6.1.0-18-amd64 x86_64
              #1 SMP Debian 6.1.76-1
   platform   bare metal
   local time 2026-11-24 14:03:07 CET (UTC+01:00)
   epoch      1795990987
   clock      unknown
!  uptime     25m 00s
   booted     2026-11-24 13:38:07 (epoch 1795989487)

CPU
   model      AMD EPYC 7B13
   topology   1 socket, 2 cores, 12 logical CPUs, 2450 MHz
   usage      54% busy: user 41%, system 9.5%
!             iowait 22%, steal 3.0%
!! load       30.50 12.25 3.00 on 12 CPUs
   per core   0:0.5% 1:8.5% 2:16% 3:24% 4:32% 5:40% 6:48% 7:56% 8:64% 9:72%
              10:80% 11:88%

MEMORY
!  memory     12.0 GiB used of 16.0 GiB (75%), 4.00 GiB available
              buffers 256 MiB, cache 2.00 GiB
!  swap       1.00 GiB used of 4.00 GiB
   container  memory limit 8.00 GiB, CPU limit 1.50 CPUs
!  pressure   cpu 1.5%  memory 25% (full -)  io 3.2% (full 0.5%)
!  OOM kills  3 since boot

FILESYSTEMS
   MOUNT                        TYPE      SIZE  USED AVAIL USE% INODE%
!  /                            ext4       40G   10G   30G  25%    51%
!! /mnt/nfs                     nfs4     fs:/export (NOT RESPONDING for 42s)
   /data                        xfs       100G   50G   50G  50%     1%
   /locked                      ext4     /dev/vd7 (Permission denied)
   …oint/longer/than/its/column fuse.ss…  1.0G  1.0G    0B 100%     0%

DISK I/O
   DEVICE       R/S     W/S  READ/S WRITE/S R_AWAIT W_AWAIT AQU-SZ  UTIL%

INTERFACES
   NAME                  STATE CABLE   SPEED   MTU       RX/s       TX/s KIND
   eth0                  up    yes   10 Gb/s  1500   1.0 Mb/s  10.0 kb/s ether
                         10.0.0.5/24
                         52:54:00:12:34:56 total rx 3.00 GiB tx 1.00 GiB, errs …
!! eth1-with-a-long-name down  NO          -  1500          -          - ether

LISTENING
   PROTO ADDRESS    PORT ESTAB SYN-R QUEUE PROCESS
   tcp   0.0.0.0    5432     -     -     - postgres (100), 3 sockets
   udp6  ::           53     -     -     - (7)
   tcp6  ::1         631     -     -     - -

NETWORK
   listen     -/s overflows, -/s drops
   syn queue  -/s full, -/s cookies sent
   tcp        - retransmitted, -/s resets sent, unknown in use
   time_wait  -
   orphans    -
   tcp memory - pages
   udp        -/s receive, -/s send buffer errors

PROCESSES
!  total      3 processes (40 kernel threads), 9 threads, scanned in 7 ms
!  states     1 running, 1 sleeping, 1 blocked (D), 0 stopped, 2 zombie
   fd limit   postgres (100) 990 of 1024 open files (97%)
   top by CPU
       PID USER       CPU%    RSS NAME     COMMAND
       200 postgres   80.2   512M backup   /usr/lib/backup -D /var/lib/backup
       100 postgres   12.5   2.0G postgres /usr/lib/postgres -D /var/lib/postgr…
       300 postgres      -   4.0M idle     /usr/lib/idle -D /var/lib/idle
   top by memory
       PID USER       CPU%    RSS NAME     COMMAND
       100 postgres   12.5   2.0G postgres /usr/lib/postgres -D /var/lib/postgr…
       200 postgres   80.2   512M backup   /usr/lib/backup -D /var/lib/backup
       300 postgres      -   4.0M idle     /usr/lib/idle -D /var/lib/idle
   top by disk I/O (read + write per second)
       PID USER      READ/s WRIT/s NAME     COMMAND
       200 postgres     50M   4.0K backup   /usr/lib/backup -D /var/lib/backup
   most repeated
     COUNT EXECUTABLE
!       30 postgres
         2 sh
"#;

#[test]
fn the_text_report_shows_every_section_as_reviewed() {
    let text = report::text(&snapshot(), &findings(), false);
    let expected = format!("ctop {} snapshot of db-01\n{EXPECTED}", env!("CARGO_PKG_VERSION"));
    for (n, (got, want)) in text.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", n + 1);
    }
    assert_eq!(text.lines().count(), expected.lines().count(), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "80 columns at most");
}

#[test]
fn colour_marks_errors_red_and_warnings_yellow_only() {
    let plain = report::text(&snapshot(), &findings(), false);
    let coloured = report::text(&snapshot(), &findings(), true);
    assert_eq!(plain.lines().count(), coloured.lines().count());
    for (p, c) in plain.lines().zip(coloured.lines()) {
        let want = if p.starts_with("!!") {
            format!("\x1b[31m{p}\x1b[0m")
        } else if p.starts_with('!') {
            format!("\x1b[33m{p}\x1b[0m")
        } else {
            p.to_string()
        };
        assert_eq!(c, want);
    }
}

#[test]
fn nothing_known_says_unknown_and_no_problems_says_none() {
    let text = report::text(&Snapshot::default(), &Findings::default(), false);
    for line in [
        "   none found",
        "   hostname   unknown",
        "   distro     unknown",
        "   kernel     unknown",
        "   model      unknown",
        "   topology   0 logical CPUs",
        "   usage      unknown",
        "   load       unknown",
        "   memory     unknown",
        "   swap       unknown",
        "   processes  unknown",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    for absent in ["per core", "container", "pressure", "OOM kills", "booted", "uptime     2"] {
        assert!(!text.contains(absent), "{absent:?} without a value:\n{text}");
    }
    let mut s = Snapshot { swap: Some(Swap::default()), ..Snapshot::default() };
    s.cpu.model.sockets = Some(2);
    s.host.distro.name = Some("Alpine Linux".into());
    let text = report::text(&s, &Findings::default(), false);
    assert!(text.contains("   swap       none\n"), "{text}");
    assert!(text.contains("   topology   2 sockets, 0 logical CPUs\n"), "{text}");
    assert!(text.contains("   distro     Alpine Linux\n"), "the name without a pretty name: {text}");
}

#[test]
fn the_json_document_carries_the_values_unrounded() {
    let v: serde_json::Value = serde_json::from_str(&report::json(&snapshot(), &findings()).unwrap()).unwrap();
    assert_eq!(v["ctop_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["cpu"]["load"], serde_json::json!([30.5, 12.25, 3.0]));
    assert_eq!(v["cpu"]["busy_percent"], 53.5);
    assert_eq!(v["cpu"]["logical_cpus"], 12);
    assert_eq!(v["cpu"]["per_core"].as_array().unwrap().len(), 12);
    assert_eq!(v["memory"]["used_bytes"], 12 * GIB);
    let fs = v["filesystems"].as_array().unwrap();
    let states: Vec<&str> = fs.iter().map(|f| f["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["ok", "not_responding", "ok", "unavailable", "ok"]);
    assert_eq!(fs[0]["use_percent"], 25.0);
    assert_eq!(fs[0]["inodes_use_percent"], 50.1);
    assert_eq!((fs[0]["size_bytes"].as_u64(), fs[0]["avail_bytes"].as_u64()), (Some(40 * GIB), Some(30 * GIB)));
    assert_eq!((fs[0]["used_bytes"].as_u64(), fs[0]["inodes_used"].as_u64()), (Some(10 * GIB), Some(501)));
    assert_eq!((fs[0]["inodes_total"].as_u64(), fs[0]["inodes_free"].as_u64()), (Some(1000), Some(499)));
    assert!(fs[1]["size_bytes"].is_null() && fs[1]["use_percent"].is_null(), "no numbers for a hung mount");
    assert_eq!(
        (&fs[2]["device_missing"], &fs[2]["remounted_read_only"], &fs[2]["read_only"]),
        (&true.into(), &true.into(), &true.into())
    );
    let eth0 = &v["interfaces"][0];
    assert_eq!(eth0["addresses"], serde_json::json!(["10.0.0.5/24"]));
    assert_eq!((eth0["rx_bytes_per_s"].as_f64(), eth0["tx_bytes_per_s"].as_f64()), (Some(125_000.0), Some(1_250.0)));
    assert_eq!((eth0["speed_mbps"].as_u64(), eth0["carrier"].as_bool()), (Some(10_000), Some(true)));
    assert!(v["interfaces"][1]["rx_bytes_per_s"].is_null());
    let p = &v["processes"];
    let pids = |list: &str| p[list].as_array().unwrap().iter().map(|r| r["pid"].as_u64().unwrap()).collect::<Vec<_>>();
    assert_eq!(pids("top_cpu"), [200, 100, 300]);
    assert_eq!(pids("top_memory"), [100, 200, 300]);
    // Only the processes doing disk I/O; unknown I/O is null, never 0.
    assert_eq!(pids("top_io"), [200]);
    assert_eq!(p["near_fd_limit"][0]["open_files"].as_u64(), Some(990));
    let backup = &p["top_cpu"][0];
    assert_eq!(
        (backup["io_read_bytes_per_s"].as_f64(), backup["io_write_bytes_per_s"].as_f64()),
        (Some(52_428_800.0), Some(4096.0))
    );
    assert!(p["top_cpu"][1]["io_read_bytes_per_s"].is_null() && p["top_cpu"][1]["io_write_bytes_per_s"].is_null());
    assert_eq!(p["top_cpu"][2]["io_write_bytes_per_s"].as_f64(), Some(0.0));
    assert_eq!(
        [p["total"].as_u64(), p["running"].as_u64(), p["sleeping"].as_u64(), p["blocked"].as_u64()],
        [Some(3), Some(1), Some(1), Some(1)]
    );
    assert_eq!(
        [p["stopped"].as_u64(), p["zombie"].as_u64(), p["threads"].as_u64(), p["kernel_threads"].as_u64()],
        [Some(0), Some(2), Some(9), Some(40)]
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 12);
    assert_eq!(v["findings"][0]["subject"], "/mnt/nfs");
    assert_eq!(v["platform"]["description"], "bare metal");
}

#[test]
fn the_clock_line_says_whether_the_clock_is_synchronised_and_its_bound() {
    let clock_line = |synchronized, max_error_seconds| {
        let mut s = snapshot();
        s.time.synchronized = synchronized;
        s.time.max_error_seconds = max_error_seconds;
        let text = report::text(&s, &Findings::default(), false);
        text.lines().find(|l| l.starts_with("   clock ")).map(String::from).unwrap_or_else(|| panic!("{text}"))
    };
    // The kernel's maxerror: milliseconds matter while synchronised, seconds once not.
    assert_eq!(clock_line(Some(true), Some(0.25)), "   clock      synchronised (max error 0.250 s)");
    assert_eq!(clock_line(Some(false), Some(16.0)), "   clock      not synchronised (max error 16 s)");
    assert_eq!(clock_line(None, Some(16.0)), "   clock      unknown");
    assert_eq!(clock_line(Some(true), None), "   clock      unknown");
}

#[test]
fn the_per_core_list_fills_the_line_to_80_columns_and_wraps_after() {
    let per_core_lines = |busy: &[f64]| {
        let mut s = Snapshot::default();
        s.cpu.per_core = busy.iter().map(|&b| usage(b, 0.0, 0.0, 0.0)).collect();
        let text = report::text(&s, &Findings::default(), false);
        let start = text.lines().position(|l| l.starts_with("   per core")).expect("a per-core line");
        text.lines()
            .skip(start)
            .take_while(|l| l.starts_with("   per core") || l.starts_with("              "))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    // `0:16%` … `10:16%`: exactly 80 columns, one line.
    let lines = per_core_lines(&[16.0; 11]);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0].chars().count(), 80, "{lines:#?}");
    // One character more (`10:100%`) no longer fits: it goes on the next line.
    let mut busy = [16.0; 11];
    busy[10] = 100.0;
    let lines = per_core_lines(&busy);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(lines[1], "              10:100%");
}

#[test]
fn one_known_part_is_enough_to_show_its_line() {
    let s = Snapshot {
        memory: Some(Memory::default()),
        limits: ContainerLimits { memory_max_bytes: Some(GIB), ..ContainerLimits::default() },
        pressure: Pressure { memory_some: Some(2.5), ..Pressure::default() },
        ..Snapshot::default()
    };
    let text = report::text(&s, &Findings::default(), false);
    for line in [
        "   memory     0 B used of 0 B (0%), 0 B available",
        "   container  memory limit 1.00 GiB, CPU limit unlimited",
        "   pressure   cpu -  memory 2.5% (full -)  io - (full -)",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    let s = Snapshot {
        limits: ContainerLimits { cpu_quota_cpus: Some(0.5), ..ContainerLimits::default() },
        pressure: Pressure { io_some: Some(1.0), ..Pressure::default() },
        ..Snapshot::default()
    };
    let text = report::text(&s, &Findings::default(), false);
    assert!(text.contains("   container  memory limit unlimited, CPU limit 0.50 CPUs\n"), "{text}");
    assert!(text.contains("   pressure   cpu -  memory - (full -)  io 1.0% (full -)\n"), "{text}");
}

#[test]
fn socket_counts_are_shown_against_their_limit_where_the_kernel_gives_one() {
    let mut s = Snapshot::default();
    let tcp = &mut s.network.tcp;
    tcp.time_wait = Some(1200);
    tcp.time_wait_limit = Some(262144);
    tcp.orphans = Some(3);
    tcp.memory_pages = Some(45);
    tcp.memory_limit_pages = Some(92000);
    let text = report::text(&s, &Findings::default(), false);
    for line in ["   time_wait  1200 of 262144", "   orphans    3", "   tcp memory 45 of 92000 pages"] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
}

#[test]
fn connection_states_list_only_the_states_some_socket_is_in() {
    let mut s = Snapshot::default();
    s.network.connections.states = [("established", 5), ("syn-sent", 0), ("time-wait", 2)].into_iter().collect();
    let text = report::text(&s, &Findings::default(), false);
    assert!(text.lines().any(|l| l == "   states     established 5, time-wait 2"), "{text}");
}
