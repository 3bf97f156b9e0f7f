//! Disk I/O: `/proc/diskstats` (kept open, read every tick) turned into per-second
//! rates between two readings, for every whole disk, md array and device-mapper
//! volume in `/sys/block` that has done any I/O since boot; partitions are left out
//! (their I/O is counted in their disk's line). `/sys/block/<disk>` says what a device
//! is (rotational or not, its dm name, its partitions) and is read once per device.
//!
//! The rates are computed exactly as sysstat's `iostat -x` computes them (sysstat
//! 12.6, `iostat.c` `write_ext_stat` and `common.c` `compute_ext_disk_stats`):
//! r/s and w/s = Δios / interval; rkB/s and wkB/s = Δsectors × 512 / interval;
//! r_await and w_await = Δticks / Δios (ms, 0 without I/O); aqu-sz = Δtime_in_queue /
//! interval (ms per ms); %util = Δio_ticks / interval, at most 100 %. The kernel keeps
//! the `*_ticks` fields as 32-bit milliseconds, which wrap after 49 days: their
//! differences are taken modulo 2³².
//!
//! Besides the last interval, each disk's rates over about the last
//! [`SUSTAINED_WINDOW`] are kept, so the rules judge a disk that stays busy rather
//! than one busy second.

use super::kept::KeptReader;
use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The window the rules judge a disk over: "%util ≥ 90 % sustained 10 s".
pub const SUSTAINED_WINDOW: Duration = Duration::from_secs(10);

/// Rates over one window, as `iostat -x` shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiskRates {
    pub reads_per_s: f64,
    pub writes_per_s: f64,
    pub read_bytes_per_s: f64,
    pub write_bytes_per_s: f64,
    /// Average time a read took, queueing included (ms); 0 without reads.
    pub read_await_ms: f64,
    pub write_await_ms: f64,
    /// Average number of requests queued or in service (`aqu-sz`).
    pub queue_size: f64,
    /// Share of the time with at least one request in flight (`%util`).
    pub util_percent: f64,
    /// The window's length.
    pub seconds: f64,
}

/// One whole disk, md array or dm volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskIo {
    /// The kernel's name: `sda`, `nvme0n1`, `dm-0`, `md127`.
    pub name: Arc<str>,
    /// The name an admin knows it by: `vg0-root` for a dm volume (`dm/name`), the
    /// array's name for md (`/dev/md/<name>`); `None` where there is none.
    pub label: Option<Arc<str>>,
    /// `queue/rotational`: a spinning disk (true), solid-state (false), unknown.
    pub rotational: Option<bool>,
    /// Its partitions' kernel names (`sda1`, `sda2`), for the filesystems on it.
    pub partitions: Arc<[Arc<str>]>,
    /// Over the last interval; `None` on the first reading.
    pub rates: Option<DiskRates>,
    /// Over about the last [`SUSTAINED_WINDOW`] (less until that much has been seen).
    pub sustained: Option<DiskRates>,
}

impl DiskIo {
    /// The label where there is one, else the kernel name.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// Whether a filesystem's device (`/dev/sda1`, `/dev/mapper/vg0-root`,
    /// `/dev/md/data`) lives on this disk.
    pub fn holds(&self, device: &str) -> bool {
        let Some(base) = device.strip_prefix("/dev/") else { return false };
        let base = base.rsplit('/').next().unwrap_or(base);
        *self.name == *base || self.label.as_deref() == Some(base) || self.partitions.iter().any(|p| **p == *base)
    }
}

/// The counters of one `/proc/diskstats` line that `iostat -x` uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub read_ios: u64,
    pub read_sectors: u64,
    pub read_ticks: u32,
    pub write_ios: u64,
    pub write_sectors: u64,
    pub write_ticks: u32,
    pub io_ticks: u32,
    pub time_in_queue: u32,
}

