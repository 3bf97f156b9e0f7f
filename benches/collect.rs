//! Benchmarks of one pass of each collection tier on this machine: the fast tier
//! (clock, CPU, memory, limits, pressure, network) and the slow tier (filesystems,
//! listening sockets), each by a warm sampler as the dashboard's threads run them.

use ctop::snapshot::{FastSampler, SlowSampler};
use ctop::source::Source;
use divan::Bencher;

fn main() {
    divan::main();
}

#[divan::bench]
fn fast_tier(bencher: Bencher) {
    let mut sampler = FastSampler::new(Source::live());
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}

#[divan::bench]
fn slow_tier(bencher: Bencher) {
    let mut sampler = SlowSampler::new(Source::live());
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}
