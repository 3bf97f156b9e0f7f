//! Fuzzing the whole path from files to output: fixture machine trees (every tree in
//! `fixtures/`) spoiled at random — files truncated at a random byte, bytes flipped,
//! contents replaced by arbitrary or number-shaped garbage, files replaced by
//! directories or by links that cannot be followed — then collected once as
//! `--once`/`--json` do, judged, printed both ways and drawn as the dashboard at three
//! sizes (help open or not). A panic anywhere aborts ctop in release, so none may
//! happen; proptest catches one and shrinks it to the smallest spoiling that still
//! panics.
//!
//! Every parser of `/proc`, `/sys` and `/etc` gets its input through here, in the place
//! and the order ctop reads it. `cargo test` runs a fixed number of cases (seconds);
//! `PROPTEST_CASES=5000 cargo test --test fuzz_trees spoiled` is the long run
//! (PERFORMANCE.md, "Fuzzing", has the figure).

mod fixture_tree;

use ctop::health::{self, Thresholds};
use ctop::report;
use ctop::snapshot;
use ctop::source::{FixedSystem, FsStats, Source};
use ctop::ui::dashboard::draw;
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Cases per `cargo test` run unless PROPTEST_CASES says otherwise.
const CI_CASES: u32 = 48;

/// Every fixture directory that is a machine's root: one holding `proc`, `sys` or `etc`.
fn seed_trees() -> &'static [PathBuf] {
    static TREES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    TREES.get_or_init(|| {
        let mut trees = Vec::new();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for corpus in std::fs::read_dir(fixtures).unwrap().flatten().filter(|e| e.path().is_dir()) {
            for tree in std::fs::read_dir(corpus.path()).unwrap().flatten().map(|e| e.path()) {
                if ["proc", "sys", "etc"].iter().any(|top| tree.join(top).is_dir()) {
                    trees.push(tree);
                }
            }
        }
        trees.sort();
        assert!(trees.len() > 100, "fixture trees: {trees:?}");
        trees
    })
}

/// The regular files of a tree, sorted (symlinks are left alone: they stand for the
/// kernel's links, e.g. /proc/PID/exe).
fn files_of(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            files_of(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    out.sort();
}

/// One way of spoiling one file (chosen by index, modulo the number of files).
#[derive(Debug, Clone)]
enum Spoil {
    /// Cut at this fraction of its length (per mille).
    Truncate { file: usize, per_mille: u16 },
    /// XOR bytes at these fractions of its length.
    Flip { file: usize, at: Vec<(u16, u8)> },
    /// Replace the contents with these bytes.
    Replace { file: usize, bytes: Vec<u8> },
    /// Replace one number-looking word with an awkward one.
    Number { file: usize, nth: usize, with: &'static str },
    /// Put a directory where the file was.
    Directory { file: usize },
    /// Put a link that cannot be followed (a loop) where the file was: unreadable even
    /// for root, who reads past any permission bits.
    Unreadable { file: usize },
}

const AWKWARD_NUMBERS: &[&str] = &[
    "",
    "-1",
    "0",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "-9223372036854775808",
    "4294967296",
    "nan",
    "inf",
    "1e308",
    "0x",
    "max",
    "1.5",
    "٣",
    "\u{0}",
    "\u{1b}[2J",
];

/// Bytes that look like the kernel's files: digits, separators and a few surprises.
fn file_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => proptest::char::range('0', '9').prop_map(|c| c as u8),
        2 => Just(b' '),
        2 => Just(b'\n'),
        1 => Just(b':'),
        1 => Just(b'\t'),
        1 => Just(b'-'),
        1 => Just(b'('),
        1 => Just(b')'),
        1 => Just(b'='),
        1 => Just(b'"'),
        2 => proptest::char::range('a', 'z').prop_map(|c| c as u8),
        2 => any::<u8>(),
    ];
    prop_oneof![proptest::collection::vec(byte, 0..400), proptest::collection::vec(any::<u8>(), 0..64)]
}

fn spoil() -> impl Strategy<Value = Spoil> {
    let file = any::<usize>();
    prop_oneof![
        3 => (file, 0..1000u16).prop_map(|(file, per_mille)| Spoil::Truncate { file, per_mille }),
        3 => (file, proptest::collection::vec((0..1000u16, 1..=255u8), 1..6))
            .prop_map(|(file, at)| Spoil::Flip { file, at }),
        2 => (file, file_like_bytes()).prop_map(|(file, bytes)| Spoil::Replace { file, bytes }),
        3 => (file, 0..40usize, proptest::sample::select(AWKWARD_NUMBERS))
            .prop_map(|(file, nth, with)| Spoil::Number { file, nth, with }),
        1 => file.prop_map(|file| Spoil::Directory { file }),
        1 => file.prop_map(|file| Spoil::Unreadable { file }),
    ]
}

