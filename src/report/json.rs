//! `--json`: the snapshot and findings as one document for scripts. Field names are a
//! stable interface (README "JSON fields"): add fields, never rename them.

use super::TOP_PROCESSES;
use crate::collect::disks::Usage;
use crate::collect::procs::ProcessRow;
use crate::health::Findings;
use crate::sanitize;
use crate::snapshot::Snapshot;
use serde::Serialize;

/// The `--json` document.
#[derive(Serialize)]
struct JsonReport<'a> {
    ctop_version: &'static str,
    /// `"seccomp"` or `"off"`: whether this process runs under ctop's sandbox.
    sandbox: &'static str,
    host: &'a crate::collect::host::Host,
    platform: JsonPlatform<'a>,
    time: &'a crate::collect::clock::Clock,
    cpu: JsonCpu<'a>,
    memory: &'a Option<crate::collect::memory::Memory>,
    swap: &'a Option<crate::collect::memory::Swap>,
    container_limits: &'a crate::collect::limits::ContainerLimits,
    pressure: &'a crate::collect::pressure::Pressure,
    oom_kills: &'a crate::collect::pressure::OomKills,
    filesystems: Vec<JsonFilesystem<'a>>,
    interfaces: Vec<JsonInterface<'a>>,
    listening: &'a [crate::collect::ports::ListeningSocket],
    network: &'a crate::collect::network::Network,
    processes: Option<JsonProcesses<'a>>,
    cgroups: Vec<JsonCgroup<'a>>,
    disks: Vec<JsonDisk<'a>>,
    raid: &'a [crate::collect::raid::MdArray],
    kernel_limits: &'a crate::collect::kernel_limits::KernelLimits,
    hardware: &'a crate::collect::hardware::Hardware,
    findings: &'a [crate::health::Finding],
}

/// One cgroup in `cgroups[]` (README "Services and containers").
#[derive(Serialize)]
struct JsonCgroup<'a> {
    path: &'a str,
    name: &'a str,
    kind: crate::collect::cgroups::CgroupKind,
    cpu_percent: Option<f64>,
    throttled_percent: Option<f64>,
    memory_bytes: Option<u64>,
    memory_limit_bytes: Option<u64>,
    io_read_bytes_per_s: Option<f64>,
    io_write_bytes_per_s: Option<f64>,
    pids: Option<u64>,
    pids_limit: Option<u64>,
    oom_kills: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pressure: Option<crate::collect::pressure::Pressure>,
}

fn json_cgroup(c: &crate::collect::cgroups::Cgroup) -> JsonCgroup<'_> {
    JsonCgroup {
        path: &c.path,
        name: &c.name,
        kind: c.kind,
        cpu_percent: c.cpu_percent,
        throttled_percent: c.throttled_percent,
        memory_bytes: c.memory_bytes,
        memory_limit_bytes: c.memory_limit_bytes,
        io_read_bytes_per_s: c.io_read_bytes_per_s,
        io_write_bytes_per_s: c.io_write_bytes_per_s,
        pids: c.pids,
        pids_limit: c.pids_limit,
        oom_kills: c.oom_kills,
        pressure: c.pressure,
    }
}

#[derive(Serialize)]
struct JsonPlatform<'a> {
    #[serde(flatten)]
    platform: &'a crate::collect::platform::Platform,
    description: String,
}

#[derive(Serialize)]
struct JsonCpu<'a> {
    model: &'a Option<String>,
    sockets: Option<usize>,
    physical_cores: Option<usize>,
    logical_cpus: usize,
    mhz: Option<f64>,
    /// 1, 5 and 15 minutes.
    load: Option<[f64; 3]>,
    usage: &'a Option<crate::collect::cpu::CpuUsage>,
    busy_percent: Option<f64>,
    per_core: &'a [crate::collect::cpu::CpuUsage],
}

