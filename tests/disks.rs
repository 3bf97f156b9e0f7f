//! The filesystem list on fixture machines (fixtures/disks/*): which mounts are shown,
//! once each, with read-only, remounted-read-only and device-missing flags, and sizes
//! computed from statvfs as `df` computes them.

use ctop::collect::disks::{DiskProber, Filesystem, FsUsage, Usage};
use ctop::source::{FixedSystem, FsStats, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// 100 GiB, 60 % used, 5 % reserved for root; 6.5 M inodes, 10 % used.
const STATS: FsStats = FsStats {
    block_size: 4096,
    blocks: 26_214_400,
    blocks_free: 10_485_760,
    blocks_avail: 9_175_040,
    inodes: 6_553_600,
    inodes_free: 5_898_240,
    read_only: false,
};

fn fixture_root(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/disks").join(name)
}

/// The fixture's filesystems, statvfs answering `STATS` for each mount point listed.
fn collect(name: &str, answering: &[&str]) -> Vec<Filesystem> {
    collect_with(name, answering.iter().map(|mp| (PathBuf::from(mp), STATS)).collect())
}

fn collect_with(name: &str, statvfs: Vec<(PathBuf, FsStats)>) -> Vec<Filesystem> {
    let sys = FixedSystem { statvfs, ..FixedSystem::default() };
    DiskProber::new(Source::new(fixture_root(name), Arc::new(sys))).collect()
}

/// One line per filesystem: `fstype device mountpoint [flags]`.
fn rows(filesystems: &[Filesystem]) -> Vec<String> {
    filesystems
        .iter()
        .map(|f| {
            let mut row = format!("{} {} {}", f.fstype, f.device, f.mountpoint);
            for (set, flag) in
                [(f.read_only, "ro"), (f.remounted_read_only, "remounted-ro"), (f.device_missing, "missing")]
            {
                if set {
                    row.push(' ');
                    row.push_str(flag);
                }
            }
            row
        })
        .collect()
}

/// The mount points of [`rows`] output.
fn mountpoints<'a>(rows: &[&'a str]) -> Vec<&'a str> {
    rows.iter()
        .map(|row| {
            let mut mp = row.splitn(3, ' ').nth(2).unwrap();
            while let Some(rest) = [" ro", " remounted-ro", " missing"].iter().find_map(|flag| mp.strip_suffix(flag)) {
                mp = rest;
            }
            mp
        })
        .collect()
}

#[test]
fn debian_vm_shows_its_disks_and_tmpfs_but_no_kernel_noise() {
    let expected = [
        "tmpfs tmpfs /run",
        "ext4 /dev/vda1 /",
        "tmpfs tmpfs /dev/shm",
        "tmpfs tmpfs /run/lock",
        "ext4 /dev/vda2 /boot",
        // The superblock is read-only (xfs shut it down) while fstab mounts it rw.
        "xfs /dev/vdb1 /srv/data ro remounted-ro",
        "ext4 /dev/vdc1 /mnt/backup disk",
        "tmpfs tmpfs /run/user/1000",
    ];
    let found = collect("debian-vm", &mountpoints(&expected));
    assert_eq!(rows(&found), expected);
    // The bind mount /var/www (of /dev/vda1's /srv/www) is the root filesystem again.
    assert!(found.iter().all(|f| &*f.mountpoint != "/var/www"));
}

#[test]
fn sizes_are_computed_as_df_computes_them() {
    let found = collect("debian-vm", &["/"]);
    let root = found.iter().find(|f| &*f.mountpoint == "/").unwrap();
    let expected = FsUsage {
        size_bytes: 107_374_182_400,
        used_bytes: 64_424_509_440,
        avail_bytes: 37_580_963_840,
        inodes_total: 6_553_600,
        inodes_used: 655_360,
        inodes_free: 5_898_240,
    };
    assert_eq!(root.usage, Usage::Measured(expected));
    // df: used / (used + avail), here 64.4 / 102.0 GB.
    assert_eq!(expected.use_percent().map(|p| p.round()), Some(63.0));
    // A mount point that statvfs fails on is listed with the reason.
    let boot = found.iter().find(|f| &*f.mountpoint == "/boot").unwrap();
    assert!(matches!(&boot.usage, Usage::Unavailable { reason } if !reason.is_empty()), "{boot:?}");
}

