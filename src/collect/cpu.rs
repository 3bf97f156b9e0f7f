//! CPU: the model and topology from `/proc/cpuinfo` and `/sys/devices/system/cpu`,
//! total and per-core usage from two readings of `/proc/stat`, the load averages
//! from `/proc/loadavg`, and the clock speed from cpufreq's `scaling_cur_freq` or
//! `/proc/cpuinfo`.

use super::kept::KeptReader;
use crate::source::Source;
use procfs_core::{CpuTime, ExplicitSystemInfo, FromRead, FromReadSI, KernelStats, LoadAverage};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What the processor is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuModel {
    pub model: Option<String>,
    pub sockets: Option<usize>,
    pub physical_cores: Option<usize>,
    /// Online logical CPUs (what `nproc` counts without an affinity mask).
    pub logical_cpus: usize,
    /// Current clock, averaged over the CPUs that report one.
    pub mhz: Option<f64>,
}

/// Where the CPU time went over the sampling window, in percent of that window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuUsage {
    /// user + nice (guest time is included in it by the kernel).
    pub user: f64,
    /// system + irq + softirq.
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
    pub idle: f64,
}

impl CpuUsage {
    /// Time spent working: everything but idle and iowait.
    pub fn busy(&self) -> f64 {
        (100.0 - self.idle - self.iowait).clamp(0.0, 100.0)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Load {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
    /// Runnable scheduling entities now, and how many exist.
    pub runnable: u32,
    pub entities: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cpu {
    #[serde(flatten)]
    pub model: CpuModel,
    /// `None` until two readings of `/proc/stat` are apart.
    pub total: Option<CpuUsage>,
    /// One per CPU line of `/proc/stat`, in order; empty until two readings.
    pub per_core: Vec<CpuUsage>,
    pub load: Option<Load>,
}

/// Keeps the previous `/proc/stat` reading so usage is a difference over a window.
#[derive(Debug)]
pub struct CpuSampler {
    model: CpuModel,
    previous: Option<KernelStats>,
    stat: KeptReader,
    loadavg: KeptReader,
    clock_speed: ClockSpeed,
}

impl CpuSampler {
    pub fn new(source: Source) -> Self {
        // The model and topology do not change while ctop runs (only MHz does).
        let model = read_model(&source);
        Self {
            model,
            previous: None,
            stat: KeptReader::new(source.path("/proc/stat")),
            loadavg: KeptReader::new(source.path("/proc/loadavg")),
            clock_speed: ClockSpeed::new(&source),
        }
    }

    pub fn collect(&mut self) -> Cpu {
        let current = self.stat.read().and_then(|stat| KernelStats::from_read(stat, &SYSTEM_INFO).ok());
        let (total, per_core) = match (&self.previous, &current) {
            (Some(prev), Some(cur)) => usage_over_window(prev, cur),
            _ => (None, Vec::new()),
        };
        // A window too short to measure is not restarted: the next reading measures
        // from the same start, so even readings in quick succession give a usage soon.
        if current.is_some() && (total.is_some() || self.previous.is_none()) {
            self.previous = current;
        }
        let mut model = self.model.clone();
        model.mhz = self.clock_speed.mhz();
        Cpu { model, total, per_core, load: self.loadavg.read().and_then(parse_load) }
    }
}

/// Ticks per second only matter for converting to seconds, which ctop never does:
/// usage is a ratio of ticks.
const SYSTEM_INFO: ExplicitSystemInfo =
    ExplicitSystemInfo { boot_time_secs: 0, ticks_per_second: 100, page_size: 4096, is_little_endian: true };

/// The fewest ticks (1/100 s, `USER_HZ`) one CPU must have counted between two readings
/// for its usage to mean anything: over 1 tick a CPU is "100 % busy" or "0 %", and two
/// readings a millisecond apart (`--sample-ms 0`) gave a false `!! CPU 100% busy`. Half
/// the shortest interval allowed (0.1 s = 10 ticks), so jitter there never blanks it.
const MIN_TICKS_PER_CPU: f64 = 5.0;

/// Total and per-core usage between two readings; unknown (`None`, no cores) when too
/// few ticks passed, and per-core only when every core has a usable window, so there is
/// never a list with fewer entries than CPUs.
fn usage_over_window(prev: &KernelStats, cur: &KernelStats) -> (Option<CpuUsage>, Vec<CpuUsage>) {
    let cpus = cur.cpu_time.len().max(1) as f64;
    let total = usage_between(&prev.total, &cur.total, MIN_TICKS_PER_CPU * cpus);
    let per_core: Option<Vec<CpuUsage>> = (prev.cpu_time.len() == cur.cpu_time.len())
        .then(|| prev.cpu_time.iter().zip(&cur.cpu_time).map(|(p, c)| usage_between(p, c, MIN_TICKS_PER_CPU)).collect())
        .flatten();
    match total {
        Some(total) => (Some(total), per_core.unwrap_or_default()),
        None => (None, Vec::new()),
    }
}

fn usage_between(prev: &CpuTime, cur: &CpuTime, min_ticks: f64) -> Option<CpuUsage> {
    // Counters can step back (iowait is documented to); saturate instead of wrapping.
    let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
    let o = |x: Option<u64>| x.unwrap_or(0);
    let user = d(prev.user, cur.user) + d(prev.nice, cur.nice);
    let system = d(prev.system, cur.system) + d(o(prev.irq), o(cur.irq)) + d(o(prev.softirq), o(cur.softirq));
    let iowait = d(o(prev.iowait), o(cur.iowait));
    let steal = d(o(prev.steal), o(cur.steal));
    let idle = d(prev.idle, cur.idle);
    let total = user + system + iowait + steal + idle;
    (total >= min_ticks && total > 0.0).then(|| CpuUsage {
        user: user * 100.0 / total,
        system: system * 100.0 / total,
        iowait: iowait * 100.0 / total,
        steal: steal * 100.0 / total,
        idle: idle * 100.0 / total,
    })
}

fn parse_load(loadavg: &[u8]) -> Option<Load> {
    let l = LoadAverage::from_read(loadavg).ok()?;
    Some(Load { one: l.one.into(), five: l.five.into(), fifteen: l.fifteen.into(), runnable: l.cur, entities: l.max })
}

/// `0-3,5,7-8` → 7: the kernel's CPU list format.
fn count_cpu_list(list: &str) -> Option<usize> {
    let mut n: usize = 0;
    for part in list.trim().split(',').filter(|p| !p.is_empty()) {
        let cpus = match part.split_once('-') {
            Some((a, b)) => {
                b.trim().parse::<usize>().ok()?.checked_sub(a.trim().parse::<usize>().ok()?)?.checked_add(1)?
            }
            None => {
                part.trim().parse::<usize>().ok()?;
                1
            }
        };
        // A garbled list ("0-18446744073709551615") is unknown, not an overflow.
        n = n.checked_add(cpus)?;
    }
    (n > 0).then_some(n)
}

/// The `key : value` blocks of `/proc/cpuinfo`, one per logical CPU (plus a trailing
/// machine-wide block on some architectures).
fn cpuinfo_blocks(text: &str) -> Vec<Vec<(&str, &str)>> {
    text.split("\n\n")
        .map(|block| {
            block.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim(), v.trim())).collect::<Vec<_>>()
        })
        .filter(|b| !b.is_empty())
        .collect()
}

fn field<'a>(block: &[(&str, &'a str)], names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| block.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| *v))
        .filter(|v| !v.is_empty())
}

