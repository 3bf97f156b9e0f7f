//! `--once` and `--json` keep the answer too: ports, owners and a reuseport pool's size
//! whole in 80 columns, mount paths keep their distinguishing end, `lowerlayerdown` and
//! `Permission denied` whole, the OOM-since-boot hint last, the shown use % judged; and
//! the collectors behind them: a too-short sample window gives "unknown" CPU, not a
//! false 100 %, and a `--root` tree's uptime is never turned into "ago" with this clock.

mod fit_support;

use ctop::collect::cpu::CpuSampler;
use ctop::health::{self, Thresholds};
use ctop::report;
use ctop::snapshot::{self, Snapshot};
use ctop::source::{FixedSystem, Source};
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use fit_support::{findings, long_mounts, snapshot};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

fn once(s: &Snapshot) -> String {
    report::text(s, &findings(s), false)
}

/// The lines of one `--once` section, from its title to the next blank line.
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines().skip_while(|l| *l != title).skip(1).take_while(|l| !l.is_empty()).collect()
}

#[test]
fn every_line_fits_80_columns() {
    for line in once(&snapshot()).lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

#[test]
fn ports_owners_and_pool_sizes_are_whole() {
    let text = once(&snapshot());
    let rows = section(&text, "LISTENING");
    let row = |port: &str| *rows.iter().find(|l| l.contains(port)).unwrap_or_else(|| panic!("{port}: {rows:#?}"));
    assert!(row(" 5433 ").contains("127.0.0.1") && row(" 5433 ").ends_with("python3 (8123)"), "{rows:#?}");
    assert!(row(" 47015 ").ends_with("python3 (8124), 8 sockets"), "{rows:#?}");
    assert!(row(" 8080 ").contains("fe80::fc:ff:fe00:1") && row(" 8080 ").ends_with("nginx (900)"), "{rows:#?}");
}

#[test]
fn mounts_under_one_long_directory_are_told_apart() {
    let text = once(&snapshot());
    let rows = section(&text, "FILESYSTEMS");
    for (i, mount) in long_mounts().iter().enumerate() {
        let end = format!("/data{} ", i + 1);
        let row = rows.iter().find(|l| l.contains(&end)).unwrap_or_else(|| panic!("{mount}: {rows:#?}"));
        assert!(row.contains("tmpfs") && row.contains("10%"), "{row:?}");
    }
}

#[test]
fn hung_and_denied_mounts_keep_their_reason() {
    let text = once(&snapshot());
    let rows = section(&text, "FILESYSTEMS");
    let hung = rows.iter().find(|l| l.contains("/mnt/archive")).unwrap();
    assert!(hung.starts_with("!!") && hung.ends_with("(NOT RESPONDING for 12s)"), "{hung:?}");
    let denied = rows.iter().find(|l| l.contains("/mnt/locked")).unwrap();
    assert!(denied.ends_with("(Permission denied)"), "{denied:?}");
}

#[test]
fn an_interface_state_is_whole() {
    let text = once(&snapshot());
    let row = section(&text, "INTERFACES").into_iter().find(|l| l.contains("bond0")).unwrap();
    assert!(row.contains(" lowerlayerdown "), "{row:?}");
}

#[test]
fn the_use_percent_shown_is_the_one_judged() {
    let text = once(&snapshot());
    let row = section(&text, "FILESYSTEMS").into_iter().find(|l| l.contains("/run/edge")).unwrap();
    assert!(row.starts_with("!  /run/edge") && row.contains(" 85% "), "{row:?}");
    assert!(section(&text, "PROBLEMS").contains(&"!  /run/edge 85% full, 154 MiB left"), "{text}");
}

#[test]
fn the_oom_hint_comes_after_every_warning_in_once_and_json() {
    let s = snapshot();
    let text = once(&s);
    let problems = section(&text, "PROBLEMS");
    assert_eq!(problems.len(), 8, "{problems:#?}");
    assert_eq!(problems[7], "!  3 OOM kills since boot", "{problems:#?}");
    let json: serde_json::Value = serde_json::from_str(&report::json(&s, &findings(&s)).unwrap()).unwrap();
    let subjects: Vec<&str> =
        json["findings"].as_array().unwrap().iter().map(|f| f["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects.len(), 8);
    assert_eq!(subjects[7], "oom", "{subjects:?}");
    assert_eq!(&subjects[..2], ["/mnt/archive", "bond0"], "{subjects:?}");
}

/// A tree with one `/proc/stat`: two CPUs with `ticks` each, split user/idle.
fn write_stat(root: &Path, user: u64, idle: u64) {
    let cpu = |name: &str, n: u64| format!("{name} {} 0 0 {} 0 0 0 0 0 0\n", user * n, idle * n);
    let stat = format!("{}{}{}btime 1700000000\nctxt 1\nprocesses 1\n", cpu("cpu", 2), cpu("cpu0", 1), cpu("cpu1", 1));
    std::fs::write(root.join("proc/stat"), stat).unwrap();
}

fn tree(pid_tag: &str) -> tempfile::TempDir {
    let dir =
        tempfile::Builder::new().prefix(&format!("ctop-once-fit-{pid_tag}-{}-", std::process::id())).tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("proc")).unwrap();
    dir
}

fn fixed(root: &Path, now_epoch: u64) -> Source {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now_epoch);
    Source::new(root, Arc::new(FixedSystem { now: Some(now), ..FixedSystem::default() }))
}

#[test]
fn a_sample_window_of_one_tick_gives_unknown_cpu_not_100_percent() {
    let dir = tree("cpu");
    write_stat(dir.path(), 100, 1000);
    let mut cpu = CpuSampler::new(fixed(dir.path(), 1_800_000_000));
    assert_eq!(cpu.collect().total, None, "one reading");
    // One user tick on each CPU since: what two readings a millisecond apart see.
    write_stat(dir.path(), 101, 1000);
    let c = cpu.collect();
    assert_eq!(c.total, None, "one tick is no window: {:?}", c.total);
    assert!(c.per_core.is_empty(), "{:?}", c.per_core);
    let findings = health::judge(&Snapshot { cpu: c, ..Snapshot::default() }, &Thresholds::default());
    assert!(findings.problems.is_empty(), "{:?}", findings.problems);
    // A real window (0.2 s of ticks), measured from the same start: known, one per CPU.
    write_stat(dir.path(), 105, 1016);
    let c = cpu.collect();
    let busy = c.total.unwrap().busy();
    assert!((busy - 5.0 / 21.0 * 100.0).abs() < 1e-9, "{busy}");
    assert_eq!(c.per_core.len(), 2);
}

/// A `--root` tree captured 25 minutes after a boot two months before this clock.
fn rebooted_tree(with_btime: bool) -> (tempfile::TempDir, Source) {
    let dir = tree("root");
    std::fs::write(dir.path().join("proc/uptime"), "1500.00 2900.00\n").unwrap();
    let btime = if with_btime { "btime 1790000000\n" } else { "" };
    std::fs::write(dir.path().join("proc/stat"), format!("cpu 1 0 1 100 0 0 0 0 0 0\n{btime}")).unwrap();
    let source = fixed(dir.path(), 1_795_990_987);
    (dir, source)
}

#[test]
fn a_root_tree_s_uptime_is_not_turned_into_ago_with_this_clock() {
    let (_dir, source) = rebooted_tree(true);
    let s = snapshot::collect_once(&source, Duration::ZERO);
    assert!(s.from_root_tree);
    assert_eq!(s.time.boot_epoch, Some(1_790_000_000));
    let f = health::judge(&s, &Thresholds::default());
    let messages: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.contains(&"up only 25m 00s when the tree was read"), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("ago")), "{messages:?}");
    let text = report::text(&s, &f, false);
    let uptime = text.lines().find(|l| l.contains("uptime")).unwrap();
    assert!(uptime.contains("25m 00s (the --root tree's, as of its capture)"), "{uptime:?}");

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let screen = Screen { snapshot: &s, findings: &f, theme: Theme::MONO, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut View::default())).unwrap();
    let buf = terminal.backend().buffer();
    let header: String = (0..120).map(|x| buf[(x, 1)].symbol()).collect();
    assert!(header.contains("tree up ! 25m 00s") && !header.contains(" up 25m"), "{header:?}");
}

#[test]
fn without_btime_a_root_tree_has_no_boot_time_made_from_this_clock() {
    let (_dir, source) = rebooted_tree(false);
    let s = snapshot::collect_once(&source, Duration::ZERO);
    assert_eq!(s.time.uptime_seconds, Some(1500.0));
    assert_eq!(s.time.boot_epoch, None, "now − the tree's uptime is no date");
}