/// Parses one `/proc/diskstats` line: `major minor name` and 11 (Linux 2.6.25+), 15
/// (4.18+, discards) or 17 (5.5+, flushes) fields; the extra ones are not used by
/// `iostat -x`'s columns shown here. The 4-field partition lines of kernels before
/// 2.6.25 (and anything garbled) give `None`.
pub fn parse_line(line: &str) -> Option<(&str, Counters)> {
    let mut f = line.split_ascii_whitespace();
    let (_major, _minor, name) = (f.next()?, f.next()?, f.next()?);
    let mut v = [0u64; 11];
    for slot in &mut v {
        *slot = f.next()?.parse().ok()?;
    }
    // The kernel prints the tick fields as unsigned int; keep their width for the wrap.
    let ticks = |x: u64| x as u32;
    Some((
        name,
        Counters {
            read_ios: v[0],
            read_sectors: v[2],
            read_ticks: ticks(v[3]),
            write_ios: v[4],
            write_sectors: v[6],
            write_ticks: ticks(v[7]),
            io_ticks: ticks(v[9]),
            time_in_queue: ticks(v[10]),
        },
    ))
}

/// An I/O or sector count's growth. They are `unsigned long` in the kernel, 32 bits on
/// 32-bit machines: a count that went down wrapped there, or the device was replaced
/// (then nothing can be said, and 0 is what iostat shows too).
fn grown(previous: u64, now: u64) -> u64 {
    match now.checked_sub(previous) {
        Some(d) => d,
        None if previous <= u64::from(u32::MAX) => u64::from((now as u32).wrapping_sub(previous as u32)),
        None => 0,
    }
}

/// The rates between two readings `seconds` apart, as iostat computes them.
pub fn rates(before: &Counters, after: &Counters, seconds: f64) -> Option<DiskRates> {
    if seconds.is_nan() || seconds <= 0.0 {
        return None;
    }
    let reads = grown(before.read_ios, after.read_ios) as f64;
    let writes = grown(before.write_ios, after.write_ios) as f64;
    let ms = |b: u32, a: u32| f64::from(a.wrapping_sub(b));
    let per_io = |ticks: f64, ios: f64| if ios > 0.0 { ticks / ios } else { 0.0 };
    let busy_ms = ms(before.io_ticks, after.io_ticks);
    Some(DiskRates {
        reads_per_s: reads / seconds,
        writes_per_s: writes / seconds,
        read_bytes_per_s: grown(before.read_sectors, after.read_sectors) as f64 * 512.0 / seconds,
        write_bytes_per_s: grown(before.write_sectors, after.write_sectors) as f64 * 512.0 / seconds,
        read_await_ms: per_io(ms(before.read_ticks, after.read_ticks), reads),
        write_await_ms: per_io(ms(before.write_ticks, after.write_ticks), writes),
        queue_size: ms(before.time_in_queue, after.time_in_queue) / (seconds * 1000.0),
        util_percent: (busy_ms / (seconds * 10.0)).min(100.0),
        seconds,
    })
}

/// What `/sys/block` says of one device, read when it first appears.
#[derive(Debug, Clone)]
struct Described {
    label: Option<Arc<str>>,
    rotational: Option<bool>,
    partitions: Arc<[Arc<str>]>,
}

/// One device of `/proc/diskstats` as followed from reading to reading.
#[derive(Debug)]
struct Followed {
    name: Arc<str>,
    /// `None` for a partition or anything else not shown (a RAM disk).
    whole: Option<Described>,
    /// Readings at least a second apart covering the sustained window, newest last;
    /// the very last reading is `last`.
    history: VecDeque<(Instant, Counters)>,
    last: Option<(Instant, Counters)>,
}

/// Keeps `/proc/diskstats` open and each device's previous counters.
pub struct DiskIoSampler {
    source: Source,
    diskstats: KeptReader,
    devices: Vec<Followed>,
}

impl DiskIoSampler {
    pub fn new(source: Source) -> Self {
        Self { diskstats: KeptReader::new(source.path("/proc/diskstats")), source, devices: Vec::new() }
    }