#[test]
fn a_filesystem_without_any_size_is_left_out_as_df_leaves_it_out() {
    let mut statvfs: Vec<(PathBuf, FsStats)> = ["/", "/boot"].iter().map(|mp| (PathBuf::from(mp), STATS)).collect();
    statvfs.push((PathBuf::from("/run/lock"), FsStats { block_size: 4096, ..FsStats::default() }));
    let found = collect_with("debian-vm", statvfs);
    assert!(found.iter().any(|f| &*f.mountpoint == "/boot"));
    assert!(found.iter().all(|f| &*f.mountpoint != "/run/lock"), "{:?}", rows(&found));
}

#[test]
fn docker_container_shows_its_overlay_root_and_the_host_disk_once() {
    let found = collect("docker", &["/", "/dev", "/dev/shm", "/data", "/run/secrets"]);
    assert_eq!(
        rows(&found),
        [
            "overlay overlay /",
            "tmpfs tmpfs /dev",
            "tmpfs shm /dev/shm",
            // /etc/resolv.conf, /etc/hostname, /etc/hosts and the /data volume are all
            // the host's /dev/sda1: shown once, at the mount nearest its root.
            "ext4 /dev/sda1 /data",
            // Read-only on purpose (not in fstab): not an error.
            "tmpfs tmpfs /run/secrets ro",
        ]
    );
}

#[test]
fn nfs_btrfs_and_bind_mounts_are_each_shown_once() {
    let expected = [
        "tmpfs tmpfs /run",
        "ext4 /dev/mapper/ubuntu--vg-ubuntu--lv /",
        "tmpfs tmpfs /dev/shm",
        "tmpfs tmpfs /run/lock",
        "ext4 /dev/sda2 /boot",
        "vfat /dev/sda1 /boot/efi",
        // Two subvolumes of one btrfs: df lists both.
        "btrfs /dev/sdb /home",
        "btrfs /dev/sdb /srv/snapshots",
        // A separate disk mounted on Docker's own directory is real; what Docker mounts
        // below it (overlays, shm, netns) is not.
        "ext4 /dev/sdc1 /var/lib/docker",
        "nfs4 fileserver.example.net:/export/projects /mnt/nfs/projects",
        "nfs4 fileserver.example.net:/export/scratch /mnt/nfs/scratch",
    ];
    assert_eq!(rows(&collect("nfs-bind", &mountpoints(&expected))), expected);
}

#[test]
fn a_vanished_block_device_is_flagged_and_nothing_else() {
    let expected = [
        // Named /dev/root, but 8:1 exists.
        "ext4 /dev/root /",
        "tmpfs tmpfs /run",
        "tmpfs tmpfs /tmp",
        "btrfs /dev/sdb2 /home",
        "xfs /dev/mapper/data-mysql /var/lib/mysql",
        "zfs tank /tank",
        "nfs 192.168.10.5:/volume1/nas /mnt/nas",
        "fuse.sshfs backup@10.1.1.9:/srv /mnt/remote",
        "cifs //winsrv/share /mnt/share",
        // 8:161 is in neither /proc/partitions nor /sys/dev/block: the LUN is gone, and
        // ext4 went read-only with it.
        "ext4 /dev/sdz1 /srv/iscsi ro remounted-ro missing",
    ];
    assert_eq!(rows(&collect("lost-lun", &mountpoints(&expected))), expected);
}

#[test]
fn without_mountinfo_proc_mounts_is_read() {
    let found = collect("mounts-only", &["/", "/dev/shm", "/mnt/usb key"]);
    assert_eq!(rows(&found), ["ext4 /dev/sda1 /", "tmpfs tmpfs /dev/shm", "vfat /dev/sdb1 /mnt/usb key ro"]);
}

#[test]
fn an_empty_machine_has_no_filesystems() {
    let dir = tempfile::tempdir().unwrap();
    let mut prober = DiskProber::new(Source::new(dir.path(), Arc::new(FixedSystem::default())));
    assert!(prober.collect().is_empty());
}
