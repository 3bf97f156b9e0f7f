//! Every rule on hand-built snapshots: just under, at and just over each boundary,
//! on 1, 2 and 64 CPUs; the messages; and the order of the problem list.

use ctop::collect::cpu::{CpuUsage, Load};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::Interface;
use ctop::collect::procs::{Processes, Repeated};
use ctop::health::{Findings, Key, Severity, Thresholds, judge};
use ctop::snapshot::Snapshot;
use std::sync::Arc;

use Severity::{Error, Ok, Warning};

const CPU_COUNTS: [usize; 3] = [1, 2, 64];

fn judged(s: &Snapshot) -> Findings {
    judge(s, &Thresholds::default())
}

fn with_cpus(n: usize) -> Snapshot {
    let mut s = Snapshot::default();
    s.cpu.model.logical_cpus = n;
    s
}

fn with_load(cpus: usize, one: f64) -> Snapshot {
    let mut s = with_cpus(cpus);
    s.cpu.load = Some(Load { one, five: 0.0, fifteen: 0.0, runnable: 1, entities: 100 });
    s
}

fn with_usage(cpus: usize, busy: f64, iowait: f64, steal: f64) -> Snapshot {
    let mut s = with_cpus(cpus);
    let idle = 100.0 - busy - iowait;
    s.cpu.total = Some(CpuUsage { user: busy - steal, system: 0.0, iowait, steal, idle });
    s
}

/// `used` of `total` as `free` counts it (total − available), with a tenth of the
/// total truly free: the rest of the available memory is page cache, as on a real
/// machine, so that MemFree and MemAvailable tell different stories.
fn with_memory(total: u64, used: u64) -> Snapshot {
    with_memory_free(total, used, total / 10)
}

fn with_memory_free(total: u64, used: u64, free: u64) -> Snapshot {
    let memory = Memory {
        total_bytes: total,
        available_bytes: total - used,
        used_bytes: used,
        free_bytes: free,
        cached_bytes: (total - used).saturating_sub(free),
        ..Memory::default()
    };
    Snapshot { memory: Some(memory), ..Snapshot::default() }
}

fn filesystem(mountpoint: &str, usage: Usage) -> Filesystem {
    Filesystem {
        device: "/dev/sda1".into(),
        mountpoint: mountpoint.into(),
        fstype: "ext4".into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage,
    }
}

/// `used` of 1000 blocks of 1 MiB used, and `inodes_used` of 1000 inodes.
fn measured(used_permille: u64, inodes_used: u64) -> Usage {
    const MIB: u64 = 1 << 20;
    Usage::Measured(FsUsage {
        size_bytes: 1000 * MIB,
        used_bytes: used_permille * MIB,
        avail_bytes: (1000 - used_permille) * MIB,
        inodes_total: 1000,
        inodes_used,
        inodes_free: 1000 - inodes_used,
    })
}

fn with_filesystem(fs: Filesystem) -> Snapshot {
    let mut s = Snapshot::default();
    s.filesystems.push(fs);
    s
}

fn interface(name: &str, kind: &str, admin_up: bool, carrier: Option<bool>) -> Interface {
    Interface {
        name: name.into(),
        operstate: if carrier == Some(true) { "up" } else { "down" }.into(),
        admin_up,
        carrier,
        speed_mbps: None,
        duplex: None,
        mtu: Some(1500),
        mac: None,
        kind: kind.into(),
        addresses: Vec::new(),
        counters: None,
        rates: None,
        bond_slave: false,
    }
}

fn with_processes(total: usize, repeated: &[(&str, usize)], zombie: usize) -> Snapshot {
    let processes = Processes {
        total,
        zombie,
        repeated: repeated.iter().map(|(n, c)| Repeated { name: Arc::from(*n), count: *c }).collect(),
        ..Processes::default()
    };
    Snapshot { processes: Some(Arc::new(processes)), ..Snapshot::default() }
}

/// Asserts the severity of `key` and, when it is a problem, that there is exactly
/// one finding for it with this subject.
fn check(s: &Snapshot, key: &Key, expected: Severity, case: &str) -> Findings {
    let f = judged(s);
    assert_eq!(f.severity(key), expected, "{case}: {:?}", f.problems);
    let n = f.problems.iter().filter(|p| &p.key == key).count();
    assert_eq!(n, usize::from(expected != Ok), "{case}: {:?}", f.problems);
    f
}