    /// Every disk with I/O since boot, in `/proc/diskstats` order, with its rates since
    /// the previous call.
    pub fn collect(&mut self) -> Vec<DiskIo> {
        self.collect_at(Instant::now())
    }

    /// [`Self::collect`] with the reading's time given (tests step a fake clock).
    pub fn collect_at(&mut self, now: Instant) -> Vec<DiskIo> {
        let Self { source, diskstats, devices } = self;
        let Some(text) = diskstats.read_text() else { return Vec::new() };
        let mut out = Vec::new();
        let mut index = 0;
        for (name, counters) in text.lines().filter_map(parse_line) {
            // Devices keep their place from tick to tick; one added or removed shifts
            // the rest once, and then they are found by name (or described anew).
            if devices.get(index).is_none_or(|d| *d.name != *name) {
                let found = devices[index..].iter().position(|d| *d.name == *name).map(|at| at + index);
                match found {
                    Some(at) => devices.swap(index, at),
                    None => devices.insert(index, describe(source, name)),
                }
            }
            let device = &mut devices[index];
            index += 1;
            let Some(whole) = &device.whole else { continue };
            if counters.read_ios == 0 && counters.write_ios == 0 {
                continue;
            }
            let last = device.last.and_then(|(at, before)| rates(&before, &counters, secs(at, now)));
            let sustained = device.history.front().and_then(|(at, before)| rates(before, &counters, secs(*at, now)));
            let disk = DiskIo {
                name: Arc::clone(&device.name),
                label: whole.label.clone(),
                rotational: whole.rotational,
                partitions: Arc::clone(&whole.partitions),
                rates: last,
                sustained,
            };
            remember(device, now, counters);
            out.push(disk);
        }
        devices.truncate(index);
        out
    }
}

fn secs(from: Instant, to: Instant) -> f64 {
    to.saturating_duration_since(from).as_secs_f64()
}

/// Records a reading: always as the last one, and in the history when a second has
/// passed since the newest there; readings older than the window are dropped, keeping
/// the one that starts it.
fn remember(device: &mut Followed, now: Instant, counters: Counters) {
    device.last = Some((now, counters));
    let history = &mut device.history;
    if history.back().is_none_or(|(at, _)| now.saturating_duration_since(*at) >= Duration::from_secs(1)) {
        history.push_back((now, counters));
    }
    while history.get(1).is_some_and(|(at, _)| now.saturating_duration_since(*at) >= SUSTAINED_WINDOW) {
        history.pop_front();
    }
}

/// Reads what `/sys/block/<name>` says of a device; a name that is not there is a
/// partition (or not a block device ctop shows).
fn describe(source: &Source, name: &str) -> Followed {
    let dir = source.path("/sys/block").join(name);
    // RAM disks (`ram0`…) are memory, not disks.
    let whole = (dir.is_dir() && !name.starts_with("ram")).then(|| {
        let read = |rel: &str| {
            let text = std::fs::read_to_string(dir.join(rel)).ok()?;
            Some(text.trim().to_string()).filter(|t| !t.is_empty())
        };
        let label = read("dm/name").or_else(|| md_name(source, name)).filter(|l| l != name).map(Arc::from);
        let rotational = read("queue/rotational").and_then(|r| match r.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        });
        let mut partitions: Vec<Arc<str>> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("partition").is_file())
            .filter_map(|e| e.file_name().to_str().map(Arc::from))
            .collect();
        partitions.sort();
        Described { label, rotational, partitions: partitions.into() }
    });
    Followed { name: Arc::from(name), whole, history: VecDeque::new(), last: None }
}

