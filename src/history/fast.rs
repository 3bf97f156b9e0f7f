//! The fast tier's sample, stored compactly: percentages as hundredths in a `u16`,
//! byte counts and rates as `f32` (24 bits of precision: a display never needs more),
//! per-core figures as half-percents in a `u8`. [`encode`] turns a [`FastTier`] into a
//! record and its per-core and per-interface entries; [`decode`] turns them back into
//! a `FastTier` for a past frame. A metric added to the fast tier joins history by a
//! field here, a line in each of the two functions and one in each of
//! [`sealed`](super::sealed)'s `write_sample` and `read_sample`.

use super::names::{NameId, Names};
use crate::collect::clock::Clock;
use crate::collect::cpu::{Cpu, CpuUsage, Load};
use crate::collect::limits::ContainerLimits;
use crate::collect::memory::{Memory, Swap};
use crate::collect::net::{Interface, NetRates};
use crate::collect::pressure::{OomKills, Pressure};
use crate::snapshot::FastTier;

/// "Unknown" in a hundredths-of-a-percent field.
const NO_PERCENT: u16 = u16::MAX;
/// "Unknown" in a half-percent field.
const NO_HALF: u8 = u8::MAX;
const NO_COUNT: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, Default)]
pub struct FastRecord {
    pub at_ms: i64,
    /// The local zone's offset from UTC at that moment, to show local times.
    pub utc_offset_s: i32,
    pub uptime_s: u32,
    /// user, system, iowait, steal, idle.
    pub cpu: [u16; 5],
    pub load: [f32; 3],
    pub runnable: u32,
    pub entities: u32,
    /// total, available, used, free, buffers, cached (NaN total: unknown).
    pub memory: [f32; 6],
    /// total, used, free.
    pub swap: [f32; 3],
    /// memory max, current, inactive file, CPU quota (NaN: none).
    pub limits: [f32; 4],
    /// cpu some, memory some, memory full, io some, io full.
    pub pressure: [u16; 5],
    /// OOM kills since boot, while watching.
    pub oom: [u32; 2],
}

/// One core: user, system, iowait, idle in half-percents.
pub type CoreRecord = [u8; 4];

#[derive(Debug, Clone, Copy)]
pub struct IfaceRecord {
    pub name: NameId,
    /// Bit 0 admin up, 1 carrier known, 2 carrier, 3 rates known, 4–7 [`OPERSTATES`].
    pub flags: u8,
    /// Index into [`KINDS`].
    pub kind: u8,
    pub rx: f32,
    pub tx: f32,
}

const OPERSTATES: [&str; 7] = ["unknown", "up", "down", "lowerlayerdown", "dormant", "notpresent", "testing"];
/// The kinds the rules tell apart; others come back as the live interface's kind.
const KINDS: [&str; 4] = ["", "ether", "loopback", "bridge"];

fn hundredths(p: Option<f64>) -> u16 {
    p.filter(|p| p.is_finite()).map_or(NO_PERCENT, |p| (p.clamp(0.0, 600.0) * 100.0).round() as u16)
}

fn from_hundredths(v: u16) -> Option<f64> {
    (v != NO_PERCENT).then(|| f64::from(v) / 100.0)
}

fn half(p: f64) -> u8 {
    if p.is_finite() { (p.clamp(0.0, 100.0) * 2.0).round() as u8 } else { NO_HALF }
}

fn from_half(v: u8) -> f64 {
    if v == NO_HALF { 0.0 } else { f64::from(v) / 2.0 }
}

fn real(v: Option<f64>) -> f32 {
    v.map_or(f32::NAN, |v| v as f32)
}

fn from_real(v: f32) -> Option<f64> {
    (!v.is_nan()).then_some(f64::from(v))
}

fn bytes(v: Option<u64>) -> f32 {
    real(v.map(|b| b as f64))
}

fn from_bytes(v: f32) -> Option<u64> {
    from_real(v).map(|b| b as u64)
}

fn count(v: Option<u64>) -> u32 {
    v.map_or(NO_COUNT, |n| n.min(u64::from(NO_COUNT - 1)) as u32)
}

fn from_count(v: u32) -> Option<u64> {
    (v != NO_COUNT).then_some(u64::from(v))
}

/// The seconds east of UTC in `+01:00`.
pub fn parse_offset(offset: &str) -> i32 {
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset.trim_start_matches(['+', '-']);
    let mut parts = digits.split(':').map(|p| p.parse::<i32>().unwrap_or(0));
    let (h, m) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    sign * (h * 3600 + m * 60)
}

