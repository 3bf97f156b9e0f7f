//! A jump in a replay (the `b` key): the moment is shown at once with the last two
//! minutes of history, and the whole window, played by another thread, then replaces
//! it — the same history, timeline, snapshot and findings as a full seek gives.

use ctop::collect::cpu::CpuUsage;
use ctop::health::Thresholds;
use ctop::history::Cadence;
use ctop::record::reader::Recording;
use ctop::record::replay::{Player, QUICK_HISTORY, Shown};
use ctop::record::writer::Writer;
use ctop::record::{Identity, RecordRef, format};
use ctop::snapshot::FastTier;
use std::path::Path;
use std::time::{Duration, Instant};

const START_MS: i64 = 1_795_953_600_000;
const SAMPLES: i64 = 20 * 60;

fn write_recording(dir: &Path) {
    let identity = Identity { interval_ms: 1000, findings: false, ..Identity::default() };
    let mut writer = Writer::open(dir, 1 << 30, &identity).unwrap();
    for s in 0..SAMPLES {
        let at = START_MS + s * 1000;
        let mut f = FastTier::default();
        f.time.epoch = at / 1000;
        // A figure that moves, so each moment's graph column is its own.
        f.cpu.total = Some(CpuUsage { user: (s % 97) as f64, ..CpuUsage::default() });
        let mut body = Vec::new();
        format::encode_record(&mut body, &RecordRef::Fast(&f)).unwrap();
        writer.push(at, &body);
        if s % 60 == 59 {
            writer.flush();
        }
    }
    writer.finish();
}

fn no_wake() {}

#[test]
fn a_jump_shows_the_moment_at_once_and_the_whole_window_when_filled() {
    let dir = tempfile::tempdir().unwrap();
    write_recording(dir.path());
    let s = Duration::from_secs;
    let cadence = Cadence { window: s(600), fast: s(1), slow: s(5), processes: s(30) };
    let at = START_MS + 15 * 60_000;

    let mut full = Player::new(Recording::open(dir.path()).unwrap(), Thresholds::default(), cadence);
    let mut whole = Shown::new(cadence);
    full.seek(at, whole.fed());

    let mut player = Player::new(Recording::open(dir.path()).unwrap(), Thresholds::default(), cadence);
    let mut shown = Shown::new(cadence);
    let mut filling = player.jump(at, shown.fed(), no_wake);
    // The moment itself, with the last two minutes behind it.
    assert_eq!(player.head_ms(), full.head_ms());
    assert_eq!(shown.snapshot.time.epoch, whole.snapshot.time.epoch);
    let (oldest, newest) = shown.history.span().unwrap();
    assert_eq!(newest, whole.history.span().unwrap().1);
    let quick_ms = QUICK_HISTORY.as_millis() as i64;
    assert!(newest - oldest <= quick_ms, "only the recent history: {} ms", newest - oldest);

    // A generous deadline, ~100x what playing ten minutes takes, that only a hang misses.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (player, filled) = loop {
        if let Some(done) = filling.take() {
            break done;
        }
        assert!(filling.pending() && Instant::now() < deadline, "the window was never filled");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(player.head_ms(), full.head_ms());
    assert_eq!(filled.history.span(), whole.history.span());
    assert_eq!(filled.history.len(), whole.history.len());
    assert!(filled.history.len() > 500, "ten minutes of samples: {}", filled.history.len());
    assert_eq!(filled.snapshot.time.epoch, whole.snapshot.time.epoch);
    assert_eq!(filled.findings.worst(), whole.findings.worst());
    assert_eq!(filled.timeline.len(), whole.timeline.len());
}
