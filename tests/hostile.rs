//! Names chosen by an attacker (`fixtures/hostile/machine`: escape sequences, OSC 52,
//! 8-bit CSI, bidi overrides, zero-width characters, CR/LF and tabs in process names and
//! command lines, users, mount points, devices, fstypes, interface names, the hostname,
//! kernel and distribution strings, DMI and the CPU model) reach every output path —
//! `--once`, `--json`, the dashboard and its help — and no path prints a character
//! that could act on the terminal: each is replaced by `?` (the JSON escapes it).

use ctop::health;
use ctop::health::Thresholds;
use ctop::sanitize::is_unsafe;
use ctop::snapshot::{self, Snapshot};
use ctop::source::{FixedSystem, FsStats, Source, Uname};
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLEAR_AND_TITLE: &str = "\u{1b}[2J\u{1b}]0;PWNED\u{7}";
/// How the same bytes look once cleaned.
const CLEANED: &str = "?[2J?]0;PWNED?";

fn tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile/machine")
}

/// Every escape sequence in `text` is one of ctop's own colours (`ESC [ 31 m`,
/// `ESC [ 33 m`, `ESC [ 0 m` …), and no other character could act on a terminal.
fn assert_only_own_escapes(text: &str, what: &str) {
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        let after = &rest[at + 1..];
        let end = after.find('m').unwrap_or_else(|| panic!("{what}: an escape that is not a colour: {after:.20?}"));
        let sequence = &after[..end];
        assert!(
            sequence.starts_with('[') && sequence[1..].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "{what}: an escape that is not a colour: {sequence:?}"
        );
        rest = &after[end + 1..];
    }
    for (n, line) in rest.lines().enumerate() {
        let bad: Vec<char> = line.chars().filter(|&c| is_unsafe(c) && c != '\u{1b}').collect();
        assert!(bad.is_empty(), "{what}: line {n} holds {bad:?}: {line:?}");
    }
    let unsafe_outside_lines: Vec<char> =
        text.chars().filter(|&c| is_unsafe(c) && !matches!(c, '\n' | '\u{1b}')).collect();
    assert!(unsafe_outside_lines.is_empty(), "{what}: {unsafe_outside_lines:?}");
}

fn ctop(args: &[&str]) -> std::process::Output {
    let root = tree();
    let mut all = vec!["--sample-ms", "0", "--root", root.to_str().unwrap()];
    all.extend(args);
    let o = Command::new(env!("CARGO_BIN_EXE_ctop")).args(all).env_remove("NO_COLOR").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn once_prints_every_hostile_name_cleaned_with_and_without_colour() {
    for colour in ["never", "always"] {
        let text = String::from_utf8(ctop(&["--once", "--color", colour]).stdout).unwrap();
        assert_only_own_escapes(&text, &format!("--once --color {colour}"));
        // Each output path was really given a hostile string (cleaned, not dropped).
        for expected in [
            "snapshot of web?[2J?]0;PWNED?01",                       // hostname
            "Evil Linux ?]52;c;cm0gLXJmIC8K?12?",                    // distribution (OSC 52, isolate)
            "6.1.0?]52;c;cm0gLXJmIC8K?-amd64",                       // kernel release
            "#1 SMP ?31mDebian",                                     // 8-bit CSI in the kernel version
            "AWS EC2 c5.large?[2J?]0;PWNED? (KVM)",                  // DMI product name
            "Intel(R) Xeon(R)?[2J?]0;PWNED? Processor",              // CPU model
            "/srv/?[2J?]0;PWNED?data: device /dev/sdb1?[8m is gone", // a finding naming a mount
            "eth?[31m0 up but no carrier",                           // a finding naming an interface
            "/mnt/evil?gpj.sh",                                      // bidi override in a mount point
            "xfs?31m",                                               // fstype
            "?[2J?]0;PWNED? (4242)",                                 // a port's owner
            "ev?[31mil",                                             // a user name
            "tab?here??",                                            // TAB, CR, LF in comm
            "zw??sp",                                                // zero-width space and isolate
        ] {
            assert!(text.contains(expected), "--once lacks {expected:?}:\n{text}");
        }
        // Cleaned before cut: every line still fits the 80 columns.
        assert!(text.lines().all(|l| l.replace(['\u{1b}'], "").chars().count() <= 90), "{text}");
    }
}

#[test]
fn json_keeps_the_true_bytes_escaped() {
    let o = ctop(&["--json"]);
    let raw = String::from_utf8(o.stdout).unwrap();
    let unsafe_chars: Vec<char> = raw.chars().filter(|&c| is_unsafe(c) && c != '\n').collect();
    assert!(unsafe_chars.is_empty(), "raw --json holds {unsafe_chars:?}");
    let json: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json["host"]["hostname"], format!("web{CLEAR_AND_TITLE}01"));
    assert_eq!(json["host"]["distro"]["pretty_name"], "Evil Linux \u{1b}]52;c;cm0gLXJmIC8K\u{7}12\u{2066}");
    assert_eq!(json["listening"][0]["process"], CLEAR_AND_TITLE);
    assert_eq!(json["interfaces"][0]["name"], "eth\u{1b}[31m0");
    let mounts: Vec<&str> =
        json["filesystems"].as_array().unwrap().iter().filter_map(|f| f["mountpoint"].as_str()).collect();
    assert!(mounts.contains(&"/mnt/evil\u{202e}gpj.sh \u{1b}]52;c;cm0gLXJmIC8K\u{7}"), "{mounts:?}");
}

