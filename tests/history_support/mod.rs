//! A synthetic hour for the history, graph and timeline tests: a quiet 2-CPU machine
//! whose CPU and load spike for one minute, sampled every second, with a slow tier every
//! 5 s and a process scan every 30 s.
#![allow(dead_code)]

use ctop::collect::clock::Clock;
use ctop::collect::cpu::{Cpu, CpuModel, CpuUsage, Load};
use ctop::collect::disks::{Filesystem, FsUsage, Usage};
use ctop::collect::limits::ContainerLimits;
use ctop::collect::memory::{Memory, Swap};
use ctop::collect::net::{Interface, NetRates};
use ctop::collect::pressure::{OomKills, Pressure};
use ctop::collect::procs::{ProcessRow, Processes, Repeated};
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
        disks: Vec::new(),
    }
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
    for s in 0..seconds {
        let at = end_ms - (seconds - 1 - s) * 1000;
        history.record(&Update::Fast(Box::new(fast(at, cores, interfaces))), at);
        if s % 5 == 0 {
            let filesystems = vec![filesystem("/", 40), filesystem("/var", 60 + (s % 7) as u64)];
            let network = Box::default();
            let slow = Update::Slow {
                filesystems,
                listening: Vec::new(),
                raid: Vec::new(),
                kernel_limits: Box::default(),
                hardware: Box::default(),
                network,
            };
            history.record(&slow, at);
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