/// The record for `f` taken at `at_ms`, its cores and interfaces put in `cores` and
/// `interfaces` (cleared first, so they are reused).
pub fn encode(
    f: &FastTier,
    at_ms: i64,
    names: &mut Names,
    cores: &mut Vec<CoreRecord>,
    interfaces: &mut Vec<IfaceRecord>,
) -> FastRecord {
    let t = f.cpu.total;
    let cpu = [
        hundredths(t.map(|t| t.user)),
        hundredths(t.map(|t| t.system)),
        hundredths(t.map(|t| t.iowait)),
        hundredths(t.map(|t| t.steal)),
        hundredths(t.map(|t| t.idle)),
    ];
    let l = f.cpu.load;
    let m = f.memory;
    let s = f.swap;
    let limits = &f.limits;
    let p = &f.pressure;
    cores.clear();
    cores.extend(f.cpu.per_core.iter().map(|c| [half(c.user), half(c.system), half(c.iowait), half(c.idle)]));
    interfaces.clear();
    interfaces.extend(f.interfaces.iter().filter_map(|i| {
        let name = names.id(&i.name)?;
        let operstate = OPERSTATES.iter().position(|s| *s == i.operstate).unwrap_or(0) as u8;
        let flags = u8::from(i.admin_up)
            | u8::from(i.carrier.is_some()) << 1
            | u8::from(i.carrier == Some(true)) << 2
            | u8::from(i.rates.is_some()) << 3
            | operstate << 4;
        let kind = KINDS.iter().position(|k| *k == i.kind).unwrap_or(0) as u8;
        let r = i.rates.unwrap_or_default();
        Some(IfaceRecord { name, flags, kind, rx: r.rx_bytes_per_s as f32, tx: r.tx_bytes_per_s as f32 })
    }));
    FastRecord {
        at_ms,
        utc_offset_s: parse_offset(&f.time.utc_offset),
        uptime_s: count(f.time.uptime_seconds.map(|u| u as u64)),
        cpu,
        load: [real(l.map(|l| l.one)), real(l.map(|l| l.five)), real(l.map(|l| l.fifteen))],
        runnable: l.map_or(0, |l| l.runnable),
        entities: l.map_or(0, |l| l.entities),
        memory: [
            bytes(m.map(|m| m.total_bytes)),
            bytes(m.map(|m| m.available_bytes)),
            // Derived where it is the total less the other (as `collect::memory` makes it):
            // a figure that changes every second, kept for nothing.
            m.map_or(f32::NAN, |m| derivable(m.used_bytes, m.total_bytes.checked_sub(m.available_bytes))),
            bytes(m.map(|m| m.free_bytes)),
            bytes(m.map(|m| m.buffers_bytes)),
            bytes(m.map(|m| m.cached_bytes)),
        ],
        swap: [
            bytes(s.map(|s| s.total_bytes)),
            bytes(s.map(|s| s.used_bytes)),
            s.map_or(f32::NAN, |s| derivable(s.free_bytes, s.total_bytes.checked_sub(s.used_bytes))),
        ],
        limits: [
            bytes(limits.memory_max_bytes),
            bytes(limits.memory_current_bytes),
            bytes(limits.memory_inactive_file_bytes),
            real(limits.cpu_quota_cpus),
        ],
        pressure: [
            hundredths(p.cpu_some),
            hundredths(p.memory_some),
            hundredths(p.memory_full),
            hundredths(p.io_some),
            hundredths(p.io_full),
        ],
        oom: [count(f.oom_kills.since_boot), count(f.oom_kills.while_watching)],
    }
}

/// Stored for a figure that is one known figure less another, so not stored.
const DERIVED: f32 = f32::NEG_INFINITY;

fn derivable(v: u64, difference: Option<u64>) -> f32 {
    if difference == Some(v) { DERIVED } else { bytes(Some(v)) }
}

/// `stored`, or `total - other` where it was [`DERIVED`].
fn underived(stored: f32, total: f32, other: f32) -> f32 {
    if stored == DERIVED {
        from_bytes(total).zip(from_bytes(other)).map_or(f32::NAN, |(t, o)| (t - o) as f32)
    } else {
        stored
    }
}

impl FastRecord {
    /// Memory used, bytes (NaN: unknown).
    fn memory_used(&self) -> f32 {
        underived(self.memory[2], self.memory[0], self.memory[1])
    }

    pub fn cpu_total(&self) -> Option<CpuUsage> {
        let [user, system, iowait, steal, idle] = self.cpu.map(from_hundredths);
        Some(CpuUsage { user: user?, system: system?, iowait: iowait?, steal: steal?, idle: idle? })
    }

    pub fn load(&self) -> Option<Load> {
        let [one, five, fifteen] = self.load.map(from_real);
        Some(Load { one: one?, five: five?, fifteen: fifteen?, runnable: self.runnable, entities: self.entities })
    }

