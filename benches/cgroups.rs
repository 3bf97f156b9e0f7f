//! One reading of the cgroup tree by a warm sampler (files kept open, previous readings
//! held), as the `ctop-cgroups` thread takes it every `slow_interval`: on this machine
//! as it is, with 500 unit-named cgroups added (`ctopbench-<pid>.slice/svc-NNN.service`
//! in every v1 hierarchy ctop reads and the unified one; needs root, removed at the
//! end of each benchmark), empty or with a sleeping process in each, as
//! `benches/cgroups_cost.sh` makes them; on the Kubernetes-node fixture tree; and the
//! first reading of a new sampler (the walk and every file of every cgroup), which ctop
//! takes once at start.

use ctop::collect::cgroups::CgroupSampler;
use ctop::source::{FixedSystem, Source};
use divan::Bencher;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const CGROUPS: usize = 500;

fn main() {
    divan::main();
}

/// The hierarchies the 500 cgroups go in: every cgroup/cgroup2 mount of the
/// controllers ctop reads.
fn hierarchies() -> Vec<PathBuf> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    mountinfo
        .lines()
        .filter_map(|l| {
            let (left, right) = l.split_once(" - ")?;
            let mut r = right.split_whitespace();
            let (fstype, _, options) = (r.next()?, r.next()?, r.next()?);
            let wanted = fstype == "cgroup2"
                || (fstype == "cgroup"
                    && options.split(',').any(|o| ["cpu", "cpuacct", "memory", "blkio", "pids"].contains(&o)));
            wanted.then(|| PathBuf::from(left.split_whitespace().nth(4).unwrap()))
        })
        .collect()
}

/// The slices made for a benchmark and the processes in them, removed on drop.
struct Made(Vec<PathBuf>, Vec<Child>);

impl Made {
    /// 500 cgroups in every hierarchy; with `busy`, a sleeping process in each.
    fn new(busy: bool) -> Self {
        let mut made = Self(Vec::new(), Vec::new());
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipped: 500 cgroups need root; walking this machine's tree only");
            return made;
        }
        for top in hierarchies() {
            let slice = top.join(format!("ctopbench-{}.slice", std::process::id()));
            if std::fs::create_dir(&slice).is_err() {
                continue;
            }
            made.0.push(slice.clone());
            for i in 0..CGROUPS {
                let _ = std::fs::create_dir(slice.join(format!("svc-{i:03}.service")));
            }
        }
        for i in (0..CGROUPS).filter(|_| busy) {
            let Ok(child) = Command::new("sleep").arg("100000").stdin(Stdio::null()).spawn() else { break };
            for slice in &made.0 {
                let _ = std::fs::write(slice.join(format!("svc-{i:03}.service/cgroup.procs")), child.id().to_string());
            }
            made.1.push(child);
        }
        made
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        for child in &mut self.1 {
            let _ = child.kill();
            let _ = child.wait();
        }
        for slice in &self.0 {
            for i in 0..CGROUPS {
                let _ = std::fs::remove_dir(slice.join(format!("svc-{i:03}.service")));
            }
            let _ = std::fs::remove_dir(slice);
        }
    }
}

/// Readings of this machine with 500 more cgroups, from the second on (the first lists
/// and reads everything); `sample_size` 1: one reading is milliseconds, and the
/// sampler's cadence (full readings every sixth) is part of what is measured.
fn warm_readings(bencher: Bencher, busy: bool) {
    let made = Made::new(busy);
    let mut sampler = CgroupSampler::new(Source::live());
    let seen = sampler.collect().list.len();
    eprintln!("cgroups listed: {seen}");
    bencher.bench_local(|| sampler.collect());
    drop(made);
}

#[divan::bench(sample_count = 120, sample_size = 1)]
fn reading_this_machine_with_500_more_empty(bencher: Bencher) {
    warm_readings(bencher, false);
}

#[divan::bench(sample_count = 120, sample_size = 1)]
fn reading_this_machine_with_500_more_busy(bencher: Bencher) {
    warm_readings(bencher, true);
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn first_reading_with_500_more(bencher: Bencher) {
    let made = Made::new(false);
    bencher.bench_local(|| CgroupSampler::new(Source::live()).collect().list.len());
    drop(made);
}

#[divan::bench]
fn reading_kubernetes_node_fixture(bencher: Bencher) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cgroups/k8s-node");
    let mut sampler = CgroupSampler::new(Source::new(root, Arc::new(FixedSystem::default())));
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}
