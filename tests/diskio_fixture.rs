//! Disk I/O on fixture machines (fixtures/diskio): diskstats lines of old and new
//! kernels (11, 15 and 17 fields), dm and md names, partitions folded into their disk,
//! RAM disks and idle devices left out, and iostat's values from two readings a
//! second apart.

mod fixture_tree;

use ctop::collect::diskio::{DiskIo, DiskIoSampler, DiskRates};
use ctop::source::{FixedSystem, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/diskio");

/// A writable copy of a fixture machine, whose `/proc/diskstats` the test replaces.
struct Machine {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Machine {
    fn copy(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(name);
        fixture_tree::copy_tree(&Path::new(FIXTURES).join(name), &root);
        Self { _dir: dir, root }
    }

    /// Puts a reading in place as a new file, as a kernel's would be a fresh content.
    fn reading(&self, text: &str) {
        let staged = self.root.join("proc/diskstats.new");
        std::fs::write(&staged, text).unwrap();
        std::fs::rename(staged, self.root.join("proc/diskstats")).unwrap();
    }

    fn numbered(&self, n: u32) -> String {
        std::fs::read_to_string(self.root.join(format!("proc/diskstats.{n}"))).unwrap()
    }

    fn sampler(&self) -> DiskIoSampler {
        DiskIoSampler::new(Source::new(&self.root, Arc::new(FixedSystem::default())))
    }
}

/// The disks after the two readings of a machine, a second apart.
fn two_readings(name: &str) -> (Machine, Vec<DiskIo>) {
    let machine = Machine::copy(name);
    let mut sampler = machine.sampler();
    let start = Instant::now();
    machine.reading(&machine.numbered(1));
    let first = sampler.collect_at(start);
    assert!(first.iter().all(|d| d.rates.is_none()), "no rates from one reading");
    machine.reading(&machine.numbered(2));
    let disks = sampler.collect_at(start + Duration::from_secs(1));
    (machine, disks)
}

fn find<'a>(disks: &'a [DiskIo], name: &str) -> &'a DiskIo {
    disks.iter().find(|d| *d.name == *name).unwrap_or_else(|| panic!("{name} not in {disks:#?}"))
}

fn rates(disk: &DiskIo) -> DiskRates {
    disk.rates.unwrap_or_else(|| panic!("{} has no rates", disk.name))
}

fn names(disks: &[DiskIo]) -> Vec<&str> {
    disks.iter().map(|d| &*d.name).collect()
}

/// (r/s, w/s, rB/s, wB/s, r_await, w_await, aqu-sz, %util), rounded to 0.01.
fn iostat_row(r: DiskRates) -> [f64; 8] {
    [
        r.reads_per_s,
        r.writes_per_s,
        r.read_bytes_per_s,
        r.write_bytes_per_s,
        r.read_await_ms,
        r.write_await_ms,
        r.queue_size,
        r.util_percent,
    ]
    .map(|v| (v * 100.0).round() / 100.0)
}

#[test]
fn eleven_fields_of_centos_7_with_lvm_volumes_named_as_the_admin_knows_them() {
    let (_machine, disks) = two_readings("centos7-lvm");
    assert_eq!(names(&disks), ["sda", "dm-0", "dm-1"], "partitions folded, idle sr0 left out");
    let sda = find(&disks, "sda");
    assert_eq!(sda.rotational, Some(true));
    assert_eq!(iostat_row(rates(sda)), [200.0, 50.0, 26_214_400.0, 4_194_304.0, 2.0, 10.0, 1.9, 95.0]);
    let root = find(&disks, "dm-0");
    assert_eq!(root.display_name(), "centos-root");
    assert_eq!(iostat_row(rates(root)), [200.0, 50.0, 26_214_400.0, 6_242_304.0, 2.0, 10.0, 0.9, 95.0]);
    assert_eq!(find(&disks, "dm-1").label.as_deref(), Some("centos-swap"));
    assert!(root.holds("/dev/mapper/centos-root") && !sda.holds("/dev/mapper/centos-root"));
    assert!(sda.holds("/dev/sda1") && sda.holds("/dev/sda") && !sda.holds("/dev/sdb1"));
}

#[test]
fn fifteen_fields_of_ubuntu_with_nvme_and_an_md_array() {
    let (_machine, disks) = two_readings("ubuntu-nvme-md");
    assert_eq!(names(&disks), ["nvme0n1", "nvme1n1", "md0"]);
    let nvme = find(&disks, "nvme0n1");
    assert_eq!(nvme.rotational, Some(false));
    assert_eq!(iostat_row(rates(nvme)), [1000.0, 2000.0, 51_200_000.0, 51_200_000.0, 1.0, 2.0, 5.0, 50.0]);
    let md = find(&disks, "md0");
    assert_eq!(md.display_name(), "data");
    // md does not account time: iostat shows 0 for its awaits and %util too.
    assert_eq!(iostat_row(rates(md)), [2000.0, 2000.0, 102_400_000.0, 51_200_000.0, 0.0, 0.0, 0.0, 0.0]);
    assert!(md.holds("/dev/md0") && md.holds("/dev/md/data") && nvme.holds("/dev/nvme0n1p1"));
}

#[test]
fn seventeen_fields_of_debian_12_without_ram_disks() {
    let (_machine, disks) = two_readings("debian12-virtio");
    assert_eq!(names(&disks), ["vda", "vdb"], "ram0 is memory, loop0 idle");
    assert_eq!(iostat_row(rates(find(&disks, "vda"))), [10.0, 100.0, 40_960.0, 52_428_800.0, 2.0, 20.0, 3.0, 100.0]);
    assert_eq!(iostat_row(rates(find(&disks, "vdb"))), [0.0; 8]);
    assert_eq!(find(&disks, "vda").label, None);
}

#[test]
fn a_volume_removed_and_added_back_keeps_the_others_rates() {
    let (machine, _) = two_readings("centos7-lvm");
    let mut sampler = machine.sampler();
    let start = Instant::now();
    let second = machine.numbered(2);
    let without_swap: String = second.lines().filter(|l| !l.contains("dm-1")).map(|l| format!("{l}\n")).collect();
    machine.reading(&machine.numbered(1));
    sampler.collect_at(start);
    machine.reading(&without_swap);
    let disks = sampler.collect_at(start + Duration::from_secs(1));
    assert_eq!(names(&disks), ["sda", "dm-0"]);
    assert_eq!(rates(find(&disks, "dm-0")).reads_per_s, 200.0);
    machine.reading(&second);
    let disks = sampler.collect_at(start + Duration::from_secs(2));
    assert_eq!(names(&disks), ["sda", "dm-0", "dm-1"]);
    assert_eq!(find(&disks, "dm-1").rates, None, "a device seen anew has no previous reading");
    assert_eq!(rates(find(&disks, "sda")).reads_per_s, 0.0);
}

#[test]
fn garbled_or_missing_diskstats_gives_no_disks() {
    let machine = Machine::copy("debian12-virtio");
    let mut sampler = machine.sampler();
    assert!(sampler.collect().is_empty(), "no /proc/diskstats yet");
    machine.reading("254 0 vda 1 2 three\n\u{0}\u{ff}garbage\n");
    assert!(sampler.collect().is_empty());
}
