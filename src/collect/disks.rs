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
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Sizes as `df -B1` and `df -i` compute them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// One real mounted filesystem, listed once. The strings are shared with the prober's
/// mount table (and history's names): a node's 1,000 mounts are held once, not once per
/// copy of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filesystem {
    pub device: Arc<str>,
    pub mountpoint: Arc<str>,
    pub fstype: Arc<str>,
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

/// The mount table narrowed to what is shown: for each filesystem what statvfs is asked
/// of (its key holds the device and mount point) and, in the same order, what the rows
/// need besides.
struct MountTable {
    targets: Vec<probe::Target>,
    details: Vec<MountDetails>,
}

struct MountDetails {
    fstype: Arc<str>,
    read_only: bool,
}

impl MountTable {
    fn read(source: &Source) -> Self {
        let mounts = mounts::read(source);
        let may_hang = mounts::statfs_may_hang(&mounts);
        let (targets, details) = mounts
            .into_iter()
            .zip(may_hang)
            .map(|(m, may_hang)| {
                let key = probe::MountKey { mountpoint: m.mountpoint.into(), device: m.device.into(), dev: m.dev };
                (probe::Target { key, may_hang }, MountDetails { fstype: m.fstype.into(), read_only: m.read_only })
            })
            .unzip();
        Self { targets, details }
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
        let checked = self.checks.run(&self.source.sys, &table.targets);
        let writable = fstab::writable_mountpoints(&self.source);
        let block_devices = devices::BlockDevices::read(&self.source);
        table
            .details
            .iter()
            .zip(&table.targets)
            .zip(checked)
            .filter(|(_, checked)| !matches!(checked.usage, Usage::Measured(u) if u.size_bytes == 0))
            .map(|((details, target), checked)| {
                let key = &target.key;
                // The mount table's flags, or statvfs's: a filesystem that an error made
                // read-only says so there, with no change to the table to watch.
                let read_only = details.read_only || checked.read_only;
                Filesystem {
                    remounted_read_only: read_only && writable.contains(&*key.mountpoint),
                    device_missing: block_devices.is_missing(key.dev),
                    device: Arc::clone(&key.device),
                    mountpoint: Arc::clone(&key.mountpoint),
                    fstype: Arc::clone(&details.fstype),
                    read_only,
                    usage: checked.usage,
                }
            })
            .collect()
    }
}