fn read_model(source: &Source) -> CpuModel {
    let text = source.read("/proc/cpuinfo").unwrap_or_default();
    let blocks = cpuinfo_blocks(&text);
    let processors: Vec<_> =
        blocks.iter().filter(|b| field(b, &["processor"]).is_some_and(|v| v.parse::<u32>().is_ok())).collect();
    // x86 says "model name"; ARM "Hardware"/"CPU part" or "model name"; POWER "cpu"; s390 "machine".
    let model = blocks
        .iter()
        .find_map(|b| field(b, &["model name", "cpu model", "cpu", "Hardware", "machine", "uarch"]))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .or_else(|| {
            let first = processors.first()?;
            arm_model(field(first, &["CPU implementer"])?, field(first, &["CPU part"])?)
        });

    let sockets: HashSet<&str> = processors.iter().filter_map(|b| field(b, &["physical id"])).collect();
    let cores: HashSet<(&str, &str)> =
        processors.iter().filter_map(|b| Some((field(b, &["physical id"])?, field(b, &["core id"])?))).collect();
    let (sockets, physical_cores) =
        if !cores.is_empty() { (Some(sockets.len()), Some(cores.len())) } else { topology_from_sysfs(source) };

    let logical_cpus = source
        .read("/sys/devices/system/cpu/online")
        .ok()
        .and_then(|s| count_cpu_list(&s))
        // /proc/stat has one short line per online CPU: harder to cut short than cpuinfo.
        .or_else(|| {
            let stat = source.read("/proc/stat").ok()?;
            let n = stat
                .lines()
                .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
                .count();
            (n > 0).then_some(n)
        })
        .or((!processors.is_empty()).then_some(processors.len()))
        .unwrap_or(1);
    CpuModel { model, sockets, physical_cores, logical_cpus, mhz: None }
}

