//! The ranges every duration a user can set must fall in, from a flag or the
//! configuration file: the refresh intervals (`--interval`, `--proc-interval`,
//! `interval`, `slow_interval`, `proc_interval`) and the `--sample-ms` window.
//!
//! Why bounds at all: `Duration::from_secs_f64` panics past ~5.8e11 years (`1e308`
//! killed ctop), an interval of a nanosecond spins a core, and a sample window of
//! 10^14 ms is a `--once` that never returns.

use std::time::Duration;

/// The shortest refresh interval, in seconds: ten frames a second is already more
/// than a terminal over ssh shows usefully.
pub const SHORTEST_SECONDS: f64 = 0.1;
/// The longest refresh interval, in seconds: one day.
pub const LONGEST_SECONDS: f64 = 86_400.0;
/// The longest `--sample-ms` window: one hour. 0 is allowed (no waiting: rates need
/// a window and stay unknown).
pub const LONGEST_SAMPLE_MS: u64 = 3_600_000;

/// `seconds` as a refresh interval, or why it is not one (the reason names the
/// range, so the caller only adds which flag or key it was).
pub fn interval(seconds: f64) -> Result<Duration, String> {
    if (SHORTEST_SECONDS..=LONGEST_SECONDS).contains(&seconds) {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!("must be from {SHORTEST_SECONDS} to {LONGEST_SECONDS} seconds (1 day), not {seconds:?}"))
    }
}

/// `ms` as the `--once`/`--json` sample window, or why it is not one.
pub fn sample_window(ms: u64) -> Result<Duration, String> {
    if ms <= LONGEST_SAMPLE_MS {
        Ok(Duration::from_millis(ms))
    } else {
        Err(format!("must be from 0 to {LONGEST_SAMPLE_MS} milliseconds (1 hour), not {ms}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_inside_the_range_are_accepted_at_both_ends() {
        assert_eq!(interval(0.1), Ok(Duration::from_millis(100)));
        assert_eq!(interval(86_400.0), Ok(Duration::from_secs(86_400)));
        assert_eq!(interval(1.5), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn every_float_outside_the_range_is_refused_without_panicking() {
        for bad in [0.0, -0.0, -1.0, 0.099_999, 86_400.001, 1e308, f64::MAX, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]
        {
            let err = interval(bad).unwrap_err();
            assert!(err.starts_with("must be from 0.1 to 86400 seconds (1 day), not "), "{err}");
        }
    }

    #[test]
    fn sample_windows_up_to_an_hour() {
        assert_eq!(sample_window(0), Ok(Duration::ZERO));
        assert_eq!(sample_window(3_600_000), Ok(Duration::from_secs(3600)));
        assert!(sample_window(3_600_001).is_err());
        assert!(sample_window(u64::MAX).unwrap_err().contains("1 hour"));
    }
}