fn message(f: &Findings, key: &Key) -> String {
    f.problems.iter().find(|p| &p.key == key).map(|p| p.message.clone()).unwrap_or_default()
}

#[test]
fn nothing_known_is_nothing_wrong() {
    let f = judged(&Snapshot::default());
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.worst(), Ok);
    assert_eq!(f.severity(&Key::Memory), Ok);
}

#[test]
fn load_is_judged_against_the_cpus() {
    for n in CPU_COUNTS {
        let c = n as f64;
        for (load, expected) in [
            (c - 0.01, Ok),
            (c, Ok), // one task per CPU: busy, but no queue
            (c + 0.01, Warning),
            (2.0 * c, Warning),
            (2.0 * c + 0.01, Error),
            (100.0 * c, Error),
        ] {
            check(&with_load(n, load), &Key::Load, expected, &format!("load {load} on {n} CPUs"));
        }
    }
    let f = judged(&with_load(4, 9.31));
    assert_eq!(message(&f, &Key::Load), "load 9.3 on 4 CPUs");
    assert_eq!(f.problems[0].subject, "load");
    assert_eq!(message(&judged(&with_load(1, 1.5)), &Key::Load), "load 1.5 on 1 CPU");
}

#[test]
fn load_in_a_container_is_judged_against_its_cpu_quota() {
    for (host_cpus, quota) in [(64, 2.0), (2, 1.5), (64, 0.5)] {
        for (load, expected) in
            [(quota, Ok), (quota + 0.01, Warning), (2.0 * quota, Warning), (2.0 * quota + 0.01, Error)]
        {
            let mut s = with_load(host_cpus, load);
            s.limits.cpu_quota_cpus = Some(quota);
            check(&s, &Key::Load, expected, &format!("load {load}, quota {quota} on {host_cpus} CPUs"));
        }
    }
    let mut s = with_load(64, 3.0);
    s.limits.cpu_quota_cpus = Some(2.0);
    assert_eq!(message(&judged(&s), &Key::Load), "load 3.0 on a 2-CPU container quota");
    s.limits.cpu_quota_cpus = Some(1.5);
    assert_eq!(message(&judged(&s), &Key::Load), "load 3.0 on a 1.5-CPU container quota");
    // A quota larger than the machine limits nothing: the CPUs are the bound.
    let mut s = with_load(2, 2.01);
    s.limits.cpu_quota_cpus = Some(8.0);
    let f = check(&s, &Key::Load, Warning, "quota above the host");
    assert_eq!(message(&f, &Key::Load), "load 2.0 on 2 CPUs");
    // A zero quota (a garbled cpu.max; the kernel refuses one) is no quota either.
    let mut s = with_load(4, 0.5);
    s.limits.cpu_quota_cpus = Some(0.0);
    check(&s, &Key::Load, Ok, "zero quota");
}

#[test]
fn cpu_busy_iowait_and_steal() {
    for n in CPU_COUNTS {
        for (busy, expected) in [(69.9, Ok), (70.0, Warning), (89.9, Warning), (90.0, Error), (100.0, Error)] {
            check(&with_usage(n, busy, 0.0, 0.0), &Key::CpuBusy, expected, &format!("busy {busy} on {n}"));
        }
        // iowait and steal warn, never more.
        for (pct, expected) in [(19.9, Ok), (20.0, Warning), (60.0, Warning)] {
            check(&with_usage(n, 10.0, pct, 0.0), &Key::IoWait, expected, &format!("iowait {pct} on {n}"));
            check(&with_usage(n, pct + 1.0, 0.0, pct), &Key::Steal, expected, &format!("steal {pct} on {n}"));
        }
    }
    let f = judged(&with_usage(2, 93.0, 0.0, 0.0));
    assert_eq!(message(&f, &Key::CpuBusy), "CPU 93% busy");
    let f = judged(&with_usage(2, 5.0, 40.0, 0.0));
    assert_eq!(message(&f, &Key::IoWait), "iowait 40%: waiting on disks");
    // Not known yet (one reading of /proc/stat): nothing.
    assert!(judged(&with_cpus(2)).problems.is_empty());
}