/// arm64's `/proc/cpuinfo` names no model, only the implementer and part numbers;
/// these are the cores servers and boards commonly run (the names `lscpu` prints).
fn arm_model(implementer: &str, part: &str) -> Option<String> {
    let implementer = u32::from_str_radix(implementer.trim_start_matches("0x"), 16).ok()?;
    let part_number = u32::from_str_radix(part.trim_start_matches("0x"), 16).ok()?;
    let vendor = match implementer {
        0x41 => "ARM",
        0x42 => "Broadcom",
        0x43 => "Cavium",
        0x46 => "Fujitsu",
        0x48 => "HiSilicon",
        0x4e => "NVIDIA",
        0x50 => "APM",
        0x51 => "Qualcomm",
        0x61 => "Apple",
        0xc0 => "Ampere",
        _ => return Some(format!("arm64 implementer {implementer:#x} part {part_number:#x}")),
    };
    let core = match (implementer, part_number) {
        (0x41, 0xd03) => "Cortex-A53",
        (0x41, 0xd04) => "Cortex-A35",
        (0x41, 0xd05) => "Cortex-A55",
        (0x41, 0xd07) => "Cortex-A57",
        (0x41, 0xd08) => "Cortex-A72",
        (0x41, 0xd09) => "Cortex-A73",
        (0x41, 0xd0a) => "Cortex-A75",
        (0x41, 0xd0b) => "Cortex-A76",
        (0x41, 0xd0c) => "Neoverse-N1",
        (0x41, 0xd0d) => "Cortex-A77",
        (0x41, 0xd40) => "Neoverse-V1",
        (0x41, 0xd41) => "Cortex-A78",
        (0x41, 0xd44) => "Cortex-X1",
        (0x41, 0xd46) => "Cortex-A510",
        (0x41, 0xd47) => "Cortex-A710",
        (0x41, 0xd48) => "Cortex-X2",
        (0x41, 0xd49) => "Neoverse-N2",
        (0x41, 0xd4f) => "Neoverse-V2",
        (0x41, 0xd80) => "Cortex-A520",
        (0x41, 0xd81) => "Cortex-A720",
        (0x41, 0xd8e) => "Neoverse-N3",
        (0xc0, 0xac3) => "Ampere-1",
        (0xc0, 0xac4) => "Ampere-1a",
        _ => return Some(format!("{vendor} part {part_number:#x}")),
    };
    Some(format!("{vendor} {core}"))
}

