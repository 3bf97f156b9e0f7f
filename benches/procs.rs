//! Benchmarks of the process scan: a warm scanner on this machine (descriptors kept,
//! and opening stat and statm of every process each time as htop does, to show what
//! keeping them saves), a first scan (every pid new), a scan of the captured fixture
//! tree, picking the top rows out of a scan, and what `/proc/PID/io` costs per
//! process against `stat`.
//!
//! `cargo bench --bench procs`; start a few thousand `sleep`s first to see the cost at
//! scale.

use ctop::collect::procs::ProcessScanner;
use ctop::source::{FixedSystem, Source};
use divan::Bencher;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

fn main() {
    divan::main();
}

/// One scan by a scanner that has seen every process before: what each refresh costs.
#[divan::bench]
fn live_scan(bencher: Bencher) {
    let mut scanner = ProcessScanner::new(Source::live());
    scanner.scan();
    bencher.bench_local(|| scanner.scan());
}

/// The same with no descriptor kept: stat and statm opened, read and closed each time.
#[divan::bench]
fn live_scan_without_kept_descriptors(bencher: Bencher) {
    let mut scanner = ProcessScanner::with_descriptor_budget(Source::live(), 0);
    scanner.scan();
    bencher.bench_local(|| scanner.scan());
}

/// A first scan: every process is new, so its command line and status are read too.
#[divan::bench(sample_count = 20)]
fn live_first_scan(bencher: Bencher) {
    bencher.with_inputs(|| ProcessScanner::new(Source::live())).bench_local_values(|mut scanner| scanner.scan());
}

/// A warm scan of fixtures/procs/basic (20 processes, regular files).
#[divan::bench]
fn fixture_scan(bencher: Bencher) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procs/basic");
    let mut scanner = ProcessScanner::new(Source::new(root, Arc::new(FixedSystem::default())));
    scanner.scan();
    bencher.bench_local(|| scanner.scan());
}

/// The dashboard's top lists, picked from a live scan on every redraw.
#[divan::bench(args = [10, 40])]
fn top_by_cpu(bencher: Bencher, n: usize) {
    let mut scanner = ProcessScanner::new(Source::live());
    scanner.scan();
    let processes = scanner.scan();
    bencher.bench_local(|| processes.top_by_cpu(n).len());
}

/// Every process's `/proc/PID/io` opened, read and closed, as a scan reads it for the
/// processes that ran (and for every new one): its cost per file next to `stat`'s, and
/// `status` and `limits`, read to screen processes for their descriptor limit.
#[divan::bench(args = ["io", "stat", "status", "limits"])]
fn open_read_close_every(bencher: Bencher, file: &str) {
    let paths = every_pid_file(file);
    let mut buf = [0u8; 2048];
    bencher.bench_local(|| {
        paths.iter().filter_map(|p| std::fs::File::open(p).ok()?.read_at(&mut buf, 0).ok()).sum::<usize>()
    });
}

/// The same files read through descriptors kept open (pread at offset 0).
#[divan::bench(args = ["io", "stat"])]
fn pread_kept_every(bencher: Bencher, file: &str) {
    let files: Vec<_> = every_pid_file(file).iter().filter_map(|p| std::fs::File::open(p).ok()).collect();
    let mut buf = [0u8; 1024];
    bencher.bench_local(|| files.iter().filter_map(|f| f.read_at(&mut buf, 0).ok()).sum::<usize>());
}

fn every_pid_file(file: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
        .map(|e| e.path().join(file))
        .collect()
}