fn apply(spoil: &Spoil, files: &[PathBuf]) {
    let pick = |i: usize| &files[i % files.len()];
    let at = |per_mille: u16, len: usize| len * usize::from(per_mille) / 1000;
    // A file spoiled earlier may be a directory or a link by now: then nothing happens.
    match spoil {
        Spoil::Truncate { file, per_mille } => {
            if let Ok(bytes) = std::fs::read(pick(*file)) {
                let _ = std::fs::write(pick(*file), &bytes[..at(*per_mille, bytes.len())]);
            }
        }
        Spoil::Flip { file, at: flips } => {
            if let Ok(mut bytes) = std::fs::read(pick(*file))
                && !bytes.is_empty()
            {
                for (where_, xor) in flips {
                    let i = at(*where_, bytes.len()).min(bytes.len() - 1);
                    bytes[i] ^= xor;
                }
                let _ = std::fs::write(pick(*file), bytes);
            }
        }
        Spoil::Replace { file, bytes } => {
            let _ = std::fs::write(pick(*file), bytes);
        }
        Spoil::Number { file, nth, with } => {
            if let Ok(text) = std::fs::read_to_string(pick(*file)) {
                let numbers: Vec<(usize, usize)> = number_spans(&text);
                if !numbers.is_empty() {
                    let (start, end) = numbers[nth % numbers.len()];
                    let changed = format!("{}{with}{}", &text[..start], &text[end..]);
                    let _ = std::fs::write(pick(*file), changed);
                }
            }
        }
        Spoil::Directory { file } => {
            if std::fs::remove_file(pick(*file)).is_ok() {
                let _ = std::fs::create_dir(pick(*file));
            }
        }
        Spoil::Unreadable { file } => {
            if std::fs::remove_file(pick(*file)).is_ok() {
                let _ = std::os::unix::fs::symlink(pick(*file), pick(*file));
            }
        }
    }
}

/// Byte ranges of the runs of ASCII digits in a text.
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().enumerate().chain([(text.len(), b' ')]) {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    spans
}

/// Canned syscall answers, so that filesystems get sizes (and the disk panel rows).
fn fixed_system() -> Arc<FixedSystem> {
    let stats = FsStats {
        block_size: 4096,
        blocks: 1000,
        blocks_free: 10,
        blocks_avail: 5,
        inodes: 100,
        inodes_free: 1,
        read_only: false,
    };
    Arc::new(FixedSystem {
        statvfs: ["/", "/boot", "/home", "/var", "/tmp", "/data"].iter().map(|p| (PathBuf::from(p), stats)).collect(),
        ..FixedSystem::default()
    })
}

/// Collects, judges, prints and draws a tree: what must never panic.
fn run_everything(root: &Path, help: bool) {
    let source = Source::new(root, fixed_system());
    let snapshot = snapshot::collect_once(&source, Duration::ZERO);
    let findings = health::judge(&snapshot, &Thresholds::default());
    let text = report::text(&snapshot, &findings, true);
    assert!(!text.is_empty());
    report::json(&snapshot, &findings).expect("the JSON report serializes");
    for (width, height) in [(80, 24), (120, 40), (250, 70), (20, 5)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut view = View::default();
        view.help = help;
        let screen = Screen { snapshot: &snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
        terminal.draw(|frame| draw(frame, &screen, &mut view)).unwrap();
    }
}

fn config() -> ProptestConfig {
    // PROPTEST_CASES (the long run) wins over the CI default.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CI_CASES);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spoiled_fixture_trees_never_panic(
        tree in 0..10_000usize,
        spoils in proptest::collection::vec(spoil(), 1..12),
        help in any::<bool>(),
    ) {
        let seed = &seed_trees()[tree % seed_trees().len()];
        let dir = tempfile::tempdir().unwrap();
        fixture_tree::copy_tree(seed, dir.path());
        let mut files = Vec::new();
        files_of(dir.path(), &mut files);
        prop_assume!(!files.is_empty());
        for spoil in &spoils {
            apply(spoil, &files);
        }
        run_everything(dir.path(), help);
    }
}

/// Each seed tree unspoiled first: a panic there is not the fuzzer's doing.
#[test]
fn every_seed_tree_runs_as_it_is() {
    for tree in seed_trees() {
        run_everything(tree, false);
    }
}

#[test]
fn number_spans_find_every_run_of_digits() {
    assert_eq!(number_spans("cpu 12 0 345\nx9"), [(4, 6), (7, 8), (9, 12), (14, 15)]);
    assert!(number_spans("none").is_empty());
}