#[test]
fn memory_used_is_total_minus_available() {
    for (used, expected) in [(799, Ok), (800, Warning), (899, Warning), (900, Error), (1000, Error)] {
        check(&with_memory(1000, used), &Key::Memory, expected, &format!("{used} of 1000"));
    }
    let gib = 1u64 << 30;
    let f = judged(&with_memory(16 * gib, 16 * gib - gib * 12 / 10));
    assert_eq!(message(&f, &Key::Memory), "memory 93% used, 1.20 GiB available");
    assert!(judged(&with_memory(0, 0)).problems.is_empty(), "a zero total is unknown, not full");
}

#[test]
fn memory_rule_reads_available_not_free() {
    // Mostly page cache: 5% truly free, half available. Counting cache as used
    // (total − MemFree) would call this 95% and an error.
    check(&with_memory_free(1000, 500, 50), &Key::Memory, Ok, "page cache is not used");
    // Little available though more is free (reserves and unreclaimable memory):
    // total − MemFree would say 85%, a warning; total − available says 90%.
    check(&with_memory_free(1000, 900, 150), &Key::Memory, Error, "available, not free");
    let f = judged(&with_memory_free(1000, 900, 150));
    assert_eq!(message(&f, &Key::Memory), "memory 90% used, 100 B available");
}

#[test]
fn memory_in_a_container_is_judged_against_its_limit() {
    let mib = 1u64 << 20;
    for (current, inactive, expected) in [
        (799, None, Ok),
        (800, None, Warning),
        (900, None, Error),
        (950, Some(200), Ok), // page cache it can drop is not pressure
        (950, Some(100), Warning),
    ] {
        // The host has plenty: the limit decides.
        let mut s = with_memory(64 * 1024 * mib, mib);
        s.limits.memory_max_bytes = Some(1000 * mib);
        s.limits.memory_current_bytes = Some(current * mib);
        s.limits.memory_inactive_file_bytes = inactive.map(|i| i * mib);
        check(&s, &Key::Memory, expected, &format!("{current} of 1000 MiB, {inactive:?} inactive"));
    }
    let mut s = with_memory(1000, 10);
    s.limits.memory_max_bytes = Some(2 << 30);
    s.limits.memory_current_bytes = Some((2 << 30) / 100 * 95);
    assert_eq!(message(&judged(&s), &Key::Memory), "memory 95% of the 2.00 GiB container limit");
    // A limit without a usage reading falls back to the host's memory.
    let mut s = with_memory(1000, 950);
    s.limits.memory_max_bytes = Some(1 << 40);
    check(&s, &Key::Memory, Error, "limit without usage");
}

#[test]
fn swap_used() {
    for (used, expected) in [(499, Ok), (500, Warning), (799, Warning), (800, Error)] {
        let s = Snapshot {
            swap: Some(Swap { total_bytes: 1000, used_bytes: used, free_bytes: 1000 - used }),
            ..Snapshot::default()
        };
        check(&s, &Key::Swap, expected, &format!("swap {used} of 1000"));
    }
    let mut s = Snapshot { swap: Some(Swap { total_bytes: 0, used_bytes: 0, free_bytes: 0 }), ..Snapshot::default() };
    assert!(judged(&s).problems.is_empty(), "no swap is not full swap");
    s.swap = Some(Swap { total_bytes: 4 << 30, used_bytes: 3 << 30, free_bytes: 1 << 30 });
    assert_eq!(message(&judged(&s), &Key::Swap), "swap 75% used, 1.00 GiB free");
}

#[test]
fn filesystem_space_and_inodes() {
    let space = Key::FsSpace("/var".into());
    let inodes = Key::FsInodes("/var".into());
    for (permille, expected) in [(849, Ok), (850, Warning), (949, Warning), (950, Error), (1000, Error)] {
        let f = check(&with_filesystem(filesystem("/var", measured(permille, 0))), &space, expected, "space");
        assert_eq!(f.severity(&inodes), Ok);
        let f = check(&with_filesystem(filesystem("/var", measured(0, permille))), &inodes, expected, "inodes");
        assert_eq!(f.severity(&space), Ok);
    }
    let mut s = with_filesystem(filesystem("/var", measured(970, 960)));
    s.filesystems.push(filesystem("/home", measured(10, 10)));
    let f = judged(&s);
    assert_eq!(message(&f, &space), "/var 97% full, 30.0 MiB left");
    assert_eq!(message(&f, &inodes), "/var 96% of inodes used, 40 left");
    assert_eq!(f.problems[0].subject, "/var");
    assert_eq!(f.severity(&Key::FsSpace("/home".into())), Ok);
    // No inode table (btrfs): no inode judgement.
    let mut u = measured(10, 0);
    if let Usage::Measured(m) = &mut u {
        (m.inodes_total, m.inodes_free) = (0, 0);
    }
    assert!(judged(&with_filesystem(filesystem("/", u))).problems.is_empty());
}

