//! Time: the clock (epoch and local time with its zone), whether the kernel holds it
//! synchronised (adjtimex(2), read-only), uptime from `/proc/uptime` and the boot time
//! from `/proc/stat` `btime`.

use super::kept::KeptReader;
use crate::source::{ClockDiscipline, Source};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Clock {
    /// Seconds since 1970-01-01 UTC.
    pub epoch: i64,
    /// `2026-11-24 14:03:07`.
    pub local: String,
    /// The zone's abbreviation now (`CET`, `UTC`) and its offset (`+01:00`).
    pub zone: String,
    pub utc_offset: String,
    /// IANA name where known (`Europe/Paris`).
    pub zone_name: Option<String>,
    pub uptime_seconds: Option<f64>,
    pub boot_epoch: Option<i64>,
    pub boot_local: Option<String>,
    /// Whether the kernel clock is synchronised (see [`synchronized`]); `None` where
    /// adjtimex cannot be asked.
    pub synchronized: Option<bool>,
    /// The kernel's bound on the clock's error (adjtimex `maxerror`), in seconds.
    pub max_error_seconds: Option<f64>,
}

/// The largest `maxerror` the kernel keeps (NTP_PHASE_LIMIT, 16 s): the clock has not
/// been disciplined for that long, or ever.
const UNSYNCHRONIZED_MAX_ERROR_US: i64 = 16_000_000;

/// Synchronised while `maxerror` is below 16 s, as systemd-timedated judges it
/// (`ntp_synced`): STA_UNSYNC is ignored, since chrony sets it on purpose to keep the
/// kernel from writing the RTC while timesyncd does not.
pub fn synchronized(discipline: &ClockDiscipline) -> bool {
    discipline.max_error_us < UNSYNCHRONIZED_MAX_ERROR_US
}

/// The zone of the machine being read: the system's on the live root, the image's
/// `/etc/localtime` under `--root`, UTC where there is none.
pub(super) fn time_zone(source: &Source) -> TimeZone {
    if source.is_live_root() {
        return system_zone().or_else(|| TimeZone::try_system().ok()).unwrap_or(TimeZone::UTC);
    }
    std::fs::read(source.path("/etc/localtime"))
        .ok()
        .and_then(|bytes| TimeZone::tzif("localtime", &bytes).ok())
        .unwrap_or(TimeZone::UTC)
}

/// The zone `/etc/localtime` links to, named as jiff names it (the link's path after
/// `zoneinfo/`), read directly: jiff's `try_system` looks the name up in its database,
/// which first lists every file under `/usr/share/zoneinfo` and keeps the list, ~100 KB
/// of heap for as long as ctop runs (heaptrack, PERFORMANCE.md). `None` where `TZ` is set
/// or `/etc/localtime` is no such link: jiff's own way then.
fn system_zone() -> Option<TimeZone> {
    if std::env::var_os("TZ").is_some() {
        return None;
    }
    let target = std::fs::read_link("/etc/localtime").ok()?;
    let target = target.to_str()?;
    let name = &target[target.rfind("zoneinfo/")? + "zoneinfo/".len()..];
    TimeZone::tzif(name, &std::fs::read("/etc/localtime").ok()?).ok()
}

/// When the machine booted, from `/proc/stat` `btime`: it never changes, so it is
/// read once, not on every tick.
fn boot_epoch(source: &Source) -> Option<i64> {
    let stat = source.read("/proc/stat").ok()?;
    stat.lines().find_map(|l| l.strip_prefix("btime ")).and_then(|v| v.trim().parse::<i64>().ok())
}

/// What the clock needs on every tick: the zone and boot time read once, `/proc/uptime`
/// kept open.
pub struct ClockSampler {
    source: Source,
    zone: TimeZone,
    boot_epoch: Option<i64>,
    uptime: KeptReader,
}

impl ClockSampler {
    pub fn new(source: Source) -> Self {
        Self {
            zone: time_zone(&source),
            boot_epoch: boot_epoch(&source),
            uptime: KeptReader::new(source.path("/proc/uptime")),
            source,
        }
    }

    /// The clock now; the boot time is `/proc/stat`'s `btime`, or now − uptime without it
    /// on the live machine.
    pub fn collect(&mut self) -> Clock {
        let zone = &self.zone;
        let discipline = self.source.sys.clock_discipline();
        let now = Timestamp::try_from(self.source.sys.now()).unwrap_or(Timestamp::UNIX_EPOCH);
        let zoned = now.to_zoned_datetime(zone.clone());
        let uptime_seconds = (self.uptime.read_text())
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .filter(|u| u.is_finite() && *u >= 0.0);
        // now − uptime only where both are this machine's: under `--root` the uptime is
        // the tree's, from another moment, and the difference would be a made-up date.
        let live = self.source.is_live_root();
        let boot_epoch =
            self.boot_epoch.or_else(|| uptime_seconds.filter(|_| live).map(|u| now.as_second() - u as i64));
        let local = |ts: Timestamp| ts.to_zoned_datetime(zone.clone()).strftime("%Y-%m-%d %H:%M:%S").to_string();
        Clock {
            epoch: now.as_second(),
            local: local(now),
            zone: zoned.strftime("%Z").to_string(),
            utc_offset: zoned.strftime("%:z").to_string(),
            zone_name: zone.iana_name().map(str::to_string),
            uptime_seconds,
            boot_epoch,
            boot_local: boot_epoch.and_then(|b| Timestamp::from_second(b).ok()).map(local),
            synchronized: discipline.as_ref().map(synchronized),
            max_error_seconds: discipline.map(|d| d.max_error_us as f64 / 1e6),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_read_from_etc_localtime_is_the_one_jiff_finds() {
        let Some(ours) = system_zone() else {
            eprintln!("skipped: TZ is set or /etc/localtime is not a link into a zoneinfo directory");
            return;
        };
        let jiffs = TimeZone::try_system().expect("jiff finds the system zone");
        assert_eq!(ours.iana_name(), jiffs.iana_name());
        for second in [0, 1_000_000_000, 1_795_985_563, 2_000_000_000, 4_000_000_000] {
            let at = Timestamp::from_second(second).unwrap();
            assert_eq!(ours.to_offset(at), jiffs.to_offset(at), "at {at}");
        }
    }
}
