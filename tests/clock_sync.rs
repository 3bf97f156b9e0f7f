//! Whether the kernel clock is synchronised: adjtimex's `maxerror` judged as
//! systemd-timedated does, the warning's wording by platform, and, as root, for real:
//! `maxerror` raised to the kernel's 16 s ceiling with adjtimex(ADJ_MAXERROR) and
//! restored after.

use ctop::collect::clock::{Clock, ClockSampler};
use ctop::collect::platform::Platform;
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{ClockDiscipline, FixedSystem, Source};
use std::sync::Arc;

fn clock_with(max_error_us: i64) -> Clock {
    let system = FixedSystem { clock: Some(ClockDiscipline { max_error_us, status: 0 }), ..FixedSystem::default() };
    ClockSampler::new(Source::new("/nonexistent", Arc::new(system))).collect()
}

fn finding(time: Clock, platform: Platform, t: &Thresholds) -> Option<(Severity, String)> {
    let snapshot = Snapshot { time, platform, ..Snapshot::default() };
    let findings = health::judge(&snapshot, t);
    findings.problems.iter().find(|p| p.key == Key::Clock).map(|p| (p.severity, p.message.clone()))
}

#[test]
fn synchronised_below_16_seconds_of_max_error_whatever_sta_unsync_says() {
    let just_under = clock_with(15_999_999);
    assert_eq!((just_under.synchronized, just_under.max_error_seconds), (Some(true), Some(15.999999)));
    let at = clock_with(16_000_000);
    assert_eq!((at.synchronized, at.max_error_seconds), (Some(false), Some(16.0)));
    let unknown = ClockSampler::new(Source::new("/nonexistent", Arc::new(FixedSystem::default()))).collect();
    assert_eq!((unknown.synchronized, unknown.max_error_seconds), (None, None));
    let t = Thresholds::default();
    assert_eq!(finding(just_under, Platform::default(), &t), None);
    assert_eq!(finding(unknown, Platform::default(), &t), None, "unknown is not a problem");
}

#[test]
fn the_warning_says_whose_clock_it_is() {
    let t = Thresholds::default();
    let bare = finding(clock_with(16_000_000), Platform::default(), &t);
    assert_eq!(bare, Some((Severity::Warning, "clock not synchronised: epoch may be off".to_string())));
    let vm = Platform { virtualization: Some("kvm".into()), ..Platform::default() };
    let (_, message) = finding(clock_with(16_000_000), vm.clone(), &t).unwrap();
    assert_eq!(message, "clock not synchronised: epoch may be off (no NTP in this VM)");
    let container = Platform { container: Some("docker".into()), ..vm };
    let (_, message) = finding(clock_with(16_000_000), container, &t).unwrap();
    assert_eq!(message, "clock not synchronised (the host's): epoch may be off");
    let off = Thresholds { clock_max_error_warning_seconds: 17.0, ..t };
    assert_eq!(finding(clock_with(16_000_000), Platform::default(), &off), None, "above 16 never fires");
}

/// adjtimex(2) with the given modes and maxerror; the kernel's answer.
fn adjtimex(modes: u32, max_error_us: i64) -> std::io::Result<libc::timex> {
    // SAFETY: a zeroed timex carrying only the fields the modes name.
    let mut timex: libc::timex = unsafe { std::mem::zeroed() };
    timex.modes = modes;
    timex.maxerror = max_error_us as _;
    // SAFETY: a valid pointer to a timex this function owns.
    if unsafe { libc::adjtimex(&mut timex) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(timex)
}

/// Puts the kernel's maxerror back as it was, however the test ends.
struct RestoreMaxError(i64);

impl Drop for RestoreMaxError {
    fn drop(&mut self) {
        let _ = adjtimex(libc::ADJ_MAXERROR, self.0);
    }
}

#[test]
fn the_live_clock_read_as_timedated_reads_it_with_maxerror_changed_for_real() {
    if !nix::unistd::geteuid().is_root() {
        return eprintln!("skipped: clock_sync: needs root (CAP_SYS_TIME) to set adjtimex's maxerror");
    }
    let original = adjtimex(0, 0).expect("adjtimex with modes 0").maxerror as i64;
    if adjtimex(libc::ADJ_MAXERROR, original).is_err() {
        return eprintln!("skipped: clock_sync: adjtimex(ADJ_MAXERROR) refused (no CAP_SYS_TIME here)");
    }
    let _restore = RestoreMaxError(original);
    let live = || ClockSampler::new(Source::live()).collect();

    adjtimex(libc::ADJ_MAXERROR, 250_000).unwrap();
    let synced = live();
    assert_eq!(synced.synchronized, Some(true), "{synced:?}");
    // The kernel adds 500 µs a second to it: a little more than was set, never less.
    let max_error = synced.max_error_seconds.unwrap();
    assert!((0.25..1.0).contains(&max_error), "{max_error}");

    adjtimex(libc::ADJ_MAXERROR, 16_000_000).unwrap();
    let unsynced = live();
    assert_eq!((unsynced.synchronized, unsynced.max_error_seconds), (Some(false), Some(16.0)));
    let (severity, message) = finding(unsynced, Platform::default(), &Thresholds::default()).unwrap();
    assert_eq!(severity, Severity::Warning);
    assert!(message.starts_with("clock not synchronised"), "{message}");
}