    pub fn memory(&self) -> Option<Memory> {
        let [total, available, _, free, buffers, cached] = self.memory.map(from_bytes);
        let used = from_bytes(self.memory_used());
        Some(Memory {
            total_bytes: total?,
            available_bytes: available?,
            used_bytes: used?,
            free_bytes: free?,
            buffers_bytes: buffers?,
            cached_bytes: cached?,
        })
    }

    /// Memory used in % of the total (or of the container's limit, as health judges it).
    pub fn memory_used_percent(&self) -> Option<f64> {
        let [max, current, inactive, _] = self.limits.map(from_real);
        if let (Some(max), Some(current)) = (max, current)
            && max > 0.0
        {
            return Some((current - inactive.unwrap_or(0.0)).max(0.0) * 100.0 / max);
        }
        let [total, ..] = self.memory.map(from_real);
        let used = from_real(self.memory_used());
        total.filter(|t| *t > 0.0).zip(used).map(|(t, u)| u * 100.0 / t)
    }
}

/// The fast tier as it was: the record's figures, with what history does not keep (the
/// CPU model, interface addresses and link details) taken from `now`, the latest one.
pub fn decode<'a>(
    r: &FastRecord,
    cores: impl Iterator<Item = &'a CoreRecord>,
    interfaces: impl Iterator<Item = &'a IfaceRecord>,
    names: &Names,
    now: &FastTier,
) -> FastTier {
    let per_core = cores
        .map(|c| {
            let [user, system, iowait, idle] = c.map(from_half);
            // What is neither user, system, iowait nor idle is steal (the bars draw it as
            // "other"), so busy adds up as it did.
            let steal = (100.0 - user - system - iowait - idle).max(0.0);
            CpuUsage { user, system, iowait, steal, idle }
        })
        .collect();
    let [max, current, inactive, quota] = r.limits.map(from_real);
    let swap = [r.swap[0], r.swap[1], underived(r.swap[2], r.swap[0], r.swap[1])].map(from_bytes);
    let interfaces = interfaces
        .map(|i| {
            let name = names.name(i.name);
            let live = now.interfaces.iter().find(|l| l.name == name);
            let mut iface = live.cloned().unwrap_or_else(|| Interface {
                name: name.to_string(),
                operstate: String::new(),
                admin_up: false,
                carrier: None,
                speed_mbps: None,
                duplex: None,
                mtu: None,
                mac: None,
                kind: KINDS[(i.kind as usize).min(KINDS.len() - 1)].to_string(),
                addresses: Vec::new(),
                counters: None,
                rates: None,
                bond_slave: false,
            });
            iface.operstate = OPERSTATES.get(usize::from(i.flags >> 4)).unwrap_or(&"unknown").to_string();
            iface.admin_up = i.flags & 1 != 0;
            iface.carrier = (i.flags & 2 != 0).then_some(i.flags & 4 != 0);
            iface.rates = (i.flags & 8 != 0)
                // Error and drop rates are not kept yet: zero in a past frame.
                .then_some(NetRates {
                    rx_bytes_per_s: f64::from(i.rx),
                    tx_bytes_per_s: f64::from(i.tx),
                    ..NetRates::default()
                });
            iface
        })
        .collect();
    let [cpu_some, memory_some, memory_full, io_some, io_full] = r.pressure.map(from_hundredths);
    let uptime_seconds = from_count(r.uptime_s).map(|u| u as f64);
    FastTier {
        time: past_clock(&now.time, r.at_ms, r.utc_offset_s, uptime_seconds),
        cpu: Cpu { model: now.cpu.model.clone(), total: r.cpu_total(), per_core, load: r.load() },
        memory: r.memory(),
        swap: match swap {
            [Some(total_bytes), Some(used_bytes), Some(free_bytes)] => {
                Some(Swap { total_bytes, used_bytes, free_bytes })
            }
            _ => None,
        },
        limits: ContainerLimits {
            memory_max_bytes: max.map(|b| b as u64),
            memory_current_bytes: current.map(|b| b as u64),
            cpu_quota_cpus: quota,
            memory_inactive_file_bytes: inactive.map(|b| b as u64),
        },
        pressure: Pressure { cpu_some, memory_some, memory_full, io_some, io_full },
        oom_kills: OomKills { since_boot: from_count(r.oom[0]), while_watching: from_count(r.oom[1]) },
        interfaces,
        // Put in by the caller from the record's disks (`super::disks::decode`).
        disks: Vec::new(),
    }
}

/// The clock at `at_ms`, in the zone it had then (by its offset); boot time as now.
fn past_clock(now: &Clock, at_ms: i64, utc_offset_s: i32, uptime_seconds: Option<f64>) -> Clock {
    Clock {
        epoch: at_ms.div_euclid(1000),
        local: super::when::local(at_ms.div_euclid(1000), utc_offset_s, "%Y-%m-%d %H:%M:%S"),
        uptime_seconds,
        ..now.clone()
    }
}
