//! Mounted filesystems: `/proc/self/mountinfo` for what is mounted, statvfs(2) for
//! sizes and inodes (off the calling thread, with a deadline, because a dead network
//! mount never answers), `/proc/partitions` + `/sys/dev/block` for vanished block
//! devices, and `/etc/fstab` for what should be writable. One submodule per source:
//! `mounts` (which filesystems to show), `watch` (whether the mount table changed),
//! `probe` (statvfs with the deadline), `devices`, `fstab`.

mod devices;
mod fstab;
pub mod mounts;
mod probe;
mod watch;

use crate::source::Source;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// Sizes as `df -B1` and `df -i` compute them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FsUsage {
    pub size_bytes: u64,
    pub used_bytes: u64,
    /// Available to an unprivileged user (excludes the root reserve), as `df` shows.
    pub avail_bytes: u64,
    pub inodes_total: u64,
    pub inodes_used: u64,
    pub inodes_free: u64,
}

impl FsUsage {
    /// Use % as `df` computes it: used / (used + avail); `df` shows it rounded up.
    pub fn use_percent(&self) -> Option<f64> {
        let denom = self.used_bytes + self.avail_bytes;
        (denom > 0).then(|| self.used_bytes as f64 * 100.0 / denom as f64)
    }
    /// Inode use %; `None` for filesystems without a fixed inode table (btrfs, vfat …).
    pub fn inode_use_percent(&self) -> Option<f64> {
        (self.inodes_total > 0).then(|| self.inodes_used as f64 * 100.0 / self.inodes_total as f64)
    }
}

/// What statvfs said, or why there is no answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Usage {
    Measured(FsUsage),
    /// statvfs has not answered within the deadline (dead NFS server, lost iSCSI target).
    NotResponding {
        waiting_secs: f64,
    },
    /// statvfs failed (permission denied …): the reason.
    Unavailable {
        reason: String,
    },
}

/// One real mounted filesystem, listed once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filesystem {
    pub device: String,
    pub mountpoint: String,
    pub fstype: String,
    pub read_only: bool,
    /// `/etc/fstab` lists it read-write but it is mounted read-only now
    /// (errors=remount-ro happened).
    pub remounted_read_only: bool,
    /// Its block device no longer exists (lost iSCSI LUN, pulled disk).
    pub device_missing: bool,
    pub usage: Usage,
}

/// Lists the filesystems, and keeps track of statvfs checks still pending on hung
/// mounts across passes (so keep one prober for the life of the program).
pub struct DiskProber {
    source: Source,
    checks: probe::StatvfsChecks,
    watch: watch::MountTableWatch,
    /// The filesystems to show and what to ask statvfs, as of the last reading of the
    /// mount table: kept while the table does not change.
    table: Option<MountTable>,
    table_reads: u64,
}

struct MountTable {
    mounts: Vec<mounts::Mount>,
    targets: Vec<probe::Target>,
}

impl MountTable {
    fn read(source: &Source) -> Self {
        let mounts = mounts::read(source);
        let targets = mounts
            .iter()
            .zip(mounts::statfs_may_hang(&mounts))
            .map(|(m, may_hang)| probe::Target {
                key: probe::MountKey { mountpoint: m.mountpoint.clone(), device: m.device.clone(), dev: m.dev },
                path: PathBuf::from(&m.mountpoint),
                may_hang,
            })
            .collect();
        Self { mounts, targets }
    }
}

impl DiskProber {
    /// How long one pass waits for all statvfs answers together.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(1);

    pub fn new(source: Source) -> Self {
        Self::with_deadline(source, Self::DEFAULT_DEADLINE)
    }

    pub fn with_deadline(source: Source, deadline: Duration) -> Self {
        Self {
            watch: watch::MountTableWatch::new(&source),
            source,
            checks: probe::StatvfsChecks::new(deadline),
            table: None,
            table_reads: 0,
        }
    }

    /// Whether mount-table changes are watched (else the table is read on every pass).
    pub fn watches_mount_table(&self) -> bool {
        self.watch.is_watching()
    }

    /// How many times the mount table has been read.
    pub fn mount_table_reads(&self) -> u64 {
        self.table_reads
    }

    /// Every real mounted filesystem once, waiting at most the deadline for statvfs.
    /// Filesystems that report no size at all (ramfs, most pseudo filesystems) are left
    /// out, as `df` leaves them out. The mount table is read again only when it changed
    /// (see `watch`); sizes are asked every time.
    pub fn collect(&mut self) -> Vec<Filesystem> {
        if self.watch.changed() || self.table.is_none() {
            self.table = Some(MountTable::read(&self.source));
            self.table_reads += 1;
        }
        let Some(table) = &self.table else { return Vec::new() };
        let usages = self.checks.run(&self.source.sys, &table.targets);
        let writable = fstab::writable_mountpoints(&self.source);
        let block_devices = devices::BlockDevices::read(&self.source);
        let checks = &self.checks;
        table
            .mounts
            .iter()
            .zip(&table.targets)
            .zip(usages)
            .filter(|(_, usage)| !matches!(usage, Usage::Measured(u) if u.size_bytes == 0))
            .map(|((m, target), usage)| {
                // The mount table's flags, or statvfs's: a filesystem that an error made
                // read-only says so there, with no change to the table to watch.
                let read_only = m.read_only || checks.read_only(&target.key);
                Filesystem {
                    remounted_read_only: read_only && writable.contains(&m.mountpoint),
                    device_missing: block_devices.is_missing(m.dev),
                    device: m.device.clone(),
                    mountpoint: m.mountpoint.clone(),
                    fstype: m.fstype.clone(),
                    read_only,
                    usage,
                }
            })
            .collect()
    }
}
