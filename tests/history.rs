//! History in memory: bounded whatever is fed (length and the bytes it reports), the
//! figures of a past moment given back as they were, columns that put a spike where it
//! happened, and names of interfaces that come and go not piling up.

mod history_support;

use ctop::history::{Column, History, Metric};
use ctop::snapshot::{Snapshot, Update};
use history_support::*;

const MIB: usize = 1 << 20;

#[test]
fn ten_windows_of_samples_keep_one_window_and_the_same_memory() {
    let mut history = History::new(cadence(60));
    feed(&mut history, END_MS - 9 * HOUR_MS, 3600, 2, 3);
    let one_window = history.bytes();
    assert_eq!(history.len(), 3600);
    feed(&mut history, END_MS, 9 * 3600, 2, 3);
    assert_eq!(history.len(), 3601, "the ring holds the window and one more sample, no more");
    assert_eq!(history.process_summaries(), 121);
    let ten_windows = history.bytes();
    eprintln!(
        "history of one hour at 1 s, 2 CPUs, 3 interfaces, 2 disks, 500 cgroups: {one_window} bytes, after ten hours {ten_windows}"
    );
    // Capacity was reserved for the window up front: feeding more reuses it.
    assert!(ten_windows <= one_window + one_window / 20, "{one_window} → {ten_windows}");
    // The budget: 1 MiB an hour on this machine (PERFORMANCE.md, *History*).
    assert!(ten_windows <= MIB, "history holds {ten_windows}");
    assert_eq!(history.span(), Some((END_MS - HOUR_MS, END_MS)));
}

#[test]
fn a_big_machine_costs_what_performance_md_says() {
    // 64 CPUs and 100 interfaces (2 disks, 500 cgroups), one hour at 1 s: PERFORMANCE.md
    // quotes this figure.
    let mut history = History::new(cadence(60));
    feed(&mut history, END_MS, 2 * 3600, 64, 100);
    let bytes = history.bytes();
    eprintln!("history of one hour at 1 s, 64 CPUs, 100 interfaces: {bytes} bytes");
    assert_eq!(history.len(), 3601);
    assert!((MIB / 2..MIB * 3 / 2).contains(&bytes), "{bytes}");
}

#[test]
fn a_past_moment_is_given_back_as_it_was() {
    let history = hour();
    let live = Snapshot::default();
    let during = history.snapshot_at(SPIKE_FROM_MS + 30_500, &live).expect("history is not empty");
    assert_eq!(during.time.epoch, (SPIKE_FROM_MS + 30_000) / 1000, "the last sample at or before the moment");
    assert_eq!(during.time.local, "2026-11-29 11:40:30");
    let busy = during.cpu.total.unwrap().busy();
    assert!((busy - 97.0).abs() < 0.01, "{busy}");
    assert_eq!(during.cpu.per_core.len(), 2);
    assert!((during.cpu.per_core[1].busy() - 97.0).abs() <= 0.5);
    assert_eq!(during.cpu.load.unwrap().one, 5.0);
    assert_eq!(during.memory.unwrap().used_bytes, 2 * GIB);
    assert_eq!(during.interfaces.len(), 3);
    assert_eq!(during.interfaces[2].rates.unwrap().rx_bytes_per_s, 100_000.0);
    assert_eq!(during.filesystems.len(), 2);
    // The process table as of the scan 30 s into the spike: burner at 99 %.
    let procs = during.processes.expect("a scan before the moment");
    assert_eq!(procs.total, 70);
    let burner = procs.list.iter().find(|p| p.name.as_ref() == "burner").expect("the busiest process is kept");
    assert_eq!(burner.cpu_percent, Some(99.0));

    let before = history.snapshot_at(SPIKE_FROM_MS - 1000, &live).unwrap();
    assert!((before.cpu.total.unwrap().busy() - 5.0).abs() < 0.01);
    // Before the first sample: the oldest one.
    let oldest = history.snapshot_at(0, &live).unwrap();
    assert_eq!(oldest.time.epoch, (END_MS - HOUR_MS + 1000) / 1000);
}

#[test]
fn stepping_moves_one_sample_and_stops_at_the_ends() {
    let history = hour();
    assert_eq!(history.step(END_MS, -1), Some(END_MS - 1000));
    assert_eq!(history.step(END_MS - 500, -1), Some(END_MS - 2000));
    assert_eq!(history.step(END_MS, 5), Some(END_MS));
    assert_eq!(history.step(0, -5), Some(END_MS - HOUR_MS + 1000));
    assert_eq!(History::new(cadence(60)).step(END_MS, -1), None);
}