#[derive(Serialize)]
struct JsonFilesystem<'a> {
    mountpoint: &'a str,
    device: &'a str,
    fstype: &'a str,
    read_only: bool,
    remounted_read_only: bool,
    device_missing: bool,
    /// `ok`, `not_responding` or `unavailable`.
    state: &'static str,
    size_bytes: Option<u64>,
    used_bytes: Option<u64>,
    avail_bytes: Option<u64>,
    use_percent: Option<f64>,
    inodes_total: Option<u64>,
    inodes_used: Option<u64>,
    inodes_free: Option<u64>,
    inodes_use_percent: Option<f64>,
}

#[derive(Serialize)]
struct JsonInterface<'a> {
    name: &'a str,
    kind: &'a str,
    operstate: &'a str,
    admin_up: bool,
    carrier: Option<bool>,
    speed_mbps: Option<u32>,
    duplex: &'a Option<String>,
    mtu: Option<u32>,
    mac: &'a Option<String>,
    addresses: Vec<String>,
    rx_bytes_per_s: Option<f64>,
    tx_bytes_per_s: Option<f64>,
    rx_errors_per_s: Option<f64>,
    tx_errors_per_s: Option<f64>,
    rx_dropped_per_s: Option<f64>,
    tx_dropped_per_s: Option<f64>,
    counters: &'a Option<crate::collect::net::NetCounters>,
}

/// One disk's I/O over the last interval, named as `iostat -x` columns are; the rates
/// are null until a second reading.
#[derive(Serialize)]
struct JsonDisk<'a> {
    name: &'a str,
    label: Option<&'a str>,
    rotational: Option<bool>,
    reads_per_s: Option<f64>,
    writes_per_s: Option<f64>,
    read_bytes_per_s: Option<f64>,
    write_bytes_per_s: Option<f64>,
    read_await_ms: Option<f64>,
    write_await_ms: Option<f64>,
    queue_size: Option<f64>,
    util_percent: Option<f64>,
}

fn json_disk(d: &crate::collect::diskio::DiskIo) -> JsonDisk<'_> {
    let r = d.rates.as_ref();
    JsonDisk {
        name: &d.name,
        label: d.label.as_deref(),
        rotational: d.rotational,
        reads_per_s: r.map(|r| r.reads_per_s),
        writes_per_s: r.map(|r| r.writes_per_s),
        read_bytes_per_s: r.map(|r| r.read_bytes_per_s),
        write_bytes_per_s: r.map(|r| r.write_bytes_per_s),
        read_await_ms: r.map(|r| r.read_await_ms),
        write_await_ms: r.map(|r| r.write_await_ms),
        queue_size: r.map(|r| r.queue_size),
        util_percent: r.map(|r| r.util_percent),
    }
}

#[derive(Serialize)]
struct JsonProcesses<'a> {
    total: usize,
    running: usize,
    sleeping: usize,
    blocked: usize,
    stopped: usize,
    zombie: usize,
    threads: usize,
    kernel_threads: usize,
    top_cpu: Vec<&'a ProcessRow>,
    top_memory: Vec<&'a ProcessRow>,
    /// Those doing disk I/O (read + write above 0), busiest first.
    top_io: Vec<&'a ProcessRow>,
    repeated: &'a [crate::collect::procs::Repeated],
    blocked_processes: &'a [crate::collect::procs::BlockedProcess],
    near_fd_limit: &'a [crate::collect::procs::FdLimitUse],
}

fn doing_io(p: &crate::collect::procs::Processes) -> Vec<&ProcessRow> {
    p.top_by_io(TOP_PROCESSES).into_iter().filter(|r| r.io.is_some_and(|io| io.total() > 0.0)).collect()
}

