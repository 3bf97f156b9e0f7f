//! A synthetic hour for the history, graph and timeline tests: a quiet 2-CPU machine
//! whose CPU, load, disks, listen queues and one service spike for one minute (and that
//! service is OOM-killed at its end), sampled every second, with a slow tier and a
//! cgroup walk every 5 s and a process scan every 30 s.
#![allow(dead_code)]

use ctop::collect::cgroups::{Cgroup, CgroupKind, Cgroups, OomEvent};
use ctop::collect::clock::Clock;
use ctop::collect::cpu::{Cpu, CpuModel, CpuUsage, Load};
use ctop::collect::diskio::{DiskIo, DiskRates};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::kernel_limits::KernelLimits;
use ctop::collect::limits::ContainerLimits;
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::{Interface, NetRates};
use ctop::collect::network::{Network, Rate};
use ctop::collect::pressure::{OomKills, Pressure};
use ctop::collect::procs::{ProcessRow, Processes, Repeated};
use ctop::collect::raid::{MdArray, MdMember};
use ctop::history::{Cadence, History};
use ctop::snapshot::{FastTier, Update};
use std::sync::Arc;
use std::time::Duration;

/// 2026-11-29 12:00:00 UTC: the end of the synthetic hour.
pub const END_MS: i64 = 1_795_953_600_000;
pub const HOUR_MS: i64 = 3_600_000;
/// The spike: 40 to 41 minutes into the hour (20 to 19 minutes before its end).
pub const SPIKE_FROM_MS: i64 = END_MS - 20 * 60_000;
pub const SPIKE_TO_MS: i64 = END_MS - 19 * 60_000;

pub const GIB: u64 = 1 << 30;

pub fn cadence(minutes: u64) -> Cadence {
    Cadence {
        window: Duration::from_secs(minutes * 60),
        fast: Duration::from_secs(1),
        slow: Duration::from_secs(5),
        processes: Duration::from_secs(30),
    }
}

pub fn usage(busy: f64) -> CpuUsage {
    CpuUsage { user: busy * 0.7, system: busy * 0.3, iowait: 0.0, steal: 0.0, idle: 100.0 - busy }
}

pub fn interface(name: &str, rx: f64, carrier: bool) -> Interface {
    Interface {
        name: name.into(),
        operstate: if carrier { "up".into() } else { "down".into() },
        admin_up: true,
        carrier: Some(carrier),
        speed_mbps: Some(1000),
        duplex: None,
        mtu: Some(1500),
        mac: None,
        kind: if name == "lo" { "loopback".into() } else { "ether".into() },
        addresses: Vec::new(),
        counters: None,
        rates: Some(NetRates { rx_bytes_per_s: rx, tx_bytes_per_s: rx / 10.0, ..NetRates::default() }),
        bond_slave: false,
    }
}

/// The fast tier at `at_ms` with `cores` CPUs and `interfaces` interfaces; busy 97 %
/// and load 5 during the spike, 5 % and 0.3 otherwise.
pub fn fast(at_ms: i64, cores: usize, interfaces: usize) -> FastTier {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    let busy = if spike { 97.0 } else { 5.0 };
    let load = if spike { 5.0 } else { 0.3 };
    let mut ifaces = vec![interface("lo", 1000.0, true)];
    ifaces.extend((1..interfaces).map(|i| interface(&format!("eth{}", i - 1), 50_000.0 * i as f64, true)));
    FastTier {
        time: Clock {
            epoch: at_ms / 1000,
            local: String::new(),
            zone: "UTC".into(),
            utc_offset: "+00:00".into(),
            zone_name: None,
            uptime_seconds: Some(86_400.0 + (at_ms - END_MS + HOUR_MS) as f64 / 1000.0),
            boot_epoch: Some(END_MS / 1000 - 86_400 - 3600),
            boot_local: None,
            synchronized: None,
            max_error_seconds: None,
        },
        cpu: Cpu {
            model: CpuModel { model: Some("Test CPU".into()), logical_cpus: cores, ..CpuModel::default() },
            total: Some(usage(busy)),
            per_core: vec![usage(busy); cores],
            load: Some(Load { one: load, five: load / 2.0, fifteen: load / 4.0, runnable: 1, entities: 300 }),
        },
        memory: Some(Memory {
            total_bytes: 8 * GIB,
            available_bytes: 6 * GIB,
            used_bytes: 2 * GIB,
            free_bytes: 5 * GIB,
            buffers_bytes: GIB / 8,
            cached_bytes: GIB,
        }),
        swap: Some(Swap { total_bytes: GIB, used_bytes: 0, free_bytes: GIB }),
        limits: ContainerLimits::default(),
        pressure: Pressure::default(),
        oom_kills: OomKills { since_boot: Some(0), while_watching: Some(0) },
        interfaces: ifaces,
        disks: (0..DISKS)
            .map(|i| disk(&format!("vd{}", (b'a' + i as u8) as char), if spike { 95.0 } else { 10.0 }))
            .collect(),
    }
}