#[test]
fn broken_mounts_are_errors() {
    let mount = Key::Mount("/mnt/nfs".into());
    let f = check(
        &with_filesystem(filesystem("/mnt/nfs", Usage::NotResponding { waiting_secs: 12.0 })),
        &mount,
        Error,
        "hung",
    );
    assert_eq!(message(&f, &mount), "/mnt/nfs not responding");
    assert_eq!(f.severity(&Key::FsSpace("/mnt/nfs".into())), Ok, "no size is known, none is judged");

    let mut fs = filesystem("/mnt/nfs", measured(10, 10));
    fs.device_missing = true;
    fs.device = "/dev/sdc1".into();
    let f = check(&with_filesystem(fs.clone()), &mount, Error, "device gone");
    assert_eq!(message(&f, &mount), "/mnt/nfs: device /dev/sdc1 is gone");

    fs.device_missing = false;
    fs.remounted_read_only = true;
    let f = check(&with_filesystem(fs.clone()), &mount, Error, "remounted ro");
    assert_eq!(message(&f, &mount), "/mnt/nfs remounted read-only");

    // Read-only on purpose (not in fstab as rw): fine.
    fs.remounted_read_only = false;
    fs.read_only = true;
    check(&with_filesystem(fs), &mount, Ok, "ro on purpose");
    // statvfs refused (permission): unknown, not wrong.
    let unavailable = Usage::Unavailable { reason: "permission denied".into() };
    assert!(judged(&with_filesystem(filesystem("/mnt/nfs", unavailable))).problems.is_empty());
}

#[test]
fn an_interface_up_without_carrier_is_an_error_except_loopback_and_empty_bridges() {
    for (iface, expected, text) in [
        (interface("eth1", "ether", true, Some(false)), Error, "eth1 up but no cable"),
        (interface("bond0", "bond", true, Some(false)), Error, "bond0 up but no carrier"),
        (interface("veth9", "veth", true, Some(false)), Error, "veth9 up but no carrier"),
        (interface("eth1", "ether", true, Some(true)), Ok, ""),
        (interface("eth1", "ether", false, Some(false)), Ok, ""),
        (interface("eth1", "ether", true, None), Ok, ""),
        (interface("lo", "loopback", true, Some(false)), Ok, ""),
        (interface("docker0", "bridge", true, Some(false)), Ok, ""),
    ] {
        let key = Key::Interface(iface.name.clone());
        let mut s = Snapshot::default();
        s.interfaces.push(iface);
        let f = check(&s, &key, expected, text);
        assert_eq!(message(&f, &key), text);
    }
}

#[test]
fn an_executable_with_too_many_instances_is_a_warning() {
    let key = Key::Repeated("apache2".into());
    for (total, count, expected) in [
        (1000, 200, Ok),
        (1000, 201, Warning), // more than 200
        (100, 60, Ok),        // most of a small machine's processes: normal
        (101, 50, Ok),        // 49.5 %
        (101, 51, Warning),   // 50.5 % of more than 100
        (5000, 5000, Warning),
    ] {
        check(&with_processes(total, &[("apache2", count)], 0), &key, expected, &format!("{count} of {total}"));
    }
    let f = judged(&with_processes(6000, &[("apache2", 5000), ("sshd", 3)], 0));
    assert_eq!(message(&f, &key), "5000 × apache2 (83% of all processes)");
    assert_eq!(f.problems.len(), 1);
}

#[test]
fn zombies_are_a_warning() {
    for (zombies, expected) in [(0, Ok), (1, Warning), (40, Warning)] {
        check(&with_processes(50, &[], zombies), &Key::Zombies, expected, &format!("{zombies} zombies"));
    }
    assert_eq!(message(&judged(&with_processes(50, &[], 1)), &Key::Zombies), "1 zombie process");
    assert_eq!(message(&judged(&with_processes(50, &[], 3)), &Key::Zombies), "3 zombie processes");
}

