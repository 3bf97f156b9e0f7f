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
        return TimeZone::try_system().unwrap_or(TimeZone::UTC);
    }
    std::fs::read(source.path("/etc/localtime"))
        .ok()
        .and_then(|bytes| TimeZone::tzif("localtime", &bytes).ok())
        .unwrap_or(TimeZone::UTC)
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