/// The hostile tree as the dashboard would show it, every mount measured.
fn hostile_snapshot() -> Snapshot {
    let mounted = |path: &str| {
        let stats = FsStats {
            block_size: 4096,
            blocks: 1000,
            blocks_free: 20,
            blocks_avail: 20,
            inodes: 100,
            inodes_free: 50,
            read_only: false,
        };
        (PathBuf::from(path), stats)
    };
    let system = FixedSystem {
        statvfs: vec![
            mounted("/"),
            mounted(&format!("/srv/{CLEAR_AND_TITLE}data")),
            mounted("/mnt/evil\u{202e}gpj.sh \u{1b}]52;c;cm0gLXJmIC8K\u{7}"),
        ],
        uname: Uname { machine: "x86_64".into(), ..Uname::default() },
        cpuid: Some("KVMKVMKVM".into()),
        now: Some(std::time::SystemTime::now()),
        ..FixedSystem::default()
    };
    let source = Source::new(tree(), Arc::new(system));
    let mut snapshot = snapshot::collect_once(&source, Duration::ZERO);
    snapshot.config_warnings = vec![format!("/home/{CLEAR_AND_TITLE}/config.toml: cannot read")];
    snapshot
}

#[test]
fn the_dashboard_and_its_help_show_every_hostile_name_cleaned_at_every_size() {
    let snapshot = hostile_snapshot();
    let findings = health::judge(&snapshot, &Thresholds::default());
    // The findings name the mounts, the interface and the configuration file.
    assert!(findings.problems.len() >= 4, "{:?}", findings.problems);
    for (width, height) in [(80, 24), (120, 40), (250, 70)] {
        for help in [false, true] {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            let mut view = View::default();
            view.help = help;
            let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
            terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
            let buf = terminal.backend().buffer();
            let what = format!("{width}×{height} help {help}");
            for y in 0..height {
                for x in 0..width {
                    let symbol = buf[(x, y)].symbol();
                    assert!(!symbol.chars().any(is_unsafe), "{what}: cell {x},{y} holds {symbol:?}");
                }
            }
            let text: String =
                (0..height).map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect();
            if help {
                assert!(text.contains("ctop keys"), "{what}:\n{text}");
                continue;
            }
            // Cleaned, not dropped: the header, a problem line and the tables say so.
            let problem = "/srv/?[2J?]0;PWNED?data: device /dev/sdb1?[8m is gone";
            for expected in
                ["web?[2J?]0;PWNED?01", "eth?[31m0", CLEANED, &problem[..problem.len().min(width as usize - 10)]]
            {
                assert!(text.contains(expected), "{what} lacks {expected:?}:\n{text}");
            }
            if width >= 250 {
                for expected in ["/srv/?[2J?]0;PWNED?data", "ev?[31mil", "AWS EC2 c5.large?[2J?]0;PWNED?", "xfs?3"] {
                    assert!(text.contains(expected), "{what} lacks {expected:?}:\n{text}");
                }
            }
        }
    }
}
