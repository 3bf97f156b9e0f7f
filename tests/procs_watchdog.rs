//! A process scan whose read blocks (as a new process's `cmdline` does behind a held mm
//! lock) is shown as "process scan not responding for Ns" while every other tier goes
//! on, and the verdict clears when the scan returns. The blocked read is real: the
//! fixture's `cmdline` is a FIFO with no writer, so opening it waits until the test
//! opens the other end.

mod fixture_tree;

use ctop::health::{self, Findings, Key, Severity, Thresholds};
use ctop::snapshot::{Collectors, Intervals, Snapshot, Update};
use ctop::source::{FixedSystem, Source};
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use fixture_tree::copy_tree;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Generous: a scan of this fixture takes milliseconds; the deadlines only stop a
/// broken build from hanging the suite (about 20 times the waits expected).
const NEVER_HANGS: Duration = Duration::from_secs(20);

fn stalled(findings: &Findings) -> Option<String> {
    findings.problems.iter().find(|f| f.key == Key::ProcessScan).map(|f| f.message.clone())
}

fn title_of(snapshot: &Snapshot, findings: &Findings) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let screen = Screen { snapshot, findings, theme: Theme::MONO, now: Instant::now() };
    terminal.draw(|frame| draw(frame, &screen, &mut View::default())).unwrap();
    let buf = terminal.backend().buffer();
    let lines = (0..40).map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>());
    lines.filter(|l| l.contains("Processes")).collect()
}

/// Folds the next update in and judges: whether it was the fast tier's, and the findings.
fn next(collectors: &Collectors, snapshot: &mut Snapshot, thresholds: &Thresholds) -> (bool, Findings) {
    let update = collectors.updates.recv_timeout(NEVER_HANGS).expect("the tiers stopped sending");
    let fast = matches!(update, Update::Fast(_));
    snapshot.apply(update);
    (fast, health::judge(snapshot, thresholds))
}

#[test]
fn a_blocked_process_scan_is_not_responding_until_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("machine");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procs/basic"), &root);
    let fifo = root.join("proc/13455/cmdline");
    std::fs::remove_file(&fifo).unwrap();
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();

    let source =
        Source::new(&root, Arc::new(FixedSystem { now: Some(std::time::SystemTime::now()), ..FixedSystem::default() }));
    let ms = Duration::from_millis;
    let intervals = Intervals { fast: ms(100), slow: ms(1000), processes: ms(1000) };
    let collectors = Collectors::spawn(source, intervals, || {});
    let thresholds = Thresholds { process_scan_stalled_seconds: 1.0, ..Thresholds::default() };
    let mut snapshot = Snapshot::default();
    let mut fast_updates_while_stalled = 0;
    let started = Instant::now();
    let findings = loop {
        let (_, findings) = next(&collectors, &mut snapshot, &thresholds);
        if stalled(&findings).is_some() {
            break findings;
        }
        assert!(started.elapsed() < NEVER_HANGS, "the blocked scan was never called not responding");
    };
    let message = stalled(&findings).unwrap();
    assert!(message.starts_with("process scan not responding for ") && message.ends_with('s'), "{message}");
    assert_eq!(findings.severity(&Key::ProcessScan), Severity::Warning);
    assert!(snapshot.processes.is_none(), "the first scan is the one blocked");
    let title = title_of(&snapshot, &findings);
    assert!(title.contains("scan not responding for "), "{title}");

    // The rest goes on: the fast tier keeps sending while the scan is stuck.
    for _ in 0..3 {
        let (fast, findings) = next(&collectors, &mut snapshot, &thresholds);
        fast_updates_while_stalled += usize::from(fast);
        assert!(stalled(&findings).is_some());
    }
    assert!(fast_updates_while_stalled >= 2, "{fast_updates_while_stalled}");
    assert!(snapshot.processes.is_none());

    // Unblock the read: a writer gives it the command line and closes (EOF). Not an
    // empty one, which the next scan would ask again.
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    std::io::Write::write_all(&mut writer, b"sleep\x0030\0").unwrap();
    drop(writer);
    let started = Instant::now();
    loop {
        let (_, findings) = next(&collectors, &mut snapshot, &thresholds);
        if snapshot.processes.is_some() {
            assert_eq!(stalled(&findings), None);
            assert!(!title_of(&snapshot, &findings).contains("not responding"));
            break;
        }
        assert!(started.elapsed() < NEVER_HANGS, "the scan never returned after the read was unblocked");
    }
    assert!(snapshot.processes.as_ref().unwrap().total > 10);
}

#[test]
fn once_reports_a_blocked_process_scan_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("machine");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procs/basic"), &root);
    let fifo = root.join("proc/13455/cmdline");
    std::fs::remove_file(&fifo).unwrap();
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    // ctop waits 10 s past the window for the table; the scan never answers here.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(["--once", "--sample-ms", "0", "--root", root.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(200) {
            let _ = child.kill();
            panic!("ctop --once hung on a blocked process scan");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut text).unwrap();
    let problems = text.split("\nHOST").next().unwrap();
    assert!(problems.contains("!  process scan not responding for 1"), "{text}");
    assert!(text.contains("processes  unknown"), "{text}");
}