#[test]
fn a_recent_reboot_is_highlighted() {
    for (uptime, expected) in [(10.0, Warning), (3599.0, Warning), (3600.0, Ok), (86_400.0, Ok)] {
        let mut s = Snapshot::default();
        s.time.uptime_seconds = Some(uptime);
        check(&s, &Key::Uptime, expected, &format!("up {uptime}"));
    }
    let mut s = Snapshot::default();
    s.time.uptime_seconds = Some(760.0);
    assert_eq!(message(&judged(&s), &Key::Uptime), "rebooted 12m 40s ago");
}

#[test]
fn oom_kills_while_watching_are_errors_older_ones_warnings() {
    use ctop::collect::pressure::OomKills;
    for (while_watching, since_boot, expected, text) in [
        (None, None, Ok, ""),
        (Some(0), Some(0), Ok, ""),
        (Some(0), Some(3), Warning, "3 OOM kills since boot"),
        (Some(1), Some(4), Error, "1 OOM kill since ctop started"),
        (Some(2), Some(2), Error, "2 OOM kills since ctop started"),
    ] {
        let s = Snapshot { oom_kills: OomKills { since_boot, while_watching }, ..Snapshot::default() };
        let f = check(&s, &Key::OomKills, expected, text);
        assert_eq!(message(&f, &Key::OomKills), text);
    }
}

#[test]
fn pressure_stalls() {
    use ctop::collect::pressure::Pressure;
    let none = Pressure::default();
    for (p, expected) in [
        (none, Ok),
        (Pressure { memory_full: Some(9.99), ..none }, Ok),
        (Pressure { memory_full: Some(10.0), ..none }, Error),
        (Pressure { memory_some: Some(19.9), ..none }, Ok),
        (Pressure { memory_some: Some(20.0), ..none }, Warning),
        (Pressure { io_some: Some(29.9), io_full: Some(29.9), ..none }, Ok),
        (Pressure { io_some: Some(30.0), ..none }, Warning),
        (Pressure { cpu_some: Some(49.9), ..none }, Ok),
        (Pressure { cpu_some: Some(50.0), ..none }, Warning),
    ] {
        let s = Snapshot { pressure: p, ..Snapshot::default() };
        let f = judged(&s);
        assert_eq!(f.severity(&Key::Pressure), expected, "{p:?}");
    }
    let s = Snapshot {
        pressure: Pressure { memory_some: Some(35.0), memory_full: Some(12.0), ..none },
        ..Snapshot::default()
    };
    let f = judged(&s);
    let texts: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        texts,
        [
            "memory pressure: all tasks stalled 12% of the last 10 s",
            "memory pressure: some tasks stalled 35% of the last 10 s"
        ]
    );
}

#[test]
fn thresholds_are_configurable() {
    let t = Thresholds { load_warning: 0.5, memory_error: 99.0, zombies_warning: 0, ..Thresholds::default() };
    let mut s = with_load(4, 2.5);
    s.memory = with_memory(1000, 950).memory;
    s.processes = with_processes(10, &[], 5).processes;
    let f = judge(&s, &t);
    assert_eq!(f.severity(&Key::Load), Warning);
    assert_eq!(f.severity(&Key::Memory), Warning);
    assert_eq!(f.severity(&Key::Zombies), Ok, "0 turns the count rule off");
}