/// Disks in the synthetic machine.
pub const DISKS: usize = 2;

/// A disk `util` % busy over the last second and the last 10 s.
pub fn disk(name: &str, util: f64) -> DiskIo {
    let rates = DiskRates {
        reads_per_s: util,
        writes_per_s: 2.0 * util,
        read_bytes_per_s: util * 4096.0,
        write_bytes_per_s: util * 8192.0,
        read_await_ms: 4.0,
        write_await_ms: 8.0,
        queue_size: util / 50.0,
        util_percent: util,
        seconds: 1.0,
    };
    DiskIo {
        name: name.into(),
        label: None,
        rotational: Some(true),
        partitions: Arc::from([]),
        rates: Some(rates),
        sustained: Some(DiskRates { seconds: 10.0, ..rates }),
    }
}

/// The network stack: listen queues overflowing 50 a second during the spike.
pub fn network(at_ms: i64) -> Network {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    let drops = if spike { 50.0 } else { 0.0 };
    let mut n = Network::default();
    n.tcp.listen_overflows_per_s = Some(Rate { now: drops, sustained: drops });
    n.tcp.listen_drops_per_s = Some(Rate { now: drops, sustained: drops });
    n.tcp.in_use = Some(if spike { 900 } else { 40 });
    n.connections.states = [("established", if spike { 800 } else { 30 }), ("listen", 5), ("syn_recv", 0)].into();
    n.connections.total = if spike { 800 } else { 30 };
    n
}

/// Open files near `file-max` during the spike.
pub fn kernel_limits(at_ms: i64) -> KernelLimits {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    KernelLimits {
        open_files: Some(if spike { 99_000 } else { 2_000 }),
        file_max: Some(100_000),
        tasks: Some(300),
        pid_max: Some(4_194_304),
        threads_max: Some(190_000),
    }
}

/// A two-disk mirror that loses a disk during the spike.
pub fn raid(at_ms: i64) -> Vec<MdArray> {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    let member = |name: &str, failed: bool| MdMember { name: name.into(), failed, spare: false };
    vec![MdArray {
        name: "md0".into(),
        state: "active".into(),
        level: Some("raid1".into()),
        members: vec![member("vda1", false), member("vdb1", spike)],
        raid_disks: Some(2),
        working_disks: Some(if spike { 1 } else { 2 }),
        slots: Some(if spike { "[U_]" } else { "[UU]" }.into()),
        sync: None,
    }]
}

/// Cgroups in the synthetic machine (this VM has about 500).
pub const CGROUPS: usize = 500;

fn cgroup(path: &str, kind: CgroupKind, cpu: f64, memory: u64) -> Cgroup {
    Cgroup {
        path: path.into(),
        name: path.rsplit('/').next().unwrap_or(path).into(),
        kind,
        depth: path.matches('/').count() - 1,
        cpu_percent: Some(cpu),
        memory_bytes: Some(memory),
        io_read_bytes_per_s: Some(0.0),
        io_write_bytes_per_s: Some(0.0),
        pids: Some(3),
        ..Cgroup::default()
    }
}

