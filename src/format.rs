//! Human units shared by the screen and the text report: bytes, rates, durations,
//! percentages — one spelling everywhere.

/// `1.2 GiB`, `512 B`: binary units, three significant digits.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else if value >= 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

/// Compact form for narrow columns: `1.2G`, `512K`, `37B`.
pub fn bytes_short(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "K", "M", "G", "T", "P", "E"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n}B")
    } else if value >= 10.0 {
        format!("{value:.0}{}", UNITS[unit])
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

/// A process's disk I/O rate: `0` when idle, so that the few doing I/O stand out
/// (where the rate is unknown the caller leaves the cell blank, never 0).
pub fn io_rate(bytes_per_s: f32) -> String {
    if bytes_per_s < 1.0 { "0".to_string() } else { bytes_short(bytes_per_s as u64) }
}

/// Bits per second in SI steps: the value and its prefix (`""`, `k`, `M`, `G`).
fn scale_bits(bits: f64) -> (f64, &'static str) {
    if bits >= 1e9 {
        (bits / 1e9, "G")
    } else if bits >= 1e6 {
        (bits / 1e6, "M")
    } else if bits >= 1e3 {
        (bits / 1e3, "k")
    } else {
        (bits, "")
    }
}

/// Network rate in bits per second, as link speeds are spoken of: `12.3 Mb/s`.
pub fn bit_rate(bytes_per_s: f64) -> String {
    match scale_bits(bytes_per_s * 8.0) {
        (value, "") => format!("{value:.0} b/s"),
        (value, prefix) if value >= 100.0 => format!("{value:.0} {prefix}b/s"),
        (value, prefix) => format!("{value:.1} {prefix}b/s"),
    }
}

/// Compact rate for narrow columns headed `b/s`: `80`, `320k`, `10M`, `1.2G`.
pub fn bit_rate_short(bytes_per_s: f64) -> String {
    match scale_bits((bytes_per_s * 8.0).max(0.0)) {
        (value, "") => format!("{value:.0}"),
        (value, prefix) if value >= 10.0 => format!("{value:.0}{prefix}"),
        (value, prefix) => format!("{value:.1}{prefix}"),
    }
}

/// A link speed as its number and unit letter: (`10`, `G`), (`2.5`, `G`), (`100`, `M`).
fn link_speed_parts(mbps: u32) -> (String, char) {
    if mbps >= 1000 && mbps.is_multiple_of(1000) {
        ((mbps / 1000).to_string(), 'G')
    } else if mbps >= 1000 {
        (format!("{:.1}", mbps as f64 / 1000.0), 'G')
    } else {
        (mbps.to_string(), 'M')
    }
}

/// Link speed: `100 Mb/s`, `10 Gb/s`, `400 Gb/s`.
pub fn link_speed(mbps: u32) -> String {
    let (number, unit) = link_speed_parts(mbps);
    format!("{number} {unit}b/s")
}

/// Link speed in a narrow column: `100M`, `1G`, `2.5G`, `400G`.
pub fn link_speed_short(mbps: u32) -> String {
    let (number, unit) = link_speed_parts(mbps);
    format!("{number}{unit}")
}

/// `3d 4h 12m`, `5h 03m`, `12m 40s`, `12s`.
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    let (d, h, m, s) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h {m:02}m")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// A count in few characters, in SI steps: `950`, `12.3k`, `4.1M`.
pub fn count(n: u64) -> String {
    let (value, unit) = match n {
        0..1_000 => return n.to_string(),
        1_000..1_000_000 => (n as f64 / 1e3, "k"),
        1_000_000..1_000_000_000 => (n as f64 / 1e6, "M"),
        _ => (n as f64 / 1e9, "G"),
    };
    if value >= 100.0 { format!("{value:.0}{unit}") } else { format!("{value:.1}{unit}") }
}

/// A count in full, its thousands grouped: `12,400`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `97%`, `4.5%`, `0.3%`: the value [`percent_shown`] gives.
pub fn percent(p: f64) -> String {
    let shown = percent_shown(p);
    if shown >= 10.0 || shown == 0.0 { format!("{shown:.0}%") } else { format!("{shown:.1}%") }
}

/// A percentage as [`percent`] shows it: whole from 10 % up, one decimal below (84.6 →
/// 85). Health judges this value, not the raw one, so a value shown at a threshold is
/// judged at it: what the screen says and its colour always agree.
pub fn percent_shown(p: f64) -> f64 {
    // Ties to even, as `format!("{:.0}")` rounds: 62.5 stays `62%` as it always read.
    let tenths = (p * 10.0).round_ties_even() / 10.0;
    if tenths >= 10.0 { p.round_ties_even() } else { tenths }
}

/// A filesystem's use as `df` shows it: rounded up to a whole percent (84.2 → `85%`),
/// so a disk is never shown emptier than it is. Judged as shown, like [`percent`].
pub fn percent_df(p: f64) -> String {
    format!("{:.0}%", p.ceil())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_the_way_people_say_them() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.50 KiB");
        assert_eq!(bytes(1288490189), "1.20 GiB");
        assert_eq!(bytes(200 * 1024 * 1024 * 1024), "200 GiB");
        assert_eq!(bytes_short(37), "37B");
        assert_eq!(bytes_short(1288490189), "1.2G");
        assert_eq!(bit_rate(1_250_000.0), "10.0 Mb/s");
        assert_eq!(bit_rate(10.0), "80 b/s");
        assert_eq!(bit_rate_short(1_250_000.0), "10M");
        assert_eq!(bit_rate_short(40_000.0), "320k");
        assert_eq!(bit_rate_short(150_000_000.0), "1.2G");
        assert_eq!(bit_rate_short(10.0), "80");
        assert_eq!(link_speed(10_000), "10 Gb/s");
        assert_eq!(link_speed(2500), "2.5 Gb/s");
        assert_eq!(link_speed(100), "100 Mb/s");
        assert_eq!(link_speed_short(10_000), "10G");
        assert_eq!(link_speed_short(2500), "2.5G");
        assert_eq!(link_speed_short(100), "100M");
        assert_eq!(duration(3.0 * 86_400.0 + 4.0 * 3600.0 + 720.0), "3d 4h 12m");
        assert_eq!(duration(760.0), "12m 40s");
        assert_eq!(duration(12.9), "12s");
        assert_eq!(count(950), "950");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(count(4_100_000), "4.1M");
        assert_eq!(count(250_000), "250k");
        assert_eq!(percent(97.2), "97%");
        assert_eq!(percent(4.54), "4.5%");
        assert_eq!(percent(84.6), "85%");
        assert_eq!(percent_shown(84.6), 85.0);
        assert_eq!(percent_shown(84.4), 84.0);
        assert_eq!(percent(9.96), "10%");
        assert_eq!(percent_shown(9.96), 10.0);
        assert_eq!(percent_df(84.2), "85%");
        assert_eq!(percent_df(85.0), "85%");
    }
}
