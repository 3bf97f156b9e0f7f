//! Times as people type and read them: [`parse`] understands what the `b` key (and the
//! recorder's `--at`) accepts — `HH:MM`, `HH:MM:SS` (local, the latest such moment not
//! in the future), an epoch in seconds, or `-10m` / `-90s` / `-2h` before now — and
//! [`local`] formats an epoch in a zone given by its UTC offset.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// `epoch` (seconds) as local time at `utc_offset_s`, formatted with strftime `format`.
pub fn local(epoch: i64, utc_offset_s: i32, format: &str) -> String {
    let Ok(ts) = Timestamp::from_second(epoch) else { return "?".into() };
    let zone = Offset::from_seconds(utc_offset_s).map_or(TimeZone::UTC, TimeZone::fixed);
    ts.to_zoned_datetime(zone).strftime(format).to_string()
}

/// The epoch (seconds) `text` names, given the time now and the local offset from UTC;
/// or why it names none, in words for the status line.
pub fn parse(text: &str, now: i64, utc_offset_s: i32) -> Result<i64, String> {
    let text = text.trim();
    if let Some(ago) = text.strip_prefix('-') {
        return Ok(now - duration(ago)?);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().map_err(|_| format!("`{text}` is not an epoch"));
    }
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str, max: i64| s.parse::<i64>().ok().filter(|v| (0..=max).contains(v) && s.len() <= 2);
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (number(h, 23), number(m, 59), Some(0)),
        [h, m, s] => (number(h, 23), number(m, 59), number(s, 59)),
        _ => (None, None, None),
    };
    let (Some(h), Some(m), Some(s)) = (h, m, s) else {
        return Err(format!("`{text}`: give HH:MM, HH:MM:SS, an epoch or -10m"));
    };
    let offset = i64::from(utc_offset_s);
    let local_now = now + offset;
    let midnight = local_now - local_now.rem_euclid(86_400);
    let mut at = midnight + h * 3600 + m * 60 + s;
    if at > local_now {
        at -= 86_400;
    }
    Ok(at - offset)
}

/// `10m`, `90s`, `2h`, `1h30m`, `45` (seconds) as seconds.
fn duration(text: &str) -> Result<i64, String> {
    let bad = || format!("`-{text}`: give a duration like -10m, -90s or -1h30m");
    let mut total = 0i64;
    let mut digits = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'h' | 'm' | 's' | 'd' => {
                let n: i64 = digits.parse().map_err(|_| bad())?;
                let unit = match c {
                    'd' => 86_400,
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(n.checked_mul(unit).ok_or_else(bad)?).ok_or_else(bad)?;
                digits.clear();
            }
            _ => return Err(bad()),
        }
    }
    if !digits.is_empty() {
        total = total.checked_add(digits.parse::<i64>().map_err(|_| bad())?).ok_or_else(bad)?;
    }
    if text.is_empty() { Err(bad()) } else { Ok(total) }
}

/// `14m ago`, `2h 3m ago`, `5s ago`: how far `at` is behind `now` (seconds).
pub fn ago(now: i64, at: i64) -> String {
    let d = (now - at).max(0);
    match d {
        0..60 => format!("{d}s ago"),
        60..3600 => format!("{}m ago", d / 60),
        _ => format!("{}h {}m ago", d / 3600, d % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-29 12:00:00 UTC.
    const NOON: i64 = 1_795_953_600;

    #[test]
    fn clock_times_are_the_latest_not_in_the_future() {
        assert_eq!(parse("11:30", NOON, 0), Ok(NOON - 1800));
        assert_eq!(parse("11:30:15", NOON, 0), Ok(NOON - 1785));
        // 13:00 has not come yet today: yesterday's.
        assert_eq!(parse("13:00", NOON, 0), Ok(NOON + 3600 - 86_400));
        // At UTC+01:00 it is 13:00 local: 12:30 local is 11:30 UTC.
        assert_eq!(parse("12:30", NOON, 3600), Ok(NOON - 1800));
    }

    #[test]
    fn relative_times_and_epochs() {
        assert_eq!(parse("-10m", NOON, 0), Ok(NOON - 600));
        assert_eq!(parse("-1h30m", NOON, 0), Ok(NOON - 5400));
        assert_eq!(parse("-90", NOON, 0), Ok(NOON - 90));
        assert_eq!(parse(" 1795950000 ", NOON, 0), Ok(1_795_950_000));
    }

    #[test]
    fn nonsense_is_an_error_never_a_panic() {
        for bad in ["", "-", "25:00", "12:60", "1:2:3:4", "-10x", "noon", "-99999999999999999999h", "12:-5"] {
            assert!(parse(bad, NOON, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_times_follow_the_offset() {
        assert_eq!(local(NOON, 0, "%H:%M:%S"), "12:00:00");
        assert_eq!(local(NOON, -5 * 3600, "%H:%M"), "07:00");
        assert_eq!(ago(NOON, NOON - 840), "14m ago");
    }
}