#[test]
fn errors_come_first_then_warnings_each_worst_first() {
    let mut s = with_load(4, 8.5); // error, barely past 2× (excess 0.06)
    s.filesystems = vec![
        filesystem("/data", measured(960, 0)), // error, 20 % of the way to full
        filesystem("/var", measured(1000, 0)), // error, full
        filesystem("/mnt/nfs", Usage::NotResponding { waiting_secs: 3.0 }), // error, hangs: worst
        filesystem("/home", measured(880, 0)), // warning, 20 % of the way
    ];
    s.memory = with_memory(1000, 890).memory; // warning, 90 % of the way to the error band
    s.processes = with_processes(50, &[], 2).processes; // warning, twice the threshold
    s.time.uptime_seconds = Some(3000.0); // warning, excess 1/6
    let f = judged(&s);
    let order: Vec<(Severity, &str)> = f.problems.iter().map(|p| (p.severity, p.subject.as_str())).collect();
    assert_eq!(
        order,
        [
            (Error, "/mnt/nfs"),
            (Error, "/var"),
            (Error, "/data"),
            (Error, "load"),
            (Warning, "zombies"),
            (Warning, "memory"),
            (Warning, "/home"),
            (Warning, "uptime"),
        ]
    );
    assert_eq!(f.worst(), Error);
    assert_eq!(f.count(Error), 4);
    assert_eq!(f.count(Warning), 4);
    // Each judged value answers for itself.
    assert_eq!(f.severity(&Key::FsSpace("/var".into())), Error);
    assert_eq!(f.severity(&Key::FsSpace("/home".into())), Warning);
    assert_eq!(f.severity(&Key::Mount("/var".into())), Ok);
    assert_eq!(f.severity(&Key::Swap), Ok);
}

#[test]
fn one_key_takes_its_worst_finding() {
    let mut fs = filesystem("/srv", measured(10, 0));
    fs.device_missing = true;
    fs.remounted_read_only = true;
    let f = judged(&with_filesystem(fs));
    assert_eq!(f.problems.len(), 2);
    assert_eq!(f.severity(&Key::Mount("/srv".into())), Error);
}

/// How far past its threshold each finding is (what orders the problem list within a
/// severity), checked against the rule's own formula on values chosen to tell the
/// formulas apart.
#[test]
fn each_finding_says_how_far_past_its_threshold_it_is() {
    let excess = |s: &Snapshot, key: &Key| {
        let f = judged(s);
        f.problems.iter().find(|p| &p.key == key).map(|p| p.excess).unwrap_or_else(|| panic!("no {key:?}"))
    };
    let close = |got: f64, want: f64, case: &str| assert!((got - want).abs() < 1e-9, "{case}: {got} ≠ {want}");
    // Percentages: the share of the way from the band's threshold to 100 %.
    close(excess(&with_memory(1000, 850), &Key::Memory), (85.0 - 80.0) / 20.0, "memory warning");
    close(excess(&with_memory(1000, 960), &Key::Memory), (96.0 - 90.0) / 10.0, "memory error");
    // Counts and load: relative to the threshold, capped at 1.
    close(excess(&with_load(4, 5.0), &Key::Load), (5.0 - 4.0) / 4.0, "load warning over 4 CPUs");
    close(excess(&with_load(4, 9.0), &Key::Load), (9.0 - 8.0) / 8.0, "load error over 4 CPUs");
    close(excess(&with_load(4, 40.0), &Key::Load), 1.0, "load capped");
    let many = with_processes(1000, &[("php-fpm", 250)], 0);
    close(excess(&many, &Key::Repeated("php-fpm".into())), (250.0 - 200.0) / 200.0, "too many instances");
    let common = with_processes(120, &[("php-fpm", 90)], 0);
    close(excess(&common, &Key::Repeated("php-fpm".into())), (75.0 - 50.0) / 50.0, "too common");
    // A recent reboot: the more recent, the more it matters.
    let mut s = Snapshot::default();
    s.time.uptime_seconds = Some(900.0);
    close(excess(&s, &Key::Uptime), 1.0 - 900.0 / 3600.0, "uptime");
    // Old OOM kills are a hint: a quarter of their relative excess.
    use ctop::collect::pressure::OomKills;
    let s = Snapshot { oom_kills: OomKills { since_boot: Some(3), while_watching: Some(0) }, ..Snapshot::default() };
    close(excess(&s, &Key::OomKills), 0.25 * 1.0, "oom since boot");
    let s = Snapshot { oom_kills: OomKills { since_boot: Some(3), while_watching: Some(1) }, ..Snapshot::default() };
    close(excess(&s, &Key::OomKills), 1.0, "oom while watching");
}

#[test]
fn findings_are_counted_by_severity() {
    let mut s = with_load(4, 9.0); // an error
    s.processes = with_processes(50, &[], 2).processes; // a warning
    s.time.uptime_seconds = Some(60.0); // another
    let f = judged(&s);
    assert_eq!((f.count(Error), f.count(Warning), f.count(Ok)), (1, 2, 0), "{:?}", f.problems);
}