/// An md array's name from its `/dev/md/<name>` link (udev makes them), if any.
fn md_name(source: &Source, kernel_name: &str) -> Option<String> {
    if !kernel_name.starts_with("md") {
        return None;
    }
    std::fs::read_dir(source.path("/dev/md")).ok()?.flatten().find_map(|e| {
        let target = std::fs::read_link(e.path()).ok()?;
        (target.file_name()? == kernel_name).then(|| e.file_name().to_string_lossy().into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iostat_formulas_on_two_readings() {
        let before = Counters {
            read_ios: 100,
            read_sectors: 1000,
            read_ticks: 50,
            write_ios: 10,
            write_sectors: 80,
            write_ticks: 20,
            io_ticks: 100,
            time_in_queue: 70,
        };
        let after = Counters {
            read_ios: 300,
            read_sectors: 3048,
            read_ticks: 450,
            write_ios: 20,
            write_sectors: 2128,
            write_ticks: 120,
            io_ticks: 1100,
            time_in_queue: 2070,
        };
        let r = rates(&before, &after, 2.0).unwrap();
        assert_eq!(r.reads_per_s, 100.0);
        assert_eq!(r.writes_per_s, 5.0);
        assert_eq!(r.read_bytes_per_s, 2048.0 * 512.0 / 2.0);
        assert_eq!(r.write_bytes_per_s, 2048.0 * 512.0 / 2.0);
        assert_eq!(r.read_await_ms, 2.0);
        assert_eq!(r.write_await_ms, 10.0);
        assert_eq!(r.queue_size, 1.0);
        assert_eq!(r.util_percent, 50.0);
    }

    #[test]
    fn ticks_wrap_at_32_bits_and_util_stops_at_100() {
        let before = Counters { io_ticks: u32::MAX - 499, read_ticks: u32::MAX, read_ios: 1, ..Counters::default() };
        let after = Counters { io_ticks: 1500, read_ticks: 9, read_ios: 2, ..Counters::default() };
        let r = rates(&before, &after, 1.0).unwrap();
        assert_eq!(r.util_percent, 100.0, "2,000 ms busy in 1 s is capped as iostat caps it");
        assert_eq!(r.read_await_ms, 10.0);
        assert_eq!(rates(&before, &after, 0.0), None);
    }

    #[test]
    fn without_io_await_is_zero_as_iostat_prints_it() {
        let c = Counters { read_ios: 5, write_ios: 5, ..Counters::default() };
        let r = rates(&c, &c, 1.0).unwrap();
        assert_eq!((r.read_await_ms, r.write_await_ms, r.util_percent), (0.0, 0.0, 0.0));
    }

    #[test]
    fn lines_of_old_and_new_kernels() {
        let eleven = "   8       0 sda 4 5 6 7 8 9 10 11 12 13 14";
        let fifteen = "   8       0 sda 4 5 6 7 8 9 10 11 12 13 14 1 2 3 4";
        let seventeen = " 259       0 nvme0n1 4 5 6 7 8 9 10 11 12 13 14 1 2 3 4 5 6";
        for line in [eleven, fifteen, seventeen] {
            let (_, c) = parse_line(line).unwrap();
            assert_eq!((c.read_ios, c.read_sectors, c.write_ios, c.io_ticks, c.time_in_queue), (4, 6, 8, 13, 14));
        }
        assert_eq!(parse_line("   8    1 sda1 4 6 8 10"), None, "2.6.24 partition lines have 4 fields");
        assert_eq!(parse_line("8 0 sda x 5 6 7 8 9 10 11 12 13 14"), None);
    }

    #[test]
    fn the_sustained_window_keeps_about_ten_seconds() {
        let mut device = Followed { name: "sda".into(), whole: None, history: VecDeque::new(), last: None };
        let start = Instant::now();
        for tenth in 0..300 {
            remember(&mut device, start + Duration::from_millis(tenth * 100), Counters::default());
        }
        let (oldest, _) = device.history.front().unwrap();
        let (newest, _) = device.last.unwrap();
        let span = newest.duration_since(*oldest);
        assert!(span >= SUSTAINED_WINDOW && span < SUSTAINED_WINDOW + Duration::from_secs(1), "{span:?}");
        assert!(device.history.len() <= 12);
    }
}
