//! What history costs: recording one fast-tier sample (done every second), aggregating
//! a full hour into the columns of a 250-column graph band (done per frame), and
//! rebuilding the snapshot of a past moment (done once per step). The samples are this
//! machine's fast tier, read once and repeated over an hour.

use ctop::history::{Cadence, History, Metric};
use ctop::snapshot::{FastSampler, Snapshot, Update};
use ctop::source::Source;
use divan::Bencher;
use std::time::Duration;

fn main() {
    divan::main();
}

const END_MS: i64 = 1_795_953_600_000;

fn cadence() -> Cadence {
    let s = Duration::from_secs;
    Cadence { window: s(3600), fast: s(1), slow: s(5), processes: s(30) }
}

fn an_hour() -> History {
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let fast = sampler.collect();
    let mut history = History::new(cadence());
    for s in 0..3600 {
        history.record(&Update::Fast(Box::new(fast.clone())), END_MS - (3599 - s) * 1000);
    }
    history
}

#[divan::bench]
fn record_one_fast_sample(bencher: Bencher) {
    let mut history = an_hour();
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let update = Update::Fast(Box::new(sampler.collect()));
    let mut at = END_MS;
    bencher.bench_local(|| {
        at += 1000;
        history.record(&update, at);
    });
}

/// What the graph band does per frame at 250 columns: three graphs of about 50 columns
/// over the hour (CPU, load, memory), a new sample recorded before each (as live).
#[divan::bench]
fn columns_of_an_hour(bencher: Bencher) {
    let mut history = an_hour();
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    let update = Update::Fast(Box::new(sampler.collect()));
    let mut out = Vec::new();
    let mut at = END_MS;
    bencher.bench_local(|| {
        at += 1000;
        history.record(&update, at);
        for metric in [Metric::Cpu, Metric::Load, Metric::Memory] {
            history.columns(&metric, at, 3_600_000, 50, &mut out);
        }
        divan::black_box(&out);
    });
}

#[divan::bench]
fn snapshot_of_a_past_moment(bencher: Bencher) {
    let history = an_hour();
    let live = Snapshot::default();
    bencher.bench_local(|| divan::black_box(history.snapshot_at(END_MS - 1_800_000, &live)));
}