/// The `--json` document, pretty-printed, with a final newline.
pub fn json(s: &Snapshot, findings: &Findings) -> serde_json::Result<String> {
    let report = JsonReport {
        ctop_version: env!("CARGO_PKG_VERSION"),
        sandbox: crate::sandbox::state(),
        host: &s.host,
        platform: JsonPlatform { platform: &s.platform, description: s.platform.describe() },
        time: &s.time,
        cpu: JsonCpu {
            model: &s.cpu.model.model,
            sockets: s.cpu.model.sockets,
            physical_cores: s.cpu.model.physical_cores,
            logical_cpus: s.cpu.model.logical_cpus,
            mhz: s.cpu.model.mhz,
            load: s.cpu.load.map(|l| [l.one, l.five, l.fifteen]),
            usage: &s.cpu.total,
            busy_percent: s.cpu.total.map(|u| u.busy()),
            per_core: &s.cpu.per_core,
        },
        memory: &s.memory,
        swap: &s.swap,
        container_limits: &s.limits,
        pressure: &s.pressure,
        oom_kills: &s.oom_kills,
        filesystems: s.filesystems.iter().map(json_filesystem).collect(),
        interfaces: s
            .interfaces
            .iter()
            .map(|i| JsonInterface {
                name: &i.name,
                kind: &i.kind,
                operstate: &i.operstate,
                admin_up: i.admin_up,
                carrier: i.carrier,
                speed_mbps: i.speed_mbps,
                duplex: &i.duplex,
                mtu: i.mtu,
                mac: &i.mac,
                addresses: i.addresses.iter().map(ToString::to_string).collect(),
                rx_bytes_per_s: i.rates.map(|r| r.rx_bytes_per_s),
                tx_bytes_per_s: i.rates.map(|r| r.tx_bytes_per_s),
                rx_errors_per_s: i.rates.map(|r| r.rx_errors_per_s),
                tx_errors_per_s: i.rates.map(|r| r.tx_errors_per_s),
                rx_dropped_per_s: i.rates.map(|r| r.rx_dropped_per_s),
                tx_dropped_per_s: i.rates.map(|r| r.tx_dropped_per_s),
                counters: &i.counters,
            })
            .collect(),
        listening: &s.listening,
        network: &s.network,
        processes: s.processes.as_deref().map(|p| JsonProcesses {
            total: p.total,
            running: p.running,
            sleeping: p.sleeping,
            blocked: p.blocked,
            stopped: p.stopped,
            zombie: p.zombie,
            threads: p.threads,
            kernel_threads: p.kernel_threads,
            top_cpu: p.top_by_cpu(TOP_PROCESSES),
            top_memory: p.top_by_memory(TOP_PROCESSES),
            top_io: doing_io(p),
            repeated: &p.repeated,
            blocked_processes: &p.blocked_processes,
            near_fd_limit: &p.near_fd_limit,
        }),
        cgroups: s.cgroups.list.iter().map(json_cgroup).collect(),
        disks: s.disks.iter().map(json_disk).collect(),
        raid: &s.raid,
        kernel_limits: &s.kernel_limits,
        hardware: &s.hardware,
        findings: &findings.problems,
    };
    let mut text = sanitize::json::to_string_pretty(&report)?;
    text.push('\n');
    Ok(text)
}

fn json_filesystem(fs: &crate::collect::disks::Filesystem) -> JsonFilesystem<'_> {
    let measured = match &fs.usage {
        Usage::Measured(u) => Some(u),
        _ => None,
    };
    JsonFilesystem {
        mountpoint: &fs.mountpoint,
        device: &fs.device,
        fstype: &fs.fstype,
        read_only: fs.read_only,
        remounted_read_only: fs.remounted_read_only,
        device_missing: fs.device_missing,
        state: match fs.usage {
            Usage::Measured(_) => "ok",
            Usage::NotResponding { .. } => "not_responding",
            Usage::Unavailable { .. } => "unavailable",
        },
        size_bytes: measured.map(|u| u.size_bytes),
        used_bytes: measured.map(|u| u.used_bytes),
        avail_bytes: measured.map(|u| u.avail_bytes),
        use_percent: measured.and_then(|u| u.use_percent()),
        inodes_total: measured.map(|u| u.inodes_total),
        inodes_used: measured.map(|u| u.inodes_used),
        inodes_free: measured.map(|u| u.inodes_free),
        inodes_use_percent: measured.and_then(|u| u.inode_use_percent()),
    }
}