/// `count` idle services, and two that matter: `hog.service` busy during the spike,
/// `db.service` at 95 % of its 1 GiB limit during it and OOM-killed at its end.
pub fn cgroups(at_ms: i64, count: usize) -> Cgroups {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    let mut list = vec![cgroup("/system.slice", CgroupKind::Slice, 100.0, 4 * GIB)];
    let mut db =
        cgroup("/system.slice/db.service", CgroupKind::Service, 5.0, if spike { GIB / 100 * 95 } else { GIB / 2 });
    db.memory_limit_bytes = Some(GIB);
    list.push(db);
    list.push(cgroup("/system.slice/hog.service", CgroupKind::Service, if spike { 90.0 } else { 0.5 }, 50 << 20));
    list.extend(
        (list.len()..count)
            .map(|i| cgroup(&format!("/system.slice/idle{i}.service"), CgroupKind::Service, 0.1, 8 << 20)),
    );
    let oom_events = if at_ms >= SPIKE_TO_MS {
        vec![OomEvent {
            path: "/system.slice/db.service".into(),
            name: "db.service".into(),
            epoch: SPIKE_TO_MS / 1000,
            local_time: "11:41:00".into(),
            kills: 1,
        }]
    } else {
        Vec::new()
    };
    Cgroups { list, oom_events, ..Cgroups::default() }
}

pub fn filesystem(mountpoint: &str, used_percent: u64) -> Filesystem {
    let size = 100 * GIB;
    let used = size / 100 * used_percent;
    Filesystem {
        device: "/dev/vda1".into(),
        mountpoint: mountpoint.into(),
        fstype: "ext4".into(),
        read_only: false,
        remounted_read_only: false,
        device_missing: false,
        usage: Usage::Measured(FsUsage {
            size_bytes: size,
            used_bytes: used,
            avail_bytes: size - used,
            inodes_total: 1000,
            inodes_used: 100,
            inodes_free: 900,
        }),
    }
}

pub fn process(pid: u32, name: &str, cpu: f32, rss: u64) -> ProcessRow {
    ProcessRow {
        pid,
        ppid: 1,
        user: "root".into(),
        name: name.into(),
        cmdline: format!("/usr/bin/{name} --serve").into(),
        state: 'S',
        cpu_percent: Some(cpu),
        rss_bytes: rss,
        threads: 1,
        kernel_thread: false,
        io: None,
    }
}

/// 70 processes; during the spike `burner` (pid 4242) takes 99 % CPU.
pub fn processes(at_ms: i64) -> Processes {
    let spike = (SPIKE_FROM_MS..SPIKE_TO_MS).contains(&at_ms);
    let mut list: Vec<ProcessRow> =
        (0..69).map(|i| process(100 + i, &format!("daemon{i}"), 0.1, (10 + u64::from(i)) << 20)).collect();
    list.push(process(4242, "burner", if spike { 99.0 } else { 0.0 }, 4 << 20));
    Processes {
        total: list.len(),
        running: 1,
        sleeping: list.len() - 1,
        list,
        repeated: vec![Repeated { name: "daemon".into(), count: 3 }],
        ..Processes::default()
    }
}

/// Feeds history `seconds` of samples ending at `end_ms`, each tier at its cadence.
pub fn feed(history: &mut History, end_ms: i64, seconds: i64, cores: usize, interfaces: usize) {
    feed_with(history, end_ms, seconds, |at| fast(at, cores, interfaces));
}

/// As [`feed`], the fast tier at each second from `fast_at`.
pub fn feed_with(history: &mut History, end_ms: i64, seconds: i64, fast_at: impl Fn(i64) -> FastTier) {
    for s in 0..seconds {
        let at = end_ms - (seconds - 1 - s) * 1000;
        history.record(&Update::Fast(Box::new(fast_at(at))), at);
        if s % 5 == 0 {
            let filesystems = vec![filesystem("/", 40), filesystem("/var", 60 + (s % 7) as u64)];
            let network = Box::new(network(at));
            let slow = Update::Slow {
                filesystems,
                listening: Vec::new(),
                raid: raid(at),
                kernel_limits: Box::new(kernel_limits(at)),
                hardware: Box::default(),
                network,
            };
            history.record(&slow, at);
            history.record(&Update::Cgroups(Box::new(cgroups(at, CGROUPS))), at);
        }
        if s % 30 == 0 {
            history.record(&Update::Processes(Arc::new(processes(at))), at);
        }
    }
}

/// A synthetic hour of history, ending at [`END_MS`].
pub fn hour() -> History {
    let mut history = History::new(cadence(60));
    feed(&mut history, END_MS, 3600, 2, 3);
    history
}