#[test]
fn columns_put_the_spike_where_it_happened_at_any_width() {
    let history = hour();
    for width in [29usize, 60, 117, 250] {
        let mut columns: Vec<Column> = Vec::new();
        history.columns(&Metric::Cpu, END_MS, HOUR_MS, width, &mut columns);
        assert_eq!(columns.len(), width);
        let hot: Vec<usize> = (0..width).filter(|&i| columns[i].max > 90.0).collect();
        // The spike is minute 40 of 60: those columns, give or take the one each side.
        let first = (40.0 / 60.0 * width as f64) as usize;
        let last = (41.0 / 60.0 * width as f64).ceil() as usize;
        assert!(!hot.is_empty() && hot.iter().all(|&i| i + 1 >= first && i <= last), "width {width}: {hot:?}");
        let quiet = &columns[5];
        assert!(quiet.samples > 0 && (quiet.mean - 5.0).abs() < 0.01 && quiet.min <= quiet.mean);
        // The parts of the highest sample add up to it.
        let c = &columns[hot[0]];
        assert!((c.parts.iter().sum::<f32>() - c.max).abs() < 0.01);
    }
    let mut load = Vec::new();
    history.columns(&Metric::Load, END_MS, HOUR_MS, 60, &mut load);
    assert_eq!(load.iter().map(|c| c.max).fold(0.0, f32::max), 5.0);
    assert_eq!(history.busiest_interfaces(END_MS - HOUR_MS, END_MS, 2), ["eth1", "eth0"]);
}

#[test]
fn interfaces_that_come_and_go_are_forgotten() {
    let mut history = History::new(cadence(1));
    for s in 0..600i64 {
        let at = END_MS + s * 1000;
        let mut f = fast(at, 2, 2);
        // A new veth every second, as on a busy container host.
        f.interfaces.push(interface(&format!("veth{s}"), 10.0, true));
        history.record(&Update::Fast(Box::new(f)), at);
    }
    let bytes = history.bytes();
    for s in 600..1200i64 {
        let at = END_MS + s * 1000;
        let mut f = fast(at, 2, 2);
        f.interfaces.push(interface(&format!("veth{s}"), 10.0, true));
        history.record(&Update::Fast(Box::new(f)), at);
    }
    assert!(history.bytes() <= bytes + bytes / 10, "{bytes} → {}", history.bytes());
    let newest = history.snapshot_at(END_MS + 1199 * 1000, &Snapshot::default()).unwrap();
    assert_eq!(newest.interfaces.last().unwrap().name, "veth1199");
    let minute_ago = history.snapshot_at(END_MS + 1140 * 1000, &Snapshot::default()).unwrap();
    assert_eq!(minute_ago.interfaces.last().unwrap().name, "veth1140");
}

#[test]
fn kept_columns_equal_columns_aggregated_afresh() {
    // One history drawn every second while it grows, one only at the end: the columns
    // kept between frames must be what a fresh aggregation gives.
    let mut drawn = History::new(cadence(60));
    let mut fresh = History::new(cadence(60));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    feed(&mut drawn, END_MS - 300_000, 3600, 2, 3);
    feed(&mut fresh, END_MS - 300_000, 3600, 2, 3);
    for s in 1..=300 {
        let at = END_MS - 300_000 + s * 1000;
        let sample = Update::Fast(Box::new(fast(at, 2, 3)));
        drawn.record(&sample, at);
        fresh.record(&sample, at);
        drawn.columns(&Metric::Cpu, at, HOUR_MS, 117, &mut a);
    }
    let covered = fresh.columns(&Metric::Cpu, END_MS, HOUR_MS, 117, &mut b);
    assert_eq!(drawn.columns(&Metric::Cpu, END_MS, HOUR_MS, 117, &mut a), covered);
    // The oldest column may still hold samples the ring has since let go.
    assert_eq!(a[1..], b[1..]);
}

#[test]
fn history_minutes_is_a_config_key_from_one_minute_to_a_day() {
    use ctop::config::Config;
    let path = std::path::Path::new("/etc/ctop.toml");
    assert_eq!(Config::default().history_minutes, 60);
    assert_eq!(Config::from_toml("history_minutes = 1440\n", path).unwrap().history_minutes, 1440);
    for bad in ["history_minutes = 0\n", "history_minutes = 1441\n"] {
        let e = Config::from_toml(bad, path).unwrap_err().to_string();
        assert!(e.starts_with("/etc/ctop.toml:1: \"history_minutes\" must be 1 to 1440"), "{e}");
    }
    assert!(Config::default_toml().contains("history_minutes = 60"));
}