/// Where `/proc/cpuinfo` has no `physical id`/`core id` (ARM, POWER), the topology
/// directory has the same facts per CPU.
fn topology_from_sysfs(source: &Source) -> (Option<usize>, Option<usize>) {
    let Ok(dir) = std::fs::read_dir(source.path("/sys/devices/system/cpu")) else {
        return (None, None);
    };
    let mut sockets = HashSet::new();
    let mut cores = HashSet::new();
    for entry in dir.flatten() {
        if !is_cpu_dir(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let topo = entry.path().join("topology");
        let read = |f: &str| std::fs::read_to_string(topo.join(f)).ok().map(|s| s.trim().to_string());
        if let (Some(pkg), Some(core)) = (read("physical_package_id"), read("core_id")) {
            sockets.insert(pkg.clone());
            cores.insert((pkg, core));
        }
    }
    if cores.is_empty() { (None, None) } else { (Some(sockets.len()), Some(cores.len())) }
}

/// How often the clock speed is read again. It is a detail on the screen, and reading
/// it costs: `/proc/cpuinfo` is ~100 KB on a 64-CPU server (and kernels before 5.x
/// interrupt every CPU to fill in its MHz lines), cpufreq is a file per CPU.
const CLOCK_SPEED_REFRESH: Duration = Duration::from_secs(5);

/// The CPUs' current clock, averaged over those that report one, read at most every
/// [`CLOCK_SPEED_REFRESH`] and shown unchanged in between.
#[derive(Debug)]
struct ClockSpeed {
    /// `scaling_cur_freq` of each CPU that has one (kHz), found once: the cheaper
    /// source, and the only one on ARM. Opened at each refresh rather than kept: one
    /// descriptor per CPU, for a reading every few seconds, is better spent elsewhere.
    cpufreq: Vec<PathBuf>,
    /// `cpu MHz` lines, where there is no cpufreq (most VMs).
    cpuinfo: KeptReader,
    buf: String,
    mhz: Option<f64>,
    read_at: Option<Instant>,
}

impl ClockSpeed {
    fn new(source: &Source) -> Self {
        Self {
            cpufreq: cpufreq_files(source),
            cpuinfo: KeptReader::new(source.path("/proc/cpuinfo")),
            buf: String::new(),
            mhz: None,
            read_at: None,
        }
    }

    fn mhz(&mut self) -> Option<f64> {
        let now = Instant::now();
        if self.read_at.is_none_or(|at| now.duration_since(at) >= CLOCK_SPEED_REFRESH) {
            self.read_at = Some(now);
            self.mhz = self.read_cpufreq().or_else(|| mhz_from_cpuinfo(self.cpuinfo.read_text()?));
        }
        self.mhz
    }

    fn read_cpufreq(&mut self) -> Option<f64> {
        let buf = &mut self.buf;
        let khz = self.cpufreq.iter().filter_map(|path| {
            buf.clear();
            std::fs::File::open(path).ok()?.read_to_string(buf).ok()?;
            buf.trim().parse::<u64>().ok()
        });
        average(khz.map(|khz| khz as f64 / 1000.0))
    }
}

/// `/sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq` for each CPU that has one.
fn cpufreq_files(source: &Source) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(source.path("/sys/devices/system/cpu")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter(|entry| is_cpu_dir(&entry.file_name().to_string_lossy()))
        .map(|entry| entry.path().join("cpufreq/scaling_cur_freq"))
        .filter(|path| path.exists())
        .collect()
}

/// `cpu0`, `cpu17`: one CPU's directory (not `cpufreq`, `cpuidle`).
fn is_cpu_dir(name: &str) -> bool {
    name.strip_prefix("cpu").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn mhz_from_cpuinfo(cpuinfo: &str) -> Option<f64> {
    average(
        cpuinfo
            .lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("cpu MHz"))
            .filter_map(|(_, v)| v.trim().parse().ok()),
    )
}

fn average(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lscpu`'s names for the cores `arm_model` knows, from util-linux
    /// `sys-utils/lscpu-arm.c` (`arm_part`, `ampere_part`; 0xd80, 0xd81 and 0xd8e from its
    /// 2024 version), not from ctop's own table: a wrong part number or name there
    /// shows a different core than `lscpu` does on the same machine.
    const LSCPU_ARM_CORES: &[(&str, &str, &str)] = &[
        ("0x41", "0xd03", "ARM Cortex-A53"),
        ("0x41", "0xd04", "ARM Cortex-A35"),
        ("0x41", "0xd05", "ARM Cortex-A55"),
        ("0x41", "0xd07", "ARM Cortex-A57"),
        ("0x41", "0xd08", "ARM Cortex-A72"),
        ("0x41", "0xd09", "ARM Cortex-A73"),
        ("0x41", "0xd0a", "ARM Cortex-A75"),
        ("0x41", "0xd0b", "ARM Cortex-A76"),
        ("0x41", "0xd0c", "ARM Neoverse-N1"),
        ("0x41", "0xd0d", "ARM Cortex-A77"),
        ("0x41", "0xd40", "ARM Neoverse-V1"),
        ("0x41", "0xd41", "ARM Cortex-A78"),
        ("0x41", "0xd44", "ARM Cortex-X1"),
        ("0x41", "0xd46", "ARM Cortex-A510"),
        ("0x41", "0xd47", "ARM Cortex-A710"),
        ("0x41", "0xd48", "ARM Cortex-X2"),
        ("0x41", "0xd49", "ARM Neoverse-N2"),
        ("0x41", "0xd4f", "ARM Neoverse-V2"),
        ("0x41", "0xd80", "ARM Cortex-A520"),
        ("0x41", "0xd81", "ARM Cortex-A720"),
        ("0x41", "0xd8e", "ARM Neoverse-N3"),
        ("0xc0", "0xac3", "Ampere Ampere-1"),
        ("0xc0", "0xac4", "Ampere Ampere-1a"),
    ];

    #[test]
    fn arm_cores_are_named_as_lscpu_names_them() {
        for &(implementer, part, lscpu) in LSCPU_ARM_CORES {
            assert_eq!(arm_model(implementer, part).as_deref(), Some(lscpu), "implementer {implementer} part {part}");
        }
    }

    #[test]
    fn an_arm_part_without_a_name_keeps_its_vendor_and_number() {
        // lscpu-arm.c `hw_implementer` names the vendors (it writes Fujitsu in capitals);
        // a part ctop has no name for is shown by number, as `lscpu` shows "-".
        let vendors = [
            ("0x41", "ARM"),
            ("0x42", "Broadcom"),
            ("0x43", "Cavium"),
            ("0x46", "FUJITSU"),
            ("0x48", "HiSilicon"),
            ("0x4e", "NVIDIA"),
            ("0x50", "APM"),
            ("0x51", "Qualcomm"),
            ("0x61", "Apple"),
            ("0xc0", "Ampere"),
        ];
        for (implementer, lscpu_vendor) in vendors {
            let name = arm_model(implementer, "0x001").unwrap();
            let vendor = name.strip_suffix(" part 0x1").unwrap_or_else(|| panic!("{implementer}: {name}"));
            assert!(vendor.eq_ignore_ascii_case(lscpu_vendor), "{implementer}: {name}, lscpu says {lscpu_vendor}");
        }
        // The X-Gene of the qemu/lkvm/xen fixtures (fixtures/virt/*/proc/cpuinfo).
        assert_eq!(arm_model("0x50", "0x000").as_deref(), Some("APM part 0x0"));
        assert_eq!(arm_model("0x53", "0x001").as_deref(), Some("arm64 implementer 0x53 part 0x1"));
        assert_eq!(arm_model("0x41", "0xzz"), None, "a part that is not hex is unknown");
        assert_eq!(arm_model("ARM", "0xd0c"), None, "an implementer that is not hex is unknown");
    }

    #[test]
    fn cpu_lists_count_ranges_and_singles() {
        assert_eq!(count_cpu_list("0-3\n"), Some(4));
        assert_eq!(count_cpu_list("0-3,5,7-8"), Some(7));
        assert_eq!(count_cpu_list("0"), Some(1));
        assert_eq!(count_cpu_list(""), None);
        assert_eq!(count_cpu_list("3-1"), None);
        assert_eq!(count_cpu_list("x"), None);
    }

    /// The `cpu` line's first eight counters: user, nice, system, idle, iowait, irq,
    /// softirq, steal (guest time is already inside user and nice).
    fn ticks([user, nice, system, idle, iowait, irq, softirq, steal]: [u64; 8]) -> CpuTime {
        let stat = format!(
            "cpu {user} {nice} {system} {idle} {iowait} {irq} {softirq} {steal} 0 0\nbtime 1\nctxt 1\nprocesses 1\n"
        );
        KernelStats::from_read(stat.as_bytes(), &SYSTEM_INFO).unwrap().total
    }

    /// A machine tree with `cpu MHz` lines and, for each of `khz`, a CPU with cpufreq.
    fn clock_tree(cpuinfo_mhz: &[&str], khz: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proc")).unwrap();
        let cpuinfo: String = cpuinfo_mhz
            .iter()
            .enumerate()
            .map(|(i, mhz)| format!("processor\t: {i}\ncpu MHz\t\t: {mhz}\n\n"))
            .collect();
        std::fs::write(dir.path().join("proc/cpuinfo"), cpuinfo).unwrap();
        std::fs::create_dir_all(dir.path().join("sys/devices/system/cpu/cpufreq")).unwrap();
        for (i, khz) in khz.iter().enumerate() {
            let policy = dir.path().join(format!("sys/devices/system/cpu/cpu{i}/cpufreq"));
            std::fs::create_dir_all(&policy).unwrap();
            std::fs::write(policy.join("scaling_cur_freq"), format!("{khz}\n")).unwrap();
        }
        dir
    }

    fn clock_speed(root: &std::path::Path) -> ClockSpeed {
        ClockSpeed::new(&Source::new(root, std::sync::Arc::new(crate::source::FixedSystem::default())))
    }

    /// As if the last reading were older than the refresh interval.
    fn make_due(clock: &mut ClockSpeed) {
        clock.read_at = clock.read_at.and_then(|at| at.checked_sub(CLOCK_SPEED_REFRESH));
    }

    #[test]
    fn clock_speed_prefers_cpufreq_averaged_over_the_cpus() {
        let dir = clock_tree(&["1000.000", "1000.000"], &["2000000", "3000500"]);
        assert_eq!(clock_speed(dir.path()).mhz(), Some(2500.25));
    }

    #[test]
    fn clock_speed_from_cpuinfo_without_cpufreq() {
        let dir = clock_tree(&["2294.608", "2400.000"], &[]);
        assert_eq!(clock_speed(dir.path()).mhz(), Some((2294.608 + 2400.0) / 2.0));
        let none = clock_tree(&[], &[]);
        assert_eq!(clock_speed(none.path()).mhz(), None);
    }

    #[test]
    fn clock_speed_is_read_again_only_after_the_refresh_interval() {
        let dir = clock_tree(&["1000"], &["2000000"]);
        let mut clock = clock_speed(dir.path());
        assert_eq!(clock.mhz(), Some(2000.0));
        let freq = dir.path().join("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
        std::fs::write(&freq, "2500000\n").unwrap();
        assert_eq!(clock.mhz(), Some(2000.0), "kept until the next refresh");
        make_due(&mut clock);
        assert_eq!(clock.mhz(), Some(2500.0));
        // cpufreq gone (CPU offline): cpuinfo, at the next refresh.
        std::fs::remove_file(&freq).unwrap();
        assert_eq!(clock.mhz(), Some(2500.0));
        make_due(&mut clock);
        assert_eq!(clock.mhz(), Some(1000.0));
    }

    #[test]
    fn usage_is_the_share_of_each_state_over_the_window() {
        // 100 ticks: user 40 + nice 20, system 10 + irq 3 + softirq 7, iowait 5, steal 5, idle 10.
        let before = ticks([100, 10, 100, 100, 0, 5, 5, 0]);
        let after = ticks([140, 30, 110, 110, 5, 8, 12, 5]);
        let u = usage_between(&before, &after, MIN_TICKS_PER_CPU).unwrap();
        let close = |got: f64, want: f64| (got - want).abs() < 1e-9;
        assert!(close(u.user, 60.0), "user + nice: {u:?}");
        assert!(close(u.system, 20.0), "system + irq + softirq: {u:?}");
        assert!(close(u.iowait, 5.0) && close(u.steal, 5.0) && close(u.idle, 10.0), "{u:?}");
        assert!(close(u.busy(), 85.0), "{u:?}");
    }

    fn fixed_source(root: &std::path::Path) -> Source {
        Source::new(root, std::sync::Arc::new(crate::source::FixedSystem::default()))
    }

    /// `/proc/stat` of a two-CPU machine: the `cpu` line is the sum of `cpu0` and `cpu1`,
    /// each `[user, system, idle]` (the other counters 0).
    fn write_stat(root: &std::path::Path, cpus: [[u64; 3]; 2]) {
        let line =
            |name: &str, [user, system, idle]: [u64; 3]| format!("{name} {user} 0 {system} {idle} 0 0 0 0 0 0\n");
        let total = [0, 1, 2].map(|i| cpus[0][i] + cpus[1][i]);
        let stat =
            line("cpu ", total) + &line("cpu0", cpus[0]) + &line("cpu1", cpus[1]) + "btime 1\nctxt 1\nprocesses 1\n";
        std::fs::write(root.join("proc/stat"), stat).unwrap();
    }

    #[test]
    fn the_sampler_measures_usage_between_its_readings_and_keeps_a_window_too_short_open() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proc")).unwrap();
        std::fs::write(dir.path().join("proc/loadavg"), "0.50 1.25 2.00 3/456 789\n").unwrap();
        write_stat(dir.path(), [[50, 50, 400], [50, 50, 400]]);
        let mut sampler = CpuSampler::new(fixed_source(dir.path()));
        let first = sampler.collect();
        assert_eq!((first.total, first.per_core.len()), (None, 0), "one reading is no window");
        assert_eq!(
            first.load,
            Some(Load { one: 0.5, five: 1.25, fifteen: 2.0, runnable: 3, entities: 456 }),
            "the numbers written to loadavg"
        );

        // cpu0: +30 user +10 idle; cpu1: +20 system +20 idle; 80 ticks over both.
        write_stat(dir.path(), [[80, 50, 410], [50, 70, 420]]);
        let second = sampler.collect();
        let close = |got: f64, want: f64| (got - want).abs() < 1e-9;
        let total = second.total.expect("a window of 80 ticks over 2 CPUs");
        assert!(close(total.user, 37.5) && close(total.system, 25.0) && close(total.idle, 37.5), "{total:?}");
        let [cpu0, cpu1] = second.per_core[..] else { panic!("one usage per CPU: {:?}", second.per_core) };
        assert!(close(cpu0.user, 75.0) && close(cpu0.idle, 25.0) && close(cpu0.system, 0.0), "{cpu0:?}");
        assert!(close(cpu1.system, 50.0) && close(cpu1.idle, 50.0) && close(cpu1.user, 0.0), "{cpu1:?}");

        // 8 more ticks, 4 per CPU: under the 5 a CPU needs, so the 8 do not make a window
        // for two CPUs either (they would for one).
        write_stat(dir.path(), [[84, 50, 410], [50, 74, 420]]);
        let short = sampler.collect();
        assert_eq!((short.total, short.per_core.len()), (None, 0), "8 ticks over 2 CPUs is too short");
        // The window stays open from the second reading: 4 + 16 user ticks on cpu0 and
        // 4 system + 16 idle on cpu1 since then, 40 in all.
        write_stat(dir.path(), [[100, 50, 410], [50, 74, 436]]);
        let total = sampler.collect().total.expect("40 ticks since the second reading");
        assert!(close(total.user, 50.0) && close(total.system, 10.0) && close(total.idle, 40.0), "{total:?}");
    }

    #[test]
    fn logical_cpus_fall_back_to_cpuinfo_when_proc_stat_lists_no_cpu() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proc")).unwrap();
        std::fs::write(dir.path().join("proc/cpuinfo"), "processor\t: 0\n\nprocessor\t: 1\n\nprocessor\t: 2\n")
            .unwrap();
        // No /sys/devices/system/cpu/online, and a /proc/stat cut before its cpuN lines.
        std::fs::write(dir.path().join("proc/stat"), "cpu  1 0 1 1 0 0 0 0 0 0\n").unwrap();
        assert_eq!(read_model(&fixed_source(dir.path())).logical_cpus, 3, "the three processor blocks");
    }

    #[test]
    fn no_elapsed_ticks_means_no_usage_and_counters_stepping_back_do_not_wrap() {
        assert_eq!(usage_between(&ticks([1; 8]), &ticks([1; 8]), MIN_TICKS_PER_CPU), None);
        let u =
            usage_between(&ticks([10, 0, 10, 10, 10, 0, 0, 0]), &ticks([20, 0, 10, 10, 5, 0, 0, 0]), MIN_TICKS_PER_CPU)
                .unwrap();
        assert_eq!(u.iowait, 0.0);
        assert_eq!(u.user, 100.0);
    }

    #[test]
    fn one_tick_is_not_a_window_so_usage_is_unknown_not_100_percent() {
        // One user tick on one of two CPUs, a millisecond apart: "100 % busy" before.
        assert_eq!(
            usage_between(&ticks([10, 0, 0, 0, 0, 0, 0, 0]), &ticks([11, 0, 0, 0, 0, 0, 0, 0]), MIN_TICKS_PER_CPU),
            None
        );
        assert!(
            usage_between(&ticks([10, 0, 0, 0, 0, 0, 0, 0]), &ticks([11, 0, 0, 4, 0, 0, 0, 0]), MIN_TICKS_PER_CPU)
                .is_some()
        );
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{bytes_from, config, fixture, text_from};

    const CPUINFO: &[&str] = &[
        fixture!("machines/debian12-vm/proc/cpuinfo"),
        fixture!("machines/arm64-graviton/proc/cpuinfo"),
        fixture!("machines/centos6-2socket/proc/cpuinfo"),
    ];
    const SMALL: &[&str] = &[fixture!("machines/debian12-vm/proc/loadavg"), "0-3,5,7-8\n", "0\n"];
    const STAT: &[&str] = &[fixture!("machines/debian12-vm/proc/stat"), fixture!("machines/centos6-2socket/proc/stat")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn cpuinfo_never_panics(text in text_from(CPUINFO)) {
            let _ = super::cpuinfo_blocks(&text);
            let _ = super::mhz_from_cpuinfo(&text);
        }

        #[test]
        fn proc_stat_never_panics(before in bytes_from(STAT), after in bytes_from(STAT)) {
            use procfs_core::FromReadSI;
            let parse = |b: &[u8]| super::KernelStats::from_read(b, &super::SYSTEM_INFO).ok();
            if let (Some(p), Some(c)) = (parse(&before), parse(&after)) {
                let _ = super::usage_over_window(&p, &c);
            }
        }

        #[test]
        fn loadavg_and_cpu_lists_never_panic(bytes in bytes_from(SMALL)) {
            let _ = super::parse_load(&bytes);
            let _ = super::count_cpu_list(&String::from_utf8_lossy(&bytes));
        }
    }
}
