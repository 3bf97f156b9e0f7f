//! What the flight recorder costs: encoding one fast-tier sample (done every second
//! while recording, on the dashboard's thread) and coding it in its block (on the
//! writer's), and in a 24-hour recording at 1 s (this machine's fast tier, its
//! CPU figures varied so it does not compress to nothing; a slow tier every 5 s and a
//! process table every 30 s) opening it (the index: every block header) and seeking to
//! a moment (one block read, checked, decompressed and decoded) — the bound is
//! 50 ms for both — and what `--replay --at` does: open it and jump to a moment with the
//! hour of history before it played into the graphs and the timeline; and what the `b`
//! key costs before its moment is shown (the recording open, the last two minutes
//! played; the hour is then played by another thread, as `--at` does).

use ctop::collect::procs::ProcessScanner;
use ctop::health::Thresholds;
use ctop::history::Cadence;
use ctop::record::format;
use ctop::record::reader::Recording;
use ctop::record::replay::{Player, Shown};
use ctop::record::writer::Writer;
use ctop::record::{Identity, RecordRef};
use ctop::snapshot::{FastSampler, SlowSampler, Update};
use ctop::source::Source;
use divan::Bencher;
use std::path::Path;
use std::sync::{Arc, OnceLock};

fn main() {
    divan::main();
}

/// The recording's first second: now, as the identity written at its start says (a
/// day from a fixed date would start before that identity, which no recording does).
fn start_ms() -> i64 {
    static START: OnceLock<i64> = OnceLock::new();
    *START.get_or_init(|| (ctop::record::writer::now_ms() / 1000 + 1) * 1000)
}
const DAY_S: i64 = 86_400;

/// The sample's CBOR, as the dashboard's thread makes it for the writer.
fn body(update: &Update) -> Vec<u8> {
    let mut summary = None;
    let mut out = Vec::new();
    format::encode_record(&mut out, &RecordRef::of(update, &mut summary).unwrap()).unwrap();
    out
}

/// A day's recording, made once per run in a temporary directory.
fn a_day() -> &'static Path {
    let start_ms = start_ms();
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::live();
        let mut sampler = FastSampler::new(source.clone());
        sampler.collect();
        let mut fast = sampler.collect();
        let slow = SlowSampler::new(source.clone()).collect();
        let mut procs = ProcessScanner::new(source);
        procs.scan();
        let processes = Update::Processes(Arc::new(procs.scan()));
        let identity = Identity { interval_ms: 1000, findings: true, ..Identity::default() };
        let mut writer = Writer::open(dir.path(), 1 << 30, &identity).unwrap();
        let mut seed = 1u64;
        for s in 0..DAY_S {
            let at = start_ms + s * 1000;
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if let Some(total) = fast.cpu.total.as_mut() {
                total.user = (seed >> 40) as f64 / (1u64 << 24) as f64 * 100.0;
            }
            fast.time.epoch = at / 1000;
            writer.push(at, &body(&Update::Fast(Box::new(fast.clone()))));
            if s % 5 == 0 {
                writer.push(at, &body(&slow));
            }
            if s % 30 == 0 {
                writer.push(at, &body(&processes));
            }
            // A block a minute, as the recorder closes them.
            if s % 60 == 59 {
                writer.flush();
            }
        }
        writer.finish();
        dir
    })
    .path()
}

#[divan::bench]
fn encode_one_fast_sample(bencher: Bencher) {
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let update = Update::Fast(Box::new(sampler.collect()));
    bencher.bench_local(|| body(&update));
}

/// The writer thread's part: a fast sample narrowed and coded against the one before
/// it, as every second but a block's first.
#[divan::bench]
fn code_one_fast_sample(bencher: Bencher) {
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let (before, now) =
        (body(&Update::Fast(Box::new(sampler.collect()))), body(&Update::Fast(Box::new(sampler.collect()))));
    let mut encoder = format::DeltaEncoder::default();
    bencher.bench_local(|| {
        encoder.clear(1 << 20);
        encoder.push(start_ms(), &before).unwrap();
        encoder.push(start_ms() + 1000, &now).unwrap();
    });
}

#[divan::bench(sample_count = 20)]
fn open_a_day(bencher: Bencher) {
    let dir = a_day();
    bencher.bench_local(|| Recording::open(dir).unwrap().blocks());
}

#[divan::bench(sample_count = 50)]
fn seek_in_a_day(bencher: Bencher) {
    let mut recording = Recording::open(a_day()).unwrap();
    let start_ms = start_ms();
    let mut at = start_ms;
    bencher.bench_local(|| {
        // A different moment each time, across the whole day.
        at = start_ms + (at - start_ms + 7_919_000) % (DAY_S * 1000);
        recording.read_between(at, at).len()
    });
}

#[divan::bench(sample_count = 10)]
fn open_and_jump_with_an_hour_of_history(bencher: Bencher) {
    let s = std::time::Duration::from_secs;
    let cadence = Cadence { window: s(3600), fast: s(1), slow: s(5), processes: s(30) };
    let start_ms = start_ms();
    let mut at = start_ms + 3_600_000;
    bencher.bench_local(|| {
        at = start_ms + (at - start_ms + 7_919_000) % (DAY_S * 1000);
        let mut player = Player::new(Recording::open(a_day()).unwrap(), Thresholds::default(), cadence);
        let mut shown = Shown::new(cadence);
        player.seek(at, shown.fed());
        assert!(player.head_ms().is_some_and(|h| at - h < 60_000), "played up to the moment");
        shown.history.span()
    });
}

#[divan::bench(sample_count = 50)]
fn jump_on_a_key(bencher: Bencher) {
    let s = std::time::Duration::from_secs;
    let cadence = Cadence { window: s(3600), fast: s(1), slow: s(5), processes: s(30) };
    let start_ms = start_ms();
    let mut player = Player::new(Recording::open(a_day()).unwrap(), Thresholds::default(), cadence);
    let mut shown = Shown::new(cadence);
    let mut at = start_ms + 3_600_000;
    bencher.bench_local(|| {
        at = start_ms + (at - start_ms + 7_919_000) % (DAY_S * 1000);
        player.seek_recent(at, shown.fed());
        assert!(player.head_ms().is_some_and(|h| at - h < 60_000), "played up to the moment");
        shown.history.span()
    });
}
