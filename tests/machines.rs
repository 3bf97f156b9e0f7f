//! The CPU, memory, identity and time collectors on the fixture machine trees in
//! `fixtures/machines/`, and what a missing, empty, truncated or garbled file does
//! to them: that value becomes unknown, nothing else changes, nothing panics.

mod fixture_tree;

use fixture_tree::copy_tree;

use ctop::collect::{clock, cpu::CpuSampler, host, memory};
use ctop::snapshot::{self, Snapshot};
use ctop::source::{FixedSystem, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn machine(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/machines").join(name)
}

fn source(root: &Path) -> Source {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    Source::new(root, Arc::new(FixedSystem { now: Some(now), ..FixedSystem::default() }))
}

#[test]
fn debian_vm_identity_cpu_and_memory() {
    let s = source(&machine("debian12-vm"));
    let h = host::collect(&s);
    assert_eq!(h.hostname.as_deref(), Some("vm"));
    assert_eq!(h.kernel_name.as_deref(), Some("Linux"));
    assert_eq!(h.kernel_release.as_deref(), Some("6.18.44-fc-v657"));
    assert_eq!(h.arch.as_deref(), Some("x86_64"));

    let cpu = CpuSampler::new(s.clone()).collect();
    assert_eq!(cpu.model.model.as_deref(), Some("Intel(R) Xeon(R) Processor"));
    assert_eq!((cpu.model.sockets, cpu.model.physical_cores, cpu.model.logical_cpus), (Some(1), Some(2), 2));
    assert_eq!(cpu.model.mhz, Some(2300.0));
    assert!(cpu.total.is_none(), "one reading gives no usage");

    // Each field from its own line of the fixture's meminfo; "used" as free(1) counts
    // it, total − MemAvailable, which is not total − MemFree (page cache is not used).
    let (m, swap) = memory::collect(&s).unwrap();
    let kib = |n: u64| n * 1024;
    assert_eq!(m.total_bytes, kib(24_684_092));
    assert_eq!(m.available_bytes, kib(23_634_332), "MemAvailable");
    assert_eq!(m.free_bytes, kib(22_473_128), "MemFree");
    assert_eq!(m.used_bytes, kib(24_684_092 - 23_634_332), "total − available");
    assert_eq!(m.buffers_bytes, kib(21_052), "Buffers");
    assert_eq!(m.cached_bytes, kib(1_305_200 + 138_052), "Cached + SReclaimable");
    assert_eq!((swap.total_bytes, swap.used_bytes, swap.free_bytes), (0, 0, 0));
}

#[test]
fn old_two_socket_box_without_mem_available() {
    let s = source(&machine("centos6-2socket"));
    let cpu = CpuSampler::new(s.clone()).collect();
    assert_eq!(cpu.model.model.as_deref(), Some("Intel(R) Xeon(R) CPU E5620 @ 2.40GHz"));
    // 2 sockets × 2 cores × 2 hyperthreads, counted from cpuinfo (no sysfs `online`).
    assert_eq!((cpu.model.sockets, cpu.model.physical_cores, cpu.model.logical_cpus), (Some(2), Some(4), 8));
    assert_eq!(cpu.model.mhz, Some(1950.0));
    let load = cpu.load.unwrap();
    assert_eq!(
        (load.one, load.five, load.fifteen, load.runnable, load.entities),
        (17.52f32.into(), 12.01f32.into(), 8.33f32.into(), 9, 812)
    );

    // free's fallback without MemAvailable: free + buffers + cache (+ reclaimable slab).
    let (m, swap) = memory::collect(&s).unwrap();
    assert_eq!(m.available_bytes, (1_123_456 + 234_567 + 4_567_890 + 456_789) * 1024);
    assert_eq!(m.used_bytes, m.total_bytes - m.available_bytes);
    assert_eq!(swap.used_bytes, (8_388_604 - 2_097_151) * 1024);
    assert_eq!((swap.total_bytes, swap.free_bytes), (8_388_604 * 1024, 2_097_151 * 1024));

    let h = host::collect(&s);
    assert_eq!(h.hostname.as_deref(), Some("db-legacy-01"));
    assert_eq!(h.kernel_release.as_deref(), Some("2.6.32-754.35.1.el6.x86_64"));
    assert_eq!(h.arch, None, "2.6.32 has no /proc/sys/kernel/arch");

    let c = clock::ClockSampler::new(s.clone()).collect();
    assert_eq!(c.epoch, 1_800_000_000);
    assert_eq!(c.boot_epoch, Some(1_700_000_000));
    assert_eq!(c.uptime_seconds, Some(1_234_567.89));
    assert_eq!(c.zone, "UTC", "no /etc/localtime in the tree: UTC");
}

#[test]
fn arm64_model_and_topology_from_sysfs() {
    let s = source(&machine("arm64-graviton"));
    let cpu = CpuSampler::new(s.clone()).collect();
    assert_eq!(cpu.model.model.as_deref(), Some("ARM Neoverse-N1"));
    assert_eq!((cpu.model.sockets, cpu.model.physical_cores, cpu.model.logical_cpus), (Some(1), Some(4), 4));
    assert_eq!(cpu.model.mhz, None, "no cpu MHz line and no cpufreq");
    assert_eq!(host::collect(&s).arch.as_deref(), Some("aarch64"));
}

/// Ruins the file at the path in one way.
type Spoiler = fn(&Path);

fn snapshot_with(file: &str, spoil: impl Fn(&Path)) -> Snapshot {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&machine("centos6-2socket"), dir.path());
    spoil(&dir.path().join(file));
    snapshot::collect_once(&source(dir.path()), Duration::ZERO)
}

