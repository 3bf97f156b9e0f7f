//! Benchmarks of one pass of each collection tier on this machine: the fast tier
//! (clock, CPU, memory, limits, pressure, network) and the slow tier (filesystems,
//! listening sockets), each by a warm sampler as the dashboard's threads run them;
//! the listening sockets and interfaces alone; and a whole `--once` collection on a
//! fixture tree. Run with many processes alive to see the socket owners' scan grow,
//! e.g. `for i in $(seq 3000); do sleep 600 & done; cargo bench --bench collect`.

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

/// Everything `--once` collects, twice with no wait between, on a fixture machine
/// tree: the whole pipeline's own cost, apart from this machine's kernel.
#[divan::bench]
fn full_pass_on_fixture_tree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/machines/centos6-2socket");
    let source = Source::new(root, std::sync::Arc::new(ctop::source::FixedSystem::default()));
    divan::black_box(ctop::snapshot::collect_once(&source, std::time::Duration::ZERO));
}

/// The disk I/O part of the fast tier alone: one pread of `/proc/diskstats` and the
/// rates of every disk.
#[divan::bench]
fn disk_io(bencher: Bencher) {
    let mut sampler = ctop::collect::diskio::DiskIoSampler::new(Source::live());
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}

/// Listening sockets by a fresh scanner, which scans processes until every socket's
/// owner is found.
#[divan::bench]
fn ports_fresh_scanner() {
    divan::black_box(ctop::collect::ports::collect(&Source::live()));
}

/// Listening sockets by a warm scanner, which starts from the owners it remembers.
#[divan::bench]
fn ports_remembered_owners(bencher: Bencher) {
    let mut scanner = ctop::collect::ports::PortScanner::new(Source::live());
    scanner.collect();
    bencher.bench_local(|| scanner.collect().len());
}

#[divan::bench]
fn interfaces(bencher: Bencher) {
    let mut net = ctop::collect::net::NetSampler::new(Source::live());
    net.collect();
    bencher.bench_local(|| net.collect().len());
}