#[test]
fn a_spoiled_file_makes_only_its_values_unknown() {
    let spoilers: [(&str, Spoiler); 4] = [
        ("missing", |p| std::fs::remove_file(p).unwrap()),
        ("empty", |p| std::fs::write(p, "").unwrap()),
        ("truncated", |p| {
            let text = std::fs::read(p).unwrap();
            std::fs::write(p, &text[..text.len() / 3]).unwrap();
        }),
        ("garbled", |p| std::fs::write(p, b"\xff\xfe garbage: -1 x\n\0\0 not a number\n").unwrap()),
    ];
    let whole = snapshot_with("proc/version-does-not-exist", |_| {});
    assert!(whole.memory.is_some() && whole.cpu.load.is_some() && whole.host.hostname.is_some());

    for (how, spoil) in spoilers {
        // A truncated file may still hold a readable value; the others hold none.
        let unreadable = how != "truncated";
        let s = snapshot_with("proc/meminfo", spoil);
        if unreadable {
            assert!(s.memory.is_none(), "{how} meminfo");
        }
        assert_eq!(s.cpu.load, whole.cpu.load, "{how} meminfo leaves the load alone");

        let s = snapshot_with("proc/loadavg", spoil);
        if unreadable {
            assert!(s.cpu.load.is_none(), "{how} loadavg");
        }
        assert_eq!(s.memory, whole.memory, "{how} loadavg leaves memory alone");

        let s = snapshot_with("proc/cpuinfo", spoil);
        assert_eq!(s.cpu.model.logical_cpus, 8, "{how} cpuinfo: CPUs still counted from /proc/stat");
        assert_eq!(s.host, whole.host);

        let s = snapshot_with("proc/stat", spoil);
        assert!(s.cpu.total.is_none(), "{how} stat");
        assert_eq!(s.cpu.model.model, whole.cpu.model.model);

        let s = snapshot_with("proc/uptime", spoil);
        if unreadable {
            assert!(s.time.uptime_seconds.is_none(), "{how} uptime");
        }
        assert_eq!(s.time.epoch, 1_800_000_000);

        let s = snapshot_with("proc/sys/kernel/hostname", spoil);
        if how == "missing" || how == "empty" {
            assert_eq!(s.host.hostname, None, "{how} hostname");
        }
        assert_eq!(s.host.kernel_release, whole.host.kernel_release);
    }
}
